"""Applications waiting for their decision, for the decision tests and the permission matrix."""

from careerpath.models import Organisation
from frameworks.models import FrameworkStatus, ProgressionRoute
from portfolios.applications.steps import route_workflow
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
