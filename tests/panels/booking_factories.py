"""Applications agreed and ready to book, and sessions to book on, for the booking tests."""

import datetime

from django.utils import timezone

from panels.models import PanelSession
from portfolios.applications.agreement import attestation_record
from tests.portfolios.application_factories import start


def at(days, hour=10):
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def session_on(route, *, days, capacity=6, deadline_days=14, organisation=None):
    """A planned session `days` from today (made directly: some tests need deadlines in the
    past, which the coordinator's service refuses)."""
    starts_at = at(days)
    return PanelSession.objects.create(
        organisation_id=organisation.pk if organisation else route.framework.organisation_id,
        route=route, framework_slug=route.framework.slug, route_code=route.code,
        starts_at=starts_at, ends_at=starts_at + datetime.timedelta(hours=3),
        meeting_url="https://meet.example.org/panel", capacity=capacity,
        submission_deadline=timezone.localdate(starts_at) - datetime.timedelta(days=deadline_days),
    )  # fmt: skip


def agreed_application(worker, route):
    """An application on the route with the worker's practice supervisor and team manager both
    agreed."""
    application = start(applicant=worker, route=route)
    attestation_record(
        application=application, role="practice_supervisor", person=worker.practice_supervisor
    )
    attestation_record(application=application, role="team_manager", person=worker.team_manager)
    return application


# --- Builders for the permission matrix (tests/permission_matrix.py) ----------------------------


def _open_application(owner, *, booked):
    """An open application of the owner's: one with a live booking when `booked`, else one on
    a route they have not booked (a page that would send a booked worker on elsewhere)."""
    from frameworks.models import FrameworkStatus, ProgressionRoute
    from panels.models import Booking
    from portfolios.models import CLOSED_STATES, Application

    mine = Application.objects.filter(applicant=owner).exclude(state__in=CLOSED_STATES)
    live = Booking.objects.filter(cancelled_at__isnull=True)
    if booked:
        existing = mine.filter(panel_bookings__in=live).first()
    else:
        existing = mine.exclude(panel_bookings__in=live).first()
    if existing is not None:
        return existing
    from careerpath.models import Organisation

    organisation = owner.organisation or Organisation.objects.get(slug="medway")
    route = (
        ProgressionRoute.objects.filter(
            framework__organisation=organisation, framework__status=FrameworkStatus.PUBLISHED
        )
        .exclude(pk__in=mine.values("route"))
        .select_related("framework")
        .first()
    )
    if owner.organisation_id is None:  # a service administrator: made directly, refused anyway
        return Application.objects.create(applicant=owner, organisation=organisation, route=route)
    return start(applicant=owner, route=route)


def own_application_to_book(owner):
    return {"pk": _open_application(owner, booked=False).pk}


def own_booking(owner):
    """An application of the owner's with a live place (made directly: most councils' routes
    are not booked by the worker)."""
    from panels.models import Booking

    application = _open_application(owner, booked=True)
    if not application.panel_bookings.filter(cancelled_at__isnull=True).exists():
        session = session_on(application.route, days=60)
        Booking.objects.create(application=application, session=session, booked_by=owner)
    return {"pk": application.pk}


def application_to_agree(owner):
    """An application of someone the owner supervises, line-manages and team-manages."""
    from careerpath.models import Organisation, User

    organisation = owner.organisation or Organisation.objects.get(slug="medway")
    person = User.objects.create(
        username=f"agreed-by-{owner.username}-{User.objects.count()}", organisation=organisation,
        practice_supervisor=owner, team_manager=owner, line_manager=owner,
    )  # fmt: skip
    person.role_memberships.create(organisation=organisation, role="worker")
    return {"pk": _open_application(person, booked=False).pk}


def new_worker(like, username):
    """A worker in the same council and team as `like`, with the same managers and record (the
    demo worker has a booked application already)."""
    from careerpath.models import LevelHistory, User

    person = User.objects.create(
        username=username, first_name="Sam", last_name=username.title(),
        email=f"{username}@example.org", organisation=like.organisation, team=like.team,
        practice_supervisor=like.practice_supervisor, team_manager=like.team_manager,
        line_manager=like.line_manager, swe_registration_date=like.swe_registration_date,
        qualification_date=like.qualification_date, asye_completed=like.asye_completed,
    )  # fmt: skip
    person.role_memberships.create(organisation=like.organisation, role="worker")
    current = like.level_history.filter(ended_on__isnull=True).first()
    if current is not None:
        LevelHistory.objects.create(
            user=person, level_code=current.level_code, level_name=current.level_name,
            started_on=current.started_on, source=current.source,
        )  # fmt: skip
    return person
