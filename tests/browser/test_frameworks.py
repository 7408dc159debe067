"""A person using the frameworks in a real browser, with every page audited."""

import pytest
from django.urls import reverse

from frameworks.models import Framework, Level

from .conftest import audit, sign_in, visit

pytestmark = pytest.mark.browser


def test_a_worker_checks_themselves_against_a_level_and_prints_a_plan(page, demo_people):
    sign_in(page, "medway.family-worker")
    with page.expect_navigation():
        page.get_by_role("link", name="Frameworks").first.click()
    with page.expect_navigation():
        page.get_by_role("link", name="Think about your direction").click()
    audit(page)
    # No choice made: the error summary says what to do.
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    assert (
        "Choose the role and level you are thinking about"
        in page.locator(".govuk-error-summary").inner_text()
    )
    audit(page)
    page.get_by_label("Which role and level are you thinking about?").select_option(
        label="Family Worker: FWB (Practising)"
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    audit(page)
    # What the service already knows is ticked; tick one more strength, and plan one gap.
    page.locator(".govuk-checkboxes__input:not(:checked)").first.check()
    page.locator("select:visible").first.select_option(label="Stepping up")
    criteria = page.locator(".govuk-checkboxes__input")
    gaps = criteria.count() - page.locator(".govuk-checkboxes__input:checked").count()
    with page.expect_navigation():
        page.get_by_role("button", name="Save development plan").click()
    assert (
        "Your development plan is saved" in page.locator(".govuk-notification-banner").inner_text()
    )
    assert f"Gaps to close ({gaps})" in page.content()
    assert "Stepping up" in page.content()
    audit(page)
    assert page.get_by_role("button", name="Print").is_visible()


def test_comparing_levels_and_searching(page, demo_people):
    sign_in(page, "medway.worker")
    framework = Framework.objects.get(organisation__slug="medway", slug="asc-social-workers")
    visit(page, reverse("frameworks:level-compare", args=[framework.pk]))
    with page.expect_navigation():
        page.get_by_role("button", name="Compare").click()
    assert "Choose the level to compare from" in page.content()
    audit(page)
    page.get_by_label("From").select_option(label="Social Worker (including Newly Qualified): SW2A")
    page.get_by_label("To").select_option(label="Social Worker (including Newly Qualified): SW2B")
    with page.expect_navigation():
        page.get_by_role("button", name="Compare").click()
    assert "SW2A compared with SW2B" in page.content()
    audit(page)
    visit(page, reverse("frameworks:criteria-search") + "?q=supervision")
    assert "found" in page.locator("[role=status]").inner_text()


def test_a_framework_editor_copies_edits_and_publishes_a_new_version(page, demo_people):
    sign_in(page, "medway.framework-editor")
    framework = Framework.objects.get(organisation__slug="medway", slug="family-worker")
    visit(page, reverse("frameworks:framework-detail", args=[framework.pk]))
    with page.expect_navigation():
        page.get_by_role("button", name="Copy to a new draft").click()
    assert "is a new draft" in page.locator(".govuk-notification-banner").inner_text()
    audit(page)
    draft = Framework.objects.get(organisation__slug="medway", slug="family-worker", version=2)
    level = Level.objects.get(role__framework=draft, code="FWA")
    visit(page, reverse("admin:frameworks_level_change", args=[level.pk]))
    page.locator("textarea[name='criteria-0-text']").fill("Five GCSEs including English and Maths")
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).click()
    assert "was changed successfully" in page.locator(".messagelist").inner_text()
    audit(page)
    visit(page, reverse("frameworks:framework-detail", args=[draft.pk]))
    with page.expect_navigation():
        page.get_by_role("button", name="Publish this version").click()
    assert "is published" in page.locator(".govuk-notification-banner").inner_text()
    visit(page, reverse("frameworks:framework-changes", args=[draft.pk]))
    assert "Five GCSEs including English and Maths" in page.content()


def test_long_words_in_a_plan_wrap_on_screen_and_in_print(page, demo_people):
    from frameworks.models import DevelopmentPlan

    person = demo_people["medway.family-worker"]
    level = Level.objects.get(role__framework__slug="family-worker", code="FWA")
    criterion = level.criteria.first()
    plan = DevelopmentPlan.objects.create(
        person=person,
        target_level=level,
        actions={str(criterion.pk): {"route": "acting_up", "note": "x" * 900}},
    )
    sign_in(page, person.username)
    visit(page, reverse("frameworks:plan-detail", args=[plan.pk]))
    page.set_viewport_size({"width": 1024, "height": 800})
    too_wide = "document.documentElement.scrollWidth > window.innerWidth"
    assert not page.evaluate(too_wide)
    page.emulate_media(media="print")
    assert not page.evaluate(too_wide)


def test_a_plan_and_the_retired_version_after_a_new_version_is_published(page, demo_people):
    from frameworks.models import DevelopmentPlan
    from frameworks.services import framework_copy_to_draft, framework_publish

    person = demo_people["medway.family-worker"]
    old = Framework.objects.get(organisation__slug="medway", slug="family-worker", version=1)
    plan = DevelopmentPlan.objects.create(
        person=person, target_level=Level.objects.get(role__framework=old, code="FWB")
    )
    editor = demo_people["medway.framework-editor"]
    new = framework_publish(
        framework=framework_copy_to_draft(framework=old, actor=editor), actor=editor
    )
    sign_in(page, person.username)
    assert visit(page, reverse("frameworks:plan-detail", args=[plan.pk])).ok
    assert "A newer version of" in page.content()
    with page.expect_navigation():
        page.get_by_role(
            "link", name="Check yourself against Family Worker, FWB in version 2"
        ).click()
    assert page.url.endswith(
        reverse(
            "frameworks:self-assessment",
            args=[Level.objects.get(role__framework=new, code="FWB").pk],
        )
    )
    assert visit(page, reverse("frameworks:framework-detail", args=[old.pk])).ok
    assert "retired" in page.locator(".govuk-warning-text").inner_text()
