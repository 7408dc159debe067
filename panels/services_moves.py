"""Moving a booking to a later session of the same route: the coordinator's answer to a late or
incomplete portfolio. Every check the page makes is made again here."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from careerpath.dates import long_date
from careerpath.services import audit_record, notification_send
from panels.agenda import first_free_slot, slots_held
from panels.allocation import allocate_standards, new_allocation_seed
from panels.models import Booking, PanelSession, SessionStatus
from panels.permissions import can_manage_session
from panels.selectors import places_taken
from panels.tasks import booking_move_send
from portfolios.applications.booking import BookingError, application_record_booking


def _same_route(one, other):
    return (
        one.organisation_id == other.organisation_id
        and one.framework_slug == other.framework_slug
        and one.route_code == other.route_code
    )


def _refuse_unless_movable(*, booking, old, new, actor, reason, today):
    if not can_manage_session(actor, old):
        raise BookingError("Only your organisation's progression coordinator can move a booking")
    if booking.cancelled_at is not None:
        raise BookingError("This booking has been given up: there is nothing to move")
    if not reason:
        raise BookingError("Give the reason for moving the booking", field="reason")
    if new is None or not can_manage_session(actor, new) or not _same_route(old, new):
        raise BookingError("Choose one of the later sessions of this route", field="session")
    if new.starts_at <= old.starts_at:
        raise BookingError(
            f"The session on {long_date(new.starts_at)} is not later than the one booked: "
            "choose a later session",
            field="session",
        )
    if new.status != SessionStatus.PLANNED or new.starts_at <= timezone.now():
        raise BookingError(
            f"The session on {long_date(new.starts_at)} is no longer open: choose another",
            field="session",
        )
    if new.submission_deadline < today:
        raise BookingError(
            f"Portfolios for the session on {long_date(new.starts_at)} were due by "
            f"{long_date(new.submission_deadline)}: choose a later session",
            field="session",
        )
    if places_taken(session=new) >= new.capacity:
        raise BookingError(
            f"The session on {long_date(new.starts_at)} is full: choose another, or arrange an "
            "extra session",
            field="session",
        )


def move_message(*, old, new, reason):
    lines = [
        f"Your place on the {new.route.title} panel has moved from {long_date(old.starts_at)} "
        f"to {long_date(new.starts_at)} at {timezone.localtime(new.starts_at):%H:%M}.",
        "",
        f"The reason: {reason}",
        "",
        "Your standards stay the same.",
        f"Submit your portfolio by {long_date(new.submission_deadline)}.",
        "The invitation to the new panel is attached, with a cancellation of the old one.",
    ]
    return "\n".join(lines)


@transaction.atomic
def booking_move(*, booking, session, actor, reason, today=None):
    """Move a live booking to a later session of its route with a place left and its deadline
    not passed. Both sessions are locked in pk order (so two moves the opposite way cannot
    deadlock), then the booking. The old booking is given up and a new one names it and the
    reason; the application keeps its standards and takes the new panel date and deadline. The
    worker is told once, after the commit, with the new invitation (at the first free slot on
    the new session's agenda, found under its lock) and the old one cancelled."""
    today = today or timezone.localdate()
    reason = (reason or "").strip()
    new_pk = getattr(session, "pk", session)
    locked = {
        locked.pk: locked
        for locked in PanelSession.objects.select_for_update(of=("self",))
        .select_related("route", "organisation", "created_by")
        .filter(pk__in={booking.session_id, new_pk})
        .order_by("pk")
    }
    old, new = locked[booking.session_id], locked.get(new_pk)
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("application__applicant", "application__route")
        .get(pk=booking.pk)
    )
    _refuse_unless_movable(booking=booking, old=old, new=new, actor=actor, reason=reason,
                           today=today)  # fmt: skip
    application = booking.application
    booking.cancelled_at, booking.cancelled_by = timezone.now(), actor
    booking.save(update_fields=["cancelled_at", "cancelled_by"])
    moved = Booking.objects.create(
        application=application, session=new, booked_by=actor, moved_from=booking,
        move_reason=reason, slot=first_free_slot(slots_held(new)),
    )  # fmt: skip
    if application.allocated_at is None:  # never drawn: drawn as a first booking would
        allocation = allocate_standards(
            policy=application.route.standards_policy or {}, seed=new_allocation_seed()
        )
        standards, seed = allocation.standards, allocation.seed
    else:
        standards, seed = application.allocated_standards, application.allocation_seed
    application_record_booking(
        application=application, panel_date=timezone.localdate(new.starts_at),
        submission_deadline=new.submission_deadline, standards=standards, seed=seed, actor=actor,
    )  # fmt: skip
    audit_record(
        actor=actor, action="panel_booking_moved", target=new,
        details={
            "application": application.pk, "from_booking": booking.pk, "to_booking": moved.pk,
            "from_session": old.pk, "to_session": new.pk, "reason": reason,
        },
    )  # fmt: skip
    notification = notification_send(
        recipient=application.applicant,
        subject=f"Your panel place has moved to {long_date(new.starts_at)}",
        body=move_message(old=old, new=new, reason=reason),
        url=reverse("panels:booking-detail", args=[application.pk]),
        email=False,  # booking_move_send e-mails it with both calendar files attached
    )
    booking_move_send.delay_on_commit(moved.pk, notification.pk)
    return moved
