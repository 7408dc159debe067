"""Demo decisions, made through the services as the people would, after the reviewers' demo, so
the panel members, the appeal authority, HR and the workers have something real after
`make run`:

- Lincolnshire, last week's panel: two colleagues of the worker wrote and submitted their
  portfolios, had their report and endorsement, and were heard by the chair and a second Head
  of Service. One progressed to Level 2 from the panel date (their level history shows it); the
  other was deferred with judgements, further work and short, medium and long-term targets, and
  has appealed: the appeal waits for the Assistant Director.
- Lincolnshire, the next panel: the chair and the second Head of Service sit on it and the
  coordinator has released its pack, so the members can read the portfolios booked on it.
- Dudley, this week's panel: one progressed, one not progressed, with targets.
- Medway: a line manager's decision to progress.
- HR in each council: the progressions' letters sent, each checklist half done, and in
  Lincolnshire a letter re-issued with a reason.

The panel met last week: its session is recorded as it was, and the two places on it are the
ones the colleagues booked on the next panel, moved back to it (a demo cannot book a session
that has passed). Idempotent: a person with a decision is left alone."""

import datetime
import logging

from django.db import transaction
from django.utils import timezone

from careerpath.demo import demo_username
from careerpath.models import User
from panels.appeals import appeal_lodge
from panels.decisions import (
    DecisionError,
    decision_record,
    judgeable_criteria,
    later_sessions_for,
)
from panels.models import Booking, Decision, MemberRole, PanelSession, SessionMember, SessionStatus
from panels.services_membership import pack_release
from portfolios.applications.reviews import step_complete
from portfolios.applications.workflow import ApplicationError
from portfolios.demo_reviews import _lincolnshire_write, _person, _report, _route, _submit
from portfolios.models import Application, ApplicationState

S = ApplicationState
logger = logging.getLogger(__name__)

PROGRESSED, DEFERRED = "colleague-5", "colleague-6"
CHAIR, SECOND_HEAD = "panel-member", "head-of-service"
HEARD_DAYS_AGO = 7


def demo_decisions_load():
    made = _lincolnshire_last_panel()
    _lincolnshire_next_panel_released()
    made += _dudley_panel_this_week()
    made += _medway_line_managers_decision()
    _hr_at_work()
    return made


def _seat(session, person, role, actor):
    if person is not None:
        SessionMember.objects.get_or_create(
            session=session, person=person, defaults={"role": role, "added_by": actor}
        )


def _reviewed_and_endorsed(person, route, session):
    """The person's application, agreed and booked on `session`, written, submitted, reported
    on (verifying KSS 9 and 10) and endorsed; None when the demo cannot get it there."""
    from panels.demo import _agree_and_book

    booking = _agree_and_book(person=person, route=route, session=session)
    application = Application.objects.select_related(
        "applicant", "route__framework", "route__to_level", "organisation"
    ).get(pk=booking.application_id)
    _lincolnshire_write(application, person)
    if not _submit(application, person):
        return None
    supervisor, manager = person.practice_supervisor, person.team_manager
    step_complete(application=application, actor=supervisor, step="review",
                  values=_report(application, "review", supervisor), verify=True)  # fmt: skip
    step_complete(application=application, actor=manager, step="endorse",
                  values=_report(application, "endorse", manager), verify=True)  # fmt: skip
    application.refresh_from_db()
    return application if application.state == S.ENDORSED else None


def _held_session(route, coordinator, heard_on, **place):
    """A panel as it was held (online, like Lincolnshire's, unless a room is given)."""
    place = place or {"meeting_url": "https://meet.example.org/lincolnshire-progression-panel"}
    start = timezone.make_aware(datetime.datetime.combine(heard_on, datetime.time(10)))
    session, _ = PanelSession.objects.get_or_create(
        organisation=route.framework.organisation,
        framework_slug=route.framework.slug,
        route_code=route.code,
        starts_at=start,
        defaults={
            "route": route,
            "ends_at": start + datetime.timedelta(hours=3),
            **place,
            "capacity": 6,
            "submission_deadline": heard_on - datetime.timedelta(days=14),
            "status": SessionStatus.HELD,
            "created_by": coordinator,
            "pack_released_at": start - datetime.timedelta(days=7),
            "pack_released_by": coordinator,
        },
    )
    return session


@transaction.atomic
def _lincolnshire_last_panel():
    slug = "lincolnshire"
    people = {
        key: _person(demo_username(slug, key))
        for key in (PROGRESSED, DEFERRED, CHAIR, SECOND_HEAD, "coordinator")
    }
    route = _route(slug, "L1-L2")
    if route is None or any(person is None for person in people.values()):
        return 0
    if Decision.objects.filter(application__applicant=people[PROGRESSED]).exists():
        return 0
    coordinator, chair = people["coordinator"], people[CHAIR]
    heard_on = timezone.localdate() - datetime.timedelta(days=HEARD_DAYS_AGO)
    upcoming = later_sessions_for(
        Application(route=route, organisation_id=route.framework.organisation_id), after=heard_on
    )
    if not upcoming:
        return 0
    held = _held_session(route, coordinator, heard_on)
    _seat(held, chair, MemberRole.CHAIR, coordinator)
    _seat(held, people[SECOND_HEAD], MemberRole.MEMBER, coordinator)
    made = 0
    for key in (PROGRESSED, DEFERRED):
        application = _reviewed_and_endorsed(people[key], route, upcoming[0])
        if application is None:
            logger.warning("Demo: %s could not be brought to the panel", people[key].username)
            continue
        Booking.objects.filter(application=application, cancelled_at__isnull=True).update(
            session=held
        )
        try:
            _decide(application, key, chair, people[SECOND_HEAD], held, heard_on, upcoming)
        except (DecisionError, ApplicationError) as error:
            logger.warning("Demo: the decision on %s was not recorded: %s", application, error)
            continue
        made += 1
    return made


def _decide(application, key, chair, second, session, heard_on, upcoming):
    standards = sorted(int(n) for n in application.allocated_standards)
    deferred = key == DEFERRED
    judgements = [
        {
            "standard_number": number,
            "met": not (deferred and number == standards[-1]),
            "note": (
                "The examples were of assessment; we did not hear about direct work with the child."
                if deferred and number == standards[-1]
                else ""
            ),
        }
        for number in standards
    ]
    targets = (
        [
            {
                "term": "short_term",
                "text": "Lead two direct-work sessions with a child and "
                "reflect on them in supervision",
                "due_on": heard_on + datetime.timedelta(days=60),
            },
            {
                "term": "medium_term",
                "text": "Shadow a colleague in the court team through one set of care proceedings",
                "due_on": heard_on + datetime.timedelta(days=150),
            },
            {
                "term": "long_term",
                "text": "Bring the direct work into a new portfolio for the next panel",
                "due_on": heard_on + datetime.timedelta(days=280),
            },
        ]  # fmt: skip
        if deferred
        else []
    )
    decision = decision_record(
        application=application, actor=chair, outcome="deferred" if deferred else "progressed",
        heard_on=heard_on, sat=[chair, second], judgements=judgements, targets=targets,
        reasons=(
            f"The panel heard evidence against each allocated standard. KSS {standards[-1]} "
            "was not yet evidenced in direct work with children."
            if deferred
            else "The panel heard strong evidence against each allocated standard."
        ),
        further_work="Shadowing in the court team and training in direct work with children."
        if deferred
        else "",
        suggested_session=upcoming[-1] if deferred else None,
        session=session,
    )  # fmt: skip
    if deferred:
        appeal_lodge(
            decision=decision,
            actor=application.applicant,
            grounds=(
                "The panel did not ask me about the direct work in my second case example, "
                "which the procedure says it should explore before deferring."
            ),
        )
    return decision


@transaction.atomic
def _lincolnshire_next_panel_released():
    """The chair and the second Head of Service sit on the next panel with submitted portfolios
    booked on it; the coordinator releases its pack."""
    slug = "lincolnshire"
    coordinator = User.objects.filter(username=demo_username(slug, "coordinator")).first()
    chair = User.objects.filter(username=demo_username(slug, CHAIR)).first()
    second = User.objects.filter(username=demo_username(slug, SECOND_HEAD)).first()
    if coordinator is None or chair is None:
        return None
    session = (
        PanelSession.objects.filter(
            organisation_id=coordinator.organisation_id,
            status=SessionStatus.PLANNED,
            starts_at__gt=timezone.now(),
            bookings__cancelled_at__isnull=True,
            bookings__application__state__in=(S.SUBMITTED, S.REVIEWED, S.ENDORSED),
        )
        .order_by("starts_at")
        .first()
    )
    if session is None:
        return None
    _seat(session, chair, MemberRole.CHAIR, coordinator)
    _seat(session, second, MemberRole.MEMBER, coordinator)
    pack_release(session=session, actor=coordinator)
    return session


# --- Dudley ---------------------------------------------------------------------------------------

DUDLEY_PROGRESSED, DUDLEY_NOT_PROGRESSED = "worker-4", "worker-5"


def _dudley_confirmed(person, route):
    """Referred by the team manager, Appendix A and B written, submitted, the line manager's
    summary written and the criteria confirmed by the coordinator; None when the demo cannot."""
    from portfolios.demo_applications import dudley_application_write
    from portfolios.demo_reviews import _application, _sign_observation

    _sign_observation(person, days_ago=10)
    dudley_application_write(person=person, route=route)
    application = _application(person)
    if not _submit(application, person):
        return None
    manager = person.line_manager
    step_complete(application=application, actor=manager, step="review",
                  values=_report(application, "review", manager))  # fmt: skip
    coordinator = User.objects.get(username=demo_username("dudley", "coordinator"))
    step_complete(application=application, actor=coordinator, step="confirm_eligibility")
    application.refresh_from_db()
    return application if application.state == S.ELIGIBILITY_CONFIRMED else None


@transaction.atomic
def _dudley_panel_this_week():
    """Two social workers heard at Dudley's panel two days ago, chaired by the Principal Social
    Worker with the coordinator observing: one progressed to Senior Social Worker, one not
    progressed, each with short, medium and long-term targets (Dudley's targets)."""
    slug = "dudley"
    people = {
        key: _person(demo_username(slug, key))
        for key in (DUDLEY_PROGRESSED, DUDLEY_NOT_PROGRESSED, CHAIR, "coordinator")
    }
    route = _route(slug, "SW-SSW")
    if route is None or any(person is None for person in people.values()):
        return 0
    if Decision.objects.filter(application__applicant=people[DUDLEY_PROGRESSED]).exists():
        return 0
    coordinator, chair = people["coordinator"], people[CHAIR]
    heard_on = timezone.localdate() - datetime.timedelta(days=2)
    held = _held_session(
        route, coordinator, heard_on, location="Centre for Professional Practice, meeting room 1"
    )
    _seat(held, chair, MemberRole.CHAIR, coordinator)
    _seat(held, coordinator, MemberRole.OBSERVER, coordinator)
    made = 0
    for slot, key in enumerate((DUDLEY_PROGRESSED, DUDLEY_NOT_PROGRESSED), start=1):
        application = _dudley_confirmed(people[key], route)
        if application is None:
            logger.warning("Demo: %s could not be brought to the panel", people[key].username)
            continue
        # Booked by the coordinator before the panel (a demo cannot book a session past).
        Booking.objects.create(
            application=application, session=held, booked_by=coordinator, slot=slot
        )
        progressed = key == DUDLEY_PROGRESSED
        targets = [
            {"term": "short_term", "text": "Co-work a complex child protection case with a "
             "senior colleague", "due_on": heard_on + datetime.timedelta(days=90)},
            {"term": "medium_term", "text": "Chair a core group and present the plan at the "
             "review conference", "due_on": heard_on + datetime.timedelta(days=180)},
            {"term": "long_term", "text": "Supervise a student social worker on placement",
             "due_on": heard_on + datetime.timedelta(days=365)},
        ]  # fmt: skip
        criteria = judgeable_criteria(application)
        judgements = [
            {"criterion_id": criterion.pk, "met": progressed or criterion != criteria[-1]}
            for criterion in criteria
        ]
        try:
            decision_record(
                application=application, actor=chair,
                outcome="progressed" if progressed else "not_progressed", heard_on=heard_on,
                sat=[chair, coordinator], judgements=judgements, targets=targets, session=held,
                reasons=(
                    "The panel's questions drew out confident analysis of risk and clear "
                    "leadership in complex cases."
                    if progressed
                    else "The panel did not yet hear evidence of leading complex work on your "
                    "own: the targets set out how to build it before you apply again."
                ),
            )  # fmt: skip
        except (DecisionError, ApplicationError) as error:
            logger.warning("Demo: the decision on %s was not recorded: %s", application, error)
            continue
        made += 1
    return made


# --- Medway ---------------------------------------------------------------------------------------

MEDWAY_PROGRESSED = "adult-worker-5"


@transaction.atomic
def _medway_line_managers_decision():
    """Submitted and progressed by the line manager three days ago (Medway names no panel)."""
    from portfolios.demo_reviews import _application
    from portfolios.demo_submissions import medway_application_load

    person = _person(demo_username("medway", MEDWAY_PROGRESSED))
    if person is None or Decision.objects.filter(application__applicant=person).exists():
        return 0
    medway_application_load(username=person.username, submit=True)
    application = _application(person)
    if application is None or application.state != S.SUBMITTED:
        logger.warning("Demo: %s's application was not submitted", person.username)
        return 0
    criteria = judgeable_criteria(application)
    try:
        decision_record(
            application=application, actor=person.line_manager, outcome="progressed",
            heard_on=timezone.localdate() - datetime.timedelta(days=3),
            judgements=[{"criterion_id": criterion.pk, "met": True} for criterion in criteria],
            reasons="Grace's portfolio evidences each criterion of level B with recent practice.",
        )  # fmt: skip
    except (DecisionError, ApplicationError) as error:
        logger.warning("Demo: the decision on %s was not recorded: %s", application, error)
        return 0
    return 1


# --- HR -------------------------------------------------------------------------------------------


def _hr_at_work():
    """Each council's HR officer has ticked the first item of each progression's checklist
    (half done), and Lincolnshire's has re-issued a letter with a corrected pay point."""
    from panels.hr import checklist_items_ensure, checklist_tick
    from panels.letters import LetterError, letter_issue, letter_reissue
    from panels.models import ChecklistTick, Letter, Outcome

    for slug in ("lincolnshire", "dudley", "medway"):
        hr = _person(demo_username(slug, "hr"))
        if hr is None:
            continue
        items = list(checklist_items_ensure(organisation=hr.organisation))
        progressions = Decision.objects.filter(
            application__organisation=hr.organisation, outcome=Outcome.PROGRESSED
        ).select_related("application__organisation")
        for decision in progressions:
            if items and not ChecklistTick.objects.filter(decision=decision).exists():
                checklist_tick(decision=decision, item=items[0], actor=hr)
        if slug != "lincolnshire" or not progressions:
            continue
        # Its letter went out after the decision's commit; the demo loads in one transaction,
        # so it is issued here (once: the queued task then finds it sent).
        first = progressions[0]
        letter_issue(decision_id=first.pk, kind=first.outcome)
        letter = (
            Letter.objects.filter(decision=first, version=1, sent_at__isnull=False)
            .select_related("decision__application")
            .first()
        )
        if letter is None or Letter.objects.filter(decision=letter.decision, version=2).exists():
            continue
        try:
            letter_reissue(
                letter=letter,
                actor=hr,
                reason="The first letter gave the old pay point: corrected to SCP 25.",
            )
        except LetterError as error:
            logger.warning("Demo: the letter was not re-issued: %s", error)
