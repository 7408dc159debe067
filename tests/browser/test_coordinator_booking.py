"""Dudley's progression coordinator books a confirmed SW-SSW application onto a panel in a real
browser, and finds it on the session's agenda, each page passing the accessibility audit."""

import pytest
from django.urls import reverse
from django.utils import timezone

from panels.agenda import slot_times
from panels.models import Booking
from tests.panels.appeal_factories import guards_hold
from tests.panels.booking_factories import session_on
from tests.panels.coordinator_booking_factories import confirmed, dudley_worker
from tests.portfolios.review_factories import route_in

from .conftest import audit, sign_in, visit

pytestmark = pytest.mark.browser


def test_the_dudley_coordinator_books_a_confirmed_application_and_sees_it_on_the_agenda(
    page, demo_people, monkeypatch
):
    guards_hold(monkeypatch)  # the review steps are tested with their own modules
    route = route_in("dudley", "SW-SSW")
    application = confirmed(dudley_worker(demo_people), route)
    name = application.applicant.get_full_name()
    too_soon = session_on(route, days=7, deadline_days=1)
    session = session_on(route, days=30, capacity=6)

    sign_in(page, "dudley.coordinator")
    visit(page, reverse("careerpath:home"))
    with page.expect_navigation():
        page.get_by_role("link", name="to book onto a panel").click()
    audit(page)
    with page.expect_navigation():
        page.get_by_role("link", name=f"Book a session for {name}").click()
    audit(page)
    text = page.content()
    assert "6 places left" in text and "No: less than 14 days away" in text
    assert page.locator(f"input[value='{too_soon.pk}']").count() == 0

    # Nothing chosen: the error is summarised and audited.
    with page.expect_navigation():
        page.get_by_role("button", name="Book this session").click()
    assert "Choose the panel session to book" in page.locator(".govuk-error-summary").inner_text()
    audit(page)

    page.locator(f"input[value='{session.pk}']").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Book this session").click()
    audit(page)
    assert page.url.endswith(reverse("panels:agenda", args=[session.pk]))
    assert f"{name} is booked on the panel" in page.content()

    booking = Booking.objects.get(application=application, cancelled_at__isnull=True)
    starts, ends = slot_times(session, booking.slot)
    row = page.locator("tr", has_text=name)
    slot = f"{timezone.localtime(starts):%H:%M} to {timezone.localtime(ends):%H:%M}"
    assert slot in row.inner_text()
    assert route.title in row.inner_text()

    # The print button comes with the page's script; printing leaves the header out.
    assert page.get_by_role("button", name="Print this agenda").is_visible()
    page.emulate_media(media="print")
    assert not page.locator(".govuk-header").is_visible()
    assert not page.locator(".govuk-footer").is_visible()
    page.emulate_media(media="screen")

    # The session list leads back to the agenda.
    visit(page, reverse("panels:session-list"))
    with page.expect_navigation():
        page.locator(f"a[href='{reverse('panels:agenda', args=[session.pk])}']").click()
    audit(page)
