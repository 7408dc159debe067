"""The application's state machine: every transition in the table, by every persona, from its
source state and from a wrong one; a repeat is a no-op with a message; and nothing but the
workflow module writes the state field."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

from careerpath.models import AuditEvent
from frameworks.models import ProgressionRoute
from portfolios.applications import workflow
from portfolios.applications.services import application_start
from portfolios.applications.workflow import (
    TRANSITIONS,
    ApplicationError,
    review_sources,
    route_workflow,
    transition_apply,
)
from portfolios.models import Application, ApplicationState
from tests.conftest import PERSONAS

S = ApplicationState

# Every step on: the manager's report, the team manager's endorsement, the coordinator's check,
# then the panel. And a route whose line manager decides.
EVERY_STEP = {
    "booking": "worker_books_after_agreement",
    "referral_by": None,
    "manager_report": True,
    "endorsement_by": "team_manager",
    "eligibility_check_by": "progression_coordinator",
    "decided_by": "panel",
}
LINE_MANAGER_DECIDES = {**EVERY_STEP, "manager_report": False, "endorsement_by": None,
                        "eligibility_check_by": None, "decided_by": "line_manager"}  # fmt: skip

# How the tests walk an application to a state: (transition, persona), in order.
WALK = [
    ("submit", "worker"),
    ("review", "line_manager"),
    ("endorse", "team_manager"),
    ("confirm_eligibility", "progression_coordinator"),
    ("decide_deferred", "panel_member"),
    ("lodge_appeal", "worker"),
    ("dismiss_appeal", "appeal_authority"),
]

# Who may take each transition on the worker's application (medway.worker: line manager
# medway.line-manager, practice supervisor medway.practice-supervisor, team manager
# medway.team-manager), written out by hand rather than read from the predicates.
MANAGERS = {"line_manager", "practice_supervisor"}
ALLOWED = {
    ("submit", "every"): {"worker"},
    ("withdraw", "every"): {"worker"},
    ("return", "every"): MANAGERS,
    ("review", "every"): MANAGERS,
    ("endorse", "every"): {"team_manager"},
    ("confirm_eligibility", "every"): {"progression_coordinator"},
    ("decide_progressed", "every"): {"panel_member"},
    ("decide_deferred", "every"): {"panel_member"},
    ("decide_not_progressed", "every"): {"panel_member"},
    ("lodge_appeal", "every"): {"worker"},
    ("uphold_appeal", "every"): {"appeal_authority"},
    ("dismiss_appeal", "every"): {"appeal_authority"},
    ("submit", "line"): {"worker"},
    ("withdraw", "line"): {"worker"},
    ("return", "line"): {"line_manager"},
    ("decide_progressed", "line"): {"line_manager"},
    ("decide_deferred", "line"): {"line_manager"},
}
WORKFLOWS = {"every": EVERY_STEP, "line": LINE_MANAGER_DECIDES}
EVERYONE = [*PERSONAS, "superuser"]
CASES = [
    (name, flow, persona)
    for (name, flow) in ALLOWED
    for persona in EVERYONE
]  # fmt: skip


@pytest.fixture(autouse=True)
def panel_members_chair(monkeypatch):
    """Who chairs the application's session, not conflicted, is panels' rule (tested in
    tests/panels): here the council's panel member records the panel's decision."""
    monkeypatch.setitem(workflow.ACTORS, "panel_chair", workflow.can.is_panel_member)


@pytest.fixture(autouse=True)
def guards_hold(monkeypatch):
    """The readiness and appeal-window guards belong to other modules, tested there: here they
    hold, so the table's states and actors are what is tested."""
    holding = ("ready_to_submit", "within_appeal_window", "with_a_comment", "report_complete",
               "endorsement_complete", "eligibility_holds")  # fmt: skip
    monkeypatch.setattr(
        workflow, "GUARDS", {**workflow.GUARDS, **dict.fromkeys(holding, lambda *a: None)}
    )


def _application(personas, flow):
    worker = personas["worker"]
    route = ProgressionRoute.objects.get(
        framework__organisation=worker.organisation,
        framework__slug="asc-social-workers",
        framework__status="published",
        code="SW2A-SW2B",
    )
    ProgressionRoute.objects.filter(pk=route.pk).update(workflow=WORKFLOWS[flow])
    Application.objects.filter(applicant=worker).delete()
    return application_start(applicant=worker, route=ProgressionRoute.objects.get(pk=route.pk))


def _walk_to(application, state, personas):
    """Take the route's transitions in order until the application is in `state`."""
    if state == S.RETURNED:
        _walk_to(application, S.SUBMITTED, personas)
        first = "line_manager"
        transition_apply(application=application, name="return", actor=personas[first])
        return application
    flow = route_workflow(application.route)
    for name, persona in WALK:
        if application.state == state:
            break
        if flow["decided_by"] == "line_manager" and name == "decide_deferred":
            persona = "line_manager"
        if not TRANSITIONS[name].uses(flow):
            continue
        if application.state not in workflow.sources_on_route(TRANSITIONS[name], application.route):
            continue
        transition_apply(application=application, name=name, actor=personas[persona])
    assert application.state == state
    return application


def _source(name, application):
    return workflow.sources_on_route(TRANSITIONS[name], application.route)[0]


@pytest.mark.parametrize("name, flow, persona", CASES)
def test_each_transition_is_taken_by_its_actors_and_refused_for_everyone_else(
    personas, name, flow, persona
):
    application = _application(personas, flow)
    source = _source(name, application)
    _walk_to(application, source, personas)
    actor = personas[persona]
    events = AuditEvent.objects.filter(action=f"application.{name}").count()
    if persona in ALLOWED[(name, flow)]:
        result = transition_apply(application=application, name=name, actor=actor)
        assert result.changed
        application.refresh_from_db()
        assert application.state == TRANSITIONS[name].target
        assert AuditEvent.objects.filter(action=f"application.{name}").count() == events + 1
        # Again: nothing changes, and the person is told why.
        again = transition_apply(application=application, name=name, actor=actor)
        assert not again.changed
        assert again.message
        assert AuditEvent.objects.filter(action=f"application.{name}").count() == events + 1
    else:
        with pytest.raises(ApplicationError):
            transition_apply(application=application, name=name, actor=actor)
        application.refresh_from_db()
        assert application.state == source
        assert AuditEvent.objects.filter(action=f"application.{name}").count() == events


@pytest.mark.parametrize("name, flow", list(ALLOWED))
def test_each_transition_is_refused_from_a_state_it_does_not_start_from(personas, name, flow):
    application = _application(personas, flow)
    sources = workflow.sources_on_route(TRANSITIONS[name], application.route)
    wrong = next(
        state for state in (S.DRAFTING, S.SUBMITTED, S.DEFERRED, S.ELIGIBILITY_CONFIRMED)
        if state not in sources and state != TRANSITIONS[name].target
    )  # fmt: skip
    _walk_to(application, wrong, personas)
    actor = personas[sorted(ALLOWED[(name, flow)])[0]]
    with pytest.raises(ApplicationError):
        transition_apply(application=application, name=name, actor=actor)
    application.refresh_from_db()
    assert application.state == wrong


@pytest.mark.parametrize(
    "name, flow", [("review", "line"), ("endorse", "line"), ("lodge_appeal", "line"),
                   ("confirm_eligibility", "line"), ("decide_not_progressed", "line")],
)  # fmt: skip
def test_a_step_the_route_does_not_use_is_refused(personas, name, flow):
    application = _application(personas, flow)
    _walk_to(application, S.SUBMITTED, personas)
    for persona in EVERYONE:
        with pytest.raises(ApplicationError):
            transition_apply(application=application, name=name, actor=personas[persona])


def test_the_review_steps_follow_one_another_as_the_route_says():
    assert review_sources(EVERY_STEP) == {
        "review": S.SUBMITTED,
        "endorse": S.REVIEWED,
        "confirm_eligibility": S.ENDORSED,
        "decide": S.ELIGIBILITY_CONFIRMED,
    }
    assert review_sources(LINE_MANAGER_DECIDES) == {"decide": S.SUBMITTED}
    dudley = {**EVERY_STEP, "endorsement_by": None}
    assert review_sources(dudley)["confirm_eligibility"] == S.REVIEWED


def test_each_decision_is_used_only_where_the_route_allows_it():
    from types import SimpleNamespace

    def decisions(panel, flow):
        route = SimpleNamespace(workflow=flow, panel=panel)
        names = {t.name for t in workflow.transitions_for_route(route)}
        return names & {f"decide_{outcome}" for outcome in S.values}

    lincolnshire = {"outcomes": ["progressed", "deferred"]}
    dudley = {"outcomes": ["progressed", "not_progressed"]}
    assert decisions(lincolnshire, EVERY_STEP) == {"decide_progressed", "decide_deferred"}
    assert decisions(dudley, EVERY_STEP) == {"decide_progressed", "decide_not_progressed"}
    assert decisions(None, LINE_MANAGER_DECIDES) == {"decide_progressed", "decide_deferred"}


@pytest.mark.parametrize("outcome", ["progressed", "deferred", "not_progressed"])
def test_an_upheld_appeal_is_decided_again_at_a_new_hearing(personas, outcome):
    application = _walk_to(_application(personas, "every"), S.APPEAL_LODGED, personas)
    transition_apply(application=application, name="uphold_appeal",
                     actor=personas["appeal_authority"])  # fmt: skip
    assert application.state == S.NEW_HEARING
    for persona in EVERYONE:
        if persona != "panel_member":
            with pytest.raises(ApplicationError):
                transition_apply(application=application, name=f"decide_{outcome}",
                                 actor=personas[persona])  # fmt: skip
    transition_apply(application=application, name=f"decide_{outcome}",
                     actor=personas["panel_member"])  # fmt: skip
    assert application.state == outcome


def test_an_unregistered_guard_refuses(personas, monkeypatch):
    application = _application(personas, "every")
    monkeypatch.setattr(workflow, "GUARDS", {})
    monkeypatch.setattr(workflow, "GUARD_PROVIDERS", {})
    with pytest.raises(ApplicationError, match="not available"):
        transition_apply(application=application, name="submit", actor=personas["worker"])


def test_side_effects_run_after_the_commit(personas, django_capture_on_commit_callbacks):
    application = _application(personas, "every")
    seen = []
    with django_capture_on_commit_callbacks(execute=True):
        transition_apply(
            application=application, name="submit", actor=personas["worker"],
            on_commit=lambda app: seen.append(app.state),
        )  # fmt: skip
    assert seen == [S.SUBMITTED]


# --- Nothing else writes the state ----------------------------------------------------------

WORKFLOW_MODULE = Path(settings.BASE_DIR) / "portfolios" / "applications" / "workflow.py"


def _writes_state(tree):
    """Lines that assign `<x>.state` or pass state= to create()/update()/update_or_create()."""
    lines = []
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        for target in targets:
            for part in ast.walk(target):
                if isinstance(part, ast.Attribute) and part.attr == "state":
                    lines.append(node.lineno)
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr in WRITERS
            and _names_state(node)
            and _model_of(func) not in RECORDS_OF_A_STATE
        ):
            lines.append(node.lineno)
        if (
            isinstance(func, ast.Name)
            and func.id == "setattr"
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and node.args[1].value == "state"
        ):
            lines.append(node.lineno)
    return lines


WRITERS = {"create", "update", "update_or_create", "get_or_create", "bulk_create", "bulk_update"}
# Models with a `state` field of their own that records which state the application was in
# (a reminder about a review waiting in it), written when they are created: not a write of the
# application's state.
RECORDS_OF_A_STATE = {"ReviewReminder"}


def _model_of(func):
    """`Model` in `Model.objects.create(...)`, else None."""
    manager = func.value
    if isinstance(manager, ast.Attribute) and isinstance(manager.value, ast.Name):
        return manager.value.id
    return None


def _is_state(node):
    return isinstance(node, ast.Constant) and node.value == "state"


def _names_state(call):
    for keyword in call.keywords:
        if keyword.arg == "state":
            return True
        if isinstance(keyword.value, ast.Dict) and any(map(_is_state, keyword.value.keys)):
            return True  # defaults={"state": ...}
    # bulk_update(objs, ["state"])
    lists = [arg for arg in call.args if isinstance(arg, (ast.List, ast.Tuple))]
    return any(_is_state(element) for arg in lists for element in arg.elts)


def test_only_the_workflow_module_writes_the_state():
    offenders = []
    for app in ("careerpath", "frameworks", "portfolios", "panels"):
        for path in sorted((Path(settings.BASE_DIR) / app).rglob("*.py")):
            if "migrations" in path.parts or path == WORKFLOW_MODULE:
                continue
            tree = ast.parse(path.read_text(), filename=str(path))
            offenders += [f"{path.relative_to(settings.BASE_DIR)}:{n}" for n in _writes_state(tree)]
    assert offenders == [], "only portfolios/applications/workflow.py may write the state"


def test_the_scan_finds_each_way_of_writing_the_state():
    source = """
application.state = "x"
app.state += ""
Application.objects.filter(pk=1).update(state="x")
Application.objects.create(state="x")
Application.objects.update_or_create(pk=1, defaults={"state": "x"})
setattr(application, "state", "x")
Application.objects.bulk_update([application], ["state"])
ReviewReminder.objects.create(state="x")
"""
    assert len(_writes_state(ast.parse(source))) == 7


def test_the_route_says_how_its_applications_go(db):
    from portfolios.applications.workflow import route_steps
    from tests.portfolios.application_factories import route_of

    lincolnshire = route_steps(route_of("lincolnshire", "childrens-social-workers", "L1-L2"))
    assert any("book a panel place" in step for step in lincolnshire)
    assert "Your team manager endorses your application." in lincolnshire
    dudley = route_steps(route_of("dudley", "childrens-social-workers", "SW-SSW"))
    assert dudley[0].startswith("Your team manager refers you")
    assert "The progression coordinator confirms that you meet the criteria." in dudley
    medway = route_steps(route_of("medway", "family-worker", "FWA-FWB"))
    assert medway[-1] == "Your line manager decides." and len(medway) == 2
