"""Demand for a route's panel: when a session of the route is full and more people wait for the
route than the places left on its other sessions, the coordinator is offered an extra session
(Lincolnshire's route: "a fourth panel may be convened if there are a high number of
applicants"). Computed on read, in a fixed number of queries.

Who waits for a place, by how the route books:
- the worker books (Lincolnshire): an application not yet heard (being written, under review,
  or to be heard again) whose managers have agreed, without a live place on a session still to
  come;
- the coordinator books (Dudley): an application in the state the decision starts from (or
  waiting for a new hearing), without a live place on a session still to come.
"""

import datetime
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Exists, OuterRef, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone

from careerpath.dates import long_date
from careerpath.selectors import AttentionItem
from careerpath.working_days import is_working_day
from panels.models import Booking, PanelSession, SessionStatus
from panels.permissions import is_progression_coordinator, sessions_managed_by
from panels.scheduling import lead_days, submission_deadline_for
from panels.selectors import with_places_taken
from portfolios.applications.agreement import agreement_complete
from portfolios.applications.booking import COORDINATOR_BOOKS, WORKER_BOOKS, booking_mode
from portfolios.applications.steps import (
    UNDER_REVIEW,
    WITH_THE_WORKER,
    review_sources,
    route_workflow,
)
from portfolios.models import CLOSED_STATES, Application, ApplicationState

BEFORE_A_HEARING = (*WITH_THE_WORKER, *UNDER_REVIEW, ApplicationState.NEW_HEARING)


@dataclass(frozen=True)
class ExtraSessionOffer:
    full_session: PanelSession
    waiting: int  # people who cannot have a place on any session of the route still open
    proposed_date: datetime.date

    @property
    def route(self):
        return self.full_session.route

    @property
    def label(self):
        people = "1 person is" if self.waiting == 1 else f"{self.waiting} people are"
        month = f"{self.full_session.starts_at:%B}"
        return f"The {month} panel is full and {people} waiting: arrange an extra session"

    @property
    def url(self):
        query = urlencode({"route": self.route.pk, "date": self.proposed_date.isoformat()})
        return f"{reverse('panels:session-create')}?{query}"


def route_key(route):
    """Sessions and applications of every version of a route share its framework slug and code."""
    return (route.framework.slug, route.code)


def _session_key(session):
    return (session.framework_slug, session.route_code)


def is_full(session):
    """Reads places_taken (selectors.with_places_taken)."""
    return session.places_taken >= session.capacity


def waits_for_a_place(application):
    """Whether the application waits for a place (see the module's docstring). Reads the route's
    rules and the attestations, so prefetch them."""
    mode = booking_mode(application.route)
    if mode == WORKER_BOOKS:  # not yet heard: being written, under review, or to be heard again
        return application.state in BEFORE_A_HEARING and agreement_complete(application)
    if mode == COORDINATOR_BOOKS:
        decided_from = review_sources(route_workflow(application.route))["decide"]
        return application.state in (decided_from, ApplicationState.NEW_HEARING)
    return False


def waiting_by_route(*, organisation_id, keys, now):
    """{route key: how many applications wait for a place}, for the routes named by `keys`.
    Three queries: the open applications without a place still to come, with their routes; the
    routes' rules; the attestations."""
    if not keys:
        return Counter()
    place_to_come = Booking.objects.filter(
        application=OuterRef("pk"), cancelled_at__isnull=True, session__starts_at__gt=now
    )
    applications = list(
        Application.objects.filter(
            organisation_id=organisation_id,
            route__framework__slug__in={slug for slug, _ in keys},
            route__code__in={code for _, code in keys},
        )
        .exclude(state__in=CLOSED_STATES)
        .exclude(Exists(place_to_come))
        .select_related("route__framework")
    )
    prefetch_related_objects(applications, "route__rules", "attestations")
    return Counter(
        route_key(application.route)
        for application in applications
        if route_key(application.route) in keys and waits_for_a_place(application)
    )


def proposed_date_after(session, *, taken, today):
    """A week after the full session, on a working day the route has no session on, late enough
    for portfolios to be due no earlier than a week from today."""
    panel = session.route.panel
    day = timezone.localdate(session.starts_at) + datetime.timedelta(days=7)
    earliest = today + datetime.timedelta(days=lead_days(panel)[0] + 7)
    day = max(day, earliest)
    while (
        not is_working_day(day)
        or day in taken
        or submission_deadline_for(panel=panel, session_date=day) < today
    ):
        day += datetime.timedelta(days=1)
    return day


def extra_session_offers(*, user, sessions=None, now=None, today=None):
    """An offer per route with a full session still to come and more people waiting than the
    places left on its sessions still open for portfolios. `sessions` (annotated with
    places_taken, with their routes and frameworks) saves a query when the page has them."""
    if not is_progression_coordinator(user):
        return []
    now, today = now or timezone.now(), today or timezone.localdate()
    if sessions is None:
        sessions = (
            with_places_taken(sessions_managed_by(user))
            .filter(status=SessionStatus.PLANNED, starts_at__gt=now)
            .select_related("route__framework")
            .order_by("starts_at", "pk")
        )
    upcoming = {}
    for session in sorted(sessions, key=lambda session: (session.starts_at, session.pk)):
        if session.status == SessionStatus.PLANNED and session.starts_at > now:
            upcoming.setdefault(_session_key(session), []).append(session)
    full = {key: group for key, group in upcoming.items() if any(map(is_full, group))}
    waiting = waiting_by_route(organisation_id=user.organisation_id, keys=set(full), now=now)
    offers = []
    for key, group in full.items():
        places_left = sum(
            session.capacity - session.places_taken
            for session in group
            if session.submission_deadline >= today and not is_full(session)
        )
        short = waiting[key] - places_left
        if short <= 0:
            continue
        last_full = [session for session in group if is_full(session)][-1]
        taken = {timezone.localdate(session.starts_at) for session in group}
        offers.append(
            ExtraSessionOffer(
                full_session=last_full,
                waiting=short,
                proposed_date=proposed_date_after(last_full, taken=taken, today=today),
            )
        )
    return sorted(offers, key=lambda offer: offer.full_session.starts_at)


def capacity_attention(user):
    """Home page items for coordinators: where a full panel leaves people waiting."""
    return [
        AttentionItem(
            label=offer.label,
            url=offer.url,
            hint=f"{offer.route.title}: propose {long_date(offer.proposed_date)}",
        )
        for offer in extra_session_offers(user=user)
    ]
