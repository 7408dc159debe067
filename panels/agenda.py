"""The agenda of a panel session: each booked applicant's time slot, who sits on the panel, and
the room or meeting link; and who may read it.

A session is divided into equal slots, one per place: slot length = (ends_at - starts_at) /
capacity. Slots are numbered from 1; a booking keeps the number it was given (Booking.slot), so
a place given up elsewhere never moves anyone's time. Its times follow the session's: moving or
lengthening the session moves every slot with it.

Who reads the agenda: the session's coordinators (can_manage_session) and the people sitting on
it (membership.member_of). Anyone else with the panel member or coordinator role gets 404, so
nobody can probe for sessions; other staff get 403."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404

from careerpath.models import Role
from careerpath.permissions import has_role, require_staff
from panels.membership import member_of
from panels.models import Booking, PanelSession, SessionMember
from panels.permissions import can_manage_session

FIRST_SLOT = 1


def slot_length(session):
    return (session.ends_at - session.starts_at) / session.capacity


def slot_times(session, slot):
    """(start, end) of slot number `slot` (from 1) of the session, as aware datetimes."""
    length = slot_length(session)
    start = session.starts_at + length * (slot - FIRST_SLOT)
    return start, start + length


def first_free_slot(held):
    """The lowest slot number not in `held` (the slots of the session's live bookings)."""
    slot = FIRST_SLOT
    held = set(held)
    while slot in held:
        slot += 1
    return slot


def slots_held(session):
    """The slot numbers of the session's live bookings. Read under the session's lock when a
    place is booked (panels.services.booking_create)."""
    return set(
        Booking.objects.filter(
            session=session, cancelled_at__isnull=True, slot__isnull=False
        ).values_list("slot", flat=True)
    )


# --- Who reads it -------------------------------------------------------------------------------


def can_view_agenda(user, session):
    return can_manage_session(user, session) or member_of(user, session) is not None


def get_agenda_session_for(user, pk):
    """The session `pk` (with its route), for its coordinators and members; 404 for someone
    who holds a panel role but may not read it, 403 for other staff."""
    require_staff(user)
    session = (
        PanelSession.objects.select_related("route__framework", "organisation")
        .filter(pk=pk, organisation_id=user.organisation_id)
        .first()
    )
    if session is not None and can_view_agenda(user, session):
        return session
    if has_role(user, Role.PROGRESSION_COORDINATOR) or has_role(user, Role.PANEL_MEMBER):
        raise Http404
    raise PermissionDenied


# --- What it shows ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgendaEntry:
    booking: Booking
    starts_at: datetime.datetime | None  # None: booked before slots were kept
    ends_at: datetime.datetime | None

    @property
    def application(self):
        return self.booking.application

    @property
    def manager(self):
        """The applicant's line manager, or failing that their team manager."""
        applicant = self.application.applicant
        return applicant.line_manager or applicant.team_manager

    @property
    def standards(self):
        return self.application.allocated_standards or []


@dataclass(frozen=True)
class Agenda:
    session: PanelSession
    members: list
    entries: list


def agenda_for(session):
    """The session's agenda: members (chair first) and the live bookings in slot order, those
    without a slot last in the order they were booked. Two queries whatever the size: the
    members with their names, the bookings with the applicants, their managers and routes."""
    members = list(
        SessionMember.objects.filter(session=session)
        .select_related("person")
        .order_by("role", "person__last_name", "person__first_name", "pk")
    )
    bookings = (
        Booking.objects.filter(session=session, cancelled_at__isnull=True)
        .select_related(
            "application__applicant__line_manager",
            "application__applicant__team_manager",
            "application__route",
        )
        .order_by("booked_at", "pk")
    )
    entries = [
        AgendaEntry(booking, *(slot_times(session, booking.slot) if booking.slot else (None, None)))
        for booking in bookings
    ]
    entries.sort(key=lambda entry: (entry.booking.slot is None, entry.booking.slot or 0))
    return Agenda(session=session, members=members, entries=entries)
