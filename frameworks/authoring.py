"""Writing a draft framework on its own pages: creating one from nothing, its details, roles,
levels and criteria, and moving them up and down. Every change locks the draft, refuses a version
that is no longer a draft, and writes an audit event in its transaction."""

from dataclasses import dataclass

from django.apps import apps
from django.db import transaction
from django.db.models import Count, Max, ProtectedError, Q
from django.utils.text import slugify

from careerpath.services import audit_record
from frameworks.models import (
    Criterion,
    DevelopmentPlan,
    Framework,
    FrameworkStatus,
    Level,
    Role,
    Rule,
)
from frameworks.services import FrameworkError

UP, DOWN = "up", "down"


def _locked_draft(framework):
    """The draft, locked for the change; a version published meanwhile is refused."""
    framework = Framework.objects.select_for_update(of=("self",)).get(pk=framework.pk)
    if framework.status != FrameworkStatus.DRAFT:
        raise FrameworkError("This version is published: copy it to a new draft to change it.")
    return framework


def _free_slug(organisation, title):
    base = slugify(title)[:70] or "framework"
    taken = set(
        Framework.objects.filter(organisation=organisation, slug__startswith=base).values_list(
            "slug", flat=True
        )
    )
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


@transaction.atomic
def framework_create(*, organisation, actor, title, profession, service_area="", version_label=""):
    """A new framework from nothing: version 1, an empty draft of the council's, its slug made
    from its title."""
    framework = Framework.objects.create(
        organisation=organisation, slug=_free_slug(organisation, title), version=1, title=title,
        profession=profession, service_area=service_area, version_label=version_label,
        status=FrameworkStatus.DRAFT,
    )  # fmt: skip
    audit_record(actor=actor, action="framework_created", target=framework)
    return framework


DETAIL_FIELDS = ("title", "profession", "service_area", "version_label")


@transaction.atomic
def draft_details_save(*, framework, actor, **details):
    framework = _locked_draft(framework)
    for field in DETAIL_FIELDS:
        setattr(framework, field, details[field])
    framework.save(update_fields=list(DETAIL_FIELDS))
    audit_record(actor=actor, action="framework_details_changed", target=framework)
    return framework


def _next_order(queryset):
    return (queryset.aggregate(last=Max("order"))["last"] or 0) + 1


def _free_code(queryset, wanted, *, exclude=None):
    others = queryset.exclude(pk=exclude.pk) if exclude else queryset
    return not others.filter(code=wanted).exists()


ROLE_FIELDS = ("title", "pay_range", "grade", "pay_point", "description", "entry_requirements")


@transaction.atomic
def role_save(*, framework, actor, role=None, **values):
    """Add a role to the draft, or change one of its roles. Its code, which other versions match
    it by, is made from its title when it is added and kept after."""
    framework = _locked_draft(framework)
    roles = Role.objects.filter(framework=framework)
    if role is None:
        base = slugify(values["title"])[:26].upper().replace("-", "_") or "ROLE"
        code, number = base, 2
        while not _free_code(roles, code):
            code, number = f"{base}_{number}", number + 1
        role = Role(framework=framework, code=code, order=_next_order(roles))
    for field in ROLE_FIELDS:
        setattr(role, field, values.get(field, ""))
    role.save()
    audit_record(actor=actor, action="framework_role_saved", target=framework,
                 details={"role": role.code})  # fmt: skip
    return role


LEVEL_FIELDS = ("code", "name", "summary", "cumulative")


@transaction.atomic
def level_save(*, framework, actor, role, level=None, **values):
    framework = _locked_draft(framework)
    levels = Level.objects.filter(role=role)
    if not _free_code(levels, values["code"], exclude=level):
        raise FrameworkError(f"{role.title} has a level {values['code']} already.")
    if level is None:
        level = Level(role=role, order=_next_order(levels))
    for field in LEVEL_FIELDS:
        setattr(level, field, values[field])
    level.save()
    audit_record(actor=actor, action="framework_level_saved", target=framework,
                 details={"role": role.code, "level": level.code})  # fmt: skip
    return level


CRITERION_FIELDS = ("category", "text", "evidence_guidance")


@transaction.atomic
def criterion_save(*, framework, actor, level, criterion=None, **values):
    framework = _locked_draft(framework)
    if criterion is None:
        criterion = Criterion(level=level, order=_next_order(Criterion.objects.filter(level=level)))
    for field in CRITERION_FIELDS:
        setattr(criterion, field, values[field])
    criterion.save()
    audit_record(actor=actor, action="framework_criterion_saved", target=framework,
                 details={"level": level.code, "criterion": criterion.pk})  # fmt: skip
    return criterion


@transaction.atomic
def draft_part_remove(*, framework, actor, part):
    """Remove a role (with its levels and criteria), a level (with its criteria) or a
    criterion from the draft. Routes to or from a removed level go with it."""
    framework = _locked_draft(framework)
    description = str(part)
    try:
        part.delete()
    except ProtectedError as error:
        raise FrameworkError(f"{description} cannot be removed: someone's work uses it.") from error
    audit_record(actor=actor, action="framework_part_removed", target=framework,
                 details={"kind": part._meta.model_name, "was": description[:200]})  # fmt: skip
    return description


def _siblings(part):
    if isinstance(part, Role):
        return Role.objects.filter(framework_id=part.framework_id)
    if isinstance(part, Level):
        return Level.objects.filter(role_id=part.role_id)
    # Criteria are read by category, so one moves among the criteria of its category.
    return Criterion.objects.filter(level_id=part.level_id, category=part.category)


@transaction.atomic
def draft_part_move(*, framework, actor, part, direction):
    """Move a role, level or criterion one place up or down among its siblings, then number
    them all again from 1 so the order stays gapless. Moving past either end changes nothing."""
    framework = _locked_draft(framework)
    if direction not in (UP, DOWN):
        raise FrameworkError("Choose to move it up or down.")
    siblings = list(_siblings(part).select_for_update(of=("self",)).order_by("order", "pk"))
    index = next(i for i, sibling in enumerate(siblings) if sibling.pk == part.pk)
    other = index - 1 if direction == UP else index + 1
    if not 0 <= other < len(siblings):
        return False
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for number, sibling in enumerate(siblings, start=1):
        sibling.order = number
    type(part).objects.bulk_update(siblings, ["order"])
    audit_record(actor=actor, action="framework_part_moved", target=framework,
                 details={"kind": part._meta.model_name, "direction": direction})  # fmt: skip
    return True


# --- The task list -------------------------------------------------------------------------


@dataclass(frozen=True)
class Task:
    title: str
    status: str  # "completed", "in_progress", "not_started" or "coming_soon"
    hint: str = ""
    url_name: str = ""


def _counted(count, noun):
    return f"{count} {noun}{'' if count == 1 else 's'}"


def draft_tasks(*, framework):
    """The parts of a draft with where each stands, in four queries whatever its size."""
    roles = list(Role.objects.filter(framework=framework).annotate(level_count=Count("levels")))
    levels = list(
        Level.objects.filter(role__framework=framework).annotate(criterion_count=Count("criteria"))
    )
    routes = framework.routes.count()
    rules = Rule.objects.filter(
        Q(criterion__level__role__framework=framework) | Q(route__framework=framework)
    ).count()

    def status(total, complete):
        if not total:
            return "not_started"
        return "completed" if complete else "in_progress"

    details_done = bool(framework.title and framework.profession and framework.version_label)
    criteria = sum(level.criterion_count for level in levels)
    return [
        Task("Details", "completed" if details_done else "in_progress",
             "Title, profession, version", "frameworks:draft-details"),
        Task("Roles and pay", status(len(roles), True), _counted(len(roles), "role"),
             "frameworks:draft-roles"),
        Task("Levels", status(len(levels), all(role.level_count for role in roles)),
             _counted(len(levels), "level"), "frameworks:draft-roles"),
        Task("Criteria by category",
             status(criteria, all(level.criterion_count for level in levels)),
             _counted(criteria, "criterion").replace("criterions", "criteria"),
             "frameworks:draft-roles"),
        Task("Rules a machine checks, on criteria and routes", status(rules, True),
             _counted(rules, "rule"), "frameworks:draft-rule-index"),
        Task("Progression routes", "coming_soon", _counted(routes, "route")),
        Task("Standards policy", "coming_soon"),
        Task("Panel facts", "coming_soon"),
        Task("Forms", "coming_soon"),
        Task("Development routes", "coming_soon"),
    ]  # fmt: skip


# --- Publishing ----------------------------------------------------------------------------


def people_on_version(framework):
    """How many people have a development plan or an application on this version: they keep
    it when a newer one is published. Applications live above frameworks, so their model is
    looked up by name rather than imported."""
    if framework is None:
        return 0
    people = set(
        DevelopmentPlan.objects.filter(target_level__role__framework=framework).values_list(
            "person_id", flat=True
        )
    )
    try:
        application = apps.get_model("portfolios", "Application")
    except LookupError:
        return len(people)
    people.update(
        application.objects.filter(route__framework=framework).values_list(
            "applicant_id", flat=True
        )
    )
    return len(people)
