"""A framework editor writes a framework from nothing on its own pages, previews it and publishes
it, with every page audited."""

import pytest

from frameworks.models import Framework, FrameworkStatus

from .conftest import audit, sign_in, visit

pytestmark = pytest.mark.browser


def _submit(page, button):
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()
    audit(page)


def _follow(page, link):
    with page.expect_navigation():
        page.get_by_role("link", name=link, exact=True).click()
    audit(page)


def test_an_editor_creates_previews_and_publishes_a_framework(page, demo_people):
    sign_in(page, "medway.framework-editor")
    visit(page, "/frameworks/drafts/new/")
    _submit(page, "Create the draft")  # nothing entered: the error summary says what to do
    assert "Enter the title" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label("Title").fill("Occupational Therapy Progression")
    page.get_by_label("Profession").fill("Occupational therapy")
    _submit(page, "Create the draft")
    assert "Not started" in page.locator(".govuk-task-list").inner_text()

    _follow(page, "Roles and pay")
    _follow(page, "Add a role")
    page.get_by_label("Role title").fill("Occupational Therapist")
    page.get_by_label("Pay range (optional)").fill("£35,000 to £45,000")
    _submit(page, "Add the role")
    for code in ("OT1", "OT2", "OT3"):
        _follow(page, "Add a level")
        page.get_by_label("Level code").fill(code)
        _submit(page, "Add the level")
    # OT3 moves above OT2, without typing an order number.
    page.get_by_role("button", name="Move up OT3").click()
    page.wait_for_load_state()
    audit(page)
    codes = page.locator(".govuk-summary-list__key").all_inner_texts()
    assert codes == ["OT1", "OT3", "OT2"]

    page.get_by_role("link", name="Criteria of OT3").click()
    page.wait_for_load_state()
    audit(page)
    for category, text in (("Knowledge", "Knows the Care Act"), ("Skills", "Leads a team")):
        _follow(page, "Add a criterion")
        page.get_by_label(category, exact=True).check()
        page.get_by_label("What the criterion asks for").fill(text)
        _submit(page, "Add the criterion")
    assert "Leads a team" in page.content()

    framework = Framework.objects.get(title="Occupational Therapy Progression")
    visit(page, f"/frameworks/drafts/{framework.pk}/")
    assert "Completed" in page.locator(".govuk-task-list").inner_text()
    _follow(page, "Preview as workers will see it")
    assert "Preview" in page.locator(".govuk-notification-banner").inner_text()
    _follow(page, "Occupational Therapist")
    assert "Knows the Care Act" in page.content()
    assert "Preview" in page.locator(".govuk-notification-banner").inner_text()

    visit(page, f"/frameworks/drafts/{framework.pk}/publish/")
    assert "first version" in page.content()
    page.get_by_label("I have previewed this version and want to publish it").check()
    _submit(page, "Publish")
    assert "is published" in page.locator(".govuk-notification-banner").inner_text()
    framework.refresh_from_db()
    assert framework.status == FrameworkStatus.PUBLISHED
