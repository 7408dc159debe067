"""Changes to panel sessions. Each runs in a transaction and writes an audit event in it.

Every check the pages make is made again here, so a request built by hand cannot get round it:
the route must be a published route of the coordinator's own council with a panel, the deadline
before the session, the capacity at least one and never below the places already taken."""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from careerpath.services import audit_record, notification_send
from panels.agenda import first_free_slot, slot_times, slots_held
from panels.allocation import allocate_standards, new_allocation_seed
from panels.coordinator_bookings import can_book_for, too_soon
from panels.coordinator_bookings import refusal as coordinator_booking_refusal
from panels.models import Booking, PanelSession, SessionStatus
from panels.permissions import (
    can_book,
    can_manage_session,
    is_progression_coordinator,
    routes_for_sessions,
)
from panels.scheduling import lead_days, submission_deadline_for
from panels.selectors import (
    allocated_standards_of,
    arranged_dates,
    eligible_on,
    live_booking_for,
    local_datetime,
    long_date,
    places_taken,
    session_version,
)
from panels.tasks import booking_confirmation_send
from portfolios.applications.agreement import agreement_missing, role_name
from portfolios.applications.booking import (
    COORDINATOR_BOOKS,
    WORKER_BOOKS,
    BookingError,
    application_record_booking,
    application_record_booking_cancelled,
    booking_mode,
)
from portfolios.models import CLOSED_STATES, Application, ApplicationState

# The fields a coordinator may change, in the order the audit records them.
EDITABLE_FIELDS = (
    "starts_at",
    "ends_at",
    "meeting_url",
    "location",
    "capacity",
    "submission_deadline",
    "notes",
)


class PanelSessionError(Exception):
    """A change that cannot be made, with a message for the person who asked. `field` names the
    form field it is about, when there is one."""

    def __init__(self, message, *, field=None, code=None):
        super().__init__(message)
        self.field = field
        self.code = code


def _check_details(*, starts_at, ends_at, capacity, meeting_url, location, submission_deadline):
    if not meeting_url and not location:
        raise PanelSessionError("Give an online meeting link or a room, or both", field="location")
    if ends_at <= starts_at:
        raise PanelSessionError("The session must end after it starts", field="end_time")
    if capacity is None or capacity < 1:
        raise PanelSessionError("Capacity must be 1 or more", field="capacity")
    if submission_deadline >= timezone.localdate(starts_at):
        raise PanelSessionError(
            "The submission deadline must be before the day of the session",
            field="submission_deadline",
        )


def _audit_value(value):
    return value.isoformat() if isinstance(value, (datetime.date, datetime.datetime)) else value


@transaction.atomic
def panel_session_create(
    *,
    actor,
    route,
    starts_at,
    ends_at,
    capacity,
    meeting_url="",
    location="",
    submission_deadline=None,
    notes="",
):
    """Arrange a session for a route. Without a deadline, it is the route's lead time before
    the session (panels.scheduling.submission_deadline_for)."""
    if not is_progression_coordinator(actor):
        raise PanelSessionError("Only a progression coordinator can arrange panel sessions")
    if not routes_for_sessions(actor).filter(pk=route.pk).exists():
        raise PanelSessionError(
            "Choose a published route of your organisation that has a panel", field="route"
        )
    if starts_at <= timezone.now():
        raise PanelSessionError("A new session must be in the future", field="date")
    if submission_deadline is None:
        submission_deadline = submission_deadline_for(
            panel=route.panel, session_date=timezone.localdate(starts_at)
        )
    _check_details(
        starts_at=starts_at, ends_at=ends_at, capacity=capacity, meeting_url=meeting_url,
        location=location, submission_deadline=submission_deadline,
    )  # fmt: skip
    session = PanelSession.objects.create(
        organisation_id=route.framework.organisation_id,
        route=route,
        framework_slug=route.framework.slug,
        route_code=route.code,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        meeting_url=meeting_url,
        location=location,
        submission_deadline=submission_deadline,
        notes=notes,
        created_by=actor,
    )
    audit_record(
        actor=actor, action="panel_session_created", target=session,
        details={field: _audit_value(getattr(session, field)) for field in EDITABLE_FIELDS},
    )  # fmt: skip
    return session


@transaction.atomic
def panel_sessions_create_from_proposals(*, actor, route, dates, start_time, end_time, **details):
    """Create one session on each proposed date, all or none. A date the route already has a
    live session on is skipped, so a second click creates nothing twice. Returns the new
    sessions."""
    taken = arranged_dates(route=route)
    created = []
    for day in sorted(set(dates)):
        if day in taken:
            continue
        created.append(
            panel_session_create(
                actor=actor,
                route=route,
                starts_at=local_datetime(day, start_time),
                ends_at=local_datetime(day, end_time),
                **details,
            )
        )
    return created


@transaction.atomic
def panel_session_update(*, session, actor, seen_version, **changes):
    """Change a planned session's details. Refused when the session changed since the form was
    opened (seen_version, from session_version), so nobody's edit is silently overwritten."""
    session = PanelSession.objects.select_for_update(of=("self",)).get(pk=session.pk)
    if not can_manage_session(actor, session):
        raise PanelSessionError("Only your organisation's progression coordinator can change this")
    if session.status != SessionStatus.PLANNED:
        raise PanelSessionError(
            f"This session is {session.get_status_display().lower()}: it cannot be changed"
        )
    if seen_version != session_version(session):
        raise PanelSessionError(
            "Someone changed this session after you opened it. Your changes are still below: "
            "check them against the session as it is now, then save again.",
            code="stale",
        )
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    old = {field: getattr(session, field) for field in changes}
    new = {field: value for field, value in changes.items() if old[field] != value}
    if not new:
        return session
    if "starts_at" in new and new["starts_at"] <= timezone.now():
        raise PanelSessionError("A session cannot be moved into the past", field="date")
    values = {field: getattr(session, field) for field in EDITABLE_FIELDS} | new
    _check_details(
        starts_at=values["starts_at"], ends_at=values["ends_at"], capacity=values["capacity"],
        meeting_url=values["meeting_url"], location=values["location"],
        submission_deadline=values["submission_deadline"],
    )  # fmt: skip
    taken = places_taken(session=session)
    if values["capacity"] < taken:
        raise PanelSessionError(
            f"{taken} places are booked already: capacity cannot be less than that",
            field="capacity",
        )
    for field, value in new.items():
        setattr(session, field, value)
    session.save(update_fields=[*new, "updated_at"])
    audit_record(
        actor=actor, action="panel_session_changed", target=session,
        details={
            "old": {field: _audit_value(old[field]) for field in new},
            "new": {field: _audit_value(value) for field, value in new.items()},
        },
    )  # fmt: skip
    return session


@transaction.atomic
def panel_session_cancel(*, session, actor):
    """Cancel a planned session. Cancelling it again changes nothing. Its places are given up
    (the applications keep their standards, for booking another session) and the people booked
    are told after the commit, with a calendar cancellation attached."""
    session = PanelSession.objects.select_for_update(of=("self",)).get(pk=session.pk)
    if not can_manage_session(actor, session):
        raise PanelSessionError("Only your organisation's progression coordinator can cancel this")
    if session.status == SessionStatus.CANCELLED:
        return session
    if session.status != SessionStatus.PLANNED:
        raise PanelSessionError("This session has been held: it cannot be cancelled")
    session.status, session.cancelled_at = SessionStatus.CANCELLED, timezone.now()
    session.save(update_fields=["status", "cancelled_at", "updated_at"])
    audit_record(actor=actor, action="panel_session_cancelled", target=session)
    _bookings_release(session=session, actor=actor)
    return session


def _bookings_release(*, session, actor):
    """Give up every live place on a cancelled session and tell each person booked."""
    bookings = list(
        Booking.objects.select_for_update(of=("self",))
        .filter(session=session, cancelled_at__isnull=True)
        .select_related("application__applicant", "application__route")
    )
    for booking in bookings:
        booking.cancelled_at, booking.cancelled_by = session.cancelled_at, actor
        booking.save(update_fields=["cancelled_at", "cancelled_by"])
        application_record_booking_cancelled(application=booking.application, actor=actor)
        notification = notification_send(
            recipient=booking.application.applicant,
            subject=f"Your panel on {long_date(session.starts_at)} is cancelled",
            body=f"The {booking.application.route.title} panel on "
            f"{long_date(session.starts_at)} has been cancelled, so your place on it is given "
            "up. Your standards stay the same: book a place on another session.",
            url=reverse("panels:application-book", args=[booking.application_id]),
            email=False,  # booking_confirmation_send attaches the calendar cancellation
        )
        booking_confirmation_send.delay_on_commit(booking.pk, notification.pk)


# --- Booking a place --------------------------------------------------------------------------


def _refuse_unless_bookable(*, application, actor):
    """Refuses unless the actor may book this application. Returns True when the progression
    coordinator books it (panels.coordinator_bookings), False when the applicant does."""
    if not can_book(actor, application) and can_book_for(actor, application):
        reason = coordinator_booking_refusal(application)
        if reason:
            raise BookingError(reason)
        return True
    if not can_book(actor, application):
        raise BookingError("Only the applicant can book their place on a panel")
    if application.state in CLOSED_STATES:
        raise BookingError(
            f"This application is {application.get_state_display().lower()}: "
            "it cannot be booked on a panel"
        )
    mode = booking_mode(application.route)
    if mode == COORDINATOR_BOOKS:
        # Booked by the progression coordinator once the application is confirmed: that step
        # comes with the panel's own pages, not here.
        raise BookingError(
            "On this route the progression coordinator books your place after your application "
            "is confirmed: you do not need to book one"
        )
    if mode != WORKER_BOOKS:
        raise BookingError("This route has no panel to book")
    missing = agreement_missing(application)
    if missing:
        raise BookingError(
            f"Your {' and '.join(role_name(role) for role in missing)} must agree before you "
            "can book a place"
        )
    return False


def _refuse_unless_open(*, session, application, today, by_coordinator=False):
    route = application.route
    if (
        session is None
        or session.organisation_id != application.organisation_id
        or session.framework_slug != route.framework.slug
        or session.route_code != route.code
    ):
        raise BookingError("Choose one of the sessions offered for your route", field="session")
    if session.status != SessionStatus.PLANNED or session.starts_at <= timezone.now():
        raise BookingError(
            f"The session on {long_date(session.starts_at)} is no longer open: choose another",
            field="session",
        )
    if by_coordinator:
        # The portfolio is in already: what counts is the route's lead time before the panel.
        if too_soon(session, route=route, today=today):
            raise BookingError(
                f"The session on {long_date(session.starts_at)} is less than "
                f"{lead_days(route.panel)[0]} days away: choose a later session",
                field="session",
            )
        return
    if session.submission_deadline < today:
        raise BookingError(
            f"Portfolios for the session on {long_date(session.starts_at)} were due by "
            f"{long_date(session.submission_deadline)}: choose a later session",
            field="session",
        )


def _refuse_unless_eligible(*, session, application, today):
    ready = eligible_on(person=application.applicant, route=application.route, on=today)
    panel_day = timezone.localdate(session.starts_at)
    if ready is None:
        raise BookingError(
            "Your record does not show a date the route counts from (such as your Social Work "
            "England registration date), so we cannot tell when you will be eligible: ask HR "
            "to add it",
            field="session",
        )
    if ready > panel_day:
        raise BookingError(
            f"You will be eligible on {long_date(ready)}, after the session on "
            f"{long_date(session.starts_at)}: choose a session on or after that date",
            field="session",
        )


def booking_message(*, booking, standards):
    """What the worker is told: the session, the standards with their titles, the deadline."""
    session = booking.session
    where = " and ".join(
        part
        for part in (
            f"in {session.location}" if session.location else "",
            "online" if session.meeting_url else "",
        )
        if part
    )
    starts, ends = slot_times(session, booking.slot) if booking.slot else (session.starts_at, None)
    until = f" to {timezone.localtime(ends):%H:%M}" if ends else ""
    lines = [
        f"You have a place on the {session.route.title} panel on {long_date(session.starts_at)} "
        f"at {timezone.localtime(starts):%H:%M}{until}, {where}.",
        "",
        "The standards you will evidence:",
        *(f"- {standard.number}. {standard.title}" for standard in standards),
        "",
        f"Submit your portfolio by {long_date(session.submission_deadline)}.",
        "The calendar invitation for the panel is attached.",
    ]
    return "\n".join(lines)


@transaction.atomic
def booking_create(*, application, session, actor, today=None):
    """Book the applicant a place on a session of their route. The session's row is locked
    first, so two people can never both take its last place; then the application's. The first
    booking draws the standards by the route's policy with a fresh seed; a later one keeps
    them. Booking the same session again changes nothing. The worker is told after the commit,
    with the calendar invitation attached."""
    today = today or timezone.localdate()
    session = (
        PanelSession.objects.select_for_update(of=("self",))
        .select_related("route", "created_by", "organisation")
        .filter(pk=getattr(session, "pk", session))
        .first()
    )
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("applicant", "route__framework", "route__from_level")
        .prefetch_related("route__rules", "attestations")
        .get(pk=application.pk)
    )
    by_coordinator = _refuse_unless_bookable(application=application, actor=actor)
    _refuse_unless_open(
        session=session, application=application, today=today, by_coordinator=by_coordinator
    )
    live = live_booking_for(application=application)
    if live is not None and live.session_id == session.pk:
        return live
    if live is not None:
        raise BookingError(
            f"{'This application has' if by_coordinator else 'You already have'} a place on "
            f"the panel on {long_date(live.session.starts_at)}: give it up before you choose "
            "another",
            field="session",
        )
    if places_taken(session=session) >= session.capacity:
        raise BookingError(
            f"The session on {long_date(session.starts_at)} is full: choose another",
            field="session",
        )
    if not by_coordinator:
        # The coordinator books only what has been confirmed (or heard) already: the route's
        # eligibility was checked on the way.
        _refuse_unless_eligible(session=session, application=application, today=today)
    if application.allocated_at is None:
        allocation = allocate_standards(
            policy=application.route.standards_policy or {}, seed=new_allocation_seed()
        )
        standards, seed = allocation.standards, allocation.seed
    else:  # drawn at an earlier booking: the worker can never redraw them
        standards, seed = application.allocated_standards, application.allocation_seed
    # Under the session's lock: nobody else is taking a slot of it at the same time.
    booking = Booking.objects.create(
        application=application, session=session, booked_by=actor,
        slot=first_free_slot(slots_held(session)),
    )  # fmt: skip
    application = application_record_booking(
        application=application, panel_date=timezone.localdate(session.starts_at),
        submission_deadline=session.submission_deadline, standards=standards, seed=seed,
        actor=actor,
    )  # fmt: skip
    audit_record(
        actor=actor, action="panel_place_booked", target=session,
        details={"application": application.pk, "booking": booking.pk, "slot": booking.slot,
                 "standards": application.allocated_standards,
                 "booked_by_coordinator": by_coordinator},
    )  # fmt: skip
    notification = notification_send(
        recipient=application.applicant,
        subject=f"Your place on the {session.route.title} panel, {long_date(session.starts_at)}",
        body=booking_message(
            booking=booking, standards=allocated_standards_of(application=application)
        ),
        url=reverse("panels:booking-detail", args=[application.pk]),
        email=False,  # booking_confirmation_send e-mails it with the invitation attached
    )
    booking_confirmation_send.delay_on_commit(booking.pk, notification.pk)
    return booking


@transaction.atomic
def booking_cancel(*, booking, actor):
    """Give up a place (the applicant) or take it back (the coordinator), before the session.
    The application keeps its standards for the next booking. Cancelling again changes
    nothing."""
    session = PanelSession.objects.select_for_update(of=("self",)).get(pk=booking.session_id)
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("application")
        .get(pk=booking.pk)
    )
    if booking.cancelled_at is not None:
        return booking
    if not (can_book(actor, booking.application) or can_manage_session(actor, session)):
        raise BookingError("Only the applicant or the progression coordinator can cancel this")
    if session.starts_at <= timezone.now():
        raise BookingError("The session has started: the booking cannot be cancelled")
    booking.cancelled_at, booking.cancelled_by = timezone.now(), actor
    booking.save(update_fields=["cancelled_at", "cancelled_by"])
    application_record_booking_cancelled(application=booking.application, actor=actor)
    audit_record(
        actor=actor, action="panel_place_cancelled", target=session,
        details={"application": booking.application_id, "booking": booking.pk},
    )  # fmt: skip
    return booking


def booking_release_on_withdrawal(sender, instance, update_fields=None, **kwargs):
    """post_save of an application: when it is withdrawn, its place on a session still to come
    is given up, in the same transaction, so someone else can take it. (A signal, because the
    workflow lives in portfolios, which never imports panels.)"""
    if update_fields is None or "state" not in update_fields:
        return
    if instance.state != ApplicationState.WITHDRAWN:
        return
    live = Booking.objects.filter(
        application=instance, cancelled_at__isnull=True, session__starts_at__gt=timezone.now()
    ).first()
    if live is not None:
        booking_cancel(booking=live, actor=instance.applicant)
