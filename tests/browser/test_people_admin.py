"""The organisation administrator in a real browser, every page audited: Medway's administrator
follows the home page to the people without a team, finds a worker by employee number, gives
them the panel member role with a reason, reads it in the audit trail, downloads the audit trail
as CSV, and opens the page to remove a role (refused without a reason)."""

import csv
import io

import pytest

from careerpath.models import AuditEvent, Role, RoleMembership

from .conftest import sign_in, visit
from .test_application_journeys import click

pytestmark = pytest.mark.browser


def test_the_administrator_finds_a_person_grants_a_role_and_reads_the_audit_trail(
    page, demo_people
):
    admin = demo_people["medway.admin"]
    worker = demo_people["medway.worker"]
    reason = "Joins the spring panel pool"

    sign_in(page, admin.username)
    visit(page, "/")
    click(page, page.get_by_role("link", name="people without a team"))
    rows = page.locator("tbody tr").all_inner_texts()
    assert rows and all("No team" in row for row in rows)
    click(page, page.get_by_role("link", name="People", exact=True))
    page.get_by_label("Name, e-mail or employee number").fill(worker.employee_number)
    click(page, page.get_by_role("button", name="Search"))
    table = page.locator("table").inner_text()
    assert "1 person" in page.locator("main").inner_text()
    assert worker.get_full_name() in table

    click(page, page.get_by_role("link", name=worker.get_full_name()))
    main = page.locator("main").inner_text()
    assert "Roles in Medway Council" in main and "Level history" in main
    # Without a reason nothing is given, and the error says what to do.
    page.get_by_label("Role to give").select_option(label="Panel member")
    click(page, page.get_by_role("button", name="Give the role"))
    assert (
        "Give the reason for giving the role" in page.locator(".govuk-error-summary").inner_text()
    )
    assert not RoleMembership.objects.filter(user=worker, role=Role.PANEL_MEMBER).exists()
    page.get_by_label("Role to give").select_option(label="Panel member")
    page.get_by_label("Reason").fill(reason)
    click(page, page.get_by_role("button", name="Give the role"))
    assert "is now panel member" in page.locator(".govuk-notification-banner").inner_text()
    membership = RoleMembership.objects.get(user=worker, role=Role.PANEL_MEMBER)
    assert membership.granted_by == admin

    # The page to remove it asks for a reason too.
    click(page, page.get_by_role("link", name="Remove the panel member role"))
    click(page, page.get_by_role("button", name="Remove the role"))
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Give the reason for removing the role" in summary
    assert RoleMembership.objects.filter(pk=membership.pk).exists()

    visit(page, "/people/audit/")
    page.get_by_label("Action").select_option("role.grant")
    page.get_by_label("Person").fill(worker.last_name)
    click(page, page.get_by_role("button", name="Search"))
    table = page.locator("table").inner_text()
    assert reason in table and worker.get_full_name() in table

    with page.expect_download() as download:
        page.get_by_role("link", name="Download these events (CSV)").click()
    with open(download.value.path(), encoding="utf-8") as exported:
        rows = list(csv.DictReader(io.StringIO(exported.read())))
    event = AuditEvent.objects.get(action="role.grant", target_id=str(worker.pk))
    assert [(row["Action"], row["About"], row["Reason"]) for row in rows] == [
        ("role.grant", event.target_repr, reason)
    ]
    assert rows[0]["Who"] == admin.get_full_name()
