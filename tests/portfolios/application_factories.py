"""Applications for tests, started through the services as a worker would."""

import datetime

from django.utils import timezone

from frameworks.models import ProgressionRoute
from portfolios.applications.services import application_start
from portfolios.applications.steps import MANAGER_FIELDS, route_workflow
from portfolios.models import Application


def start(*, applicant, route):
    """Open an application as the route opens it: the worker starts it, or (Dudley's SW-SSW)
    the manager the route names refers them."""
    by = route_workflow(route)["referral_by"]
    if not by:
        return application_start(applicant=applicant, route=route)
    from portfolios.applications.reviews import referral_create

    return referral_create(
        referrer=getattr(applicant, MANAGER_FIELDS[by]),
        worker=applicant,
        route=route,
        supervision_on=timezone.localdate() - datetime.timedelta(days=7),
        decision="Supervision confirmed the criteria are met.",
    )


def route_of(organisation_slug, framework_slug, code):
    return ProgressionRoute.objects.select_related("framework").get(
        framework__organisation__slug=organisation_slug,
        framework__slug=framework_slug,
        framework__status="published",
        code=code,
    )


def family_worker_route():
    return route_of("medway", "family-worker", "FWA-FWB")


def fresh_application(applicant, route):
    """A new draft on the route, after clearing any the demo data gave the person there."""
    Application.objects.filter(applicant=applicant, route__code=route.code).delete()
    return start(applicant=applicant, route=route)


# --- For the permission matrix: one's own application, a section of it, a link in it ----------


def _open(owner):
    from tests.portfolios.submission_factories import open_application

    return open_application(owner)


def own_route(owner):
    from careerpath.models import Organisation

    organisation = owner.organisation or Organisation.objects.get(slug="medway")
    route = (
        ProgressionRoute.objects.filter(
            framework__organisation=organisation, framework__status="published"
        )
        .order_by("framework__slug", "order")
        .first()
    )
    return {"route_pk": route.pk}


def own_section(owner):
    from portfolios.applications.selectors import sections_for

    application = _open(owner)
    section = next(
        s for s in sections_for(application=application) if s.is_workers and not s.blocked
    )
    return {"pk": application.pk, "section": section.key}


def own_link_target(owner):
    from portfolios.applications.selectors import sections_for

    application = _open(owner)
    target = next(t for s in sections_for(application=application) for t in s.targets)
    return {"pk": application.pk, "key": target.key}


def own_link(owner):
    from portfolios.applications.selectors import resolve_target, sections_for
    from portfolios.applications.services import evidence_links_add
    from tests.portfolios.evidence_factories import make_item

    application = _open(owner)
    target = next(t for s in sections_for(application=application) for t in s.targets)
    criterion_id, standard_id = resolve_target(application=application, target=target)
    item = make_item(owner)
    evidence_links_add(
        application=application, actor=owner, criterion_id=criterion_id,
        standard_id=standard_id, items=[item], note="Shows it",
    )  # fmt: skip
    return {"pk": application.pk, "link_pk": application.links.get(item=item).pk}
