"""Demo panel sessions: each coordinator whose council's routes sit on a regular cadence has the
coming year's sessions, dated from today so the demo stays fresh. Safe to run again: a date that
already has a session is skipped."""

import datetime

from django.db import transaction
from django.utils import timezone

from careerpath.demo import demo_username
from careerpath.models import User
from frameworks.models import FrameworkStatus, ProgressionRoute
from panels.models import SessionStatus
from panels.permissions import routes_for_sessions
from panels.scheduling import has_regular_cadence, propose_sessions
from panels.selectors import bookable_sessions
from panels.services import booking_create, panel_sessions_create_from_proposals

# Where each council's demo panel meets. Lincolnshire's panel is held online (its seed, line 47);
# Dudley's seed names no place, so the room is made up for the demo.
PLACES = {
    "lincolnshire": {"meeting_url": "https://meet.example.org/lincolnshire-progression-panel"},
    "dudley": {"location": "Centre for Professional Practice, meeting room 1"},
}


@transaction.atomic
def demo_sessions_load(*, today=None):
    tomorrow = (today or timezone.localdate()) + datetime.timedelta(days=1)
    created = []
    for slug, place in PLACES.items():
        coordinator = User.objects.filter(username=demo_username(slug, "coordinator")).first()
        if coordinator is None:
            continue
        for route in routes_for_sessions(coordinator).select_related("framework"):
            if not has_regular_cadence(route.panel):
                continue
            proposals = propose_sessions(panel=route.panel, year_start=tomorrow)
            created += panel_sessions_create_from_proposals(
                actor=coordinator,
                route=route,
                dates=[proposal.date for proposal in proposals],
                start_time=datetime.time(10, 0),
                end_time=datetime.time(13, 0),
                capacity=6,
                meeting_url=place.get("meeting_url", ""),
                location=place.get("location", ""),
            )
    return created


# Colleagues of the Lincolnshire demo worker (demo people like the rest), booked on the first
# panel so the coordinator sees bookings.
COLLEAGUES = ("colleague-1", "colleague-2")
# Two more, booked with the worker (or on the first panel, see below): the reviewers' demo
# (portfolios/demo_reviews.py) writes and submits their portfolios, for the practice
# supervisor's report and the team manager's endorsement.
WITH_THE_WORKER = ("colleague-3", "colleague-4")


def _agree_and_book(*, person, route, session):
    from portfolios.applications.agreement import attestation_record
    from portfolios.applications.services import application_start
    from portfolios.models import CLOSED_STATES, Application

    application = (
        Application.objects.filter(applicant=person, route__code=route.code)
        .exclude(state__in=CLOSED_STATES)
        .first()
    ) or application_start(applicant=person, route=route)
    for role in ("practice_supervisor", "team_manager"):
        attestation_record(application=application, role=role, person=getattr(person, role))
    return booking_create(application=application, session=session, actor=person)


@transaction.atomic
def demo_bookings_load():
    """The Lincolnshire worker, agreed by their practice supervisor and team manager, booked on
    the April panel with their standards; two colleagues booked on the first panel. Safe to run
    again: an application already booked keeps its place."""
    worker = User.objects.filter(username=demo_username("lincolnshire", "worker")).first()
    if worker is None or worker.practice_supervisor is None or worker.team_manager is None:
        return []
    route = (
        ProgressionRoute.objects.filter(
            framework__organisation_id=worker.organisation_id,
            framework__status=FrameworkStatus.PUBLISHED,
        )
        .select_related("framework")
        .filter(standards_policy__mode="allocated")
        .first()
    )
    sessions = list(
        bookable_sessions(route=route).filter(status=SessionStatus.PLANNED)
        if route is not None
        else []
    )
    april = next((s for s in sessions if timezone.localtime(s.starts_at).month == 4), None)
    if april is None:
        return []
    bookings = [_agree_and_book(person=worker, route=route, session=april)]
    first = sessions[0]
    colleagues = User.objects.filter(
        username__in=[demo_username("lincolnshire", key) for key in COLLEAGUES]
    ).select_related("practice_supervisor", "team_manager")
    for colleague in colleagues:
        bookings.append(_agree_and_book(person=colleague, route=route, session=first))
    # With the worker in April while evidence dated this week is still recent on its deadline
    # (they submit at once); later in the year, on the first panel.
    session = april if (april.submission_deadline - timezone.localdate()).days < 150 else first
    for colleague in User.objects.filter(
        username__in=[demo_username("lincolnshire", key) for key in WITH_THE_WORKER]
    ).select_related("practice_supervisor", "team_manager"):
        if not colleague.applications.exists():  # booked once; then theirs to submit
            bookings.append(_agree_and_book(person=colleague, route=route, session=session))
    return bookings
