"""HR in a real browser, every page audited: Lincolnshire's HR officer follows the home page's
progressions to action, filters the council's decisions by team and outcome, opens a
progression, ticks the seeds' "Amend existing position form" (who and when shown) and downloads
the filtered decisions for payroll."""

import csv
import io
import re

import pytest

from careerpath.models import Organisation, Team
from panels.models import ChecklistTick, Outcome
from tests.panels.hr_factories import decisions_in_bulk

from .conftest import sign_in, visit
from .test_application_journeys import click

pytestmark = pytest.mark.browser


def test_hr_filters_opens_a_progression_ticks_a_form_and_exports(page, demo_people):
    officer = demo_people["lincolnshire.hr"]
    lincolnshire = Organisation.objects.get(slug="lincolnshire")
    team = Team.objects.create(organisation=lincolnshire, name="Payroll browser team")
    progressed = decisions_in_bulk(lincolnshire, 2, team=team)
    deferred = decisions_in_bulk(lincolnshire, 1, team=team, outcome=Outcome.DEFERRED)[0]
    worker = progressed[0].application.applicant

    sign_in(page, officer.username)
    visit(page, "/")
    click(page, page.get_by_role("link", name="progressions to action").first)
    visit(page, "/panels/hr/decisions/")
    page.get_by_label("Team").select_option(label=team.name)
    page.get_by_label("Outcome").select_option(label="Progressed")
    click(page, page.get_by_role("button", name="Apply filters"))
    table = page.locator("table").inner_text()
    assert "2 decisions" in page.locator("main").inner_text()
    assert worker.employee_number in table
    assert deferred.application.applicant.employee_number not in table
    assert "0 of 2" in table

    click(page, page.get_by_role("link", name=worker.get_full_name()))
    assert "Amend existing position form" in page.locator("main").inner_text()
    click(
        page,
        page.get_by_role("button", name=re.compile(r"Mark as done\W+Amend existing position form")),
    )
    main = page.locator("main").inner_text()
    assert "Ticked: Amend existing position form" in main
    assert f"by {officer.get_full_name()} on" in main
    tick = ChecklistTick.objects.get(decision=progressed[0])
    assert tick.ticked_by == officer and tick.item.label == "Amend existing position form"

    click(page, page.get_by_role("link", name="Decisions for HR"))
    page.get_by_label("Team").select_option(label=team.name)
    click(page, page.get_by_role("button", name="Apply filters"))
    with page.expect_download() as download:
        page.get_by_role("link", name="Download these decisions for payroll (CSV)").click()
    with open(download.value.path(), encoding="utf-8") as exported:
        rows = list(csv.reader(io.StringIO(exported.read())))
    numbers = {row[1] for row in rows[1:]}
    assert numbers == {d.application.applicant.employee_number for d in [*progressed, deferred]}
    ticked = next(row for row in rows if row[1] == worker.employee_number)
    assert ticked[11:13] == ["1", "2"]
