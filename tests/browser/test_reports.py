"""The reports in a real browser on the demo data, every page audited: Lincolnshire's progression
coordinator follows the home page to the reports and finds real figures (last week's panel's
decisions, its sessions, the applications in each stage), each with its chart drawn as SVG and
the same figures as a table; Dudley's HR officer reads the service levels and downloads the
progression rates as CSV."""

import csv
import io

import pytest

from panels.reports import REPORTS

from .conftest import sign_in, visit
from .test_application_journeys import click

pytestmark = pytest.mark.browser


def _table(page):
    """The table's rows below its header, as the text of their cells."""
    rows = page.locator("table tbody tr")
    return [
        [cell.strip() for cell in rows.nth(index).locator("th, td").all_inner_texts()]
        for index in range(rows.count())
    ]


def test_the_coordinator_reads_every_report_with_real_figures(page, demo_people):
    sign_in(page, "lincolnshire.coordinator")
    visit(page, "/")
    click(page, page.get_by_role("link", name="Reports: applications by stage"))
    assert page.url.endswith("/panels/reports/")
    for slug, title in ((slug, title) for slug, (title, _) in REPORTS.items()):
        visit(page, f"/panels/reports/{slug}/")
        assert page.get_by_role("heading", level=1).inner_text().endswith(title)
        chart = page.locator("svg[role='img']")
        assert chart.count() == 1
        assert chart.locator("title").text_content() == title
        assert chart.get_attribute("aria-labelledby") == f"chart-{slug}-title chart-{slug}-desc"

    visit(page, "/panels/reports/stages/")
    counts = [int(row[1]) for row in _table(page)]
    assert sum(counts) > 0  # the demo's applications, in their stages

    visit(page, "/panels/reports/progression-by-route/")
    rows = _table(page)
    assert rows and all(row[-1].endswith("%") for row in rows)
    assert sum(int(row[1]) for row in rows) > 0  # last week's panel decided

    visit(page, "/panels/reports/panel-utilisation/")
    assert any(int(row[1]) > 0 for row in _table(page))  # places booked on the demo's panels


def test_hr_reads_the_service_levels_and_downloads_the_progression_rates(page, demo_people):
    sign_in(page, "dudley.hr")
    visit(page, "/")
    click(page, page.get_by_role("link", name="Reports: applications by stage"))
    visit(page, "/panels/reports/service-levels/")
    assert len(_table(page)) == 3

    visit(page, "/panels/reports/progression-by-team/")
    shown = _table(page)
    assert shown
    with page.expect_download() as download:
        page.get_by_role("link", name="Download these figures (CSV)").click()
    with open(download.value.path(), encoding="utf-8") as file:
        rows = list(csv.reader(io.StringIO(file.read())))
    assert rows[1:] == shown

    # A period that ends before it starts: the error is summarised and audited.
    page.get_by_label("From").fill("2026-03-31")
    page.get_by_label("To").fill("2026-03-01")
    click(page, page.get_by_role("button", name="Show this period"))
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "The end of the period must be on or after its start" in summary
