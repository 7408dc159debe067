"""Each council's framework editor, in a real browser, meets nothing of another council and no
published version in any choice list of the framework editor, and a choice slipped into a list by
hand saves nothing."""

import pytest
from django.urls import reverse

from careerpath.models import Organisation
from frameworks.models import (
    Criterion,
    Framework,
    FrameworkStatus,
    Level,
    ProgressionRoute,
    Role,
    Standard,
)
from frameworks.services import framework_copy_to_draft

from .conftest import sign_in, visit

pytestmark = pytest.mark.browser

EDITORS = ["medway.framework-editor", "lincolnshire.framework-editor", "dudley.framework-editor"]

# What a select's options name, by the field's name (inline rows are "<prefix>-<n>-<field>").
CHOOSES = {
    "organisation": Organisation,
    "framework": Framework,
    "role": Role,
    "level": Level,
    "from_level": Level,
    "to_level": Level,
    "criterion": Criterion,
    "route": ProgressionRoute,
    "standards": Standard,
}


def framework_of(obj):
    while not isinstance(obj, Framework):
        parent = next(
            name
            for name in ("framework", "role", "level", "criterion", "route")
            if getattr(obj, f"{name}_id", None)
        )
        obj = getattr(obj, parent)
    return obj


@pytest.fixture
def drafts(demo_people):
    """A draft of one framework in every council, as each council's editor would start one."""
    found = {}
    for username in EDITORS:
        editor = demo_people[username]
        published = (
            Framework.objects.filter(organisation=editor.organisation, routes__isnull=False)
            .order_by("pk")
            .first()
        )
        found[editor.organisation_id] = framework_copy_to_draft(framework=published, actor=editor)
    return found


def editor_pages(draft):
    """Every add page, and the change page of the draft and of something in each of its tables."""
    role = draft.roles.order_by("pk").first()
    level = role.levels.order_by("pk").first()
    criterion = Criterion.objects.filter(level__role__framework=draft).order_by("pk").first()
    route = draft.routes.order_by("pk").first()
    for model in ("framework", "role", "level", "criterion", "progressionroute"):
        yield reverse(f"admin:frameworks_{model}_add")
    for model, obj in [("framework", draft), ("role", role), ("level", level),
                       ("criterion", criterion), ("progressionroute", route)]:  # fmt: skip
        yield reverse(f"admin:frameworks_{model}_change", args=[obj.pk])


def selects_on(page):
    return page.eval_on_selector_all(
        "select",
        "selects => selects.map(s => ({name: s.name, "
        "options: [...s.options].map(o => [o.value, o.textContent.trim()])}))",
    )


@pytest.mark.parametrize("username", EDITORS)
def test_an_editor_is_offered_only_their_own_councils_drafts(page, demo_people, drafts, username):
    editor = demo_people[username]
    others = {
        framework.title for framework in Framework.objects.exclude(organisation=editor.organisation)
    }
    sign_in(page, username)
    checked = 0
    for path in editor_pages(drafts[editor.organisation_id]):
        response = visit(page, path)
        assert response.ok, f"{path} answered {response.status}"
        for select in selects_on(page):
            model = CHOOSES.get(select["name"].rsplit("-", 1)[-1])
            for value, text in select["options"]:
                assert not any(title in text for title in others), f"{path} {select['name']}"
                if model is None or not value:
                    continue
                obj = model.objects.get(pk=value)
                checked += 1
                if model is Standard:
                    continue  # the national standards are shared
                if model is Organisation:
                    assert obj == editor.organisation, f"{path} offers {obj}"
                    continue
                framework = framework_of(obj)
                assert framework.organisation_id == editor.organisation_id, f"{path} offers {obj}"
                assert framework.status == FrameworkStatus.DRAFT, f"{path} offers {obj}"
    assert checked  # the pages did offer choices, and each was looked at


@pytest.mark.parametrize("username", EDITORS)
def test_a_choice_slipped_into_the_page_saves_nothing(page, demo_people, drafts, username):
    editor = demo_people[username]
    # Another council's draft level, and the editor's own published one.
    others = [d for organisation, d in drafts.items() if organisation != editor.organisation_id]
    own_published = Framework.objects.filter(
        organisation=editor.organisation, status=FrameworkStatus.PUBLISHED
    ).first()
    crafted = [
        Level.objects.filter(role__framework=others[0]).first(),
        Level.objects.filter(role__framework=own_published).first(),
    ]
    sign_in(page, username)
    for level in crafted:
        before = Criterion.objects.count()
        visit(page, reverse("admin:frameworks_criterion_add"))
        page.eval_on_selector(
            "select[name=level]",
            "(select, [value, text]) => { select.add(new Option(text, value)); "
            "select.value = value; }",
            [str(level.pk), str(level)],
        )
        page.locator("select[name=category]").select_option("knowledge")
        page.locator("textarea[name=text]").fill("Slipped in by hand")
        with page.expect_navigation():
            page.get_by_role("button", name="Save", exact=True).click()
        assert "Select a valid choice" in page.content()
        # What was typed is still there to correct.
        assert page.locator("textarea[name=text]").input_value() == "Slipped in by hand"
        assert Criterion.objects.count() == before
        assert not Criterion.objects.filter(text="Slipped in by hand").exists()
