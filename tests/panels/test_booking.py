"""Booking a panel place on a route where the worker books once their managers agree."""

import datetime
import os
import threading

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from careerpath.models import AuditEvent, Notification
from panels.allocation import allocate_standards
from panels.models import Booking
from panels.selectors import booking_choices_for, places_taken, with_places_taken
from panels.services import booking_cancel, booking_create
from panels.tasks import booking_confirmation_send
from portfolios.applications.booking import BookingError
from portfolios.applications.services import application_start
from tests.panels.booking_factories import agreed_application, new_worker, session_on
from tests.portfolios.application_factories import start


@pytest.fixture
def ellie(demo_people):
    """A Lincolnshire worker like the demo one (who is booked already in the demo data)."""
    return new_worker(demo_people["lincolnshire.worker"], "ellie")


@pytest.fixture
def application(ellie, lincolnshire_route):
    return agreed_application(ellie, lincolnshire_route)


def test_booking_draws_4_5_7_and_two_more_reproducibly_and_sets_the_dates(
    application, ellie, lincolnshire_route
):
    session = session_on(lincolnshire_route, days=60)
    booking = booking_create(application=application, session=session, actor=ellie)

    application.refresh_from_db()
    standards = application.allocated_standards
    assert len(standards) == 5 and {4, 5, 7} <= set(standards)
    assert set(standards) - {4, 5, 7} <= {1, 2, 3, 6, 8}
    redrawn = allocate_standards(
        policy=lincolnshire_route.standards_policy, seed=int(application.allocation_seed)
    )
    assert list(redrawn.standards) == standards
    assert application.allocated_by == ellie and application.allocated_at is not None
    assert application.panel_date == timezone.localdate(session.starts_at)
    assert application.submission_deadline == session.submission_deadline
    assert booking.session == session and booking.booked_by == ellie
    assert places_taken(session=session) == 1
    assert with_places_taken(type(session).objects.filter(pk=session.pk)).get().places_taken == 1
    assert AuditEvent.objects.filter(
        action="panel_place_booked", details__booking=booking.pk
    ).exists()
    assert AuditEvent.objects.filter(
        action="application_booked", target_id=str(application.pk)
    ).exists()


def test_booking_waits_for_both_managers(ellie, lincolnshire_route):
    application = application_start(applicant=ellie, route=lincolnshire_route)
    session = session_on(lincolnshire_route, days=60)
    with pytest.raises(BookingError, match="team manager and practice supervisor must agree"):
        booking_create(application=application, session=session, actor=ellie)
    from portfolios.applications.agreement import attestation_record

    attestation_record(
        application=application, role="practice_supervisor", person=ellie.practice_supervisor
    )
    with pytest.raises(BookingError, match="team manager must agree"):
        booking_create(application=application, session=session, actor=ellie)
    assert not Booking.objects.filter(application=application).exists()


def test_only_the_applicant_books(application, ellie, lincolnshire_route):
    session = session_on(lincolnshire_route, days=60)
    with pytest.raises(BookingError, match="Only the applicant"):
        booking_create(application=application, session=session, actor=ellie.team_manager)
    assert not Booking.objects.filter(application=application).exists()


def test_a_session_of_another_route_or_council_is_refused(
    application, ellie, lincolnshire_route, dudley_route
):
    other_route = lincolnshire_route.framework.routes.exclude(pk=lincolnshire_route.pk).first()
    for session in (session_on(other_route, days=60), session_on(dudley_route, days=60)):
        with pytest.raises(BookingError, match="Choose one of the sessions offered"):
            booking_create(application=application, session=session, actor=ellie)
    with pytest.raises(BookingError, match="Choose one of the sessions offered"):
        booking_create(application=application, session=999999, actor=ellie)
    application.refresh_from_db()
    assert application.allocated_standards == [] and application.panel_date is None


def test_a_session_before_the_worker_is_eligible_is_refused(application, ellie, lincolnshire_route):
    # Two years from registration falls 60 days from now.
    eligible = timezone.localdate() + datetime.timedelta(days=60)
    ellie.swe_registration_date = eligible.replace(year=eligible.year - 2)
    ellie.save(update_fields=["swe_registration_date"])
    early = session_on(lincolnshire_route, days=59)
    on_the_day = session_on(lincolnshire_route, days=60)

    choices = booking_choices_for(application=application)
    assert choices.eligible_from == eligible
    eligible_by = {option.session: option.eligible for option in choices.options}
    assert (eligible_by[early], eligible_by[on_the_day]) == (False, True)
    with pytest.raises(BookingError, match="You will be eligible on"):
        booking_create(application=application, session=early, actor=ellie)
    assert booking_create(application=application, session=on_the_day, actor=ellie)


def test_a_session_whose_deadline_has_passed_is_refused(application, ellie, lincolnshire_route):
    session = session_on(lincolnshire_route, days=10, deadline_days=14)
    offered = [option.session for option in booking_choices_for(application=application).options]
    assert session not in offered
    with pytest.raises(BookingError, match="were due by"):
        booking_create(application=application, session=session, actor=ellie)


def test_a_full_session_is_refused_and_cancelled_places_free_up(
    application, ellie, lincolnshire_route, demo_people
):
    session = session_on(lincolnshire_route, days=60, capacity=1)
    other = session_on(lincolnshire_route, days=120)
    someone = new_worker(ellie, "someone")
    theirs = agreed_application(someone, lincolnshire_route)
    first = booking_create(application=theirs, session=session, actor=someone)
    with pytest.raises(BookingError, match="is full"):
        booking_create(application=application, session=session, actor=ellie)
    booking_cancel(booking=first, actor=someone)
    assert places_taken(session=session) == 0
    assert booking_create(application=application, session=session, actor=ellie)
    assert places_taken(session=other) == 0


def test_booking_again_keeps_the_first_standards(application, ellie, lincolnshire_route):
    first_session = session_on(lincolnshire_route, days=60)
    later_session = session_on(lincolnshire_route, days=150)
    booking = booking_create(application=application, session=first_session, actor=ellie)
    application.refresh_from_db()
    standards, seed = application.allocated_standards, application.allocation_seed

    # The same session again changes nothing; another needs the first given up.
    assert booking_create(application=application, session=first_session, actor=ellie) == booking
    with pytest.raises(BookingError, match="already have a place"):
        booking_create(application=application, session=later_session, actor=ellie)
    booking_cancel(booking=booking, actor=ellie)
    application.refresh_from_db()
    assert application.panel_date is None and application.allocated_standards == standards
    booking_create(application=application, session=later_session, actor=ellie)
    application.refresh_from_db()
    assert (application.allocated_standards, application.allocation_seed) == (standards, seed)
    assert application.panel_date == timezone.localdate(later_session.starts_at)
    assert Booking.objects.filter(application=application).count() == 2


def test_on_a_route_where_the_coordinator_books_the_worker_cannot(demo_people, dudley_route):
    worker = new_worker(demo_people["dudley.worker"], "dudley-worker")
    application = start(applicant=worker, route=dudley_route)
    session = session_on(dudley_route, days=60)
    with pytest.raises(BookingError, match="progression coordinator books your place"):
        booking_create(application=application, session=session, actor=worker)


def test_the_worker_is_told_once_with_the_calendar_invitation(
    application, ellie, lincolnshire_route, django_capture_on_commit_callbacks
):
    session = session_on(lincolnshire_route, days=60)
    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_create(application=application, session=session, actor=ellie)
    application.refresh_from_db()

    notification = Notification.objects.filter(recipient=ellie).latest("pk")
    assert "4. " in notification.body and session.submission_deadline.strftime("%B") in (
        notification.body
    )
    [message] = [m for m in mail.outbox if "panel," in m.subject]
    assert message.to == [ellie.email]
    assert "Submit your portfolio by" in message.body
    for number in application.allocated_standards:
        assert f"- {number}. " in message.body
    [(filename, content, mimetype)] = message.attachments
    assert filename == "panel-session.ics" and mimetype.startswith("text/calendar")
    text = content if isinstance(content, str) else content.decode()
    unfolded = text.replace("\r\n ", "")
    fields = dict(line.split(":", 1) for line in unfolded.split("\r\n") if ":" in line)
    assert fields["METHOD"] == "REQUEST"
    assert fields["DTSTART"] == session.starts_at.astimezone(datetime.UTC).strftime(
        "%Y%m%dT%H%M%SZ"
    )
    assert fields["UID"] == f"panel-session-{session.pk}-person-{ellie.pk}@careerpath"
    assert lincolnshire_route.title.split()[0] in fields["SUMMARY"]

    # A retried task sends nothing more.
    assert booking_confirmation_send(booking.pk, notification.pk) == "sent already"
    assert len([m for m in mail.outbox if "panel," in m.subject]) == 1


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="Row locks across two connections need PostgreSQL (CI sets DATABASE_URL)",
)
@pytest.mark.django_db(transaction=True)
def test_two_workers_taking_the_last_place_at_once_leave_one_booking():
    from careerpath.demo import demo_data_load
    from frameworks.models import ProgressionRoute

    people = {person.username: person for person in demo_data_load()}
    route = ProgressionRoute.objects.select_related("framework").get(
        framework__organisation__slug="lincolnshire", framework__status="published", code="L1-L2"
    )
    ellie = new_worker(people["lincolnshire.worker"], "ellie")
    someone = new_worker(ellie, "someone")
    applications = [agreed_application(person, route) for person in (ellie, someone)]
    session = session_on(route, days=60, capacity=1)
    start, outcomes = threading.Barrier(2), []

    def book(application, person):
        try:
            start.wait()
            booking_create(application=application, session=session.pk, actor=person)
            outcomes.append("booked")
        except BookingError as error:
            outcomes.append(str(error))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=book, args=(application, application.applicant))
        for application in applications
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("booked") == 1, outcomes
    assert any("is full" in outcome for outcome in outcomes), outcomes
    assert Booking.objects.filter(session=session, cancelled_at__isnull=True).count() == 1


def test_demo_worker_is_booked_in_april_and_loading_again_adds_nothing(demo_people):
    from panels.demo import demo_bookings_load

    before = Booking.objects.count()
    demo_bookings_load()
    assert Booking.objects.count() == before
    booking = Booking.objects.get(application__applicant=demo_people["lincolnshire.worker"])
    assert timezone.localtime(booking.session.starts_at).month == 4
    standards = booking.application.allocated_standards
    assert len(standards) == 5 and {4, 5, 7} <= set(standards)
    # The two colleagues on the first panel (the reviewers' demo books two more, with the worker
    # or on the first panel depending on the month: panels/demo.py).
    others = Booking.objects.filter(
        session__organisation__slug="lincolnshire",
        application__applicant__username__in=[
            "lincolnshire.colleague-1",
            "lincolnshire.colleague-2",
        ],
    )
    assert others.count() == 2 and len({b.session_id for b in others}) == 1
    assert booking.session_id not in {b.session_id for b in others}


@pytest.mark.parametrize("sessions", [1, 10])
def test_booking_page_query_budget(
    client, application, ellie, lincolnshire_route, sessions, django_assert_num_queries
):
    for number in range(sessions):
        session_on(lincolnshire_route, days=40 + number)
    client.force_login(ellie)
    # session, user, roles; the application with its applicant, route, framework and level; the
    # route's rules; the attestations; the live booking (none); the person's current level; the
    # sessions with places taken; the organisation (header)
    with django_assert_num_queries(10):
        response = client.get(reverse("panels:application-book", args=[application.pk]))
    assert response.content.decode().count('type="radio"') >= sessions


@pytest.mark.parametrize("people", [1, 10])
def test_booking_detail_and_session_list_query_budgets(
    client, ellie, lincolnshire_route, people, django_assert_num_queries, demo_people
):
    session = session_on(lincolnshire_route, days=60, capacity=20)
    for number in range(people):
        person = new_worker(ellie, f"booked-{number}")
        booking_create(
            application=agreed_application(person, lincolnshire_route), session=session,
            actor=person,
        )  # fmt: skip
    client.force_login(person)
    url = reverse("panels:booking-detail", args=[person.applications.get().pk])
    # session, user, roles; the application with its route; its rules; its attestations; the
    # live booking with its session; the allocated standards; the organisation (header)
    with django_assert_num_queries(9):
        response = client.get(url)
    assert "Your standards" in response.content.decode()
    client.force_login(demo_people["lincolnshire.coordinator"])
    # session, user, roles; the sessions with routes, frameworks and places taken; their live
    # bookings with the applicants; the late portfolios; the organisation (header)
    with django_assert_num_queries(7):
        html = client.get(reverse("panels:session-list")).content.decode()
    assert str(person) in html


def test_the_overview_link_books_then_shows_the_place(application, ellie, lincolnshire_route):
    from django.template import Context, Template

    template = Template(
        "{% load application_booking %}{% booking_link application as link %}"
        "{% if link %}<a href='{{ link.url }}'>{{ link.label }}</a>{% endif %}"
    )
    html = template.render(Context({"application": application}))
    assert reverse("panels:application-book", args=[application.pk]) in html
    assert "Book your panel place" in html
    booking_create(
        application=application, session=session_on(lincolnshire_route, days=60), actor=ellie
    )
    application.refresh_from_db()
    html = template.render(Context({"application": application}))
    assert reverse("panels:booking-detail", args=[application.pk]) in html


def test_the_calendar_download_and_giving_up_the_place(
    client, application, ellie, lincolnshire_route
):
    session = session_on(lincolnshire_route, days=60)
    booking_create(application=application, session=session, actor=ellie)
    client.force_login(ellie)
    response = client.get(reverse("panels:booking-calendar", args=[application.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in response.content
    response = client.post(reverse("panels:booking-cancel", args=[application.pk]))
    assert response.status_code == 302
    assert places_taken(session=session) == 0
    application.refresh_from_db()
    assert application.panel_date is None and len(application.allocated_standards) == 5
    assert client.get(reverse("panels:booking-calendar", args=[application.pk])).status_code == 404


def test_a_coordinator_can_take_a_place_back_but_not_another_councils(
    application, ellie, lincolnshire_route, demo_people
):
    session = session_on(lincolnshire_route, days=60)
    booking = booking_create(application=application, session=session, actor=ellie)
    with pytest.raises(BookingError):
        booking_cancel(booking=booking, actor=demo_people["dudley.coordinator"])
    booking_cancel(booking=booking, actor=demo_people["lincolnshire.coordinator"])
    assert places_taken(session=session) == 0


def test_withdrawing_gives_the_place_up(application, ellie, lincolnshire_route):
    from portfolios.applications.services import application_withdraw

    session = session_on(lincolnshire_route, days=60)
    booking_create(application=application, session=session, actor=ellie)
    application_withdraw(application=application, actor=ellie)
    assert places_taken(session=session) == 0
    assert Booking.objects.get(application=application).cancelled_by == ellie


def test_the_application_overview_links_to_the_booking_page(client, application, ellie):
    client.force_login(ellie)
    html = client.get(reverse("portfolios:application-detail", args=[application.pk])).content
    assert reverse("panels:application-book", args=[application.pk]).encode() in html
    assert b"Book your panel place" in html


def test_cancelling_a_session_gives_up_its_places_and_tells_the_people_booked(
    application, ellie, lincolnshire_route, demo_people, django_capture_on_commit_callbacks
):
    from panels.services import panel_session_cancel

    session = session_on(lincolnshire_route, days=60)
    booking_create(application=application, session=session, actor=ellie)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        panel_session_cancel(session=session, actor=demo_people["lincolnshire.coordinator"])
    application.refresh_from_db()
    assert places_taken(session=session) == 0 and application.panel_date is None
    assert len(application.allocated_standards) == 5
    [message] = mail.outbox
    assert message.to == [ellie.email] and "cancelled" in message.subject
    [(_, content, _)] = message.attachments
    text = content if isinstance(content, str) else content.decode()
    assert "METHOD:CANCEL" in text and "STATUS:CANCELLED" in text


def test_the_coordinator_sees_who_is_booked_on_a_session(
    client, application, ellie, lincolnshire_route, demo_people
):
    session = session_on(lincolnshire_route, days=60)
    booking_create(application=application, session=session, actor=ellie)
    application.refresh_from_db()
    client.force_login(demo_people["lincolnshire.coordinator"])
    html = client.get(reverse("panels:session-edit", args=[session.pk])).content.decode()
    assert str(ellie) in html
    assert ", ".join(str(n) for n in application.allocated_standards) in html
    assert "1 of 6" in html
