"""Who may do what, written once. Views, templates and querysets all ask these predicates.

Everything is scoped to the person's own organisation: a role held in one council gives nothing
in another. Fetchers answer 404 both for what does not exist and for what the person may not see,
so nobody can probe for other people's records."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from careerpath.models import Notification, Role

STAFF_ROLES = frozenset(Role.values)


def roles_of(user):
    """The roles a person holds in their own organisation, read once per request."""
    if not user.is_authenticated or user.organisation_id is None:
        return frozenset()
    cached = getattr(user, "_careerpath_roles", None)
    if cached is None:
        cached = frozenset(
            user.role_memberships.filter(organisation_id=user.organisation_id).values_list(
                "role", flat=True
            )
        )
        user._careerpath_roles = cached
    return cached


def has_role(user, *roles):
    return bool(roles_of(user) & set(roles))


def is_staff_member(user):
    """Signed in, active, and holding at least one role in their organisation."""
    return user.is_authenticated and user.is_active and bool(roles_of(user))


def can_view_notification(user, notification):
    return user.is_authenticated and notification.recipient_id == user.pk


def can_use_admin(user):
    """The admin is the framework editor's tool (scoped to their council's drafts), HR's for
    the council's outcome letter templates, and the service administrators'. Each model's admin
    says who sees it; models without such a rule are the service administrators' only."""
    return user.is_active and (
        user.is_superuser or has_role(user, Role.FRAMEWORK_EDITOR) or has_role(user, Role.HR)
    )


def require_staff(user):
    if not is_staff_member(user):
        raise PermissionDenied


def require_role(user, *roles):
    """403 unless the person is active staff holding one of the roles (in their own council:
    roles are held in one organisation)."""
    if not (is_staff_member(user) and has_role(user, *roles)):
        raise PermissionDenied


def get_notification_for(user, pk):
    notification = Notification.objects.filter(pk=pk).first()
    if notification is None or not can_view_notification(user, notification):
        raise Http404
    return notification
