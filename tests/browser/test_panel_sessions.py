"""The progression coordinator arranges the coming year's panels in a real browser."""

import pytest
from django.urls import reverse
from django.utils import timezone

from panels.models import PanelSession
from panels.scheduling import propose_sessions
from tests.panels.demo_clearing import sessions_clear

from .conftest import audit, sign_in, visit

pytestmark = pytest.mark.browser


def test_the_coordinator_proposes_creates_and_edits_next_years_sessions(page, demo_people):
    sessions_clear(organisation__slug="lincolnshire")  # the demo's, and what refers to them
    sign_in(page, "lincolnshire.coordinator")
    visit(page, reverse("panels:session-list"))
    assert "No panel sessions yet" in page.content()

    with page.expect_navigation():
        page.get_by_role("link", name="Arrange the coming year's sessions").click()
    audit(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Level 1 Social Worker to Level 2 Social Worker").click()
    audit(page)
    route = PanelSession._meta.get_field("route").related_model.objects.get(
        framework__organisation__slug="lincolnshire", framework__status="published", code="L1-L2"
    )
    proposals = propose_sessions(panel=route.panel, year_start=timezone.localdate())
    assert page.locator("input[name=dates]:checked").count() == len(proposals) == 3

    # A mistake first: the error is summarised, audited, and what was typed is kept.
    page.get_by_label("Online meeting link").fill("https://meet.example.org/panel")
    page.get_by_label("Places").fill("0")
    with page.expect_navigation():
        page.get_by_role("button", name="Create the chosen sessions").click()
    assert "Places must be 1 or more" in page.locator(".govuk-error-summary").inner_text()
    assert (
        page.get_by_label("Online meeting link").input_value() == "https://meet.example.org/panel"
    )
    audit(page)

    page.get_by_label("Places").fill("6")
    with page.expect_navigation():
        page.get_by_role("button", name="Create the chosen sessions").click()
    audit(page)
    assert "3 panel sessions added" in page.content()
    sessions = list(PanelSession.objects.filter(route=route).order_by("starts_at"))
    assert [timezone.localdate(s.starts_at) for s in sessions] == [p.date for p in proposals]

    first = sessions[0]
    with page.expect_navigation():
        page.locator(f"a[href='{reverse('panels:session-edit', args=[first.pk])}']").click()
    audit(page)
    page.get_by_label("Places").fill("8")
    with page.expect_navigation():
        page.get_by_role("button", name="Save changes").click()
    audit(page)
    first.refresh_from_db()
    assert first.capacity == 8
    assert "8" in page.locator("table").first.inner_text()


def test_adding_one_session_and_the_workers_upcoming_list_pass_axe(page, demo_people):
    sign_in(page, "lincolnshire.coordinator")
    visit(page, reverse("panels:session-create"))
    page.get_by_label("Progression route").select_option(index=1)
    with page.expect_navigation():
        page.get_by_role("button", name="Add the session").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Enter the date of the session" in summary
    assert "Give an online meeting link or a room" in summary
    audit(page)
    visit(page, reverse("careerpath:home"))
    assert "Arrange panel sessions for the coming year" in page.content()

    page.context.clear_cookies()
    sign_in(page, "lincolnshire.worker")
    visit(page, reverse("panels:session-upcoming"))
    assert "Portfolios due" in page.content()
