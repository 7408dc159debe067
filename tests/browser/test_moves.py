"""Lincolnshire's progression coordinator finds a portfolio late after the session's deadline,
and moves the booking to a later session with a reason, in a real browser, each page passing the
accessibility audit."""

import pytest
from django.urls import reverse

from panels.models import Booking
from panels.services import booking_create
from tests.panels.booking_factories import agreed_application, new_worker, session_on

from .conftest import audit, sign_in, visit

pytestmark = pytest.mark.browser


def test_the_coordinator_sees_a_late_portfolio_and_moves_the_booking(page, demo_people):
    route = (
        Booking.objects.filter(
            application__applicant=demo_people["lincolnshire.worker"], cancelled_at__isnull=True
        )
        .get()
        .application.route
    )
    worker = new_worker(demo_people["lincolnshire.worker"], "ellie")
    session = session_on(route, days=10, deadline_days=14)  # portfolios were due 4 days ago
    later = session_on(route, days=75, deadline_days=14)
    late = booking_create(
        application=agreed_application(worker, route), session=session, actor=worker,
        today=session.submission_deadline,
    )  # fmt: skip

    sign_in(page, "lincolnshire.coordinator")
    visit(page, reverse("careerpath:home"))
    with page.expect_navigation():
        page.get_by_role("link", name="1 portfolio is late").click()
    audit(page)
    assert str(worker) in page.content() and "Not submitted" in page.content()
    with page.expect_navigation():
        page.get_by_role("link", name=f"Move {worker}'s booking").click()
    audit(page)

    # No reason given: the error is summarised, the chosen session kept.
    option = page.locator(f"input[value='{later.pk}']")
    option.check()
    with page.expect_navigation():
        page.get_by_role("button", name="Move the booking").click()
    assert "Give the reason" in page.locator(".govuk-error-summary").inner_text()
    assert page.locator(f"input[value='{later.pk}']").is_checked()
    audit(page)

    page.get_by_label("Reason for the move").fill("Portfolio not submitted by the deadline")
    with page.expect_navigation():
        page.get_by_role("button", name="Move the booking").click()
    audit(page)
    assert "Every portfolio booked on this session has been submitted" in page.content()
    moved = Booking.objects.get(moved_from=late)
    assert moved.session == later
    assert moved.move_reason == "Portfolio not submitted by the deadline"
