"""Demo applications, made through the services as the workers would: Medway's Family Worker
half-way through a draft on the level B route, and Dudley's Social Worker with everything
written, linked and agreed, waiting only for a practice observation rated 3 or above.
Lincolnshire's worker books a panel place first: the panels demo does that. Idempotent: a
worker who has an application already is left alone."""

import datetime

from django.db import transaction
from django.utils import timezone

from careerpath.models import Role, User
from frameworks.models import FrameworkStatus, ProgressionRoute
from portfolios.applications import selectors
from portfolios.applications.agreement import attestation_record
from portfolios.applications.forms_engine import initial_values
from portfolios.applications.services import (
    application_answer_save,
    application_start,
    evidence_links_add,
)
from portfolios.models import Application, EvidenceItem

STATEMENT = (
    "In my work with families I {what}. For example, with a family where the school had raised "
    "worries about the children's attendance, I planned a joint visit, spoke with each child on "
    "their own and agreed a written plan with their mother. In supervision I reflected on what "
    "went well and what I would do differently, and I have since used the same approach with "
    "other families on my caseload."
)
SOURCES = (
    "Case example (Mosaic 1042337); supervision record; feedback from a parent; practice "
    "observation"
)


def _route(organisation_slug, framework_slug, code):
    return (
        ProgressionRoute.objects.filter(
            framework__organisation__slug=organisation_slug,
            framework__slug=framework_slug,
            framework__status=FrameworkStatus.PUBLISHED,
            code=code,
        )
        .select_related("framework", "to_level")
        .first()
    )


def _person(username):
    return User.objects.filter(username=username).select_related("organisation").first()


def _save(application, section, person, values):
    answer = application.answers.filter(section=section.key).first()
    application_answer_save(
        application=application, section=section, actor=person, values=values,
        revision=answer.revision if answer else 0,
    )  # fmt: skip


def _items(person, *kinds):
    return list(
        EvidenceItem.objects.filter(owner=person, kind__in=kinds).in_library().order_by("-dated")
    )


def _link(application, person, target, items, note):
    if not items:
        return
    criterion_id, standard_id = selectors.resolve_target(application=application, target=target)
    if criterion_id is None and standard_id is None:
        return
    evidence_links_add(
        application=application, actor=person, criterion_id=criterion_id,
        standard_id=standard_id, items=items, note=note,
    )  # fmt: skip


def _family_worker_draft():
    """Half written: a statement and a linked item for the first half of the criteria."""
    person = _person("medway.family-worker")
    route = _route("medway", "family-worker", "FWA-FWB")
    if person is None or route is None or Application.objects.filter(applicant=person).exists():
        return 0
    application = application_start(applicant=person, route=route)
    sections = selectors.sections_for(application=application)
    items = _items(person, "case_example", "reflective_account", "supervision_record")
    for n, section in enumerate(sections[: len(sections) // 2]):
        what = section.title[0].lower() + section.title[1:].rstrip(".")
        _save(application, section, person, {"statement": STATEMENT.format(what=f"show: {what}")})
        if items:
            _link(application, person, section.targets[0], [items[n % len(items)]],
                  "Shows this in my day-to-day work")  # fmt: skip
    return 1


def _dudley_ready():
    """Everything written and linked, the managers' agreement recorded. What is left is the
    observations demo's story: the signed observation is rated 2, and the route needs 3 or
    above, so the application is ready once a new observation rated 3 is signed."""
    person = _person("dudley.worker")
    route = _route("dudley", "childrens-social-workers", "SW-SSW")
    if person is None or route is None or Application.objects.filter(applicant=person).exists():
        return 0
    dudley_application_write(person=person, route=route)
    return 1


def dudley_application_write(*, person, route):
    """Referred by the team manager, Appendix A and B written with sources, evidence linked to
    each standard and the newest practice observation to the observation's standards, the
    managers' agreement recorded. Returns the application (the reviewers' demo submits some)."""
    # The route opens by referral: the team manager refers after supervision.
    from portfolios.applications.reviews import referral_create

    application = referral_create(
        referrer=person.team_manager,
        worker=person,
        route=route,
        supervision_on=timezone.localdate() - datetime.timedelta(days=21),
        decision=(
            f"Supervision on this date confirmed {person.first_name} meets the criteria for "
            "Senior Social Worker: two years' post-qualifying practice, no formal procedures, "
            "and strong recent case work."
        ),
    )
    cases = _items(person, "case_example", "reflective_account", "learning_event")
    observations = _items(person, "practice_observation")
    for section in selectors.sections_for(application=application):
        if not section.is_workers:
            continue
        if section.observation:
            for standard in (1, 2, 6):
                target = next(
                    (t for s in selectors.sections_for(application=application)
                     for t in s.targets if t.standard_number == standard),
                    None,
                )  # fmt: skip
                if target is not None:
                    _link(application, person, target, observations[:1],
                          "The observer saw this on a home visit")  # fmt: skip
            continue
        values = initial_values(section, person=person)
        for spec in section.fields:
            if spec.key == "statement":
                values[spec.key] = STATEMENT.format(what=f"meet: {section.title.split(', ')[-1]}")
            elif spec.key == "sources":
                values[spec.key] = SOURCES
            elif spec.kind == "signature":
                values[spec.key] = person.get_full_name()
            elif spec.kind == "date" and not values.get(spec.key):
                values[spec.key] = (person.qualification_date or timezone.localdate()).isoformat()
            elif not values.get(spec.key) and not spec.condition:
                values[spec.key] = (
                    "Four years in the Children in Need team; Stage 1 practice "
                    "education training; I am ready to take on more complex work."
                )
        _save(application, section, person, values)
        for target in section.targets:
            _link(application, person, target, cases[:2], "Shows how I apply this statement")
    for role in (Role.LINE_MANAGER, Role.TEAM_MANAGER):
        manager = person.line_manager if role == Role.LINE_MANAGER else person.team_manager
        if manager is not None:
            attestation_record(application=application, role=role, person=manager)
    return application


@transaction.atomic
def demo_applications_load():
    """Returns how many applications it started."""
    return _family_worker_draft() + _dudley_ready()
