"""Reads for the framework pages. Each page's queries are fixed here, whatever the data size."""

from collections import OrderedDict

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q
from django.http import Http404
from django.urls import reverse

from careerpath.permissions import require_staff
from careerpath.selectors import AttentionItem
from frameworks.facts import LOOK_UP, current_level_of, person_facts
from frameworks.models import (
    Category,
    Criterion,
    DevelopmentPlan,
    Framework,
    FrameworkStatus,
    Level,
    ProgressionRoute,
    Role,
    Rule,
    RuleScope,
    Standard,
    StandardSet,
)
from frameworks.permissions import (
    can_view_framework,
    frameworks_visible_to,
    shared_plans_visible_to,
)
from frameworks.rule_text import route_requirements
from frameworks.rules import evaluate


def catalogue_for(*, user):
    """Published frameworks grouped by profession, each with its roles and levels."""
    frameworks = (
        frameworks_visible_to(user)
        .filter(status=FrameworkStatus.PUBLISHED)
        .prefetch_related(
            Prefetch("roles", queryset=Role.objects.prefetch_related("levels")), "routes"
        )
        .order_by("profession", "title")
    )
    grouped = OrderedDict()
    for framework in frameworks:
        grouped.setdefault(framework.profession, []).append(framework)
    return grouped


def drafts_to_publish(user):
    """Home page items for framework editors: their council's drafts."""
    return [
        AttentionItem(
            label=f"{framework} is a draft: check it and publish it",
            url=reverse("frameworks:framework-detail", args=[framework.pk]),
        )
        for framework in frameworks_visible_to(user).filter(status=FrameworkStatus.DRAFT)
    ]


def drafts_and_retired_for(*, user):
    return frameworks_visible_to(user).exclude(status=FrameworkStatus.PUBLISHED)


def framework_detail(*, framework):
    roles = framework.roles.prefetch_related("levels")
    routes = framework.routes.select_related("from_level__role", "to_level__role")
    versions = Framework.objects.filter(
        organisation_id=framework.organisation_id, slug=framework.slug
    ).order_by("-version")
    return {"roles": roles, "routes": routes, "versions": versions}


def _criteria_prefetch():
    return Prefetch(
        "criteria",
        queryset=Criterion.objects.prefetch_related(
            Prefetch("rules", queryset=Rule.objects.order_by("order", "pk")),
            "standards__standard_set",
        ),
    )


def get_role_for(user, pk):
    """A role with its levels, criteria and rules, in a fixed number of queries."""
    require_staff(user)
    role = (
        Role.objects.select_related("framework__organisation")
        .prefetch_related(Prefetch("levels", queryset=Level.objects.prefetch_related(
            _criteria_prefetch())))
        .filter(pk=pk)
        .first()
    )  # fmt: skip
    if role is None or not can_view_framework(user, role.framework):
        raise Http404
    return role


def get_level_for(user, pk):
    require_staff(user)
    level = Level.objects.select_related("role__framework__organisation").filter(pk=pk).first()
    if level is None or not can_view_framework(user, level.role.framework):
        raise Http404
    return level


def get_levels_for(user, pks):
    """Several levels with their criteria, in the order asked for, in one set of queries."""
    require_staff(user)
    levels = {
        level.pk: level
        for level in Level.objects.select_related("role__framework")
        .prefetch_related(_criteria_prefetch())
        .filter(pk__in=pks)
    }
    if len(levels) != len(set(pks)) or not all(
        can_view_framework(user, level.role.framework) for level in levels.values()
    ):
        raise Http404
    return [levels[pk] for pk in pks]


def get_route_for(user, pk):
    require_staff(user)
    route = (
        ProgressionRoute.objects.select_related(
            "framework__organisation", "from_level__role", "to_level__role"
        )
        .prefetch_related("rules")
        .filter(pk=pk)
        .first()
    )
    if route is None or not can_view_framework(user, route.framework):
        raise Http404
    return route


def criteria_by_category(levels):
    """Rows of (category label, [criteria at each level]) for the side-by-side grid, in the
    seeds' order of categories, leaving out categories no level uses."""
    rows = []
    for category in Category:
        cells = [
            [criterion for criterion in level.criteria.all() if criterion.category == category]
            for level in levels
        ]
        if any(cells):
            rows.append((category.label, cells))
    return rows


def routes_between(*, from_level, to_level):
    return ProgressionRoute.objects.filter(
        from_level=from_level, to_level=to_level
    ).prefetch_related("rules")


def levels_of_framework(*, framework):
    return (
        Level.objects.filter(role__framework=framework)
        .select_related("role")
        .order_by("role__order", "order")
    )


def search_criteria(*, user, query, limit=100):
    """Criteria in the person's published frameworks whose text or evidence guidance mentions
    every word of the query."""
    words = [word for word in query.split() if word][:8]
    if not words:
        return Criterion.objects.none(), 0
    condition = Q()
    for word in words:
        condition &= Q(text__icontains=word) | Q(evidence_guidance__icontains=word)
    frameworks = frameworks_visible_to(user).filter(status=FrameworkStatus.PUBLISHED)
    criteria = (
        Criterion.objects.filter(condition, level__role__framework__in=frameworks)
        .select_related("level__role__framework")
        .order_by("level__role__framework__title", "level__role__order", "level__order", "order")
    )
    return criteria[:limit], criteria.count()


def standard_set_with_standards(*, code):
    standard_set = StandardSet.objects.prefetch_related("standards").filter(code=code).first()
    if standard_set is None:
        raise Http404
    return standard_set


def target_levels_for(*, user):
    """Every level of every published framework the person can see, for the self-assessment."""
    frameworks = frameworks_visible_to(user).filter(status=FrameworkStatus.PUBLISHED)
    return (
        Level.objects.filter(role__framework__in=frameworks)
        .select_related("role__framework")
        .order_by("role__framework__title", "role__order", "order")
    )


def development_plans_for(*, user):
    return DevelopmentPlan.objects.filter(person=user).select_related(
        "target_level__role__framework"
    )


def criteria_for_target(*, level):
    """What a person needs for a level: its own criteria, and for a cumulative level ("in
    addition to level A") the criteria of the levels before it too."""
    levels = [level.pk]
    if level.cumulative:
        levels = Level.objects.filter(role_id=level.role_id, order__lte=level.order).values("pk")
    return (
        Criterion.objects.filter(level__in=levels)
        .select_related("level")
        .prefetch_related(Prefetch("rules", queryset=Rule.objects.order_by("order", "pk")))
        .order_by("level__order", "order")
    )


def level_code_matches(current, level):
    """Whether the employment record's current level (a LevelHistory row) names this level:
    "SW2A" names SW2A; a code that is only the level's letter names it within the role the
    recorded name gives ("A", "Family Worker level A" names FWA of Family Worker)."""
    if current.level_code == level.code:
        return True
    return (
        level.code == level.role.code + current.level_code
        and level.role.title.lower() in current.level_name.lower()
    )


def route_facts_for(*, person, route, on, current=LOOK_UP):
    """(Facts, note) for a person on a route: what the service knows of their employment, with
    time at level counted only when their recorded level is the route's starting level. The one
    place the pages, booking and the readiness check gather a person's facts for a route."""
    if current is LOOK_UP:
        current = current_level_of(person)
    from_level = route.from_level
    if from_level is not None and current and level_code_matches(current, from_level):
        from_level = None  # the record names the route's starting level: time at level counts
    return person_facts(
        person=person, on=on, from_level=from_level, current=current,
        time_at_level=route.from_level is not None,
    )  # fmt: skip


def eligibility_rules_of(route):
    """The route's eligibility rules as the evaluator reads them (from prefetched rules)."""
    return [rule.as_dict() for rule in route.rules.all() if rule.scope == RuleScope.ELIGIBILITY]


def route_eligibility_for(*, person, route, on):
    """The route's eligibility rules checked against what the service knows about the person
    today: their current level and when they started it, qualification and registration dates,
    contract and ASYE. Returns (report, note), note saying why time at level cannot count."""
    facts, note = route_facts_for(person=person, route=route, on=on)
    rules = eligibility_rules_of(route)
    return (evaluate(rules, facts, on) if rules else None), note


# --- Versions: what replaced a retired version ----------------------------------------------


def current_version_of(*, framework):
    """The published version of the same framework (same council and slug) when this one is
    not it, else None."""
    if framework.status == FrameworkStatus.PUBLISHED:
        return None
    return (
        Framework.objects.filter(
            organisation_id=framework.organisation_id,
            slug=framework.slug,
            status=FrameworkStatus.PUBLISHED,
        )
        .order_by("-version")
        .first()
    )


def equivalent_level_in(*, level, framework):
    """The level with the same role and level codes in another version, or None."""
    if framework is None:
        return None
    return (
        Level.objects.filter(role__framework=framework, role__code=level.role.code, code=level.code)
        .select_related("role__framework")
        .first()
    )


def get_route_or_successor_for(user, pk):
    """(route, successor): a route of the person's council, and when its version is retired,
    the route with the same code in the published version (None if there is none). 404 when
    the route is missing or another council's, or when it is retired, has no successor and the
    person may not read the retired version."""
    require_staff(user)
    route = (
        ProgressionRoute.objects.select_related(
            "framework__organisation", "from_level__role", "to_level__role"
        )
        .prefetch_related("rules")
        .filter(pk=pk, framework__organisation_id=user.organisation_id)
        .first()
    )
    if route is None:
        raise Http404
    successor = None
    if route.framework.status == FrameworkStatus.RETIRED:
        successor = ProgressionRoute.objects.filter(
            framework__organisation_id=route.framework.organisation_id,
            framework__slug=route.framework.slug,
            framework__status=FrameworkStatus.PUBLISHED,
            code=route.code,
        )
        successor = successor.select_related("framework").first()
    if successor is None and not can_view_framework(user, route.framework):
        raise Http404
    return route, successor


# --- Development plans shared with the people who support the worker -----------------------


def shared_plans_attention(role):
    """A home page provider for line managers or practice supervisors: plans shared with them."""

    def provider(user):
        plans = shared_plans_visible_to(user, as_role=role).select_related(
            "person", "target_level__role"
        )
        return [
            AttentionItem(
                label=f"{plan.person} shared their development plan for "
                f"{plan.target_level.role.title} {plan.target_level.code}",
                url=reverse("frameworks:shared-plan-detail", args=[plan.pk]),
            )
            for plan in plans
        ]

    return provider


def plan_managers(*, person):
    """The person's line manager and practice supervisor (either may be None), in one query."""
    ids = {person.line_manager_id, person.practice_supervisor_id} - {None}
    people = {user.pk: user for user in get_user_model().objects.filter(pk__in=ids)} if ids else {}
    return {
        "line_manager": people.get(person.line_manager_id),
        "practice_supervisor": people.get(person.practice_supervisor_id),
    }


def plan_gaps_and_strengths(*, plan, criteria):
    """(gaps, strengths): gaps as (criterion, chosen development route code, note)."""
    have = set(plan.have.values_list("pk", flat=True))
    gaps, strengths = [], []
    for criterion in criteria:
        if criterion.pk in have:
            strengths.append(criterion)
        else:
            action = plan.actions.get(str(criterion.pk), {})
            gaps.append((criterion, action.get("route"), action.get("note", "")))
    return gaps, strengths


def route_requirements_for(*, route):
    """What the route page lists: who can apply, and each piece of evidence once, with what the
    service checks beneath it. The route must come with its rules."""
    rules = list(route.rules.all())
    requirements, standards_checks = route_requirements(
        [rule.as_dict() for rule in rules if rule.scope == RuleScope.EVIDENCE],
        route.required_documents,
        route.standards_policy,
    )
    return {
        "eligibility_rules": [rule for rule in rules if rule.scope == RuleScope.ELIGIBILITY],
        "requirements": requirements,
        "standards_checks": standards_checks,
    }


def standards_of_set(*, code):
    """The statements of one national set (the KSS, say), in their order: for pickers."""
    return Standard.objects.filter(standard_set__code=code).order_by("number")
