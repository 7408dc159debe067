"""A small draft of a person's council, with a criterion and a route that have rules, for the
rule authoring pages' tests and their permission matrix entries."""

from careerpath.models import Organisation
from frameworks.models import (
    Criterion,
    Framework,
    FrameworkStatus,
    Level,
    ProgressionRoute,
    Role,
    Rule,
)


def draft_with_rules(owner, *, status=FrameworkStatus.DRAFT, criterion_rules=1):
    """(framework, criterion, route): the criterion has `criterion_rules` evidence counts, the
    route one eligibility rule (12 months at the level)."""
    organisation = owner.organisation or Organisation.objects.get(slug="medway")
    number = Framework.objects.filter(organisation=organisation).count() + 1
    framework = Framework.objects.create(
        organisation=organisation, slug=f"rules-draft-{number}", title="Rules draft",
        profession="Social work", status=status,
    )  # fmt: skip
    role = Role.objects.create(framework=framework, code="SW", title="Social worker")
    level_1 = Level.objects.create(role=role, code="L1", name="Level 1", order=1)
    level_2 = Level.objects.create(role=role, code="L2", name="Level 2", order=2)
    criterion = Criterion.objects.create(
        level=level_2, category="skills", text="Leads complex casework"
    )
    route = ProgressionRoute.objects.create(
        framework=framework, code="L1-L2", title="Level 1 to Level 2", kind="progression",
        from_level=level_1, to_level=level_2,
    )  # fmt: skip
    Rule.objects.bulk_create(
        Rule(criterion=criterion, scope="criterion", type="min_evidence", order=n,
             parameters={"count": n, "kinds": ["case_example"]})
        for n in range(1, criterion_rules + 1)
    )  # fmt: skip
    Rule.objects.create(route=route, scope="eligibility", type="min_months_at_level",
                        parameters={"months": 12})  # fmt: skip
    return framework, criterion, route


def own_draft(owner):
    return {"pk": draft_with_rules(owner)[0].pk}


def own_criterion_rules(owner):
    framework, criterion, _ = draft_with_rules(owner)
    return {"pk": framework.pk, "owner": "criteria", "part_pk": criterion.pk}


def own_rule(owner):
    framework, criterion, _ = draft_with_rules(owner)
    return {"pk": framework.pk, "rule_pk": criterion.rules.get().pk}
