"""Practice observations: the observer saves drafts, then signs. Signing is once and for all: the
observation becomes read-only, a practice observation with its date and rating joins the
worker's library (where the recency and minimum-rating rules count it), and the worker is told."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from careerpath.models import Role
from careerpath.services import audit_record, notification_send
from frameworks.rules import count_words
from portfolios.models import (
    EvidenceItem,
    ObservationStatus,
    PracticeObservation,
    PracticeType,
)
from portfolios.permissions_observations import can_observe, first_observer_role

KSS = "kss_child_family"
MAX_WORDS = 500
FIELDS = (
    "observed_on", "practice_type", "practice_type_other", "rating", "assessment",
    "short_term_targets", "medium_term_targets", "long_term_targets", "feedback",
)  # fmt: skip


class ObservationError(Exception):
    """A change that cannot be made, with a message for the person who asked."""


def _check(observer, worker, standards):
    if not can_observe(observer, worker):
        raise ObservationError(
            "You can only observe a worker in your own organisation. Choose a worker from the list."
        )
    if any(standard.standard_set.code != KSS for standard in standards):
        raise ObservationError("Choose statements from the Knowledge and Skills Statement")


def _check_words(values):
    words = count_words(values.get("assessment") or "")
    if words > MAX_WORDS:
        raise ObservationError(
            f"The holistic assessment must be {MAX_WORDS} words or fewer: it has {words}"
        )


def _audit(actor, action, observation, details=None):
    audit_record(actor=actor, action=action, target=observation,
                 organisation=observation.organisation, details=details)  # fmt: skip


@transaction.atomic
def observation_save_draft(
    *, observer, worker, standards=(), observation=None, saved_version=None, **values
):
    """Create or change a draft. The worker and the standards are checked here, whatever the
    form offered; a signed observation and a save from an older copy are refused."""
    values = {name: values.get(name) for name in FIELDS}
    for name in FIELDS:
        if name not in ("observed_on", "rating") and values[name] is None:
            values[name] = ""
    standards = list(standards)
    _check(observer, worker, standards)
    _check_words(values)
    if observation is None:
        observation = PracticeObservation.objects.create(
            organisation_id=observer.organisation_id, worker=worker, observer=observer, **values
        )
        observation.standards.set(standards)
        _audit(observer, "observation.create", observation, {"worker": worker.pk})
        return observation
    locked = PracticeObservation.objects.select_for_update(of=("self",)).get(pk=observation.pk)
    if locked.observer_id != observer.pk:
        raise ObservationError("Only the observer can change an observation.")
    if locked.is_signed:
        raise ObservationError("This observation is signed: it can no longer be changed.")
    if saved_version is not None and saved_version != locked.updated_at.isoformat():
        raise ObservationError(
            "This observation was saved somewhere else after you opened it. Your changes are "
            "below: check them against the saved draft and save again."
        )
    changed = sorted(name for name in FIELDS if getattr(locked, name) != values[name])
    if worker.pk != locked.worker_id:
        changed.append("worker")
    for name in FIELDS:
        setattr(locked, name, values[name])
    locked.worker = worker
    locked.save()
    locked.standards.set(standards)
    _audit(observer, "observation.update", locked, {"fields": changed})
    return locked


def missing_for_signing(observation):
    """What the form needs before it can be signed, in the form's words."""
    missing = []
    if observation.observed_on is None:
        missing.append("the date of the observation")
    if not observation.practice_type:
        missing.append("the type of practice observed")
    elif observation.practice_type == PracticeType.OTHER and not observation.practice_type_other:
        missing.append("what the other type of practice was")
    if observation.rating is None:
        missing.append("the rating")
    if not observation.assessment.strip():
        missing.append("the holistic assessment")
    if not observation.feedback.strip():
        missing.append("the feedback from the parent, carer, child or young person")
    return missing


def observer_role_of(observer):
    """'Practice supervisor, Senior Social Worker (SW3)': the role as the form asks for it."""
    role = first_observer_role(observer)
    role = Role(role).label if role else ""
    return ", ".join(part for part in (role, observer.job_title) if part)


@transaction.atomic
def observation_sign(*, observation, actor):
    """Sign a draft: (observation, True). Signing one already signed changes nothing:
    (observation, False)."""
    locked = (
        PracticeObservation.objects.select_for_update(of=("self",))
        .select_related("worker", "observer", "organisation")
        .get(pk=observation.pk)
    )
    if locked.observer_id != actor.pk:
        raise ObservationError("Only the observer can sign an observation.")
    if locked.is_signed:
        return locked, False
    missing = missing_for_signing(locked)
    if missing:
        raise ObservationError(f"Before you sign, add {', '.join(missing)}.")
    _check_words({"assessment": locked.assessment})
    if not can_observe(actor, locked.worker):
        raise ObservationError("You can only sign an observation of a worker in your organisation.")
    locked.observer_name = actor.get_full_name() or actor.username
    locked.observer_role = observer_role_of(actor)
    locked.evidence_item = EvidenceItem.objects.create(
        owner=locked.worker,
        kind="practice_observation",
        title=f"Practice observation: {locked.practice_label}",
        dated=locked.observed_on,
        rating=locked.rating,
        reflection=(
            f"Observed by {locked.observer_name} ({locked.observer_role}) and signed on "
            f"{timezone.localdate():%d %B %Y}. Rated {locked.rating} ({locked.rating_label})."
        ),
    )
    locked.status, locked.signed_at = ObservationStatus.SIGNED, timezone.now()
    locked.save()
    details = {"rating": locked.rating, "evidence_item": locked.evidence_item_id}
    _audit(actor, "observation.sign", locked, details)
    notification_send(
        recipient=locked.worker,
        subject="A practice observation of your work is signed",
        body=(
            f"{locked.observer_name} signed the observation of your practice on "
            f"{locked.observed_on:%d %B %Y}, rated {locked.rating} ({locked.rating_label}). "
            "It is in your evidence library."
        ),
        url=reverse("portfolios:observation-detail", args=[locked.pk]),
    )
    return locked, True
