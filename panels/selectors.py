"""Reads for the panel pages. Each page's queries are fixed here, whatever the data size."""

import datetime

from django.db.models import IntegerField, Value
from django.urls import reverse
from django.utils import dateformat, timezone

from careerpath.selectors import AttentionItem
from panels.models import PanelSession, SessionStatus
from panels.permissions import (
    routes_for_sessions,
    sessions_managed_by,
    sessions_visible_to,
)


def long_date(value):
    """8 April 2027, the way GOV.UK writes dates (a datetime in the service's time zone)."""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)
    return dateformat.format(value, "j F Y")


def with_places_taken(sessions):
    """Annotate each session with places_taken. There are no bookings yet (they need
    applications); when the Booking model arrives this becomes a Count of its live bookings,
    and every page that shows places reads it from here."""
    return sessions.annotate(places_taken=Value(0, output_field=IntegerField()))


def places_taken(*, session):
    """How many places on one session are booked. The service that changes capacity checks
    against it."""
    return 0


def sessions_for_route(*, route):
    """A route's sessions, whichever framework version they were arranged on: the same council,
    framework slug and route code."""
    return PanelSession.objects.filter(
        organisation_id=route.framework.organisation_id,
        framework_slug=route.framework.slug,
        route_code=route.code,
    )


def arranged_dates(*, route):
    """The days the route already has a session on (cancelled ones do not count)."""
    return {
        timezone.localdate(starts_at)
        for starts_at in sessions_for_route(route=route)
        .exclude(status=SessionStatus.CANCELLED)
        .values_list("starts_at", flat=True)
    }


def _upcoming_first(sessions, *, now):
    upcoming = [session for session in sessions if session.starts_at >= now]
    past = [session for session in sessions if session.starts_at < now]
    return upcoming + past[::-1]


def session_list_for(*, user, now=None):
    """The coordinator's sessions grouped by route (framework slug and code, so versions share a
    group), upcoming first and soonest first, then past ones, most recent first."""
    now = now or timezone.now()
    sessions = list(
        with_places_taken(sessions_managed_by(user))
        .select_related("route__framework")
        .order_by("starts_at", "pk")
    )
    groups = {}
    for session in _upcoming_first(sessions, now=now):
        key = (session.framework_slug, session.route_code)
        groups.setdefault(key, {"route": session.route, "sessions": []})
        groups[key]["sessions"].append(session)
    return sorted(groups.values(), key=lambda group: group["route"].title)


def upcoming_sessions_for(*, user, now=None):
    """Planned sessions still to come in the person's council, grouped by route."""
    now = now or timezone.now()
    sessions = (
        with_places_taken(sessions_visible_to(user))
        .filter(status=SessionStatus.PLANNED, starts_at__gte=now)
        .select_related("route__framework")
        .order_by("starts_at", "pk")
    )
    groups = {}
    for session in sessions:
        key = (session.framework_slug, session.route_code)
        groups.setdefault(key, {"route": session.route, "sessions": []})
        groups[key]["sessions"].append(session)
    return list(groups.values())


def session_routes_for(*, user):
    return (
        routes_for_sessions(user).select_related("framework").order_by("framework__title", "order")
    )


def coordinator_attention(user, *, limit=3):
    """Home page items for progression coordinators: the next sessions, and where to arrange
    more."""
    sessions = (
        sessions_managed_by(user)
        .filter(status=SessionStatus.PLANNED, starts_at__gte=timezone.now())
        .select_related("route")
        .order_by("starts_at")[:limit]
    )
    items = [
        AttentionItem(
            label=f"{session.route.title}: panel on {long_date(session.starts_at)}, "
            f"portfolios due {long_date(session.submission_deadline)}",
            url=reverse("panels:session-edit", args=[session.pk]),
        )
        for session in sessions
    ]
    items.append(
        AttentionItem(
            label="Arrange panel sessions for the coming year",
            url=reverse("panels:session-propose"),
        )
    )
    return items


def session_initial(*, session):
    """A session's details as the edit form shows them, in the service's time zone."""
    starts, ends = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
    return {
        "date": starts.date(),
        "start_time": starts.time(),
        "end_time": ends.time(),
        "meeting_url": session.meeting_url,
        "location": session.location,
        "capacity": session.capacity,
        "submission_deadline": session.submission_deadline,
        "notes": session.notes,
        "saved_version": session.updated_at.isoformat(),
    }
