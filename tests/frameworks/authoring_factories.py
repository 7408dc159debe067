"""Drafts for the authoring pages' tests and the permission matrix."""

from careerpath.models import Organisation
from frameworks.models import Criterion, Framework, FrameworkStatus, Level, Role


def draft_of(organisation, *, roles=1, levels=3, criteria=2, slug=None, version=1):
    """An empty-ish draft of a council's: roles, each with levels, each with criteria."""
    count = Framework.objects.filter(organisation=organisation).count()
    framework = Framework.objects.create(
        organisation=organisation, slug=slug or f"authoring-draft-{count}", version=version,
        title="A draft",
        profession="Social work", status=FrameworkStatus.DRAFT,
    )  # fmt: skip
    for r in range(roles):
        role = Role.objects.create(framework=framework, code=f"R{r}", title=f"Role {r}", order=r)
        for n in range(levels):
            level = Level.objects.create(role=role, code=f"L{n}", order=n)
            Criterion.objects.bulk_create(
                Criterion(level=level, category="skills", order=c, text=f"Criterion {c} of L{n}")
                for c in range(criteria)
            )
    return framework


def own_draft(owner):
    organisation = owner.organisation or Organisation.objects.get(slug="medway")
    return draft_of(organisation)


def own_draft_kwargs(owner):
    return {"pk": own_draft(owner).pk}


def own_draft_role(owner):
    draft = own_draft(owner)
    return {"pk": draft.pk, "part_pk": draft.roles.first().pk}


def own_draft_level(owner):
    draft = own_draft(owner)
    return {"pk": draft.pk, "part_pk": Level.objects.filter(role__framework=draft).first().pk}


def own_draft_criterion(owner):
    draft = own_draft(owner)
    criterion = Criterion.objects.filter(level__role__framework=draft).first()
    return {"pk": draft.pk, "part_pk": criterion.pk}


def own_draft_part(kind):
    parts = {"roles": own_draft_role, "levels": own_draft_level, "criteria": own_draft_criterion}

    def make(owner):
        return {**parts[kind](owner), "kind": kind}

    return make


def own_draft_route(owner):
    from frameworks.models import ProgressionRoute

    draft = own_draft(owner)
    levels = list(Level.objects.filter(role__framework=draft).order_by("order"))
    route = ProgressionRoute.objects.create(
        framework=draft, code="L0-L1", title="From L0 to L1", kind="progression",
        from_level=levels[0], to_level=levels[1],
    )  # fmt: skip
    return {"pk": draft.pk, "part_pk": route.pk}
