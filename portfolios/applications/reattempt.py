"""The next attempt after a deferral, in one click: a new application on the same route that
links to the deferred one (Application.previous_attempt), with the worker's writing and evidence
links carried over. It stays on the framework version the deferred attempt was pinned to unless
the worker asks for the current one, when what was written and linked is mapped into it.

The deferred application keeps its history: nothing on it changes."""

from collections import Counter
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F

from careerpath.services import audit_record
from frameworks.models import Criterion, Framework, FrameworkStatus, ProgressionRoute, Standard
from portfolios.applications import selectors
from portfolios.applications.forms_engine import NOT_APPLICABLE
from portfolios.applications.services import application_start
from portfolios.applications.workflow import ApplicationError
from portfolios.models import (
    Application,
    ApplicationAnswer,
    ApplicationState,
    EvidenceItem,
    EvidenceLink,
)

# A declaration or a signature is made afresh for each attempt: it is not carried over.
MADE_AFRESH = {"declaration", "signature"}
DEFERRED = "deferred"


@dataclass(frozen=True)
class NextAttempt:
    application: Application
    started: bool  # False: the next attempt had been started already, and this is it
    answers: int = 0  # sections of writing carried over
    links: int = 0  # evidence links carried over
    unmapped: int = 0  # links to something the new attempt's version no longer has
    binned: int = 0  # links to items now in the worker's bin

    @property
    def message(self):
        if not self.started:
            return "You have started your next attempt already: carry on with it"
        carried = (
            f"{self.answers} section{'s' if self.answers != 1 else ''} of your writing and "
            f"{self.links} evidence link{'s' if self.links != 1 else ''}"
        )
        message = f"Your next attempt is started. Carried over from your last attempt: {carried}"
        if self.unmapped:
            message += (
                f". {self.unmapped} link{'s were' if self.unmapped != 1 else ' was'} not carried "
                "over: what it supported is not in this version of the framework"
            )
        if self.binned:
            message += (
                f". {self.binned} link{'s were' if self.binned != 1 else ' was'} not carried "
                "over: the item is in your bin"
            )
        return message


# --- Which applications a next attempt follows ----------------------------------------------


def _follows_a_deferral(application, decision):
    """Deferred, or deferred and then appealed without success (the appeal authority did not
    uphold it, so the deferral stands)."""
    if application.state == ApplicationState.DEFERRED:
        return True
    if application.state != ApplicationState.APPEAL_DECIDED or decision is None:
        return False
    appeal = getattr(decision, "appeal", None)
    return decision.outcome == DEFERRED and not (appeal is not None and appeal.upheld)


def _next_attempt_of(application):
    return Application.objects.filter(previous_attempt_id=application.pk).first()


def _newer_version(framework):
    """The council's published version of the framework when it is newer than `framework`."""
    return (
        Framework.objects.filter(
            organisation_id=framework.organisation_id,
            slug=framework.slug,
            status=FrameworkStatus.PUBLISHED,
            version__gt=framework.version,
        )
        .order_by("-version")
        .first()
    )


def can_start_next_attempt(user, application, decision):
    """The applicant, from their deferred application, before its next attempt is started."""
    return (
        application.applicant_id == user.pk
        and application.organisation_id == user.organisation_id
        and _follows_a_deferral(application, decision)
    )


def next_attempt_context(user, application, *, decision):
    """For the application page: the offer to start the next attempt (or the link to it), and
    on a later attempt, the attempt's number and the deferral it follows. Queries: on a deferred
    application, its next attempt (1) and a newer version (1, while there is no next attempt);
    on a later attempt, the worker's attempts on the route (1) and the earlier decision (3)."""
    context = {"may_start_next_attempt": False, "next_attempt": None, "newer_version": None}
    if can_start_next_attempt(user, application, decision):
        context["next_attempt"] = _next_attempt_of(application)
        if context["next_attempt"] is None:
            context["may_start_next_attempt"] = True
            context["newer_version"] = _newer_version(application.route.framework)
    if application.previous_attempt_id:
        attempts = {
            a.pk: a
            for a in Application.objects.filter(
                applicant_id=application.applicant_id,
                route__code=application.route.code,
                route__framework__slug=application.route.framework.slug,
            ).only("pk", "state", "previous_attempt_id")
        }
        previous = attempts.get(application.previous_attempt_id)
        number, step = 1, application
        while step is not None and step.previous_attempt_id in attempts and number < 100:
            number, step = number + 1, attempts[step.previous_attempt_id]
        context["attempt_number"] = number
        context["previous_attempt"] = previous
        context["previous_decision"] = (
            selectors.decision_for(application=previous) if previous is not None else None
        )
    return context


# --- Starting it ------------------------------------------------------------------------------


def _route_for(previous, repin):
    """The deferred attempt's route, or with `repin` the route with the same code in the
    council's published version of the framework."""
    if not repin:
        return previous.route
    framework = previous.route.framework
    route = (
        ProgressionRoute.objects.filter(
            framework__organisation_id=framework.organisation_id,
            framework__slug=framework.slug,
            framework__status=FrameworkStatus.PUBLISHED,
            code=previous.route.code,
        )
        .select_related("framework", "to_level")
        .order_by("-framework__version")
        .first()
    )
    if route is None:
        raise ApplicationError(
            f"The latest version of {framework.title} no longer has the route "
            f"{previous.route.title}: start your next attempt on version {framework.version}, "
            "the one your last attempt used"
        )
    return route


def _normal(text):
    return " ".join(str(text).lower().split())


def _criteria_map(old_ids, framework):
    """Old criterion id -> the same criterion in `framework` (None when it has none): the same
    words in the level with the same role and level codes, or else, where the wording was
    edited, the criterion in the same place (category and order) of that level."""
    old = list(Criterion.objects.filter(pk__in=old_ids).select_related("level__role"))
    if all(c.level.role.framework_id == framework.pk for c in old):
        return {c.pk: c.pk for c in old}
    by_words, by_place = {}, {}
    for c in Criterion.objects.filter(level__role__framework=framework).select_related(
        "level__role"
    ):
        level = (c.level.role.code, c.level.code)
        by_words.setdefault((*level, _normal(c.text)), c.pk)
        by_place.setdefault((*level, c.category, c.order), c.pk)
    mapped = {}
    for c in old:
        level = (c.level.role.code, c.level.code)
        mapped[c.pk] = by_words.get((*level, _normal(c.text))) or by_place.get(
            (*level, c.category, c.order)
        )
    return mapped


def _standards_map(old_ids, route):
    """Old standard id -> the standard with the same number in the new route's standard set
    (the same row when the set is the same one)."""
    code = (route.standards_policy or {}).get("standard_set")
    if not old_ids or not code:
        return {}
    new = dict(Standard.objects.filter(standard_set__code=code).values_list("number", "pk"))
    old = Standard.objects.filter(pk__in=old_ids).values_list("pk", "number")
    return {pk: new.get(number) for pk, number in old}


def _section_key(key, criteria):
    if key.startswith("criterion-"):
        new = criteria.get(int(key.removeprefix("criterion-")))
        return f"criterion-{new}" if new else None
    return key


def _answers_carry(previous, application, actor, criteria):
    """The worker's answers, for the sections and fields the new attempt's form has. Returns
    how many sections were carried."""
    fields = {
        section.key: {
            spec.key
            for spec in section.fields
            if spec.completed_by == "worker" and spec.kind not in MADE_AFRESH
        }
        for section in selectors.sections_for(application=application)
        if section.is_workers
    }
    carried = []
    for answer in ApplicationAnswer.objects.filter(application=previous).order_by("section"):
        key = _section_key(answer.section, criteria)
        values = {
            name: value
            for name, value in (answer.values or {}).items()
            if name in fields.get(key, ())
            and str(value or "").strip()
            and value != NOT_APPLICABLE  # what is not applicable depends on the new allocation
        }
        # Two old criteria that became one in the new version: the first one's answer.
        if values and key not in {done.section for done in carried}:
            carried.append(
                ApplicationAnswer(
                    application=application, section=key, values=values, revision=1,
                    updated_by=actor,
                )
            )  # fmt: skip
    ApplicationAnswer.objects.bulk_create(carried)
    return len(carried)


def _links_carry(previous, application, criteria, standards):
    """Each link whose item is still in the worker's library and whose criterion or standard
    maps into the new attempt's version, with its note. Returns (carried, unmapped, binned)."""
    links = list(EvidenceLink.objects.filter(application=previous).order_by("created_at", "id"))
    in_library = set(
        EvidenceItem.objects.select_for_update(of=("self",))
        .filter(pk__in={link.item_id for link in links}, owner_id=application.applicant_id)
        .in_library()
        .values_list("pk", flat=True)
    )
    new, seen, unmapped, binned = [], set(), 0, 0
    for link in links:
        if link.item_id not in in_library:
            binned += 1
            continue
        if link.criterion_id:
            where = {"criterion_id": criteria.get(link.criterion_id)}
        else:
            where = {"standard_id": standards.get(link.standard_id)}
        if None in where.values():
            unmapped += 1
            continue
        key = (link.item_id, *where.items())
        if key in seen:  # two old criteria became one: linked there once
            continue
        seen.add(key)
        new.append(EvidenceLink(application=application, item_id=link.item_id, note=link.note,
                                **where))  # fmt: skip
    EvidenceLink.objects.bulk_create(new)
    per_item = Counter(link.item_id for link in new)
    by_count = {}
    for pk, count in per_item.items():
        by_count.setdefault(count, []).append(pk)
    for count, pks in by_count.items():
        EvidenceItem.objects.filter(pk__in=pks).update(linked_count=F("linked_count") + count)
    return len(new), unmapped, binned


def next_attempt_start(*, application, actor, repin=False):
    """Start the next attempt after a deferral, once: a second call returns the attempt the
    first one started. Only the applicant, from an application that was deferred (or whose
    appeal against the deferral was not upheld). With `repin`, the attempt is pinned to the
    current published version of the framework instead of the deferred attempt's."""
    with transaction.atomic():
        previous = (
            Application.objects.select_for_update(of=("self",))
            .select_related("route__framework", "route__to_level")
            .get(pk=application.pk)
        )
        if previous.applicant_id != actor.pk or previous.organisation_id != actor.organisation_id:
            raise ApplicationError("Only the applicant starts their next attempt")
        existing = _next_attempt_of(previous)
        if existing is not None:
            return NextAttempt(application=existing, started=False)
        decision = selectors.decision_for(application=previous)
        if not _follows_a_deferral(previous, decision):
            raise ApplicationError(
                "A next attempt follows a deferral: this application is "
                f"{previous.get_state_display().lower()}"
            )
        route = _route_for(previous, repin)
        # The deferred attempt was started on this route, so whoever refers workers for it
        # (Dudley's team manager) has referred this worker already: the deferral asks for
        # further work, not a new referral, and the next attempt counts as referred.
        started = application_start(
            applicant=actor, route=route, previous_attempt=previous, referred=True
        )
        links = EvidenceLink.objects.filter(application=previous)
        criteria = _criteria_map(
            set(links.exclude(criterion=None).values_list("criterion_id", flat=True))
            | {
                int(key.removeprefix("criterion-"))
                for key in previous.answers.filter(section__startswith="criterion-").values_list(
                    "section", flat=True
                )
            },
            route.framework,
        )
        standards = (
            _standards_map(
                set(links.exclude(standard=None).values_list("standard_id", flat=True)), route
            )
            if route.framework_id != previous.route.framework_id
            else {
                pk: pk for pk in links.exclude(standard=None).values_list("standard_id", flat=True)
            }
        )
        answers = _answers_carry(previous, started, actor, criteria)
        carried, unmapped, binned = _links_carry(previous, started, criteria, standards)
        audit_record(
            actor=actor,
            action="application.next_attempt",
            target=started,
            organisation=started.organisation,
            details={
                "previous_attempt": previous.pk,
                "framework_version": route.framework.version,
                "repinned": route.framework_id != previous.route.framework_id,
                "answers": answers,
                "links": carried,
                "links_unmapped": unmapped,
                "links_binned": binned,
            },
        )
    return NextAttempt(
        application=started, started=True, answers=answers, links=carried, unmapped=unmapped,
        binned=binned,
    )  # fmt: skip
