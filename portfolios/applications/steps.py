"""Which steps an application's route takes and who holds each one: route data, read by the
transition table (workflow.py), the permission predicates (permissions.py) and the queues.

A route's steps are ProgressionRoute.workflow, e.g.
    {"booking": "worker_books_after_agreement" | "coordinator_books_after_referral" | null,
     "referral_by": "team_manager" | null, "manager_report": true | false,
     "endorsement_by": "team_manager" | "line_manager" | null,
     "eligibility_check_by": "progression_coordinator" | null,
     "decided_by": "panel" | "line_manager", "service_level_days": 10}
After submission the review steps run in a fixed order (manager's report, endorsement,
eligibility check), skipping those the route does not use; each starts from the state the one
before left.

A step is held by a person named on the applicant's record (their practice supervisor, line
manager or team manager), or by anyone holding a role in the council (the progression
coordinator, the panel). The coordinator may reassign a stuck step to someone else; a manager
may delegate their steps to a colleague for a period (careerpath.Delegation): the colleague then
acts "for" them.
"""

from dataclasses import dataclass

from careerpath.models import Role
from portfolios.models import ApplicationState

S = ApplicationState

# What a route without the field behaves like: the worker writes, the line manager reports and
# the panel decides. Every fixture states its own.
DEFAULT_WORKFLOW = {
    "booking": None,
    "referral_by": None,
    "manager_report": True,
    "endorsement_by": None,
    "eligibility_check_by": None,
    "decided_by": "panel",
    # Working days a review step may wait before its holder is reminded.
    "service_level_days": 10,
}

WITH_THE_WORKER = (S.DRAFTING, S.RETURNED)
UNDER_REVIEW = (S.SUBMITTED, S.REVIEWED, S.ENDORSED, S.ELIGIBILITY_CONFIRMED)
DECISIONS = (S.PROGRESSED, S.DEFERRED, S.NOT_PROGRESSED)

# The review steps after submission, in order: (step, the workflow key that switches it on,
# the state it leaves).
REVIEW_PIPELINE = (
    ("review", "manager_report", S.REVIEWED),
    ("endorse", "endorsement_by", S.ENDORSED),
    ("confirm_eligibility", "eligibility_check_by", S.ELIGIBILITY_CONFIRMED),
)

# The role a manager holds a step in, and the field on the applicant naming who that is for them.
MANAGER_FIELDS = {
    Role.PRACTICE_SUPERVISOR: "practice_supervisor",
    Role.LINE_MANAGER: "line_manager",
    Role.TEAM_MANAGER: "team_manager",
}
# Who may write the manager's report when the route's form does not say.
REPORT_ROLES = (Role.PRACTICE_SUPERVISOR, Role.LINE_MANAGER)


def route_workflow(route):
    workflow = {**DEFAULT_WORKFLOW, **(getattr(route, "workflow", None) or {})}
    workflow["outcomes"] = route_outcomes(route, workflow)
    return workflow


def route_outcomes(route, workflow=None):
    """The decisions this route allows: its panel's outcomes where it has a panel; a line
    manager (Medway) progresses or defers; a panel route without panel data allows all three."""
    workflow = workflow or {**DEFAULT_WORKFLOW, **(getattr(route, "workflow", None) or {})}
    panel = getattr(route, "panel", None) or {}
    if panel.get("outcomes"):
        return tuple(S(outcome) for outcome in panel["outcomes"] if outcome in S.values)
    if workflow["decided_by"] == "panel":
        return DECISIONS
    return (S.PROGRESSED, S.DEFERRED)


def service_level_days(route):
    try:
        return max(1, int(route_workflow(route)["service_level_days"]))
    except (TypeError, ValueError):
        return DEFAULT_WORKFLOW["service_level_days"]


def review_sources(workflow):
    """{step: the state it starts from} on this route, plus "decide": recording the decision
    is one transition from the state the review pipeline leaves (the panel's hearing and its
    decision are one record, held by the session's chair)."""
    sources = {}
    state = S.SUBMITTED
    for step, key, leaves in REVIEW_PIPELINE:
        if workflow.get(key):
            sources[step] = state
            state = leaves
    sources["decide"] = state
    return sources


def step_at(route, state):
    """The step that starts from `state` on this route (None when the worker or nobody holds
    the application)."""
    if state == S.NEW_HEARING:  # an upheld appeal: the decision is to be made again
        return "decide"
    for step, source in review_sources(route_workflow(route)).items():
        if source == state:
            return step
    return None


def report_roles(route):
    """Who writes the manager's report on this route: the roles the council's form names for its
    manager's part (Lincolnshire: the practice supervisor; Dudley: the line manager), or either
    when the form does not say. Reads the route's framework (select it with the route)."""
    from portfolios.applications.forms_engine import roles_completing

    named = roles_completing(route)
    return tuple(role for role in REPORT_ROLES if role in named) or REPORT_ROLES


@dataclass(frozen=True)
class Holder:
    """Who holds one step of one application."""

    step: str  # a review step or "decide"
    roles: tuple  # the roles it waits for
    # The people named for it (the applicant's managers, or whoever it was reassigned to).
    person_ids: tuple = ()
    # True when the step is held by name: with no one named, nobody holds it (the applicant
    # has no such manager on record) until the coordinator reassigns it. False when anyone
    # holding one of `roles` in the council holds it.
    by_name: bool = True
    reassigned: bool = False

    @property
    def at_panel(self):
        """The panel's decision: arranged with its session, not waiting in a person's queue."""
        return self.step == "decide" and Role.PANEL_MEMBER in self.roles and not self.reassigned

    @property
    def role_label(self):
        return " or ".join(Role(role).label.lower() for role in self.roles)


def holder_of(application, step):
    """Who holds `step` of this application (whether or not it is the current step). Reads the
    applicant and the route's framework: select them with the application."""
    workflow = route_workflow(application.route)
    applicant = application.applicant
    source = review_sources(workflow).get(step)
    if step == "review":
        roles = report_roles(application.route)
    elif step == "endorse":
        roles = (workflow["endorsement_by"],)
    elif step == "confirm_eligibility":
        roles = (workflow["eligibility_check_by"],)
    elif step == "decide" and workflow["decided_by"] == "line_manager":
        roles = (Role.LINE_MANAGER,)
    else:
        roles = (Role.PANEL_MEMBER,)
    roles = tuple(Role(role) for role in roles if role in Role.values)
    if (
        source is not None
        and application.reassigned_to_id
        and application.reassigned_state == source
    ):
        return Holder(step, roles, (application.reassigned_to_id,), reassigned=True)
    people = tuple(
        dict.fromkeys(
            getattr(applicant, f"{MANAGER_FIELDS[role]}_id")
            for role in roles
            if role in MANAGER_FIELDS and getattr(applicant, f"{MANAGER_FIELDS[role]}_id")
        )
    )
    return Holder(step, roles, people, by_name=any(role in MANAGER_FIELDS for role in roles))


def current_holder(application):
    """Who holds the application now: None while the worker has it or once it is finished."""
    step = step_at(application.route, application.state)
    return holder_of(application, step) if step else None
