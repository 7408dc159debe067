"""A framework editor writes a draft's rule in a real browser: the type from the closed list, its
typed fields, and the sentence a worker will read changing as they type. Every page audited."""

import pytest
from django.urls import reverse

from frameworks.models import Rule

from .conftest import audit, sign_in, visit

pytestmark = pytest.mark.browser


@pytest.fixture
def draft(demo_people):
    from tests.frameworks.rule_authoring_factories import draft_with_rules

    return draft_with_rules(demo_people["medway.framework-editor"])


def test_an_editor_adds_a_rule_and_sees_its_reading_change_as_they_type(page, draft):
    framework, criterion, route = draft
    sign_in(page, "medway.framework-editor")
    visit(page, reverse("frameworks:framework-detail", args=[framework.pk]))
    with page.expect_navigation():
        page.get_by_role("link", name="Edit the rules").click()
    audit(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Rules of Leads complex casework").click()
    audit(page)
    assert "At least 1 case example" in page.content()

    with page.expect_navigation():
        page.get_by_role("link", name="Add a rule").click()
    audit(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    assert "Choose what kind of rule it is" in page.locator(".govuk-error-summary").inner_text()
    audit(page)
    page.get_by_label("Recent evidence").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    audit(page)

    reading = page.locator("#rule-reading")
    assert reading.get_attribute("aria-live") == "polite"
    page.get_by_label("Which kind of evidence?").select_option(label="Supervision record")
    page.get_by_label("Item 1: within the last how many months?").fill("6")
    page.wait_for_function(
        "() => document.querySelector('#rule-reading').textContent"
        " === '1 supervision record: one within the last 6 months'"
    )
    page.get_by_label("Item 2: within the last how many months? (optional)").fill("9")
    page.wait_for_function(
        "() => document.querySelector('#rule-reading').textContent.startsWith('2 supervision')"
    )
    assert reading.inner_text() == (
        "2 supervision records: one within the last 6 months and one within the last 9 months"
    )
    audit(page)

    with page.expect_navigation():
        page.get_by_role("button", name="Add the rule").click()
    assert "Rule added" in page.locator(".govuk-notification-banner").inner_text()
    audit(page)
    rule = criterion.rules.order_by("-order").first()
    assert rule.as_dict() == {
        "type": "recency", "kind": "supervision_record", "within_months": [6, 9],
    }  # fmt: skip

    # Change it, then delete it, each page audited.
    visit(page, reverse("frameworks:draft-rule-edit", args=[framework.pk, rule.pk]))
    page.get_by_label("Item 2: within the last how many months? (optional)").fill("")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the rule").click()
    rule.refresh_from_db()
    assert rule.parameters["within_months"] == [6]
    visit(page, reverse("frameworks:draft-rule-delete", args=[framework.pk, rule.pk]))
    with page.expect_navigation():
        page.get_by_role("button", name="Delete the rule").click()
    assert not Rule.objects.filter(pk=rule.pk).exists()
    visit(page, reverse("frameworks:draft-rules", args=[framework.pk, "routes", route.pk]))


def test_without_the_script_the_button_shows_the_reading(page, draft):
    framework, criterion, _ = draft
    page.route("**/rule-reading.js", lambda route: route.abort())  # as if it never loaded
    sign_in(page, "medway.framework-editor")
    url = reverse("frameworks:draft-rule-add", args=[framework.pk, "criteria", criterion.pk])
    page.goto(f"{url}?type=min_evidence")
    page.get_by_label("How many?").fill("2")
    page.get_by_label("Case examples").check()
    assert "At least 2" not in page.locator("#rule-reading").inner_text()
    with page.expect_navigation():
        page.get_by_role("button", name="Show the reading").click()
    assert page.locator("#rule-reading").inner_text() == "At least 2 case examples"
    assert criterion.rules.count() == 1  # nothing saved
    audit(page)
