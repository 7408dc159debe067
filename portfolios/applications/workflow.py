"""The application's state machine, declared once: every transition from the first draft to the
decision and the appeal, who may take it, the guard that must hold, and which routes use it.

Only transition_apply() writes Application.state (tests/portfolios/test_workflow.py scans the
source to keep it so). Each transition locks the row, checks the source state, the actor and the
guard, writes the state and its timestamp, records an audit event in the same transaction and
queues its side effects after the commit.

Which steps a route uses, and who holds each, is route data: portfolios.applications.steps.
The predicates saying who may take each step are in portfolios.applications.permissions.
Booking changes no state: it writes the panel date onto the application
(portfolios.applications.services.application_book_place, called by panels).
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from careerpath.models import Role
from careerpath.services import audit_record
from portfolios.applications import permissions as can
from portfolios.applications.steps import (
    DECISIONS,
    DEFAULT_WORKFLOW,
    REVIEW_PIPELINE,
    UNDER_REVIEW,
    WITH_THE_WORKER,
    review_sources,
    route_workflow,
    step_at,
)
from portfolios.models import Application, ApplicationState

S = ApplicationState

__all__ = [
    "DECISIONS", "DEFAULT_WORKFLOW", "REVIEW_PIPELINE", "UNDER_REVIEW", "WITH_THE_WORKER",
    "review_sources", "route_workflow",
]  # fmt: skip


class ApplicationError(Exception):
    """A move the application cannot make, with a message for the person who tried."""


@dataclass(frozen=True)
class TransitionResult:
    changed: bool
    message: str
    application: Application | None = None


ACTORS = {
    "applicant": can.is_applicant,
    "referrer": can.is_referrer,
    "applicants_manager": can.is_report_writer,
    "endorser": can.is_endorser,
    "eligibility_checker": can.is_eligibility_checker,
    "coordinator": can.is_coordinator,
    "panel_member": can.is_panel_member,
    # Who records a panel's decision: panels narrows it to the chair of the application's
    # session who is not conflicted (panels.apps).
    "panel_chair": can.is_panel_member,
    "appeal_authority": can.is_appeal_authority,
    "reviewer": can.is_reviewer,
    "decider": can.is_decider,
}


def register_actor(name, predicate):
    """A later app narrows who may act (e.g. panels: only members of the session)."""
    ACTORS[name] = predicate


# --- Guards: named checks that must hold, provided by the module that knows ----------------
# A guard takes (application, actor, context) and returns None when it holds, else the reason.
# "ready_to_submit" is provided by portfolios.applications.readiness (the live readiness check,
# which includes eligibility on the panel date); others come with the issues that add their
# steps. An unregistered guard refuses, so nothing slips through before it exists.

GUARDS = {}
GUARD_PROVIDERS = {
    "ready_to_submit": "portfolios.applications.readiness",
    "report_complete": "portfolios.applications.reviews",
    "endorsement_complete": "portfolios.applications.reviews",
    "eligibility_holds": "portfolios.applications.reviews",
}


def register_guard(name, check):
    GUARDS[name] = check


def _guard(name):
    if name not in GUARDS and name in GUARD_PROVIDERS:
        from importlib import import_module

        try:
            import_module(GUARD_PROVIDERS[name])  # registers itself on import
        except ModuleNotFoundError as error:
            if error.name != GUARD_PROVIDERS[name]:
                raise  # the provider exists but is broken: say so
    return GUARDS.get(name)


def _before_hearing(application, actor, context):
    return None  # the source states already stop at the hearing


register_guard("before_hearing", _before_hearing)


def _with_a_comment(application, actor, context):
    if not str(context.get("comment") or "").strip():
        return "Say what needs to change: a return needs a comment for the worker"
    return None


register_guard("with_a_comment", _with_a_comment)


# --- The table --------------------------------------------------------------------------------


def _always(workflow):
    return True


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple
    target: str
    actor: str  # a key of ACTORS
    guard: str | None = None  # a key of GUARDS
    uses: object = _always  # workflow dict -> does the route use this step?
    timestamp: str | None = None  # an Application field set to now
    # The route's review pipeline decides which of `sources` applies (see review_sources).
    review_step: str | None = None
    done_message: str = ""
    description: str = ""
    implemented: bool = True
    details: dict = field(default_factory=dict)


def _panel(workflow):
    return workflow["decided_by"] == "panel"


def _allows(outcome):
    return lambda workflow: outcome in workflow["outcomes"]


TRANSITIONS = {
    t.name: t
    for t in (
        # start: creating the application (services.application_start); listed so the table
        # names every step. No source state: there is no application yet.
        Transition(
            "start", (), S.DRAFTING, "applicant", description="Start an application",
        ),
        # refer (Dudley): the team manager's referral opens the application for the worker
        # (reviews.referral_create); no source state, as for start.
        Transition(
            "refer", (), S.DRAFTING, "referrer", uses=lambda w: bool(w["referral_by"]),
            description="Refer the worker for progression",
        ),
        Transition(
            "submit", WITH_THE_WORKER, S.SUBMITTED, "applicant", guard="ready_to_submit",
            timestamp="submitted_at", done_message="The application has already been submitted",
            description="Submit the application",
        ),
        Transition(
            "withdraw", (*WITH_THE_WORKER, *UNDER_REVIEW), S.WITHDRAWN, "applicant",
            guard="before_hearing", done_message="The application has already been withdrawn",
            description="Withdraw the application",
        ),
        # Issue 10: the reviewers' steps.
        Transition(
            "return", UNDER_REVIEW, S.RETURNED, "reviewer", guard="with_a_comment",
            done_message="The application has already been returned to the worker",
            description="Return the application to the worker",
        ),
        Transition(
            "review", (S.SUBMITTED,), S.REVIEWED, "applicants_manager", review_step="review",
            guard="report_complete", uses=lambda w: bool(w["manager_report"]),
            done_message="The manager's report has already been completed",
            description="Complete the manager's report",
        ),
        Transition(
            "endorse", (S.SUBMITTED, S.REVIEWED), S.ENDORSED, "endorser",
            review_step="endorse", guard="endorsement_complete",
            uses=lambda w: bool(w["endorsement_by"]),
            done_message="The application has already been endorsed",
            description="Endorse attendance at panel",
        ),
        Transition(
            "confirm_eligibility", (S.SUBMITTED, S.REVIEWED, S.ENDORSED),
            S.ELIGIBILITY_CONFIRMED, "eligibility_checker", review_step="confirm_eligibility",
            guard="eligibility_holds", uses=lambda w: bool(w["eligibility_check_by"]),
            done_message="Eligibility has already been confirmed",
            description="Confirm the criteria are met",
        ),
        # Issue 11: the decision, recorded in one transition from the state the review
        # pipeline leaves (panels.decisions.decision_record), by whoever the route names: the
        # chair of the application's session, or (Medway) the line manager. Each outcome only
        # where the route allows it (steps.route_outcomes).
        *(
            Transition(
                f"decide_{outcome.value}", (*UNDER_REVIEW, S.NEW_HEARING), outcome, "decider",
                review_step="decide", uses=_allows(outcome),
                done_message="The decision has already been recorded",
                description=f"Record the decision ({outcome.label.lower()})",
            )
            for outcome in DECISIONS
        ),
        # Appeals (panels.appeals): the window's guard is registered by panels, and refuses on
        # a route whose panel allows no appeal (ProgressionRoute.panel["appeal_working_days"]).
        Transition(
            "lodge_appeal", (S.DEFERRED, S.NOT_PROGRESSED), S.APPEAL_LODGED, "applicant",
            guard="within_appeal_window", uses=_panel,
            done_message="An appeal has already been lodged",
            description="Lodge an appeal",
        ),
        # The appeal authority's decision is final. Upheld, the hearing is set aside and the
        # application waits for a new one (decide_* starts from NEW_HEARING too); dismissed, the
        # panel's decision stands.
        Transition(
            "uphold_appeal", (S.APPEAL_LODGED,), S.NEW_HEARING, "appeal_authority",
            uses=_panel, done_message="The appeal has already been decided",
            description="Uphold the appeal",
        ),
        Transition(
            "dismiss_appeal", (S.APPEAL_LODGED,), S.APPEAL_DECIDED, "appeal_authority",
            uses=_panel, done_message="The appeal has already been decided",
            description="Dismiss the appeal",
        ),
    )
}  # fmt: skip


def transitions_for_route(route):
    """The transitions this route uses, in table order."""
    workflow = route_workflow(route)
    return [t for t in TRANSITIONS.values() if t.uses(workflow)]


def sources_on_route(transition, route):
    """The states this transition may start from on this route."""
    workflow = route_workflow(route)
    if transition.review_step is None:
        return transition.sources
    source = review_sources(workflow).get(transition.review_step)
    sources = (source,) if source in transition.sources else ()
    if transition.review_step == "decide" and S.NEW_HEARING in transition.sources:
        sources += (S.NEW_HEARING,)  # heard again after an upheld appeal
    return sources


def can_take(user, application, name):
    """Could this person take the transition now (state and actor; the guard is not run)?"""
    transition = TRANSITIONS[name]
    return (
        transition.uses(route_workflow(application.route))
        and application.state in sources_on_route(transition, application.route)
        and ACTORS[transition.actor](user, application)
    )


# --- The runner -------------------------------------------------------------------------------


def transition_apply(*, application, name, actor, guard_context=None, on_commit=None, details=None):
    """Take one transition. Returns TransitionResult(changed, message); a repeat of a transition
    that already happened is a no-op with a message; anything else illegal raises
    ApplicationError. on_commit (a callable taking the application) runs after the commit."""
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise ApplicationError(f"There is no step called '{name}'")
    if not transition.sources:  # "start" creates the application: services.application_start
        raise ApplicationError("An application is started, not moved into a state")
    with transaction.atomic():
        locked = (
            Application.objects.select_for_update(of=("self",))
            .select_related("route", "applicant", "organisation")
            .get(pk=application.pk)
        )
        if not ACTORS[transition.actor](actor, locked):
            raise ApplicationError("You cannot do this to this application")
        if not transition.uses(route_workflow(locked.route)):
            raise ApplicationError(f"This route has no step '{transition.description.lower()}'")
        if locked.state == transition.target and transition.done_message:
            _refresh(application, locked)
            return TransitionResult(False, transition.done_message, locked)
        if locked.state not in sources_on_route(transition, locked.route):
            raise ApplicationError(
                f"You cannot {transition.description[0].lower()}{transition.description[1:]} "
                f"now: the application is {locked.get_state_display().lower()}"
            )
        if transition.guard:
            check = _guard(transition.guard)
            reason = (
                "This step's checks are not available yet"
                if check is None
                else check(locked, actor, guard_context or {})
            )
            if reason:
                raise ApplicationError(reason)
        on_behalf_of = _on_behalf_of(actor, locked, transition)
        now = timezone.now()
        previous = locked.state
        locked.state = transition.target
        locked.state_changed_at = now
        fields = ["state", "state_changed_at"]
        if locked.reassigned_to_id or locked.reassigned_state:
            # A reassignment is for one step: the next goes back to the route's holder.
            locked.reassigned_to, locked.reassigned_state = None, ""
            fields += ["reassigned_to", "reassigned_state"]
        if transition.timestamp:
            setattr(locked, transition.timestamp, now)
            fields.append(transition.timestamp)
        locked.save(update_fields=fields)
        audit_record(
            actor=actor,
            action=f"application.{transition.name}",
            target=locked,
            organisation=locked.organisation,
            details={
                "from": previous,
                "to": transition.target,
                **({"for": on_behalf_of} if on_behalf_of else {}),
                **(details or {}),
            },
        )
        if on_commit is not None:
            transaction.on_commit(lambda: on_commit(locked))
    _refresh(application, locked)
    return TransitionResult(True, "", locked)


def _on_behalf_of(actor, application, transition):
    """The id of the person the actor stands in for (a delegate covering an absent manager),
    or None when they act as themselves."""
    step = transition.review_step
    if transition.name == "return":
        step = step_at(application.route, application.state)
    return can.stands_in_for(actor, application, step)


def _refresh(application, locked):
    # The caller's object reflects what is now stored.
    for name in ("state", "state_changed_at", "submitted_at", "reassigned_to_id",
                 "reassigned_state"):  # fmt: skip
        setattr(application, name, getattr(locked, name))


def _role_name(value):
    try:
        return Role(value).label.lower()
    except ValueError:
        return str(value).replace("_", " ")


def route_steps(route):
    """The steps of an application on this route, in order, as sentences for the worker."""
    flow = route_workflow(route)
    steps = []
    if flow["referral_by"]:
        steps.append(
            f"Your {_role_name(flow['referral_by'])} refers you once supervision confirms you "
            "meet the criteria."
        )
    if flow["booking"] == "worker_books_after_agreement":
        steps.append(
            "Your managers agree that you may apply; you then book a panel place, and the "
            "standards you evidence are allocated when you book."
        )
    steps.append("You write your application, link your evidence and submit it.")
    if flow["manager_report"]:
        steps.append("Your line manager or practice supervisor writes their report.")
    if flow["endorsement_by"]:
        steps.append(f"Your {_role_name(flow['endorsement_by'])} endorses your application.")
    if flow["eligibility_check_by"]:
        steps.append(
            f"The {_role_name(flow['eligibility_check_by'])} confirms that you meet the criteria."
        )
    if flow["booking"] == "coordinator_books_after_referral":
        steps.append("The progression coordinator gives you a time at a panel.")
    if flow["decided_by"] == "panel":
        steps.append("The panel hears your application and decides.")
    else:
        steps.append("Your line manager decides.")
    return steps
