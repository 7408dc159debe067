"""Dudley's coordinator follows the outcomes of the apprenticeship and return-to-social-work panels
("notified of the outcome of Panel within 3 working days"): from the home page's item to the
list of hearings with their due dates, in a real browser with every page audited."""

import pytest
from django.urls import reverse

from panels.outcomes_due import outcome_due_on
from tests.panels.booking_factories import session_on
from tests.panels.test_outcomes_due import booked
from tests.portfolios.review_factories import route_in

from .conftest import sign_in, visit

pytestmark = pytest.mark.browser


def test_the_coordinator_sees_each_hearings_due_date_and_whether_it_was_met(page, demo_people):
    coordinator = demo_people["dudley.coordinator"]
    apprenticeship, returning = route_in("dudley", "ENTRY-SWA"), route_in("dudley", "ENTRY-RSW")
    held = session_on(apprenticeship, days=-21)
    due = outcome_due_on(held, apprenticeship)
    booked(held, name="Amira", decided_on=due, by=coordinator)
    booked(held, name="Bilal", by=coordinator)
    booked(session_on(returning, days=21), name="Cerys", by=coordinator)

    sign_in(page, coordinator.username)
    visit(page, reverse("careerpath:home"))
    with page.expect_navigation():
        page.get_by_role("link", name="Panel outcomes to give: 1 overdue").click()
    visit(page, page.url)  # audited
    rows = page.locator("tbody .govuk-table__row").all_inner_texts()
    assert len(rows) == 3
    amira = next(row for row in rows if "Amira" in row)
    assert apprenticeship.title in amira
    assert f"{due.day} {due:%B %Y}" in amira and "on time" in amira
    assert "Overdue" in next(row for row in rows if "Bilal" in row)
    cerys = next(row for row in rows if "Cerys" in row)
    assert returning.title in cerys and "Due in" in cerys

    # Another council's coordinator sees none of it.
    page.context.clear_cookies()
    sign_in(page, "lincolnshire.coordinator")
    visit(page, reverse("panels:outcomes-due"))
    assert "Amira" not in page.content()
