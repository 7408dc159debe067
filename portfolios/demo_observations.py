"""Demo practice observations: each demo worker has a signed observation in their library, each
practice supervisor has a draft to finish, and one worker shares a development plan with their
line manager. Idempotent: what is there already is left alone. Everything goes through the
services, as a real observer's would."""

import datetime

from django.db import transaction
from django.utils import timezone

from careerpath.models import Role, RoleMembership, User
from frameworks.models import DevelopmentPlan, FrameworkStatus, Level
from frameworks.services import development_plan_save, development_plan_share
from portfolios.models import ObservationStatus, PracticeObservation, PracticeType
from portfolios.permissions_observations import OBSERVER_ROLES, can_observe
from portfolios.selectors_observations import kss_statements
from portfolios.services_observations import observation_save_draft, observation_sign

ASSESSMENT = (
    "{first} led a planned home visit with a mother and her two children following a strategy "
    "discussion. They explained the purpose of the visit clearly and checked the mother "
    "understood why children's services were involved, without jargon.\n\n"
    "{first} spent time with the older child on their own, using a three houses worksheet, and "
    "kept the child's words in the record. They noticed the younger child's presentation and "
    "asked about routines, sleep and nursery attendance, linking what they saw to the concerns "
    "in the referral (KSS 1, 3).\n\n"
    "They held a difficult conversation about the mother's new partner with warmth and "
    "authority, naming the risk and agreeing a safety plan with her (KSS 5). Afterwards they "
    "reflected in supervision on how the mother's own history shaped her responses (KSS 2)."
)
FEEDBACK = (
    'Mother: "{first} listened to me and did not judge. I knew what would happen next."\n'
    'Older child (age 9): said the worksheet was "fun" and that they liked talking on their own.'
)

# Per council: (days before today, rating) of each worker's signed observation. Dudley's worker
# is rated 2 (Requires improvement), so a new observation rated 3 or above is what their route to
# Senior Social Worker still needs.
SIGNED = {"dudley": (200, 2)}
DEFAULT_SIGNED = (100, 3)


def _people_with(organisation_id, *roles):
    ids = RoleMembership.objects.filter(organisation_id=organisation_id, role__in=roles).values(
        "user_id"
    )
    return User.objects.filter(pk__in=ids, organisation_id=organisation_id).order_by("username")


def _observer_for(worker):
    for candidate in (worker.practice_supervisor, worker.line_manager, worker.team_manager):
        if candidate is not None and can_observe(candidate, worker):
            return candidate
    return next(
        (person for person in _people_with(worker.organisation_id, *OBSERVER_ROLES)
         if can_observe(person, worker)),
        None,
    )  # fmt: skip


def _values(worker, *, days_ago, rating):
    first = worker.first_name or "The worker"
    standards = list(kss_statements().filter(number__in=[1, 2, 3, 5]))
    return standards, {
        "observed_on": timezone.localdate() - datetime.timedelta(days=days_ago),
        "practice_type": PracticeType.HOME_VISIT,
        "practice_type_other": "",
        "rating": rating,
        "assessment": ASSESSMENT.format(first=first),
        "short_term_targets": "Record the child's words on the day of the visit.",
        "medium_term_targets": "Lead a core group meeting with the practice supervisor present.",
        "long_term_targets": "Co-facilitate a Signs of Safety workshop for newer colleagues.",
        "feedback": FEEDBACK.format(first=first),
    }


@transaction.atomic
def demo_observations_load():
    """Returns how many observations and shared plans it added."""
    added = 0
    workers = User.objects.filter(
        role_memberships__role=Role.WORKER, organisation__isnull=False
    ).select_related("organisation", "practice_supervisor", "line_manager", "team_manager")
    for worker in workers.distinct():
        signed = PracticeObservation.objects.filter(
            worker=worker, status=ObservationStatus.SIGNED
        ).exists()
        observer = _observer_for(worker)
        if signed or observer is None:
            continue
        days_ago, rating = SIGNED.get(worker.organisation.slug, DEFAULT_SIGNED)
        standards, values = _values(worker, days_ago=days_ago, rating=rating)
        draft = observation_save_draft(
            observer=observer, worker=worker, standards=standards, **values
        )
        observation_sign(observation=draft, actor=observer)
        added += 1
    for supervisor in User.objects.filter(role_memberships__role=Role.PRACTICE_SUPERVISOR):
        if PracticeObservation.objects.filter(
            observer=supervisor, status=ObservationStatus.DRAFT
        ).exists():
            continue
        worker = next(
            (w for w in _people_with(supervisor.organisation_id, Role.WORKER)
             if can_observe(supervisor, w)),
            None,
        )  # fmt: skip
        if worker is None:
            continue
        standards, values = _values(worker, days_ago=3, rating=None)
        # Written up in part: the observer still has the feedback and the rating to add.
        values.update(feedback="", short_term_targets="", medium_term_targets="",
                      long_term_targets="")  # fmt: skip
        observation_save_draft(observer=supervisor, worker=worker, standards=standards[:2],
                               **values)  # fmt: skip
        added += 1
    added += _shared_plan()
    return added


def _shared_plan():
    """Dudley's temporary social worker shares a plan for the next level with their managers."""
    worker = User.objects.filter(username="dudley.temporary-worker").first()
    if (
        worker is None
        or DevelopmentPlan.objects.filter(person=worker, shared_with_line_manager=True).exists()
    ):
        return 0
    level = (
        Level.objects.filter(
            code="SSW",
            role__framework__organisation_id=worker.organisation_id,
            role__framework__status=FrameworkStatus.PUBLISHED,
        )
        .order_by("-role__framework__version")
        .first()
    )
    if level is None:
        return 0
    criteria = list(level.criteria.order_by("order"))
    actions = {
        str(criterion.pk): {"route": "learning_from_others",
                            "note": "Shadow a senior colleague on complex cases."}
        for criterion in criteria[:2]
    }  # fmt: skip
    plan = development_plan_save(
        person=worker, target_level=level, have=criteria[2:4], actions=actions
    )
    development_plan_share(plan=plan, actor=worker, line_manager=True, practice_supervisor=True)
    return 1
