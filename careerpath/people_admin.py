"""The organisation administrator's side of the council's people: who may act, what they see (the
people with search and filters, one person's roles, managers, employment facts and level
history, the audit trail and its export) and the role changes they make, each with a reason.

Everything is scoped to the administrator's own council: another council's people answer 404,
and a role is only ever granted in the person's (and the administrator's) own council."""

import csv
import datetime
import json
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from careerpath.models import AuditEvent, Role, RoleMembership, User
from careerpath.permissions import has_role, is_staff_member, require_role
from careerpath.selectors import AttentionItem
from careerpath.services import audit_record

CSV_CHUNK = 2000

# --- Who may act --------------------------------------------------------------------------------


def is_organisation_admin(user):
    return is_staff_member(user) and has_role(user, Role.ORGANISATION_ADMIN)


def require_organisation_admin(user):
    require_role(user, Role.ORGANISATION_ADMIN)


def people_for_admin(user):
    """The people the administrator may see: their own council's, never another's."""
    if not is_organisation_admin(user):
        return User.objects.none()
    return User.objects.filter(organisation_id=user.organisation_id)


def get_person_for_admin(user, pk):
    """A person of the administrator's council; 404 for anyone else, as if they did not exist."""
    person = (
        people_for_admin(user)
        .filter(pk=pk)
        .select_related(
            "organisation", "team", "line_manager", "practice_supervisor", "team_manager"
        )  # fmt: skip
        .first()
    )
    if person is None:
        raise Http404
    return person


def get_membership_for_admin(user, person, pk):
    """One of the person's roles in their council (the administrator's council too); 404 else."""
    membership = (
        RoleMembership.objects.filter(pk=pk, user=person, organisation_id=user.organisation_id)
        .select_related("granted_by")
        .first()
    )
    if membership is None:
        raise Http404
    return membership


# --- The people ---------------------------------------------------------------------------------

ACTIVE, LEAVER = "active", "leaver"
NO_LINE_MANAGER, NO_TEAM = "line_manager", "team"


@dataclass(frozen=True)
class PeopleFilters:
    search: str = ""  # name, e-mail or employee number
    team_id: int | None = None
    role: str = ""
    status: str = ""  # ACTIVE, LEAVER or "" for everyone
    contract_type: str = ""
    missing: str = ""  # NO_LINE_MANAGER or NO_TEAM: people without one


def _council_roles(organisation_id):
    return Prefetch(
        "role_memberships",
        queryset=RoleMembership.objects.filter(organisation_id=organisation_id).order_by("role"),
        to_attr="council_roles",
    )


def people_list(*, user, filters=PeopleFilters()):
    """The council's people matching the filters, by name, with their team and line manager
    (one query) and their roles in the council (one more, for the page shown)."""
    people = people_for_admin(user)
    if filters.search:
        for word in filters.search.split():
            people = people.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(username__icontains=word)
                | Q(email__icontains=word)
                | Q(employee_number__iexact=word)
            )
    if filters.team_id:
        people = people.filter(team_id=filters.team_id)
    if filters.role:
        people = people.filter(
            pk__in=RoleMembership.objects.filter(
                organisation_id=user.organisation_id, role=filters.role
            ).values("user_id")
        )
    if filters.status == ACTIVE:
        people = people.filter(is_active=True)
    elif filters.status == LEAVER:
        people = people.filter(is_active=False)
    if filters.contract_type:
        people = people.filter(contract_type=filters.contract_type)
    if filters.missing == NO_LINE_MANAGER:
        people = people.filter(line_manager__isnull=True)
    elif filters.missing == NO_TEAM:
        people = people.filter(team__isnull=True)
    return (
        people.select_related("team", "line_manager")
        .prefetch_related(_council_roles(user.organisation_id))
        .order_by("last_name", "first_name", "username", "pk")
    )


def person_roles(person):
    """The person's roles in their own council, with who granted each."""
    return list(
        RoleMembership.objects.filter(user=person, organisation_id=person.organisation_id)
        .select_related("granted_by")
        .order_by("role")
    )


def person_level_history(person):
    return list(person.level_history.order_by("-started_on", "-pk"))


def roles_to_grant(held):
    """The roles the person does not hold yet, as (value, label) choices."""
    held_values = {membership.role for membership in held}
    return [(value, label) for value, label in Role.choices if value not in held_values]


# --- Role changes -------------------------------------------------------------------------------


class RoleChangeError(Exception):
    """A role change that cannot be made, with a message for the administrator."""


def _check_may_change(actor, person):
    if not is_organisation_admin(actor) or person.organisation_id != actor.organisation_id:
        # Never a message that tells them someone of another council exists.
        raise RoleChangeError("You can only change the roles of people in your own council")


def _reason(reason):
    reason = " ".join((reason or "").split())
    if not reason:
        raise RoleChangeError("Give the reason for the change")
    return reason


def _name(person):
    return person.get_full_name() or person.username


def role_grant(*, person, role, reason, actor):
    """Give the person a role in their (and the administrator's) council, recording who granted
    it and why. Refused for another council's person, an unknown role, a leaver, or a role the
    person already holds."""
    _check_may_change(actor, person)
    if role not in Role.values:
        raise RoleChangeError("Choose a role from the list")
    reason = _reason(reason)
    label = Role(role).label
    with transaction.atomic():
        person = User.objects.select_for_update(of=("self",)).get(pk=person.pk)
        if not person.is_active:
            raise RoleChangeError(f"{_name(person)} has left: a leaver cannot be given a role")
        try:
            with transaction.atomic():
                membership = RoleMembership.objects.create(
                    user=person, organisation_id=person.organisation_id, role=role,
                    granted_by=actor,
                )  # fmt: skip
        except IntegrityError as held:
            raise RoleChangeError(f"{_name(person)} is already {label.lower()}") from held
        audit_record(
            actor=actor, action="role.grant", target=person, organisation=actor.organisation,
            details={"role": role, "role_name": label, "reason": reason},
        )  # fmt: skip
    return membership


def role_remove(*, membership, reason, actor):
    """Take a role away, with the reason. An administrator cannot remove their own
    administrator role (another administrator must), so the council always keeps one.
    False when the role had been removed already."""
    person = membership.user
    _check_may_change(actor, person)
    if membership.organisation_id != actor.organisation_id:
        raise RoleChangeError("You can only change the roles of people in your own council")
    if membership.role == Role.ORGANISATION_ADMIN and person.pk == actor.pk:
        raise RoleChangeError(
            "You cannot remove your own administrator role: ask another administrator"
        )
    reason = _reason(reason)
    with transaction.atomic():
        locked = (
            RoleMembership.objects.select_for_update(of=("self",)).filter(pk=membership.pk).first()
        )
        if locked is None:
            return False
        locked.delete()
        audit_record(
            actor=actor, action="role.remove", target=person, organisation=actor.organisation,
            details={"role": membership.role, "role_name": membership.get_role_display(),
                     "reason": reason},
        )  # fmt: skip
    return True


# --- The audit trail ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditFilters:
    action: str = ""
    person: str = ""  # who did it, or whom it was about: a name or username
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


def audit_actions(*, user):
    """The actions recorded in the council's audit trail, for the filter's choices."""
    return list(
        AuditEvent.objects.filter(organisation_id=user.organisation_id)
        .order_by("action")
        .values_list("action", flat=True)
        .distinct()
    )


def _day_start(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def audit_events(*, user, filters=AuditFilters()):
    """The council's audit trail (never another council's), newest first, with who did each."""
    if not is_organisation_admin(user):
        return AuditEvent.objects.none()
    events = AuditEvent.objects.filter(organisation_id=user.organisation_id)
    if filters.action:
        events = events.filter(action=filters.action)
    for word in filters.person.split():
        events = events.filter(
            Q(actor__first_name__icontains=word)
            | Q(actor__last_name__icontains=word)
            | Q(actor__username__icontains=word)
            | Q(target_repr__icontains=word)
        )
    if filters.date_from:
        events = events.filter(created_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        events = events.filter(
            created_at__lt=_day_start(filters.date_to + datetime.timedelta(days=1))
        )
    return events.select_related("actor").order_by("-created_at", "-id")


CSV_HEADER = ("When", "Who", "Username", "Action", "About", "Reason", "Details")
_INJECTION = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value):
    """A cell a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_INJECTION) else text


class _Echo:
    def write(self, value):
        return value


def audit_csv_rows(*, user, filters):
    """The export, line by line: the header, then the events read in chunks from one query."""
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_HEADER)
    rows = audit_events(user=user, filters=filters).values_list(
        "created_at", "actor__first_name", "actor__last_name", "actor__username", "action",
        "target_repr", "details",
    )  # fmt: skip
    for created_at, first, last, username, action, about, details in rows.iterator(
        chunk_size=CSV_CHUNK
    ):
        details = details or {}
        cells = (
            timezone.localtime(created_at).isoformat(timespec="seconds"),
            " ".join(part for part in (first, last) if part) or username or "The system",
            username or "",
            action,
            about,
            details.get("reason", "") if isinstance(details, dict) else "",
            json.dumps(details, sort_keys=True, default=str) if details else "",
        )
        yield writer.writerow([csv_safe(cell) for cell in cells])


# --- Home page ----------------------------------------------------------------------------------


def admin_attention(user):
    """The administrator's home page items: active people without a line manager, and without
    a team, each linking to the people list filtered to them."""
    if not is_organisation_admin(user):
        return []
    active = people_for_admin(user).filter(is_active=True)
    items = []
    for missing, count, what in (
        (NO_LINE_MANAGER, active.filter(line_manager__isnull=True).count(), "a line manager"),
        (NO_TEAM, active.filter(team__isnull=True).count(), "a team"),
    ):
        if count:
            people = "person" if count == 1 else "people"
            items.append(
                AttentionItem(
                    label=f"{count} {people} without {what}",
                    url=f"{reverse('careerpath:people')}?status={ACTIVE}&missing={missing}",
                    hint="Active staff of your council",
                )
            )
    return items
