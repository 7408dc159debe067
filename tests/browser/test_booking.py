"""A Lincolnshire worker's practice supervisor and team manager agree, and the worker books the
April panel and sees their five standards, in a real browser with every page audited."""

import pytest
from django.urls import reverse
from django.utils import timezone

from panels.models import Booking
from panels.services import booking_cancel
from portfolios.applications.services import application_start, application_withdraw

from .conftest import audit, sign_in, visit

pytestmark = pytest.mark.browser


def _fresh_application(worker):
    """The demo books this worker already: give that place up and start again."""
    booking = Booking.objects.get(application__applicant=worker, cancelled_at__isnull=True)
    booking_cancel(booking=booking, actor=worker)
    application_withdraw(application=booking.application, actor=worker)
    return application_start(applicant=worker, route=booking.application.route)


def test_managers_agree_and_the_worker_books_the_april_panel(page, demo_people):
    worker = demo_people["lincolnshire.worker"]
    application = _fresh_application(worker)
    book_url = reverse("panels:application-book", args=[application.pk])

    for manager in ("lincolnshire.practice-supervisor", "lincolnshire.team-manager"):
        sign_in(page, manager)
        visit(page, reverse("portfolios:agreement-list"))
        assert str(worker) in page.content()
        with page.expect_navigation():
            page.get_by_role("button", name=f"Agree that {worker} may book a place").click()
        audit(page)
        assert "You agreed" in page.content()
        page.context.clear_cookies()

    sign_in(page, worker.username)
    visit(page, book_url)
    april = next(
        label
        for label in page.locator(".govuk-radios__label").all_inner_texts()
        if " April " in label
    )
    # Nothing chosen: the error is summarised and audited.
    with page.expect_navigation():
        page.get_by_role("button", name="Book this place").click()
    assert "Choose the panel session" in page.locator(".govuk-error-summary").inner_text()
    audit(page)
    page.get_by_label(april).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Book this place").click()
    audit(page)
    assert "Your panel place is booked" in page.content()
    application.refresh_from_db()
    standards = application.allocated_standards
    assert len(standards) == 5 and {4, 5, 7} <= set(standards)
    assert application.panel_date.month == 4 and application.panel_date > timezone.localdate()
    rows = page.locator("table.govuk-table tbody tr").all_inner_texts()
    assert [int(row.split()[0]) for row in rows] == standards


def test_the_coordinator_sees_the_bookings(page, demo_people):
    booking = Booking.objects.filter(
        session__organisation__slug="lincolnshire", cancelled_at__isnull=True
    ).first()
    sign_in(page, "lincolnshire.coordinator")
    visit(page, reverse("panels:session-list"))
    assert str(booking.application.applicant) in page.content()
    visit(page, reverse("panels:session-edit", args=[booking.session_id]))
    assert "Booked" in page.locator("caption").all_inner_texts()
    # The booked worker's home page says where their place is.
    page.context.clear_cookies()
    sign_in(page, "lincolnshire.worker")
    visit(page, reverse("careerpath:home"))
    assert "Your panel:" in page.content()
