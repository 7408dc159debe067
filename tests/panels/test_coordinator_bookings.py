"""The coordinator's bookings: on routes whose progression coordinator books after referral
(Dudley's SW-SSW, the apprenticeship, the return to social work), the coordinator books a
confirmed application onto a session of its route with space, at least the route's lead time
(Dudley: 14 days) before it; the worker is told the session and their time, with a calendar
invitation. Applications returned for a new hearing wait for the coordinator too."""

import datetime
import itertools

import pytest
from django.core import mail
from django.urls import reverse

from careerpath.models import AuditEvent, Notification
from panels.agenda import slot_times
from panels.coordinator_bookings import (
    NEW_HEARING_STATES,
    applications_to_book,
    decision_source,
)
from panels.models import Booking
from panels.services import booking_cancel, booking_create
from portfolios.applications.booking import COORDINATOR_BOOKS, BookingError, booking_mode
from portfolios.models import ApplicationState
from tests.panels.appeal_factories import guards_hold
from tests.panels.booking_factories import new_worker, session_on
from tests.panels.coordinator_booking_factories import confirmed, dudley_worker
from tests.portfolios.application_factories import start
from tests.portfolios.review_factories import route_in

S = ApplicationState
DUDLEY_LEAD_DAYS = 14  # the seed: "submission_lead_days: 14"
_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def _guards(monkeypatch):
    guards_hold(monkeypatch)


@pytest.fixture
def dudley_coordinator(demo_people):
    return demo_people["dudley.coordinator"]


@pytest.fixture
def application(demo_people, dudley_route):
    return confirmed(dudley_worker(demo_people), dudley_route)


def _utc(value):
    return value.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


# --- The service ---------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["SW-SSW", "ENTRY-SWA", "ENTRY-RSW"])
def test_each_route_where_the_coordinator_books_waits_in_its_own_confirmed_state(
    demo_people, dudley_coordinator, code
):
    route = route_in("dudley", code)
    assert booking_mode(route) == COORDINATOR_BOOKS
    application = confirmed(dudley_worker(demo_people), route)
    # SW-SSW: the coordinator confirms the criteria; the entry routes: the line manager endorses.
    assert application.state == (S.ELIGIBILITY_CONFIRMED if code == "SW-SSW" else S.ENDORSED)
    assert application.state == decision_source(route)
    assert application in applications_to_book(dudley_coordinator)

    booking = booking_create(
        application=application, session=session_on(route, days=30), actor=dudley_coordinator
    )
    assert booking.booked_by == dudley_coordinator and booking.is_live
    assert application not in applications_to_book(dudley_coordinator)


def test_the_coordinator_books_a_confirmed_application_and_the_worker_is_told_their_time(
    application, dudley_coordinator, dudley_route, django_capture_on_commit_callbacks
):
    session = session_on(dudley_route, days=30, capacity=6)  # 10:00 to 13:00: 30 minutes each
    other = confirmed(dudley_worker_like(application), dudley_route)
    booking_create(application=other, session=session, actor=dudley_coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_create(application=application, session=session, actor=dudley_coordinator)

    assert booking.slot == 2
    starts, ends = slot_times(session, 2)
    assert ends - starts == datetime.timedelta(minutes=30)
    application.refresh_from_db()
    assert application.state == S.ELIGIBILITY_CONFIRMED  # booking is no transition
    assert application.panel_date == session.starts_at.date()
    event = AuditEvent.objects.filter(action="panel_place_booked").latest("pk")
    assert event.details["booked_by_coordinator"] is True and event.details["slot"] == 2

    worker = application.applicant
    notification = Notification.objects.filter(recipient=worker).latest("pk")
    assert "at 10:30 to 11:00" in notification.body
    [message] = [m for m in mail.outbox if worker.email in m.to and "panel," in m.subject]
    [(filename, content, mimetype)] = message.attachments
    assert filename == "panel-session.ics" and mimetype.startswith("text/calendar")
    text = (content if isinstance(content, str) else content.decode()).replace("\r\n ", "")
    fields = dict(line.split(":", 1) for line in text.split("\r\n") if ":" in line)
    assert fields["DTSTART"] == _utc(starts) and fields["DTEND"] == _utc(ends)


def dudley_worker_like(application):
    """Another worker with the same managers and record as the application's applicant."""
    return new_worker(application.applicant, f"like-{next(_numbers)}")


def test_a_session_inside_the_routes_lead_time_is_refused_and_nothing_is_saved(
    application, dudley_coordinator, dudley_route
):
    too_soon = session_on(dudley_route, days=DUDLEY_LEAD_DAYS - 1, deadline_days=1)
    with pytest.raises(BookingError, match="less than 14 days away") as error:
        booking_create(application=application, session=too_soon, actor=dudley_coordinator)
    assert error.value.field == "session"
    assert not Booking.objects.filter(application=application).exists()

    just_in_time = session_on(dudley_route, days=DUDLEY_LEAD_DAYS)
    booking = booking_create(
        application=application, session=just_in_time, actor=dudley_coordinator
    )
    assert booking.session == just_in_time


def test_a_full_session_is_refused(application, dudley_coordinator, dudley_route):
    session = session_on(dudley_route, days=30, capacity=1)
    other = confirmed(dudley_worker_like(application), dudley_route)
    booking_create(application=other, session=session, actor=dudley_coordinator)
    with pytest.raises(BookingError, match="is full"):
        booking_create(application=application, session=session, actor=dudley_coordinator)
    assert not Booking.objects.filter(application=application).exists()


def test_a_session_of_another_route_is_refused(application, dudley_coordinator):
    elsewhere = session_on(route_in("dudley", "ENTRY-SWA"), days=30)
    with pytest.raises(BookingError, match="Choose one of the sessions offered"):
        booking_create(application=application, session=elsewhere, actor=dudley_coordinator)


def test_an_application_not_yet_confirmed_waits_and_cannot_be_booked(
    demo_people, dudley_coordinator, dudley_route
):
    referred = start(applicant=dudley_worker(demo_people), route=dudley_route)
    assert referred.state == S.DRAFTING
    assert referred not in applications_to_book(dudley_coordinator)
    with pytest.raises(BookingError, match="booked on a panel once it is confirmed"):
        booking_create(
            application=referred, session=session_on(dudley_route, days=30),
            actor=dudley_coordinator,
        )  # fmt: skip


def test_the_worker_still_cannot_book_and_nor_can_anyone_else(
    application, demo_people, dudley_route
):
    session = session_on(dudley_route, days=30)
    with pytest.raises(BookingError, match="progression coordinator books your place"):
        booking_create(application=application, session=session, actor=application.applicant)
    for someone in (demo_people["dudley.team-manager"], demo_people["lincolnshire.coordinator"]):
        with pytest.raises(BookingError, match="Only the applicant"):
            booking_create(application=application, session=session, actor=someone)
    assert not Booking.objects.filter(application=application).exists()


def test_on_a_route_where_the_worker_books_the_coordinator_does_not(
    demo_people, lincolnshire_route
):
    from tests.panels.booking_factories import agreed_application

    worker = new_worker(demo_people["lincolnshire.worker"], "books-herself")
    application = agreed_application(worker, lincolnshire_route)
    assert application not in applications_to_book(demo_people["lincolnshire.coordinator"])
    with pytest.raises(BookingError, match="the worker books their own place"):
        booking_create(
            application=application, session=session_on(lincolnshire_route, days=60),
            actor=demo_people["lincolnshire.coordinator"],
        )  # fmt: skip


def test_booking_the_same_session_again_changes_nothing_and_another_is_refused(
    application, dudley_coordinator, dudley_route
):
    session = session_on(dudley_route, days=30)
    first = booking_create(application=application, session=session, actor=dudley_coordinator)
    again = booking_create(application=application, session=session, actor=dudley_coordinator)
    assert again.pk == first.pk
    with pytest.raises(BookingError, match="This application has a place"):
        booking_create(
            application=application, session=session_on(dudley_route, days=60),
            actor=dudley_coordinator,
        )  # fmt: skip


@pytest.mark.skipif(not NEW_HEARING_STATES, reason="The new hearing state is not there yet")
def test_an_upheld_appeal_waits_for_the_coordinator_on_a_route_where_the_worker_books(
    demo_people, lincolnshire_route
):
    from panels.appeals import appeal_decide, appeal_lodge
    from tests.panels.appeal_factories import decided

    coordinator = demo_people["lincolnshire.coordinator"]
    worker = new_worker(demo_people["lincolnshire.worker"], "appealed")
    decision = decided(worker, lincolnshire_route)
    appeal = appeal_lodge(decision=decision, actor=worker, grounds="Procedure not followed.")
    appeal_decide(
        appeal=appeal, actor=demo_people["lincolnshire.appeal-authority"], upheld=True,
        reasons="The panel did not hear the applicant.",
    )  # fmt: skip
    application = decision.application
    application.refresh_from_db()
    assert application.state in NEW_HEARING_STATES
    assert application in applications_to_book(coordinator)

    booking = booking_create(
        application=application, session=session_on(lincolnshire_route, days=60),
        actor=coordinator,
    )  # fmt: skip
    assert booking.booked_by == coordinator
    assert application not in applications_to_book(coordinator)


def test_a_place_given_up_frees_its_slot_for_the_next_booking(
    application, dudley_coordinator, dudley_route
):
    session = session_on(dudley_route, days=30)
    first = booking_create(application=application, session=session, actor=dudley_coordinator)
    second = booking_create(
        application=confirmed(dudley_worker_like(application), dudley_route), session=session,
        actor=dudley_coordinator,
    )  # fmt: skip
    assert (first.slot, second.slot) == (1, 2)
    booking_cancel(booking=first, actor=dudley_coordinator)
    third = booking_create(
        application=confirmed(dudley_worker_like(second.application), dudley_route),
        session=session, actor=dudley_coordinator,
    )  # fmt: skip
    assert third.slot == 1
    second.refresh_from_db()
    assert second.slot == 2  # nobody's time moves


# --- The pages -----------------------------------------------------------------------------------


def test_the_queue_lists_confirmed_applications_and_links_to_booking_them(
    client, application, dudley_coordinator
):
    client.force_login(dudley_coordinator)
    text = client.get(reverse("panels:booking-queue")).content.decode()
    assert application.applicant.get_full_name() in text
    assert reverse("panels:coordinator-book", args=[application.pk]) in text


def test_the_booking_page_offers_sessions_with_places_left_and_books_one(
    client, application, dudley_coordinator, dudley_route
):
    open_session = session_on(dudley_route, days=30, capacity=4)
    too_soon = session_on(dudley_route, days=7, deadline_days=1)
    client.force_login(dudley_coordinator)
    url = reverse("panels:coordinator-book", args=[application.pk])
    text = client.get(url).content.decode()
    assert f'value="{open_session.pk}"' in text and f'value="{too_soon.pk}"' not in text
    assert "4 places left" in text
    assert "No: less than 14 days away" in text

    response = client.post(url, {"session": too_soon.pk})
    assert "less than 14 days away: choose a later session" in response.content.decode()
    assert not Booking.objects.filter(application=application).exists()

    response = client.post(url, {"session": open_session.pk})
    assert response.status_code == 302
    assert response["Location"] == reverse("panels:agenda", args=[open_session.pk])
    assert Booking.objects.get(application=application).session == open_session
    text = client.get(url).content.decode()
    assert "has a place on the panel on" in text


def test_the_coordinators_home_page_counts_the_applications_to_book(
    client, application, dudley_coordinator
):
    client.force_login(dudley_coordinator)
    text = client.get(reverse("careerpath:home")).content.decode()
    count = len(applications_to_book(dudley_coordinator))
    label = f"{count} application{'s' if count != 1 else ''} to book onto a panel"
    assert label in text and reverse("panels:booking-queue") in text


def test_another_councils_coordinator_gets_404_and_a_worker_403(client, application, demo_people):
    url = reverse("panels:coordinator-book", args=[application.pk])
    client.force_login(demo_people["lincolnshire.coordinator"])
    assert client.get(url).status_code == 404
    client.force_login(application.applicant)
    assert client.get(url).status_code == 403
    assert client.get(reverse("panels:booking-queue")).status_code == 403


@pytest.mark.parametrize("count", [3, 30])
def test_the_queue_costs_the_same_queries_at_any_size(
    client, demo_people, dudley_coordinator, dudley_route, django_assert_num_queries, count
):
    from portfolios.models import Application

    application = confirmed(dudley_worker(demo_people), dudley_route)
    # The rest made as copies in the same state (walking 30 through the workflow is slow).
    for _ in range(count - 1):
        Application.objects.create(
            applicant=dudley_worker(demo_people), organisation=application.organisation,
            route=dudley_route, state=application.state,
        )  # fmt: skip
    assert len(applications_to_book(dudley_coordinator)) >= count
    client.force_login(dudley_coordinator)
    # session, user, roles; the applications with their applicants, routes and frameworks; the
    # organisation (header)
    with django_assert_num_queries(5):
        client.get(reverse("panels:booking-queue"))


@pytest.mark.parametrize("count", [3, 30])
def test_the_booking_page_costs_the_same_queries_at_any_number_of_sessions(
    client, application, dudley_coordinator, dudley_route, django_assert_num_queries, count
):
    for number in range(count):
        session_on(dudley_route, days=20 + number)
    client.force_login(dudley_coordinator)
    # session, user, roles; the application with its applicant, route, framework and level; its
    # live booking (none); the sessions with places taken; the organisation (header)
    with django_assert_num_queries(7):
        response = client.get(reverse("panels:coordinator-book", args=[application.pk]))
    assert response.content.decode().count('type="radio"') >= count
