"""Decisions to appeal against, and appeals, for the appeal tests and the permission matrix.

Until the decision service lands, a decision is made directly (Decision.objects.create) and the
application reaches its outcome through the workflow's transitions, with the readiness and
review guards holding (they are tested with their own modules)."""

import datetime

from django.utils import timezone

from careerpath.models import User
from panels.models import Appeal, Decision
from portfolios.applications import workflow
from portfolios.applications.workflow import TRANSITIONS, sources_on_route, transition_apply
from tests.portfolios.application_factories import start

HOLDING = ("ready_to_submit", "report_complete", "endorsement_complete", "eligibility_holds")
WALK = ("submit", "review", "endorse", "confirm_eligibility")


def guards_hold(monkeypatch):
    """The guards before the decision hold, and the council's panel member records the panel's
    decision (who chairs the session is the decision's own rule, tested with it)."""
    monkeypatch.setattr(
        workflow, "GUARDS", {**workflow.GUARDS, **dict.fromkeys(HOLDING, lambda *a: None)}
    )
    monkeypatch.setitem(workflow.ACTORS, "panel_chair", workflow.can.is_panel_member)


def _actor(application, name):
    """Someone in the council who may take this transition."""
    predicate = workflow.ACTORS[TRANSITIONS[name].actor]
    people = User.objects.filter(organisation_id=application.organisation_id, is_active=True)
    return next(person for person in people.order_by("pk") if predicate(person, application))


def decided(worker, route, *, outcome="deferred", decided_on=None):
    """The worker's application on the route, decided on `decided_on` (the decision recorded
    that day at 4pm), in the outcome's state. Call guards_hold(monkeypatch) first."""
    application = start(applicant=worker, route=route)
    for name in (*WALK, f"decide_{outcome}"):
        transition = TRANSITIONS[name]
        if not transition.uses(workflow.route_workflow(route)):
            continue
        if application.state not in sources_on_route(transition, route):
            continue
        transition_apply(application=application, name=name, actor=_actor(application, name))
    assert application.state == outcome
    decided_on = decided_on or timezone.localdate()
    chair = _actor(application, "dismiss_appeal")  # someone senior in the council: any will do
    decision = Decision.objects.create(
        application=application, outcome=outcome, decided_by=chair, heard_on=decided_on,
        reasons="The evidence for two standards was not yet sufficient.",
    )  # fmt: skip
    at = timezone.make_aware(datetime.datetime.combine(decided_on, datetime.time(16)))
    Decision.objects.filter(pk=decision.pk).update(decided_at=at)
    decision.refresh_from_db()
    return decision


def recorded(worker, route, *, outcome="deferred"):
    """As decided(), but the decision recorded today through the decision service (which sets
    its last day to appeal). Call guards_hold(monkeypatch) first."""
    from panels.decisions import decision_record

    application = start(applicant=worker, route=route)
    for name in WALK:
        transition = TRANSITIONS[name]
        if transition.uses(workflow.route_workflow(route)) and application.state in (
            sources_on_route(transition, route)
        ):
            transition_apply(application=application, name=name, actor=_actor(application, name))
    return decision_record(
        application=application, actor=_actor(application, f"decide_{outcome}"),
        outcome=outcome, heard_on=timezone.localdate(), reasons="Not yet.",
    )  # fmt: skip


# --- Builders for the permission matrix (tests/permission_matrix.py) ----------------------------


def _decision_of(owner):
    """A decision on one of the owner's applications (made directly: the page is what is tested)."""
    from tests.panels.booking_factories import _open_application

    application = _open_application(owner, booked=False)
    hearing = Decision.objects.filter(application=application).count() + 1
    return Decision.objects.create(
        application=application, hearing=hearing, outcome="deferred", decided_by=owner,
        heard_on=timezone.localdate(),
    )  # fmt: skip


def own_decision(owner):
    return {"pk": _decision_of(owner).pk}


def own_appeal(owner):
    decision = _decision_of(owner)
    appeal = Appeal.objects.create(decision=decision, lodged_by=owner, grounds="Not followed.")
    return {"pk": appeal.pk}
