"""Demo applications made through the services as the workers would: two of Medway's adult social
workers, more than two years at SW2A, write a statement for each SW2B criterion and link the
training and briefing sessions they attended; one submits (the portfolio PDF is rendered after the
commit), the other is ready to submit. Idempotent: a worker who has an application already is
left alone."""

import datetime

from careerpath.models import User
from frameworks.models import FrameworkStatus, ProgressionRoute
from portfolios.applications import selectors
from portfolios.applications.services import (
    application_answer_save,
    application_start,
    evidence_links_add,
)
from portfolios.applications.submission import application_submit
from portfolios.models import Application, EvidenceItem
from portfolios.services import evidence_item_create

STATEMENT = (
    "In my two years as a Social Worker in the adult team I have {what}. With a man whose "
    "carer had become unwell, I arranged an urgent review, agreed a plan with him and his "
    "daughter, and recorded the risks and the decisions on Mosaic. In supervision I reflected "
    "on the balance between his wishes and the risks, and I have used the same approach since."
)
TRAINING = (
    ("Mental Capacity Act refresher", datetime.date(2025, 10, 14)),
    ("Safeguarding adults briefing", datetime.date(2026, 2, 3)),
)


SUBMITTED, READY = "medway.adult-worker", "medway.adult-worker-2"


def demo_submissions_load():
    """How many applications were made."""
    return sum(_application_load(username=username, submit=username == SUBMITTED)
               for username in (SUBMITTED, READY))  # fmt: skip


def medway_application_load(*, username, submit):
    """The same for another Medway adult social worker (the reviewers' demo submits more):
    1 when it made the application, 0 when the person has one already."""
    return _application_load(username=username, submit=submit)


def _application_load(*, username, submit):
    person = User.objects.filter(username=username).select_related("organisation").first()
    route = (
        ProgressionRoute.objects.filter(
            framework__organisation__slug="medway",
            framework__status=FrameworkStatus.PUBLISHED,
            code="SW2A-SW2B",
        )
        .select_related("framework", "to_level")
        .first()
    )
    if person is None or route is None or Application.objects.filter(applicant=person).exists():
        return 0
    for title, dated in TRAINING:
        if not EvidenceItem.objects.filter(owner=person, title=title).exists():
            evidence_item_create(
                owner=person, files=[], kind="training_certificate", title=title, dated=dated,
                reflection="What I learned and how I use it.", case_reference="",
                is_certificate=True,
            )  # fmt: skip
    training = list(
        EvidenceItem.objects.filter(
            owner=person, kind__in=["training_certificate", "learning_event"]
        ).in_library()
    )
    cases = list(EvidenceItem.objects.filter(owner=person, kind="case_example").in_library())
    application = application_start(applicant=person, route=route)
    for section in selectors.sections_for(application=application):
        if not section.is_workers:
            continue
        what = section.title[0].lower() + section.title[1:].rstrip(".")
        values = {spec.key: STATEMENT.format(what=f"shown this: {what}") for spec in section.fields}
        application_answer_save(
            application=application, section=section, actor=person, values=values, revision=0
        )
        for target in section.targets:
            criterion_id, standard_id = selectors.resolve_target(
                application=application, target=target
            )
            items = training if "training" in section.title.lower() else cases
            if items and (criterion_id or standard_id):
                evidence_links_add(
                    application=application, actor=person, criterion_id=criterion_id,
                    standard_id=standard_id, items=items, note="Shows this in my practice",
                )  # fmt: skip
    if submit:
        application_submit(application=application, actor=person, declaration=True)
    return 1
