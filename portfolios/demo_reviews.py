"""Demo work for the reviewers, made through the services as the people would, so every demo
manager and coordinator has something real waiting after `make run`:

- Lincolnshire: two colleagues of the worker, booked with them, write their portfolios and
  submit; the practice supervisor has the first one's report to write, and has written the
  second one's (verifying KSS 9 and 10), which waits for the team manager's endorsement.
- Dudley: the team manager refers two more social workers, who write Appendix A and B and
  submit with an observation rated 3; the line manager (the team manager) has the first one's
  summary to write, overdue and reminded about, and has written the second one's, which waits
  for the coordinator to confirm the criteria are met.
- Medway: one application returned by the line manager with a comment thread (the return, the
  worker's reply, a note for reviewers only); another waits for the decision of the deputy team
  manager, who is on leave and covered by the team manager.

Idempotent: a worker who has an application already is left alone, cover in force is not
recorded twice, and a reminder already sent is not sent again."""

import datetime
import logging

from django.db import transaction
from django.utils import timezone

from careerpath.models import User
from careerpath.selectors import delegations_in_force
from careerpath.services import delegation_create
from frameworks.models import FrameworkStatus, ProgressionRoute
from portfolios.applications import selectors
from portfolios.applications.forms_engine import initial_values
from portfolios.applications.readiness import application_readiness
from portfolios.applications.reminders import reminders_send
from portfolios.applications.reviews import (
    application_return,
    comment_add,
    step_complete,
    step_form,
)
from portfolios.applications.services import application_answer_save, evidence_links_add
from portfolios.applications.submission import application_submit
from portfolios.demo_applications import dudley_application_write
from portfolios.demo_submissions import medway_application_load
from portfolios.models import Application, ApplicationState, EvidenceItem, PracticeType
from portfolios.selectors_observations import kss_statements
from portfolios.services import evidence_item_create
from portfolios.services_observations import observation_save_draft, observation_sign

S = ApplicationState
logger = logging.getLogger(__name__)

# Lincolnshire: booked with the worker by the panels demo (panels/demo.py).
LINCOLNSHIRE_REPORT, LINCOLNSHIRE_ENDORSE = "lincolnshire.colleague-3", "lincolnshire.colleague-4"
DUDLEY_REPORT, DUDLEY_CONFIRM = "dudley.worker-2", "dudley.worker-3"
MEDWAY_RETURNED, MEDWAY_WAITING = "medway.adult-worker-3", "medway.adult-worker-4"
MEDWAY_ON_LEAVE, MEDWAY_COVER = "medway.deputy-team-manager", "medway.team-manager"

# How far back the overdue summary is dated: past Dudley's 10 working days (whatever bank
# holidays fall in it), inside the second period, so the line manager is reminded and the
# coordinator not yet told. On Dudley's route: the reminders' tests change Medway's route.
OVERDUE_DAYS = 21

STATEMENT = (
    "With a family where the school had raised worries about the children's attendance, I "
    "planned a joint visit with the health visitor, spoke with each child on their own and "
    "agreed a written plan with their mother. {what} In supervision I reflected on what went "
    "well and what I would do differently, and I have used the same approach since."
)
REPORT = (
    "{first} has grown in confidence this year: their recording is timely, they attend every "
    "supervision prepared, and families describe them as honest and kind. Their court work on "
    "two care proceedings was well evidenced. I recommend progression."
)


def _person(username):
    return (
        User.objects.filter(username=username)
        .select_related("organisation", "practice_supervisor", "line_manager", "team_manager")
        .first()
    )


def _route(slug, code):
    return (
        ProgressionRoute.objects.filter(
            framework__organisation__slug=slug,
            framework__status=FrameworkStatus.PUBLISHED,
            code=code,
        )
        .select_related("framework", "to_level")
        .first()
    )


def _application(person):
    return (
        Application.objects.filter(applicant=person)
        .select_related("applicant", "route__framework", "route__to_level", "organisation")
        .order_by("-pk")
        .first()
    )


def _answer(spec, person, *, role_holder=None):
    """A plausible answer to one field of the council's form."""
    today = timezone.localdate()
    if spec.kind == "choice":
        # "No" to the questions about procedures, "Yes" to the rest.
        wanted = "No" if "subject to" in spec.label.lower() else "Yes"
        return wanted if wanted in spec.options else (spec.options[0] if spec.options else "")
    if spec.kind == "date":
        return today.isoformat()
    if spec.kind == "signature":
        signer = role_holder or person
        return signer.get_full_name()
    if spec.kind == "number":
        return "2"
    return ""


def _sign_observation(worker, *, days_ago, rating=3):
    """A practice observation by the worker's practice supervisor, signed: it joins the
    worker's library as a rated practice observation."""
    observer = worker.practice_supervisor
    first = worker.first_name
    draft = observation_save_draft(
        observer=observer,
        worker=worker,
        standards=list(kss_statements().filter(number__in=[1, 2, 5])),
        observed_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        practice_type=PracticeType.HOME_VISIT,
        rating=rating,
        assessment=(
            f"{first} led a planned home visit with a mother and her two children. They "
            "explained the purpose of the visit without jargon, spent time with each child on "
            "their own and agreed a safety plan with the mother (KSS 1, 2, 5)."
        ),
        short_term_targets="Record the children's words on the day of the visit.",
        medium_term_targets="Lead a core group meeting.",
        long_term_targets="Co-facilitate a workshop for newer colleagues.",
        feedback='Mother: "They listened to me and I knew what would happen next."',
    )
    observation_sign(observation=draft, actor=observer)


def _submit(application, person):
    """Submit when the readiness check is met; a demo that cannot (a panel too far off for the
    evidence to be recent on its deadline) leaves the application as a draft and says why."""
    missing = application_readiness(application=application).missing
    if missing:
        logger.warning(
            "Demo: %s's application is not ready to submit: %s",
            person.username,
            "; ".join(f"{line.label}: {line.reason}" for line in missing),
        )
        return False
    application_submit(application=application, actor=person, declaration=True)
    return True


def _report(application, step, author):
    """The author's part of the council's form for `step`, written in full."""
    applicant = application.applicant
    values = {}
    for spec in step_form(application, step).fields:
        label = spec.label.lower()
        value = _answer(spec, applicant, role_holder=author)
        if value or spec.condition:
            pass  # answered, or asked only after a "Yes"
        elif "applicant" in label and "name" in label:
            value = applicant.get_full_name()
        elif label.startswith(("practice supervisor", "team manager")):
            value = author.get_full_name()
        else:
            value = REPORT.format(first=applicant.first_name)
        values[spec.key] = value
    return values


# --- Lincolnshire --------------------------------------------------------------------------------

# Dated a week ago, so they are recent on the deadline of the April panel the worker's
# colleagues are booked on: (kind, title, reflection).
RECENT = (
    ("case_example", "Case example: a strategy discussion",
     "I led the strategy discussion after a disclosure at school and agreed the next steps."),
    ("supervision_record", "Supervision record: this month",
     "Monthly supervision: caseload, actions and my wellbeing."),
    ("supervision_record", "Supervision record: reflective supervision",
     "Reflective supervision on a case where risk was drifting."),
    ("service_user_feedback", "Feedback from a parent after a review meeting",
     "The parent said the plan was clear and she knew what needed to change."),
    ("service_user_feedback", "Feedback from a young person after a visit",
     "The young person said I remembered what mattered to them."),
)  # fmt: skip


def _lincolnshire_write(application, person):
    """Sections A to C written, two case examples and a learning event linked to each allocated
    standard, and the documents the route asks for linked with KSS 4."""
    on = timezone.localdate() - datetime.timedelta(days=7)
    for kind, title, reflection in RECENT:
        if not EvidenceItem.objects.filter(owner=person, title=title).exists():
            evidence_item_create(
                owner=person, files=[], kind=kind, title=title, dated=on,
                reflection=reflection, case_reference="", is_certificate=False,
            )  # fmt: skip
    _sign_observation(person, days_ago=7)
    allocated = set(application.allocated_standards or ())
    sections = selectors.sections_for(application=application)
    for section in sections:
        if not section.is_workers or section.observation:
            continue
        values = initial_values(section, person=person)
        for spec in section.fields:
            if values.get(spec.key):
                continue
            if spec.key.startswith("kss-"):
                number = int(spec.key.removeprefix("kss-"))
                values[spec.key] = (
                    STATEMENT.format(what=f"This shows KSS {number} in my practice.")
                    if number in allocated
                    else "N/A"
                )
            else:
                values[spec.key] = _answer(spec, person) or (
                    "I hold a caseload of eleven families in the FAST team, co-work two court "
                    "cases and attended court skills training in October."
                )
        application_answer_save(
            application=application, section=section, actor=person, values=values, revision=0
        )
    library = EvidenceItem.objects.filter(owner=person).in_library().order_by("-dated")
    cases = list(library.filter(kind="case_example")[:2])
    learning = list(library.filter(kind="learning_event")[:1])
    documents = [
        *library.filter(kind="practice_observation")[:2],
        *library.filter(kind="appraisal")[:1],
        *library.filter(kind="supervision_record")[:2],
        *library.filter(kind="service_user_feedback")[:2],
    ]
    for section in sections:
        for target in section.targets:
            if target.standard_number not in allocated:
                continue
            items = [*cases, *learning]
            if target.standard_number == 4:
                items += documents
            criterion_id, standard_id = selectors.resolve_target(
                application=application, target=target
            )
            evidence_links_add(
                application=application, actor=person, criterion_id=criterion_id,
                standard_id=standard_id, items=items,
                note=f"How it shows KSS {target.standard_number}",
            )  # fmt: skip


def _lincolnshire():
    """The worker's two colleagues submit; the practice supervisor writes the second one's
    report, verifying KSS 9 and 10, so it waits for the team manager's endorsement."""
    made = 0
    for username in (LINCOLNSHIRE_REPORT, LINCOLNSHIRE_ENDORSE):
        person = _person(username)
        application = _application(person) if person else None
        # Agreed and booked by the panels demo; written and submitted here, once.
        if (
            application is None
            or application.state != S.DRAFTING
            or not application.allocated_standards
            or application.answers.exists()
        ):
            continue
        _lincolnshire_write(application, person)
        if not _submit(application, person):
            continue
        made += 1
        if username == LINCOLNSHIRE_ENDORSE:
            supervisor = person.practice_supervisor
            step_complete(
                application=application, actor=supervisor, step="review",
                values=_report(application, "review", supervisor), verify=True,
            )  # fmt: skip
    return made


# --- Dudley --------------------------------------------------------------------------------------


def _dudley():
    """Two more social workers referred and submitted with an observation rated 3; the first
    one's summary is overdue, the line manager's summary is written for the second, which waits
    for the coordinator."""
    route = _route("dudley", "SW-SSW")
    made = 0
    for username in (DUDLEY_REPORT, DUDLEY_CONFIRM):
        person = _person(username)
        if (
            person is None
            or route is None
            or person.practice_supervisor is None
            or Application.objects.filter(applicant=person).exists()
        ):
            continue
        # Observed recently and rated 3 (Good): the newest observation is the one linked.
        _sign_observation(person, days_ago=10)
        dudley_application_write(person=person, route=route)
        application = _application(person)
        if not _submit(application, person):
            continue
        made += 1
        if username == DUDLEY_REPORT:
            _overdue(application)
        if username == DUDLEY_CONFIRM:
            manager = person.line_manager
            # "No" to the disciplinary or absence question: the line manager's declaration
            # the coordinator's no_formal_procedures check reads.
            step_complete(
                application=application, actor=manager, step="review",
                values=_report(application, "review", manager),
            )  # fmt: skip
    return made


# --- Medway --------------------------------------------------------------------------------------


def _medway_returned():
    """Submitted, returned by the line manager with a comment; the worker replies and the line
    manager leaves a note for reviewers only."""
    person = _person(MEDWAY_RETURNED)
    if person is None or not medway_application_load(username=MEDWAY_RETURNED, submit=True):
        return 0
    application = _application(person)
    manager = person.line_manager
    application_return(
        application=application,
        actor=manager,
        comment=(
            "Thank you, Samuel. Your statements on safeguarding are strong, but the one on "
            "working with carers needs a recent example of your own: please add one, link the "
            "evidence for it, and submit again."
        ),
    )
    comment_add(
        application=application,
        author=person,
        body=(
            "Thanks, Tom. I will add the carer's assessment I completed last month and link the "
            "supervision record where we discussed it."
        ),
    )
    comment_add(
        application=application,
        author=manager,
        body=(
            "For reviewers: Samuel has had a heavy caseload this quarter; the rest of the "
            "portfolio is ready for a decision once the carers' example is in."
        ),
        reviewers_only=True,
    )
    return 1


def _overdue(application):
    # Demo history: the application reached its step OVERDUE_DAYS ago, so the queue, the
    # coordinator's stuck reviews and the reminders have something overdue to show. Only this
    # timestamp is back-dated; the state got there through the services.
    Application.objects.filter(pk=application.pk, state=S.SUBMITTED).update(
        state_changed_at=timezone.now() - datetime.timedelta(days=OVERDUE_DAYS)
    )


def _medway_waiting():
    """Submitted: it waits for the deputy team manager's decision while she is on leave."""
    if _person(MEDWAY_WAITING) is None:
        return 0
    return medway_application_load(username=MEDWAY_WAITING, submit=True)


def _medway_cover():
    """The deputy team manager is on leave; the team manager covers her reviews."""
    away, cover = _person(MEDWAY_ON_LEAVE), _person(MEDWAY_COVER)
    if away is None or cover is None:
        return 0
    if delegations_in_force().filter(delegator=away, delegate=cover).exists():
        return 0
    today = timezone.localdate()
    delegation_create(
        delegator=away,
        delegate=cover,
        starts_on=today - datetime.timedelta(days=2),
        ends_on=today + datetime.timedelta(days=26),
        reason="Annual leave",
        created_by=away,
    )
    return 1


@transaction.atomic
def demo_reviews_load():
    """Returns how many applications it moved on, cover it recorded and reminders it sent.
    Runs after the panels demo has booked the Lincolnshire colleagues."""
    made = _lincolnshire() + _dudley() + _medway_returned() + _medway_waiting()
    made += _medway_cover()
    # What beat would do: the overdue summary reminds Dudley's line manager; a reminder already
    # sent is not sent again.
    return made + reminders_send()
