"""Submitted applications for the reviewers' tests: a worker managed by given people, and their
application on a route submitted through the service (so its snapshot is real), with the
readiness guard held open: what a worker must write before submitting is tested elsewhere."""

import itertools
from unittest import mock

from careerpath.models import Organisation, Role, User
from frameworks.models import FrameworkStatus, ProgressionRoute
from portfolios.applications import workflow
from portfolios.applications.services import application_start
from portfolios.applications.steps import route_workflow
from portfolios.applications.submission import application_submit
from portfolios.models import EvidenceLink

_numbers = itertools.count(1)


def managed_worker(organisation, *, practice_supervisor=None, line_manager=None,
                   team_manager=None, name="Sam"):  # fmt: skip
    """A new worker in the council, with these managers on their record."""
    number = next(_numbers)
    person = User.objects.create(
        username=f"reviewed.worker-{number}-{User.objects.count()}", first_name=name,
        last_name=f"Reviewed{number}", email=f"reviewed{number}@example.org",
        organisation=organisation, practice_supervisor=practice_supervisor,
        line_manager=line_manager, team_manager=team_manager,
    )  # fmt: skip
    person.role_memberships.create(organisation=organisation, role=Role.WORKER)
    return person


def route_in(organisation_slug, code):
    return ProgressionRoute.objects.select_related("framework").get(
        framework__organisation__slug=organisation_slug,
        framework__status=FrameworkStatus.PUBLISHED,
        code=code,
    )


def submit(application, *, answers=None):
    """Submit as the applicant, whatever is still missing; `answers` (section -> values) are
    written first."""
    from portfolios.models import ApplicationAnswer

    for section, values in (answers or {}).items():
        ApplicationAnswer.objects.update_or_create(
            application=application, section=section, defaults={"values": values}
        )
    with mock.patch.dict(workflow.GUARDS, {"ready_to_submit": lambda *args: None}):
        result = application_submit(
            application=application, actor=application.applicant, declaration=True
        )
    assert result.changed, result.message
    application.refresh_from_db()
    return application


def submitted_application(worker, route, *, items=(), answers=None):
    """The worker's application on the route, started (or referred) and submitted, with these
    library items linked to the target level's first criterion."""
    referred = bool(route_workflow(route)["referral_by"])
    application = application_start(applicant=worker, route=route, referred=referred)
    criterion = route.to_level.criteria.first()
    for item in items:
        EvidenceLink.objects.create(
            application=application, item=item, criterion=criterion, note=f"Shows {item.title}"
        )
    return submit(application, answers=answers)


def own_application_to_review(owner):
    """For the permission matrix: a submitted application of someone the owner supervises,
    line-manages and team-manages (so any of those roles, and the council's coordinator,
    reviews it)."""
    organisation = owner.organisation or Organisation.objects.get(slug="medway")
    worker = managed_worker(
        organisation, practice_supervisor=owner, line_manager=owner, team_manager=owner
    )
    routes = (
        ProgressionRoute.objects.filter(
            framework__organisation=organisation, framework__status=FrameworkStatus.PUBLISHED
        )
        .select_related("framework", "to_level")
        .order_by("framework__slug", "order")
    )
    route = next(route for route in routes if not route_workflow(route)["referral_by"])
    return {"pk": submitted_application(worker, route).pk}
