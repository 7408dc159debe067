"""Deferred applications with writing and evidence to carry into the next attempt, for the next
attempt's tests and the permission matrix. The worker writes and links through the services, the
application walks the workflow, and the decision is recorded through the decision service (call
tests.panels.appeal_factories.guards_hold(monkeypatch) first: what a worker must write and who
chairs are tested with their own modules)."""

import datetime

from django.utils import timezone

from panels.decisions import TargetInput, decision_record
from portfolios.applications import workflow
from portfolios.applications.selectors import sections_for
from portfolios.applications.services import application_answer_save, evidence_links_add
from portfolios.applications.workflow import TRANSITIONS, sources_on_route, transition_apply
from tests.panels.appeal_factories import WALK, _actor
from tests.portfolios.application_factories import start

FURTHER_WORK = "Lead two child protection conferences with your practice supervisor observing."


def targets_due(count=2):
    """`count` targets, a month apart, the first three months from today."""
    today = timezone.localdate()
    terms = ("short_term", "medium_term", "long_term")
    return [
        TargetInput(
            term=terms[index % 3],
            text=f"Target {index + 1}: evidence KSS {index % 10 + 1} in a case example",
            due_on=today + datetime.timedelta(days=90 + 30 * index),
        )
        for index in range(count)
    ]


def write(application, answers):
    """Save each section's answers (section key -> field values) as the applicant."""
    sections = {section.key: section for section in sections_for(application=application)}
    for key, values in answers.items():
        application_answer_save(
            application=application, section=sections[key], actor=application.applicant,
            values=values, revision=0,
        )  # fmt: skip


def link(application, item, *, criterion_id=None, standard_id=None, note="Shows it"):
    evidence_links_add(
        application=application, actor=application.applicant, criterion_id=criterion_id,
        standard_id=standard_id, items=[item], note=note,
    )  # fmt: skip


def walk_to_decision(application):
    route = application.route
    for name in WALK:
        transition = TRANSITIONS[name]
        if transition.uses(workflow.route_workflow(route)) and application.state in (
            sources_on_route(transition, route)
        ):
            transition_apply(application=application, name=name, actor=_actor(application, name))


def defer(application, *, targets=(), further_work=FURTHER_WORK, heard_on=None):
    """Walk the application to its decision and record a deferral with these targets."""
    walk_to_decision(application)
    return decision_record(
        application=application, actor=_actor(application, "decide_deferred"),
        outcome="deferred", heard_on=heard_on or timezone.localdate(),
        reasons="Two standards were not yet evidenced.", targets=targets,
        further_work=further_work,
    )  # fmt: skip


def deferred_application(worker, route, *, answers=None, targets=(), further_work=FURTHER_WORK):
    """The worker's application on the route, written (answers) and deferred today."""
    application = start(applicant=worker, route=route)
    write(application, answers or {})
    defer(application, targets=targets, further_work=further_work)
    application.refresh_from_db()
    return application


# --- For the permission matrix (tests/permission_matrix.py) -----------------------------------


def own_deferred_application(owner):
    """One of the owner's applications, deferred (made directly: the page's access is what the
    matrix checks; the service's rules are tested in test_next_attempt)."""
    from careerpath.models import Organisation
    from frameworks.models import FrameworkStatus, ProgressionRoute
    from portfolios.models import Application

    organisation = owner.organisation or Organisation.objects.get(slug="medway")
    route = ProgressionRoute.objects.filter(
        framework__organisation=organisation, framework__status=FrameworkStatus.PUBLISHED
    ).first()
    application = Application.objects.create(
        applicant=owner, organisation=organisation, route=route, state="deferred"
    )
    return {"pk": application.pk}
