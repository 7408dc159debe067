"""Who may see and change evidence, written once. Today an item is its owner's alone; reviewers of
an application and its panel will be added here, in can_view_evidence and evidence_visible_to."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from careerpath.models import Role
from careerpath.permissions import has_role, is_staff_member
from portfolios.models import EvidenceFile, EvidenceItem


def keeps_evidence(user):
    """Workers are the ones who keep a library; anyone on staff may (managers progress too),
    so the pages are open to staff and only workers are led to them."""
    return has_role(user, Role.WORKER)


def evidence_visible_to(user):
    """The queryset behind every evidence page: the same rule as can_view_evidence."""
    if not is_staff_member(user):
        return EvidenceItem.objects.none()
    return EvidenceItem.objects.filter(owner_id=user.pk)


def can_view_evidence(user, item):
    return (
        is_staff_member(user) and item.owner_id == user.pk
        # Reviewers of an application holding the item, and its panel, will be added here.
    )


def can_change_evidence(user, item):
    """Edit, add or replace files, move to the bin: the owner, while it is in the library."""
    return can_view_evidence(user, item) and not item.in_bin and not item.is_read_only


def get_evidence_item_for(user, pk, *, in_bin=False, change=False):
    """An item in the library (or, with in_bin, in the bin); 404 when missing or not theirs,
    403 when asked to change one they may only read."""
    items = evidence_visible_to(user)
    items = items.in_bin() if in_bin else items.in_library()
    item = items.filter(pk=pk).first()
    if item is None or not can_view_evidence(user, item):
        raise Http404
    if change and not can_change_evidence(user, item):
        raise PermissionDenied
    return item


def get_evidence_file_for(user, pk, *, change=False):
    """A file version of an item in the library; 404 when missing or not theirs, 403 when
    asked to change one they may only read."""
    evidence_file = EvidenceFile.objects.select_related("item").filter(pk=pk).first()
    if (
        evidence_file is None
        or evidence_file.item.in_bin
        or not can_view_evidence(user, evidence_file.item)
    ):
        raise Http404
    if change and not can_change_evidence(user, evidence_file.item):
        raise PermissionDenied
    return evidence_file
