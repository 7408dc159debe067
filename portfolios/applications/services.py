"""Writes for applications: start, withdraw, and the worker's writing (answers and evidence
links). State changes go through portfolios.applications.workflow.transition_apply; everything
else locks what it changes and records an audit event in the same transaction."""

from django.db import IntegrityError, transaction
from django.db.models import F

from careerpath.models import Role
from careerpath.services import audit_record
from frameworks.models import FrameworkStatus
from portfolios.applications.forms_engine import field_problems
from portfolios.applications.steps import route_workflow
from portfolios.applications.workflow import (
    WITH_THE_WORKER,
    ApplicationError,
    TransitionResult,
    transition_apply,
)
from portfolios.models import (
    CLOSED_STATES,
    Application,
    ApplicationAnswer,
    ApplicationState,
    EvidenceItem,
    EvidenceLink,
)

__all__ = ["ApplicationError", "application_start", "application_withdraw"]

ONE_OPEN_MESSAGE = "You already have an application on this route: carry on with that one"
# A next attempt follows a deferral, or a deferral whose appeal was dismissed (the caller,
# reattempt.next_attempt_start, checks that the decision appealed was a deferral).
ATTEMPT_FOLLOWS = (ApplicationState.DEFERRED, ApplicationState.APPEAL_DECIDED)


def _same_route(route):
    """Applications on this route in any version of its framework (a new version has new
    route rows with the same code)."""
    return Application.objects.filter(
        route__code=route.code,
        route__framework__organisation_id=route.framework.organisation_id,
        route__framework__slug=route.framework.slug,
    )


def application_start(*, applicant, route, previous_attempt=None, referred=False):
    """Start an application on a published route of the applicant's own organisation, pinned to
    that framework version. After a deferral the new attempt links to the earlier one. On a
    route that opens by referral only the referral starts it (reviews.referral_create, which
    passes referred=True)."""
    framework = route.framework
    # A next attempt may stay on the version its deferred attempt was pinned to, though a newer
    # one has been published since (the worker chooses: reattempt.next_attempt_start).
    keeps_its_version = (
        previous_attempt is not None
        and framework.status == FrameworkStatus.RETIRED
        and previous_attempt.route.framework_id == framework.pk
    )
    if (
        applicant.organisation_id is None
        or framework.organisation_id != applicant.organisation_id
        or (framework.status != FrameworkStatus.PUBLISHED and not keeps_its_version)
    ):
        raise ApplicationError("You can only apply on a published route of your own council")
    referral_by = route_workflow(route)["referral_by"]
    if referral_by and not referred:
        raise ApplicationError(
            f"Your {Role(referral_by).label.lower()} refers you for this route once supervision "
            "confirms you meet the criteria"
        )
    earlier = _same_route(route).filter(applicant=applicant)
    if previous_attempt is None:
        # The latest finished attempt that was deferred and has no next attempt yet.
        previous_attempt = (
            earlier.filter(state=ApplicationState.DEFERRED, next_attempt__isnull=True)
            .order_by("-created_at", "-id")
            .first()
        )
    elif (
        previous_attempt.applicant_id != applicant.pk
        or not earlier.filter(pk=previous_attempt.pk).exists()
        or previous_attempt.state not in ATTEMPT_FOLLOWS
    ):
        raise ApplicationError("A new attempt follows a deferred application of your own")
    try:
        with transaction.atomic():
            if earlier.exclude(state__in=CLOSED_STATES).exists():
                raise ApplicationError(ONE_OPEN_MESSAGE)
            application = Application.objects.create(
                applicant=applicant,
                organisation_id=applicant.organisation_id,
                route=route,
                previous_attempt=previous_attempt,
            )
            audit_record(
                actor=applicant,
                action="application.start",
                target=application,
                organisation=applicant.organisation,
                details={
                    "route": route.code,
                    "framework_version": framework.version,
                    "previous_attempt": previous_attempt.pk if previous_attempt else None,
                },
            )
    except IntegrityError as error:
        # Two starts at once: the database's one-open-application constraint refused the second
        # (or the earlier attempt already has a next one).
        raise ApplicationError(ONE_OPEN_MESSAGE) from error
    return application


def application_withdraw(*, application, actor) -> TransitionResult:
    """The applicant withdraws, at any point before the hearing."""
    return transition_apply(application=application, name="withdraw", actor=actor)


# --- Writing: a section's answers, saved as a draft ---------------------------------------------


class StaleSave(ApplicationError):
    """The section changed since the page was opened: nothing is overwritten. Carries what is
    saved now so the page can show both versions side by side."""

    def __init__(self, *, values, revision):
        super().__init__(
            "This section was changed in another tab or by someone else since you opened it: "
            "your text is below, beside the saved version. Copy what you need into one and save "
            "again"
        )
        self.values = values
        self.revision = revision


def _locked_for_writing(application, actor):
    locked = Application.objects.select_for_update(of=("self",)).get(pk=application.pk)
    if locked.applicant_id != actor.pk:
        raise ApplicationError("Only the applicant writes their application")
    if locked.state not in WITH_THE_WORKER:
        raise ApplicationError(
            f"The application is {locked.get_state_display().lower()}: it can no longer be changed"
        )
    return locked


def application_answer_save(*, application, section, actor, values, revision):
    """Save a section's answers as a draft. `section` is its SectionSpec; `revision` the one the
    page was opened at: a different saved revision is refused (StaleSave). Word limits are
    checked here as well as in the form. Returns (answer, changed)."""
    clean = {spec.key: str(values.get(spec.key) or "") for spec in section.fields}
    problems = [p for spec in section.fields if (p := field_problems(spec, clean[spec.key]))]
    if problems:
        raise ApplicationError("; ".join(problems))
    with transaction.atomic():
        locked = _locked_for_writing(application, actor)
        answer = (
            ApplicationAnswer.objects.select_for_update(of=("self",))
            .filter(application=locked, section=section.key)
            .first()
        )
        current = answer.revision if answer else 0
        if int(revision or 0) != current:
            raise StaleSave(values=answer.values if answer else {}, revision=current)
        if answer is not None and answer.values == clean:
            return answer, False
        if answer is None:
            answer = ApplicationAnswer(application=locked, section=section.key)
        answer.values = clean
        answer.revision = current + 1
        answer.updated_by = actor
        try:
            with transaction.atomic():
                answer.save()
        except IntegrityError as error:  # created in another tab at the same moment
            raise StaleSave(values={}, revision=0) from error
        audit_record(
            actor=actor,
            action="application.answer_save",
            target=locked,
            organisation=locked.organisation,
            details={"section": section.key, "revision": answer.revision},
        )
    return answer, True


# --- Linking evidence ---------------------------------------------------------------------------


def evidence_links_add(*, application, actor, criterion_id, standard_id, items, note):
    """Link library items to one criterion or standard with the applicant's note. Every item
    must be the applicant's own and in their library (not the bin); an item linked there
    already is left as it is. Keeps each item's linked_count in the same transaction. Returns
    how many links were added."""
    if (criterion_id is None) == (standard_id is None):
        raise ApplicationError("Choose one criterion or standard to link evidence to")
    ids = sorted({item.pk if hasattr(item, "pk") else int(item) for item in items})
    if not ids:
        raise ApplicationError("Choose at least one item from your library")
    note = (note or "").strip()
    with transaction.atomic():
        locked = _locked_for_writing(application, actor)
        own = list(
            EvidenceItem.objects.select_for_update(of=("self",))
            .filter(pk__in=ids, owner_id=locked.applicant_id)
            .in_library()
            .values_list("pk", flat=True)
        )
        if len(own) != len(ids):
            raise ApplicationError("Choose items from your own library (not the bin)")
        where = {"criterion_id": criterion_id} if criterion_id else {"standard_id": standard_id}
        already = set(
            EvidenceLink.objects.filter(application=locked, item_id__in=own, **where).values_list(
                "item_id", flat=True
            )
        )
        new = [pk for pk in own if pk not in already]
        EvidenceLink.objects.bulk_create(
            [EvidenceLink(application=locked, item_id=pk, note=note, **where) for pk in new]
        )
        EvidenceItem.objects.filter(pk__in=new).update(linked_count=F("linked_count") + 1)
        if new:
            audit_record(
                actor=actor,
                action="application.evidence_link",
                target=locked,
                organisation=locked.organisation,
                details={"items": new, **where},
            )
    return len(new)


def evidence_link_remove(*, application, actor, link):
    """Unlink one item from one criterion or standard; the item stays in the library."""
    with transaction.atomic():
        locked = _locked_for_writing(application, actor)
        deleted, _ = EvidenceLink.objects.filter(pk=link.pk, application=locked).delete()
        if not deleted:
            return False  # removed in another tab already
        EvidenceItem.objects.filter(pk=link.item_id, linked_count__gt=0).update(
            linked_count=F("linked_count") - 1
        )
        audit_record(
            actor=actor, action="application.evidence_unlink", target=locked,
            organisation=locked.organisation, details={"item": link.item_id},
        )  # fmt: skip
    return True
