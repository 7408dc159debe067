"""Applications waiting for the progression coordinator to book them (routes whose coordinator
books after referral), and sessions with their agenda, for the coordinator's booking and agenda
tests and the permission matrix."""

import itertools

from careerpath.models import Organisation, User
from panels.models import Booking
from portfolios.applications import workflow
from portfolios.applications.workflow import TRANSITIONS, sources_on_route, transition_apply
from portfolios.models import Application
from tests.panels.appeal_factories import WALK
from tests.panels.booking_factories import new_worker, session_on
from tests.panels.pack_factories import plain_route, seat
from tests.portfolios.application_factories import start
from tests.portfolios.review_factories import managed_worker

_numbers = itertools.count(1)


def _actor(application, name):
    """Someone in the council who may take this transition."""
    predicate = workflow.ACTORS[TRANSITIONS[name].actor]
    people = User.objects.filter(organisation_id=application.organisation_id, is_active=True)
    return next(person for person in people.order_by("pk") if predicate(person, application))


def confirmed(worker, route):
    """The worker's application on the route, referred or started, and taken through the review
    steps the route uses to the state its decision starts from. Call
    tests.panels.appeal_factories.guards_hold(monkeypatch) first."""
    application = start(applicant=worker, route=route)
    for name in WALK:
        transition = TRANSITIONS[name]
        if transition.uses(workflow.route_workflow(route)) and application.state in (
            sources_on_route(transition, route)
        ):
            transition_apply(application=application, name=name, actor=_actor(application, name))
    application.refresh_from_db()
    return application


def dudley_worker(demo_people):
    """A new social worker in Dudley, with the demo worker's managers and record."""
    return new_worker(demo_people["dudley.worker"], f"dudley-applicant-{next(_numbers)}")


def booked_on(session, *, count, booked_by):
    """`count` applications of new workers on the session's route, each with a live place in
    the next slot and three standards (made directly: the agenda is what is tested)."""
    bookings = []
    for number in range(count):
        worker = managed_worker(session.organisation, line_manager=booked_by)
        application = Application.objects.create(
            applicant=worker, organisation=session.organisation, route=session.route,
            allocated_standards=[1, 4, number % 9 + 1],
        )  # fmt: skip
        bookings.append(
            Booking.objects.create(
                application=application, session=session, booked_by=booked_by, slot=number + 1
            )
        )
    return bookings


# --- Builders for the permission matrix (tests/permission_matrix.py) ----------------------------


def application_for_coordinator(owner):
    """An application of someone else in the owner's council: the coordinator's booking page
    answers for any of them (saying why one cannot be booked)."""
    organisation = owner.organisation or Organisation.objects.get(slug="medway")
    worker = managed_worker(organisation)
    application = Application.objects.create(
        applicant=worker, organisation=organisation, route=plain_route(organisation)
    )
    return {"pk": application.pk}


def own_agenda(owner):
    """A session of the owner's council with one booking; the owner sits on it when they hold
    the panel member role (coordinators read every agenda of their council)."""
    from careerpath.models import Role
    from careerpath.permissions import has_role

    organisation = owner.organisation or Organisation.objects.get(slug="medway")
    session = session_on(plain_route(organisation), days=30)
    booked_on(session, count=1, booked_by=owner)
    if owner.organisation_id and has_role(owner, Role.PANEL_MEMBER):
        seat(session, owner)
    return {"pk": session.pk}
