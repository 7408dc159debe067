"""Changes to panel sessions. Each runs in a transaction and writes an audit event in it.

Every check the pages make is made again here, so a request built by hand cannot get round it:
the route must be a published route of the coordinator's own council with a panel, the deadline
before the session, the capacity at least one and never below the places already taken."""

import datetime

from django.db import transaction
from django.utils import timezone

from careerpath.services import audit_record
from panels.models import PanelSession, SessionStatus
from panels.permissions import can_manage_session, is_progression_coordinator, routes_for_sessions
from panels.scheduling import submission_deadline_for
from panels.selectors import arranged_dates, places_taken

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


def local_datetime(day, time):
    """A date and a wall-clock time in the service's time zone, as an aware datetime."""
    return timezone.make_aware(datetime.datetime.combine(day, time))


def session_version(session):
    """What an edit form carries to say which copy of the session it was opened on."""
    return session.updated_at.isoformat()


@transaction.atomic
def panel_session_update(*, session, actor, seen_version, **changes):
    """Change a planned session's details. Refused when the session changed since the form was
    opened (seen_version, from session_version), so nobody's edit is silently overwritten."""
    session = PanelSession.objects.select_for_update().get(pk=session.pk)
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
    """Cancel a planned session. Cancelling it again changes nothing. (When bookings exist, the
    people booked are told here, after the commit.)"""
    session = PanelSession.objects.select_for_update().get(pk=session.pk)
    if not can_manage_session(actor, session):
        raise PanelSessionError("Only your organisation's progression coordinator can cancel this")
    if session.status == SessionStatus.CANCELLED:
        return session
    if session.status != SessionStatus.PLANNED:
        raise PanelSessionError("This session has been held: it cannot be cancelled")
    session.status, session.cancelled_at = SessionStatus.CANCELLED, timezone.now()
    session.save(update_fields=["status", "cancelled_at", "updated_at"])
    audit_record(actor=actor, action="panel_session_cancelled", target=session)
    return session
