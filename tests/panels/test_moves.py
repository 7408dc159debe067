"""Capacity, late portfolios and moving a booking (Lincolnshire: the worker books; "a fourth
panel may be convened if there are a high number of applicants").

After a session's submission deadline, a booking whose portfolio has not been submitted is
flagged to the coordinator, who moves it to a later session of the same route with a place left,
giving a reason; the worker is told once, with the new invitation and the old one cancelled."""

import datetime
from urllib.parse import parse_qs, urlparse

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from careerpath.models import AuditEvent, Notification
from panels.capacity import extra_session_offers
from panels.models import Booking, PanelSession
from panels.selectors_moves import late_bookings_of
from panels.services import booking_create, panel_session_cancel
from panels.services_moves import booking_move
from panels.tasks import booking_move_send
from portfolios.applications.booking import BookingError
from portfolios.applications.services import application_withdraw
from portfolios.applications.workflow import can_take
from portfolios.models import CLOSED_STATES, Application
from tests.panels.booking_factories import agreed_application, new_worker, session_on


def clear(route, coordinator):
    """The route's applications not yet heard withdrawn, and its sessions still to come
    cancelled, so every place and every person waiting is the test's (an application heard, or
    under appeal, never waits for a place)."""
    for application in Application.objects.filter(route=route).exclude(state__in=CLOSED_STATES):
        if can_take(application.applicant, application, "withdraw"):
            application_withdraw(application=application, actor=application.applicant)
    for session in PanelSession.objects.filter(
        route=route, status="planned", starts_at__gt=timezone.now()
    ):
        panel_session_cancel(session=session, actor=coordinator)


@pytest.fixture
def route(lincolnshire_route, coordinator):
    clear(lincolnshire_route, coordinator)
    return lincolnshire_route


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture
def like(demo_people):
    return demo_people["lincolnshire.worker"]


def book(worker, route, session):
    """The worker's agreed application, booked on the session while it was still open."""
    application = agreed_application(worker, route)
    return booking_create(
        application=application, session=session, actor=worker, today=session.submission_deadline
    )


@pytest.fixture
def late(route, like):
    """A session in ten days whose deadline passed four days ago, with Ellie booked on it and
    her portfolio not submitted."""
    session = session_on(route, days=10, deadline_days=14)
    return book(new_worker(like, "ellie"), route, session)


@pytest.fixture
def later(route):
    return session_on(route, days=60)


def test_a_portfolio_not_submitted_by_the_deadline_is_late(late):
    assert late_bookings_of(session=late.session) == [late]
    assert late.application.state == "drafting"


def test_nothing_is_late_before_the_deadline(route, like):
    booking = book(new_worker(like, "ellie"), route, session_on(route, days=60))
    assert late_bookings_of(session=booking.session) == []


def test_the_coordinator_moves_a_late_booking_to_a_later_session(
    late, later, coordinator, django_capture_on_commit_callbacks
):
    late.application.refresh_from_db()
    standards = late.application.allocated_standards
    assert standards
    with django_capture_on_commit_callbacks(execute=True):
        moved = booking_move(
            booking=late, session=later, actor=coordinator, reason="Portfolio not submitted"
        )

    late.refresh_from_db()
    application = moved.application
    application.refresh_from_db()
    assert late.cancelled_at is not None and late.cancelled_by == coordinator
    assert (moved.session, moved.moved_from, moved.move_reason) == (
        later,
        late,
        "Portfolio not submitted",
    )
    assert moved.booked_by == coordinator and moved.slot is not None
    assert application.allocated_standards == standards
    assert application.panel_date == timezone.localdate(later.starts_at)
    assert application.submission_deadline == later.submission_deadline
    event = AuditEvent.objects.get(action="panel_booking_moved")
    assert event.actor == coordinator
    assert event.details["from_booking"] == late.pk and event.details["to_booking"] == moved.pk
    assert event.details["reason"] == "Portfolio not submitted"
    assert late_bookings_of(session=late.session) == []


def test_the_worker_is_told_once_after_the_commit_with_both_calendar_files(
    late, later, coordinator, django_capture_on_commit_callbacks
):
    worker = late.application.applicant
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        moved = booking_move(booking=late, session=later, actor=coordinator, reason="Late")
        assert mail.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    told = Notification.objects.filter(recipient=worker, subject__contains="has moved")
    booking_move_send(moved.pk, told.get().pk)  # a retry sends nothing more

    assert told.count() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [worker.email]
    assert "Late" in message.body
    calendars = {
        name: content.decode() if isinstance(content, bytes) else content
        for name, content, _ in message.attachments
    }
    assert set(calendars) == {"panel-session.ics", "panel-session-cancelled.ics"}
    assert "METHOD:REQUEST" in calendars["panel-session.ics"]
    assert f"panel-session-{later.pk}-" in calendars["panel-session.ics"]
    cancelled = calendars["panel-session-cancelled.ics"]
    assert "METHOD:CANCEL" in cancelled
    assert f"panel-session-{late.session_id}-" in cancelled


def _refused(booking, session, actor, reason, match):
    with pytest.raises(BookingError, match=match):
        booking_move(booking=booking, session=session, actor=actor, reason=reason)
    booking.refresh_from_db()
    assert booking.cancelled_at is None
    assert not Booking.objects.filter(moved_from=booking).exists()
    assert not AuditEvent.objects.filter(action="panel_booking_moved").exists()


def test_another_councils_coordinator_cannot_move_it(late, later, demo_people):
    _refused(late, later, demo_people["dudley.coordinator"], "Late", "Only your organisation")


def test_a_session_of_another_council_or_route_is_refused(late, coordinator, dudley_route, route):
    other_route = route.framework.routes.exclude(pk=route.pk).first()
    for session in (session_on(dudley_route, days=60), session_on(other_route, days=60)):
        _refused(late, session, coordinator, "Late", "later sessions of this route")


def test_an_earlier_session_is_refused(late, coordinator, route):
    earlier = session_on(route, days=8, deadline_days=1)
    _refused(late, earlier, coordinator, "Late", "is not later than the one booked")


def test_a_full_session_is_refused(late, later, coordinator, route, like):
    PanelSession.objects.filter(pk=later.pk).update(capacity=1)
    book(new_worker(like, "fran"), route, later)
    _refused(late, later, coordinator, "Late", "is full")


def test_a_session_whose_deadline_has_passed_is_refused(late, coordinator, route):
    closed = session_on(route, days=20, deadline_days=21)
    _refused(late, closed, coordinator, "Late", "were due by")


def test_a_blank_reason_is_refused(late, later, coordinator):
    _refused(late, later, coordinator, "   ", "Give the reason")


# --- Pages ----------------------------------------------------------------------------------


def test_the_late_list_shows_the_booking_with_a_way_to_move_it(coordinator_client, late, later):
    html = coordinator_client.get(reverse("panels:session-late", args=[late.session_id]))
    html = html.content.decode()
    assert str(late.application.applicant) in html and "Not submitted" in html
    assert reverse("panels:booking-move", args=[late.pk]) in html


def test_the_coordinators_home_page_and_session_list_flag_late_portfolios(coordinator_client, late):
    url = reverse("panels:session-late", args=[late.session_id])
    home = coordinator_client.get(reverse("careerpath:home")).content.decode()
    assert "1 portfolio is late" in home and url in home
    sessions = coordinator_client.get(reverse("panels:session-list")).content.decode()
    assert url in sessions


def test_moving_through_the_page(coordinator_client, late, later):
    response = coordinator_client.post(
        reverse("panels:booking-move", args=[late.pk]),
        {"session": later.pk, "reason": "Portfolio not submitted by the deadline"},
    )
    assert response.status_code == 302
    moved = Booking.objects.get(moved_from=late)
    assert moved.session == later
    assert moved.move_reason == "Portfolio not submitted by the deadline"


def test_a_blank_reason_on_the_page_keeps_the_chosen_session(coordinator_client, late, later):
    response = coordinator_client.post(
        reverse("panels:booking-move", args=[late.pk]), {"session": later.pk, "reason": " "}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "Give the reason for moving the booking" in html
    chosen = html[html.index(f'value="{later.pk}"') :].split(">", 1)[0]
    assert 'checked="checked"' in chosen
    assert not Booking.objects.filter(moved_from=late).exists()


def test_a_session_filled_meanwhile_is_refused_on_the_page_keeping_the_reason(
    coordinator_client, late, later, route, like
):
    url = reverse("panels:booking-move", args=[late.pk])
    PanelSession.objects.filter(pk=later.pk).update(capacity=1)
    book(new_worker(like, "fran"), route, later)
    response = coordinator_client.post(url, {"session": later.pk, "reason": "Still drafting"})
    html = response.content.decode()
    assert "is full" in html and "Still drafting" in html
    assert not Booking.objects.filter(moved_from=late).exists()


def test_another_councils_coordinator_gets_404(client, demo_people, late):
    client.force_login(demo_people["dudley.coordinator"])
    assert client.get(reverse("panels:booking-move", args=[late.pk])).status_code == 404
    assert client.get(reverse("panels:session-late", args=[late.session_id])).status_code == 404


def test_a_given_up_booking_cannot_be_moved(coordinator_client, late, later, coordinator):
    booking_move(booking=late, session=later, actor=coordinator, reason="Late")
    assert coordinator_client.get(reverse("panels:booking-move", args=[late.pk])).status_code == 404


def _queries(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("page", ["session-late", "session-list"])
def test_the_late_list_costs_the_same_for_3_and_30_late_portfolios(
    coordinator_client, route, like, later, page
):
    session = session_on(route, days=10, deadline_days=14, capacity=40)
    url = (
        reverse("panels:session-late", args=[session.pk])
        if page == "session-late"
        else reverse("panels:session-list")
    )
    counts = []
    for size in (3, 30):
        while Booking.objects.filter(session=session).count() < size:
            number = Booking.objects.filter(session=session).count()
            book(new_worker(like, f"late{number}"), route, session)
        counts.append(_queries(coordinator_client, url))
    # The late list: session, user, roles; the session with its route, framework and
    # council; the late bookings with the applicants and applications; the later sessions
    # with places taken; the organisation (header).
    assert counts[0] == counts[1]
    if page == "session-late":
        assert counts[0] == 7


# --- An extra session when demand is high ----------------------------------------------------


def test_a_full_session_with_people_waiting_offers_an_extra_session(
    coordinator, coordinator_client, route, like
):
    april = session_on(route, days=40, capacity=1)
    book(new_worker(like, "ellie"), route, april)
    waiting = [agreed_application(new_worker(like, name), route) for name in ("fran", "gus")]

    (offer,) = extra_session_offers(user=coordinator)
    assert offer.full_session == april
    assert offer.waiting == len(waiting)
    month = f"{april.starts_at:%B}"
    assert (
        offer.label
        == f"The {month} panel is full and 2 people are waiting: arrange an extra session"
    )
    assert offer.proposed_date > timezone.localdate(april.starts_at)
    query = parse_qs(urlparse(offer.url).query)
    assert query == {"route": [str(route.pk)], "date": [offer.proposed_date.isoformat()]}

    home = coordinator_client.get(reverse("careerpath:home")).content.decode()
    assert offer.label in home
    sessions = coordinator_client.get(reverse("panels:session-list")).content.decode()
    assert offer.label in sessions
    create = coordinator_client.get(offer.url).content.decode()
    assert f'value="{route.pk}" selected' in create
    assert f'value="{offer.proposed_date.day}"' in create


def test_no_extra_session_while_another_session_has_room_for_those_waiting(
    coordinator, route, like
):
    april = session_on(route, days=40, capacity=1)
    session_on(route, days=60, capacity=2)
    book(new_worker(like, "ellie"), route, april)
    for name in ("fran", "gus"):
        agreed_application(new_worker(like, name), route)
    assert extra_session_offers(user=coordinator) == []
    agreed_application(new_worker(like, "hal"), route)
    (offer,) = extra_session_offers(user=coordinator)
    assert offer.waiting == 1 and "1 person is waiting" in offer.label


def test_no_offer_without_people_waiting(coordinator, route, like):
    april = session_on(route, days=40, capacity=1)
    book(new_worker(like, "ellie"), route, april)
    assert extra_session_offers(user=coordinator) == []


def test_the_proposed_date_is_a_working_day_with_its_deadline_still_to_come(
    coordinator, route, like
):
    april = session_on(route, days=20, capacity=1)
    book(new_worker(like, "ellie"), route, april)
    agreed_application(new_worker(like, "fran"), route)
    (offer,) = extra_session_offers(user=coordinator)
    assert offer.proposed_date.weekday() < 5
    assert offer.proposed_date >= timezone.localdate() + datetime.timedelta(days=14)


def test_the_create_page_ignores_a_route_that_is_not_the_coordinators(
    coordinator_client, dudley_route
):
    url = reverse("panels:session-create") + f"?route={dudley_route.pk}&date=not-a-date"
    html = coordinator_client.get(url).content.decode()
    assert f'value="{dudley_route.pk}"' not in html


def test_where_the_coordinator_books_those_waiting_are_the_applications_ready_for_a_decision(
    demo_people, monkeypatch
):
    """Dudley: an application waits once the review steps leave it where the decision starts
    from, without a place on a session still to come; one still being written does not."""
    from tests.panels.appeal_factories import guards_hold
    from tests.panels.coordinator_booking_factories import booked_on, confirmed, dudley_worker
    from tests.portfolios.application_factories import start
    from tests.portfolios.review_factories import route_in

    guards_hold(monkeypatch)
    route = route_in("dudley", "SW-SSW")
    coordinator = demo_people["dudley.coordinator"]
    clear(route, coordinator)
    full = session_on(route, days=30, capacity=1)
    booked_on(full, count=1, booked_by=coordinator)

    confirmed(dudley_worker(demo_people), route)
    (before,) = extra_session_offers(user=coordinator)
    start(applicant=dudley_worker(demo_people), route=route)  # still being written
    assert extra_session_offers(user=coordinator)[0].waiting == before.waiting
    confirmed(dudley_worker(demo_people), route)
    (after,) = extra_session_offers(user=coordinator)
    assert after.full_session == full and after.waiting == before.waiting + 1
    session_on(route, days=60, capacity=after.waiting)  # room for everyone waiting
    assert extra_session_offers(user=coordinator) == []
