"""Applications waiting for their decision, for the decision tests and the permission matrix."""

from careerpath.models import Organisation, Role, User
from frameworks.models import FrameworkStatus, ProgressionRoute
from panels.models import MemberRole
from portfolios.applications import workflow
from portfolios.applications.steps import route_workflow
from portfolios.applications.workflow import transition_apply
from portfolios.models import Application
from tests.panels.booking_factories import session_on
from tests.panels.pack_factories import booked_application, seat
from tests.portfolios.review_factories import managed_worker, route_in, submitted_application

MEDWAY_ROUTE = ("medway", "SW2A-SW2B")  # the line manager decides


def waiting_for_line_manager(line_manager, *, team_manager=None, name="Sam", route=None):
    """A worker managed by `line_manager`, their application submitted on a route whose line
    manager decides (Medway's by default): the decision is the next (and only) step."""
    organisation = line_manager.organisation or Organisation.objects.get(slug="medway")
    worker = managed_worker(
        organisation, line_manager=line_manager, team_manager=team_manager, name=name
    )
    return submitted_application(worker, route or route_in(*MEDWAY_ROUTE))


def own_application_to_decide(owner):
    """For the permission matrix: a submitted application, on a route of the owner's council
    whose line manager decides, of a worker the owner line manages."""
    organisation = owner.organisation or Organisation.objects.get(slug="medway")
    route = next(
        route
        for route in ProgressionRoute.objects.filter(
            framework__organisation=organisation, framework__status=FrameworkStatus.PUBLISHED
        )
        .select_related("framework", "to_level")
        .order_by("framework__slug", "order")
        if route_workflow(route)["decided_by"] == "line_manager"
        and not route_workflow(route)["referral_by"]
    )
    return {"pk": waiting_for_line_manager(owner, route=route).pk}


def lincolnshire_hearing(demo_people, monkeypatch):
    """An application on Lincolnshire's L1-L2, through its manager's report and endorsement, booked
    on a session sitting today with a chair and a member (neither manages the applicant)."""
    from tests.panels.appeal_factories import HOLDING

    monkeypatch.setattr(
        workflow, "GUARDS", {**workflow.GUARDS, **dict.fromkeys(HOLDING, lambda *a: None)}
    )
    route = ProgressionRoute.objects.select_related("framework", "to_level").get(
        framework__organisation__slug="lincolnshire", framework__status="published", code="L1-L2"
    )
    people = demo_people
    session = session_on(route, days=0)  # sitting today
    application = booked_application(
        session, booked_by=people["lincolnshire.coordinator"],
        practice_supervisor=people["lincolnshire.practice-supervisor"],
        line_manager=people["lincolnshire.team-manager"],
        team_manager=people["lincolnshire.team-manager"],
    )  # fmt: skip
    Application.objects.filter(pk=application.pk).update(allocated_standards=[1, 4, 5, 7])
    application.refresh_from_db()
    transition_apply(application=application, name="review",
                     actor=people["lincolnshire.practice-supervisor"])  # fmt: skip
    transition_apply(application=application, name="endorse",
                     actor=people["lincolnshire.team-manager"])  # fmt: skip
    chair = people["lincolnshire.panel-member"]
    member = User.objects.create(username="lincs.second-member", first_name="Second",
                                 organisation=chair.organisation)  # fmt: skip
    member.role_memberships.create(organisation=chair.organisation, role=Role.PANEL_MEMBER)
    seat(session, chair, MemberRole.CHAIR)
    seat(session, member, MemberRole.MEMBER)
    return {"application": application, "session": session, "chair": chair, "member": member,
            "people": people}  # fmt: skip
