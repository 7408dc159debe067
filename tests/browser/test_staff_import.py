"""Medway's administrator imports staff from the HR system in a real browser: the file with
problems first, then the corrected file, every page audited."""

from pathlib import Path

import pytest
from django.conf import settings

from careerpath.models import LevelHistory, StaffImport, User

from .conftest import audit, sign_in, visit

pytestmark = pytest.mark.browser

FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "staff"


def upload(page, name):
    page.get_by_label("Staff file").set_input_files(str(FIXTURES / name))
    with page.expect_navigation():
        page.get_by_role("button", name="Upload and preview").click()
    audit(page)


def test_the_administrator_uploads_a_file_with_problems_fixes_it_and_imports_it(page, demo_people):
    sign_in(page, "medway.admin")
    visit(page, "/people/")
    with page.expect_navigation():
        page.get_by_role("link", name="Import staff from the HR system").click()
    audit(page)

    # An upload without a file: the error summary names the field.
    with page.expect_navigation():
        page.get_by_role("button", name="Upload and preview").click()
    audit(page)
    assert "Choose the staff file" in page.locator(".govuk-error-summary").inner_text()

    upload(page, "medway_staff_with_problems.csv")
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "There are problems in the file" in summary
    problems = page.get_by_role("table", name="Problems in the file, by row and column")
    text = problems.inner_text()
    for words in ("MED9999", "loop", "in the future", "SW9Z", "is also on row"):
        assert words in text, words
    assert page.get_by_role("button", name="Confirm and import").count() == 0
    assert not User.objects.filter(employee_number="MED0101").exists()

    with page.expect_navigation():
        page.get_by_role("link", name="Upload a corrected file").click()
    audit(page)
    upload(page, "medway_staff.csv")
    assert page.locator(".govuk-error-summary").count() == 0
    new_people = page.get_by_role("table", name="New people").inner_text()
    assert "Nadia Khan" in new_people and "Joanna Mills" in new_people
    change = page.get_by_role("table", name="Daniel Reid (MED0003), row 4").inner_text()
    assert "Social Worker (SW2), Hospital Discharge" in change

    with page.expect_navigation():
        page.get_by_role("button", name="Confirm and import").click()
    audit(page)
    assert "medway_staff.csv is imported" in (
        page.locator(".govuk-notification-banner").inner_text()
    )
    nadia = User.objects.get(organisation__slug="medway", employee_number="MED0101")
    assert nadia.line_manager.username == "medway.line-manager"
    assert LevelHistory.objects.get(user=nadia).level_code == "SW2A"
    assert StaffImport.objects.filter(status=StaffImport.Status.APPLIED).count() == 1

    # The upload page lists both uploads.
    visit(page, "/people/import/")
    assert page.get_by_role("table", name="Recent uploads").locator("tbody tr").count() == 2
