"""Recording the decision on an application, once, as it is made: by the chair of the session it
is booked on (panel routes) or by the person the route names (Medway: the line manager).

decision_record() is one transaction: the application's decide_<outcome> transition (whose row
lock makes two chairs saving at the same moment leave one decision), the Decision with its
judgements and targets, the new level in the worker's level history when progressed, an audit
event and the notifications (their e-mails go after the commit, once). Everything after it (the
effective date, the new level, the appeal's last day) is computed here from the route's data."""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from careerpath.dates import long_date
from careerpath.models import LevelHistory, LevelSource, Role
from careerpath.selectors import role_holders
from careerpath.services import audit_record, notification_send
from frameworks.models import Criterion
from panels.models import Decision, Judgement, Letter, SessionMember, Target, TargetTerm
from portfolios.applications import permissions as can
from portfolios.applications.steps import DECISIONS, holder_of, route_outcomes, route_workflow
from portfolios.applications.workflow import ApplicationError, transition_apply
from portfolios.models import Application, ApplicationState

S = ApplicationState
ALREADY_RECORDED = "The decision on this application has already been recorded"


class DecisionError(ApplicationError):
    """A decision that cannot be recorded as given; `field` names the form field it is about."""

    def __init__(self, message, *, field=None):
        super().__init__(message)
        self.field = field


# --- Who may record it ---------------------------------------------------------------------


def is_deciding_chair(user, application):
    """Registered as the workflow's "panel_chair": the chair of the session the application is
    booked on, and not conflicted for it (panels.membership)."""
    from panels.membership import is_chair_for

    return is_chair_for(user, application)


# --- What may be judged ----------------------------------------------------------------------


def judged_by_standard(application):
    """Routes that allocate standards at booking judge each allocated standard; the others
    judge the target level's criteria."""
    return bool(application.allocated_standards)


def judgeable_criteria(application):
    """The target level's criteria, in order (routes without an allocation)."""
    return list(Criterion.objects.filter(level_id=application.route.to_level_id).order_by("order"))


def allowed_terms(route):
    """The target terms the route lists (Dudley: short, medium and long), or all three."""
    listed = (route.panel or {}).get("targets") or []
    return [term for term in TargetTerm.values if term in listed] or list(TargetTerm.values)


def effective_date_for(route, heard_on):
    """The day a progression takes effect. "panel_date" (the seeds: the day the evidence was
    heard) gives heard_on; a route with no rule (Medway names none) also takes the day the
    decision was heard, rather than inventing another."""
    return heard_on


def _appeal_last_day(route, decided_on):
    from panels.appeals import appeal_last_day

    return appeal_last_day(route, decided_on)


def later_sessions_for(application, *, after):
    """The route's planned sessions after the hearing, soonest first: those a deferral may
    suggest for the next attempt."""
    from panels.models import PanelSession, SessionStatus

    route = application.route
    return list(
        PanelSession.objects.filter(
            organisation_id=application.organisation_id,
            framework_slug=route.framework.slug,
            route_code=route.code,
            status=SessionStatus.PLANNED,
            starts_at__date__gt=after,
        ).order_by("starts_at", "pk")[:8]
    )


@dataclass(frozen=True)
class JudgementInput:
    met: bool
    standard_number: int | None = None
    criterion_id: int | None = None
    note: str = ""


@dataclass(frozen=True)
class TargetInput:
    term: str
    text: str
    due_on: datetime.date


def _check_judgements(application, judgements):
    if judged_by_standard(application):
        allowed = {int(number) for number in application.allocated_standards}
        for judgement in judgements:
            if judgement.criterion_id is not None or judgement.standard_number not in allowed:
                raise DecisionError(
                    "Judge only the standards allocated to this application "
                    f"(KSS {', '.join(str(n) for n in sorted(allowed))})",
                    field="judgements",
                )
        keys = [j.standard_number for j in judgements]
    else:
        allowed = set(
            Criterion.objects.filter(level_id=application.route.to_level_id).values_list(
                "pk", flat=True
            )
        )
        for judgement in judgements:
            if judgement.standard_number is not None or judgement.criterion_id not in allowed:
                raise DecisionError(
                    "Judge only the criteria of the level applied for", field="judgements"
                )
        keys = [j.criterion_id for j in judgements]
    if len(keys) != len(set(keys)):
        raise DecisionError("Each standard or criterion is judged once", field="judgements")


def _check_targets(route, targets, heard_on):
    terms = allowed_terms(route)
    for target in targets:
        if target.term not in terms:
            raise DecisionError("Choose a term this route sets targets for", field="targets")
        if not target.text.strip():
            raise DecisionError("Say what each target is", field="targets")
        if target.due_on is None or target.due_on <= heard_on:
            raise DecisionError(
                f"Each target's date must be after {long_date(heard_on)}", field="targets"
            )


def decision_record(
    *,
    application,
    actor,
    outcome,
    heard_on,
    sat=(),
    judgements=(),
    targets=(),
    reasons="",
    further_work="",
    suggested_session=None,
    session=None,
):
    """Record the decision. Raises DecisionError (an ApplicationError) with a message for the
    person when it cannot; a second decision on the same hearing gets ALREADY_RECORDED."""
    route = application.route
    today = timezone.localdate()
    outcome = S(outcome) if outcome in S.values else None
    if outcome not in DECISIONS or outcome not in route_outcomes(route):
        raise DecisionError("Choose an outcome this route allows", field="outcome")
    if heard_on is None or heard_on > today:
        raise DecisionError("The date decided must be today or in the past", field="heard_on")
    judgements = [j if isinstance(j, JudgementInput) else JudgementInput(**j) for j in judgements]
    targets = [t if isinstance(t, TargetInput) else TargetInput(**t) for t in targets]
    _check_judgements(application, judgements)
    _check_targets(route, targets, heard_on)
    if outcome != S.DEFERRED and (further_work.strip() or suggested_session is not None):
        raise DecisionError(
            "Further work is recommended only with a deferral", field="further_work"
        )
    panel_route = route_workflow(route)["decided_by"] == "panel"
    if panel_route and session is None:
        from panels.membership import session_of

        session = session_of(application)
    if suggested_session is not None and suggested_session not in later_sessions_for(
        application, after=heard_on
    ):
        raise DecisionError("Suggest one of the route's later sessions", field="suggested_session")
    try:
        with transaction.atomic():
            locked = (
                Application.objects.select_for_update(of=("self",))
                .select_related("route__to_level__role", "applicant", "organisation")
                .get(pk=application.pk)
            )
            if locked.state in DECISIONS:  # the other chair's save got the lock first
                raise DecisionError(ALREADY_RECORDED)
            result = transition_apply(
                application=locked, name=f"decide_{outcome.value}", actor=actor,
                details={"heard_on": heard_on.isoformat()},
            )  # fmt: skip
            if not result.changed:
                raise DecisionError(ALREADY_RECORDED)
            decision = _decision_create(
                locked, actor, outcome, heard_on, session, reasons, further_work,
                suggested_session, today,
            )  # fmt: skip
            _sat_set(decision, locked, actor, sat, session, panel_route)
            Judgement.objects.bulk_create(
                Judgement(
                    decision=decision,
                    standard_number=j.standard_number,
                    criterion_id=j.criterion_id,
                    met=bool(j.met),
                    note=j.note.strip(),
                )
                for j in judgements
            )
            Target.objects.bulk_create(
                Target(decision=decision, term=t.term, text=t.text.strip(), due_on=t.due_on)
                for t in targets
            )
            if outcome == S.PROGRESSED:
                _level_history_update(decision, locked.applicant)
            audit_record(
                actor=actor,
                action="decision.record",
                target=decision,
                organisation=locked.organisation,
                details={
                    "application": locked.pk,
                    "outcome": outcome.value,
                    "hearing": decision.hearing,
                    "heard_on": heard_on.isoformat(),
                    **({"for": decision.on_behalf_of_id} if decision.on_behalf_of_id else {}),
                },
            )
            _notify(decision, locked, actor)
            # The outcome letter: made, rendered and e-mailed by a task after the commit.
            from panels.letters import letter_queue

            letter_queue(decision, decision.outcome)
    except IntegrityError as error:
        # Two saves of the same hearing that both got past the lock (they cannot, but the
        # database's unique constraint is the last word): one decision, and a clear message.
        raise DecisionError(ALREADY_RECORDED) from error
    application.refresh_from_db(fields=["state", "state_changed_at"])  # the caller's copy
    return decision


def _decision_create(application, actor, outcome, heard_on, session, reasons, further_work,
                     suggested_session, today):  # fmt: skip
    route = application.route
    person_id = can.acting_for(actor, holder_of(application, "decide"), application)
    progressed = outcome == S.PROGRESSED
    with transaction.atomic():
        return Decision.objects.create(
            application=application,
            hearing=application.decisions.count() + 1,
            session=session,
            outcome=outcome.value,
            decided_by=actor,
            on_behalf_of_id=person_id if person_id not in (None, actor.pk) else None,
            heard_on=heard_on,
            reasons=reasons.strip(),
            effective_date=effective_date_for(route, heard_on) if progressed else None,
            new_level_code=route.to_level.code if progressed else "",
            new_level_name=route.to_level.name if progressed else "",
            # The new level's role carries its grade and pay point (Lincolnshire's Level 2
            # Social Worker: G9, SCP 25); blank where the council's framework gives none.
            grade=route.to_level.role.grade if progressed else "",
            pay_point=route.to_level.role.pay_point if progressed else "",
            further_work=further_work.strip() if outcome == S.DEFERRED else "",
            suggested_session=suggested_session if outcome == S.DEFERRED else None,
            # Appeals are against a deferral or a refusal, on routes that allow one.
            appeal_due_on=None if progressed else _appeal_last_day(route, today),
        )


def _sat_set(decision, application, actor, sat, session, panel_route):
    people = list(sat) or [actor]
    if panel_route and session is not None:
        seated = set(
            SessionMember.objects.filter(session=session).values_list("person_id", flat=True)
        )
        if any(person.pk not in seated for person in people):
            raise DecisionError("Only members of the session sat on it", field="sat")
    decision.sat.set(people)


def _level_history_update(decision, worker):
    """The new level from the effective date: the current entry closes the day before, so the
    time-at-level the rules read restarts from the decision."""
    effective = decision.effective_date
    current = (
        LevelHistory.objects.select_for_update(of=("self",))
        .filter(user=worker, ended_on__isnull=True)
        .first()
    )
    if current is not None:
        current.ended_on = max(current.started_on, effective - datetime.timedelta(days=1))
        current.save(update_fields=["ended_on"])
    LevelHistory.objects.create(
        user=worker,
        level_code=decision.new_level_code,
        level_name=decision.new_level_name,
        started_on=effective,
        source=LevelSource.PANEL_DECISION,
        reference=f"Decision {decision.pk}: {decision.application.route.title}, "
        f"heard on {long_date(decision.heard_on)}"[:200],
    )


def _notify(decision, application, actor):
    """The worker, their team manager and the council's HR are told; the e-mails go after the
    commit, once (notification_send queues them on commit)."""
    worker = application.applicant
    hr = role_holders(application.organisation_id, Role.HR)
    people = {worker.pk: worker}
    if worker.team_manager_id:
        people.setdefault(worker.team_manager_id, worker.team_manager)
    for person in hr:
        people.setdefault(person.pk, person)
    people.pop(actor.pk, None)
    name = worker.get_full_name() or str(worker)
    title = application.route.title
    outcome = decision.get_outcome_display().lower()
    for person in people.values():
        own = person.pk == worker.pk
        subject = (
            f"The decision on your application for {title}: {outcome}"
            if own
            else f"The decision on {name}'s application for {title}: {outcome}"
        )
        body = f"{subject}. Decided on {long_date(decision.heard_on)}."
        if decision.effective_date:
            body += (
                f" {decision.new_level_name or decision.new_level_code} from "
                f"{long_date(decision.effective_date)}."
            )
        if own and decision.appeal_due_on:
            body += f" You may appeal until {long_date(decision.appeal_due_on)}."
        url = reverse("portfolios:application-detail", args=[application.pk]) if own else ""
        notification_send(recipient=person, subject=subject, body=body, url=url)


# --- Reading it back -------------------------------------------------------------------------


def decision_for(application):
    """The latest decision on the application, with its judgements (and their criteria) and
    targets, in a fixed number of queries; None before one is recorded. Registered with
    portfolios for the worker's application page."""
    return (
        Decision.objects.filter(application_id=application.pk)
        .select_related("session")
        .prefetch_related(
            "judgements__criterion",
            "targets",
            Prefetch("letters", Letter.objects.select_related("reissued_by")),
        )
        .order_by("-hearing")
        .first()
    )


__all__ = [
    "ALREADY_RECORDED", "DecisionError", "JudgementInput", "TargetInput", "allowed_terms",
    "decision_for", "decision_record", "effective_date_for", "is_deciding_chair",
    "judgeable_criteria", "judged_by_standard", "later_sessions_for",
]  # fmt: skip
