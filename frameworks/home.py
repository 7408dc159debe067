"""What the frameworks app puts on people's home pages: for a worker, where they stand (current
level, the next level on their route, eligibility today and the date they will be eligible, their
plans); for a framework editor, drafts and how to start one; for everyone, the frameworks.
Registered in FrameworksConfig.ready, so the shared home page never imports this app."""

from dataclasses import dataclass

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from careerpath.dates import long_date
from careerpath.selectors import AttentionItem
from frameworks.facts import current_level_of, person_facts
from frameworks.models import (
    DevelopmentPlan,
    FrameworkStatus,
    Level,
    ProgressionRoute,
    Rule,
)
from frameworks.permissions import frameworks_visible_to
from frameworks.rules import JUDGEMENT, NOT_MET, TIME_RULE_TYPES, eligible_from, evaluate
from frameworks.selectors import eligibility_rules_of, level_code_matches


def matching_level(*, person, current):
    """The level of a published framework of the person's council that their employment
    record's current level names (see level_code_matches)."""
    published = frameworks_visible_to(person).filter(status=FrameworkStatus.PUBLISHED)
    candidates = (
        Level.objects.filter(role__framework__in=published, code__endswith=current.level_code)
        .select_related("role__framework")
        .order_by("role__framework__title", "role__order", "order")
    )
    return next((level for level in candidates if level_code_matches(current, level)), None)


@dataclass(frozen=True)
class Eligibility:
    """A route's eligibility for one person on one day, for a line on the home page."""

    report: object  # ReadinessReport, or None when the route has no eligibility rules
    eligible_on: object  # the day the time-based rules are met; None if a start date is missing
    on: object

    @property
    def summary(self):
        if self.report is None:
            return "No eligibility rules to check: talk to your line manager about applying"
        results = self.report.results
        time_not_met = any(
            r.status == NOT_MET and r.rule.get("type") in TIME_RULE_TYPES for r in results
        )
        others = [r for r in results if r.rule.get("type") not in TIME_RULE_TYPES]
        not_met = [r.reason for r in others if r.status == NOT_MET]
        judged = sum(1 for r in others if r.status == JUDGEMENT)
        if time_not_met and self.eligible_on is None:
            text = "Not eligible yet: a date the time counts from is not recorded"
        elif time_not_met:
            text = f"Eligible from {long_date(self.eligible_on)}"
            text += " at the earliest" if not_met else ""
        elif not_met:
            text = "Not eligible yet"
        else:
            text = "Eligible today on everything the service can check"
        if not_met:
            text += ": " + "; ".join(not_met)
        if judged:
            text += f" ({judged} more to be confirmed by people)"
        return text


def route_eligibility(*, person, route, current, on):
    """Eligibility for a route out of the person's matched current level (the match is made
    already, so time at level counts from when they started it)."""
    rules = eligibility_rules_of(route)
    if not rules:
        return Eligibility(None, on, on)
    facts, _ = person_facts(person=person, on=on, current=current)
    return Eligibility(evaluate(rules, facts, on), eligible_from(rules, facts, on), on)


def worker_progress(user):
    """Home page items for a worker."""
    on = timezone.localdate()
    items = []
    current = current_level_of(user)
    level = matching_level(person=user, current=current) if current else None
    if level is not None:
        items.append(
            AttentionItem(
                label=f"Your current level: {level.role.title}, {level}",
                url=reverse("frameworks:role-detail", args=[level.role_id]),
                hint=f"Since {long_date(current.started_on)}, in {level.role.framework.title}",
            )
        )
        routes = (
            ProgressionRoute.objects.filter(from_level=level)
            .select_related("to_level__role")
            .prefetch_related(Prefetch("rules", queryset=Rule.objects.order_by("order", "pk")))
        )
        for route in routes:
            eligibility = route_eligibility(person=user, route=route, current=current, on=on)
            items.append(
                AttentionItem(
                    label=f"Next: {route.to_level.role.title}, {route.to_level}",
                    url=reverse("frameworks:route-detail", args=[route.pk]),
                    hint=eligibility.summary,
                )
            )
    elif current is not None:
        items.append(
            AttentionItem(
                label=f"Your recorded level: {current.level_name or current.level_code}",
                url="",
                hint="It is not a level of your council's published frameworks: ask HR to check "
                "your record",
            )
        )
    for plan in DevelopmentPlan.objects.filter(person=user).select_related(
        "target_level__role__framework"
    ):
        target = plan.target_level
        framework = target.role.framework
        hint = f"Updated {long_date(timezone.localtime(plan.updated_at))}"
        if framework.status != FrameworkStatus.PUBLISHED:
            hint += f"; made against version {framework.version}, since replaced"
        items.append(
            AttentionItem(
                label=f"Your development plan: {target.role.title}, {target.code}",
                url=reverse("frameworks:plan-detail", args=[plan.pk]),
                hint=hint,
            )
        )
    items.append(
        AttentionItem(
            label="Check yourself against a level",
            url=reverse("frameworks:self-assessment-start"),
            hint="See what you have and what you still need, and save a development plan",
        )
    )
    return items


def ways_to_start_a_draft(user):
    """Home page items for framework editors, after their drafts."""
    return [
        AttentionItem(
            label="Start a new version of a framework",
            url=reverse("frameworks:framework-list"),
            hint="Open a published framework and choose 'Copy to a new draft'",
        )
    ]


def frameworks_for_everyone(user):
    """Home page items for every member of staff: their council's published frameworks."""
    frameworks = frameworks_visible_to(user).filter(status=FrameworkStatus.PUBLISHED)
    items = [
        AttentionItem(
            label=framework.title,
            url=reverse("frameworks:framework-detail", args=[framework.pk]),
            hint=framework.profession,
        )
        for framework in frameworks.order_by("profession", "title")
    ]
    items.append(
        AttentionItem(
            label="Search what the frameworks ask for",
            url=reverse("frameworks:criteria-search"),
        )
    )
    return items
