"""Cover for absent managers (annual leave, sickness): a manager hands the reviews that wait for
them to a named colleague for a period; the progression coordinator may record it for a manager
who is away. The delegator, the delegate or a coordinator may end it early."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from careerpath import services
from careerpath.forms_cover import CoverForm
from careerpath.models import Delegation, Role, User
from careerpath.permissions import has_role, is_staff_member
from careerpath.selectors import delegations_of

COVER_RELATED = ("delegator", "delegate")


def may_cover(user):
    """The reviewing roles: their steps can be covered, and they may cover others'."""
    return is_staff_member(user) and has_role(user, *services.COVERING_ROLES)


def _require_covering_role(user):
    if not may_cover(user):
        raise PermissionDenied


def _is_coordinator(user):
    return has_role(user, Role.PROGRESSION_COORDINATOR)


def get_delegation_for(user, pk):
    """Cover the person gave or holds, or (for a coordinator) any in their council; 404
    otherwise, for cover that does not exist and cover that is not theirs alike."""
    mine = Q(delegator_id=user.pk) | Q(delegate_id=user.pk)
    if _is_coordinator(user):
        mine = Q()
    delegation = (
        Delegation.objects.filter(mine, pk=pk, organisation_id=user.organisation_id)
        .select_related("organisation", *COVER_RELATED)
        .first()
    )
    if delegation is None:
        raise Http404
    return delegation


def colleagues_of(user):
    """The council's active managers and progression coordinators, by name."""
    return (
        User.objects.filter(
            organisation_id=user.organisation_id,
            is_active=True,
            role_memberships__role__in=services.COVERING_ROLES,
            role_memberships__organisation_id=user.organisation_id,
        )
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


@dataclass(frozen=True)
class CoverGroups:
    current: list
    future: list
    past: list


def _grouped(delegations, today):
    current, future, past = [], [], []
    for delegation in delegations:
        if delegation.ended_at is not None or delegation.ends_on < today:
            past.append(delegation)
        elif delegation.starts_on > today:
            future.append(delegation)
        else:
            current.append(delegation)
    return CoverGroups(current, future, past)


def cover_list(request):
    user = request.user
    _require_covering_role(user)
    today = timezone.localdate()
    mine = list(delegations_of(user)[:200])
    # The coordinator sees everyone's cover in the council, to record and end it for them.
    others = []
    if _is_coordinator(user):
        others = list(
            Delegation.objects.filter(organisation_id=user.organisation_id)
            .exclude(Q(delegator_id=user.pk) | Q(delegate_id=user.pk))
            .select_related(*COVER_RELATED)
            .order_by("-ends_on", "-id")[:200]
        )
    return render(request, "careerpath/cover_list.html", {
        "given": _grouped([d for d in mine if d.delegator_id == user.pk], today),
        "held": _grouped([d for d in mine if d.delegate_id == user.pk], today),
        "others": _grouped(others, today) if _is_coordinator(user) else None,
        "today": today,
    })  # fmt: skip


def cover_create(request):
    user = request.user
    _require_covering_role(user)
    on_behalf = _is_coordinator(user)
    colleagues = colleagues_of(user)
    form = CoverForm(
        request.POST if request.method == "POST" else None,
        managers=colleagues if on_behalf else None,
        # Recording one's own cover, one cannot choose oneself; a coordinator may cover others.
        colleagues=colleagues if on_behalf else colleagues.exclude(pk=user.pk),
        on_behalf=on_behalf,
        initial={"delegator": user.pk} if on_behalf else {},
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            delegation = services.delegation_create(
                delegator=data.get("delegator") or user, delegate=data["delegate"],
                starts_on=data["starts_on"], ends_on=data["ends_on"],
                reason=data["reason_text"], created_by=user,
            )  # fmt: skip
        except services.DelegationError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _created_message(delegation))
            return redirect("careerpath:cover-list")
    return render(request, "careerpath/cover_create.html", {
        "form": form, "on_behalf": on_behalf,
    })  # fmt: skip


def _name(person):
    return person.get_full_name() or person.username


def _created_message(delegation):
    return (
        f"{_name(delegation.delegate)} covers for {_name(delegation.delegator)} from "
        f"{delegation.starts_on:%-d %B %Y} to {delegation.ends_on:%-d %B %Y}: we have told them"
    )


@require_POST
def cover_end(request, pk):
    user = request.user
    _require_covering_role(user)
    delegation = get_delegation_for(user, pk)
    try:
        ended = services.delegation_end(delegation=delegation, actor=user)
    except services.DelegationError as refused:
        messages.error(request, str(refused))
    else:
        if ended:
            messages.success(
                request,
                f"{_name(delegation.delegate)} no longer covers for {_name(delegation.delegator)}",
            )
        else:
            messages.info(request, "That cover had already ended")
    return redirect("careerpath:cover-list")
