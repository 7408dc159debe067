"""The outcome due date of Dudley's apprenticeship and return-to-social-work panels ("The member of
staff will be notified of the outcome of Panel within 3 working days"): the panel day plus the
route's working days, counted with England and Wales bank holidays; whether it was met; the
coordinator's page and home page item."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from careerpath.selectors import home_sections_for
from careerpath.working_days import add_working_days, is_bank_holiday, working_days_between
from panels.models import Booking, Decision, Letter
from panels.outcomes_due import (
    LATE,
    ON_TIME,
    OVERDUE,
    letter_working_days,
    outcome_due_on,
    outcome_status,
    outcomes_due_for,
)
from portfolios.applications.services import application_start
from portfolios.applications.steps import route_workflow
from tests.panels.booking_factories import session_on
from tests.portfolios.review_factories import managed_worker, route_in

D = datetime.date
URL = "/panels/outcomes/"


@pytest.fixture
def apprenticeship(db):
    return route_in("dudley", "ENTRY-SWA")


@pytest.fixture
def coordinator(demo_people):
    return demo_people["dudley.coordinator"]


def booked(session, *, name="Jade", decided_on=None, by=None):
    """A member of staff booked on the session; with a decision recorded on `decided_on` when
    given (made directly: the service records today's date, and these tests need other days)."""
    staff = managed_worker(session.organisation, name=name)
    referred = bool(route_workflow(session.route)["referral_by"])  # SW-SSW opens by referral
    application = application_start(applicant=staff, route=session.route, referred=referred)
    booking = Booking.objects.create(application=application, session=session, booked_by=by)
    if decided_on is not None:
        decision = Decision.objects.create(
            application=application, session=session, outcome="progressed", decided_by=by,
            heard_on=timezone.localdate(session.starts_at),
        )  # fmt: skip
        decided_at = timezone.make_aware(datetime.datetime.combine(decided_on, datetime.time(16)))
        Decision.objects.filter(pk=decision.pk).update(decided_at=decided_at)
    return booking


# --- The due date ---------------------------------------------------------------------------


def test_both_entry_routes_give_three_working_days_and_the_progression_route_none(db):
    assert letter_working_days(route_in("dudley", "ENTRY-SWA")) == 3
    assert letter_working_days(route_in("dudley", "ENTRY-RSW")) == 3
    assert outcome_due_on(D(2026, 8, 21), route_in("dudley", "SW-SSW")) is None
    # Lincolnshire's letter is due within 24 hours, not a number of working days.
    assert outcome_due_on(D(2026, 8, 21), route_in("lincolnshire", "L1-L2")) is None


def test_a_friday_panel_is_due_the_next_wednesday_over_the_weekend(apprenticeship):
    friday = D(2026, 8, 21)
    assert friday.strftime("%A") == "Friday"
    # Saturday and Sunday do not count: Monday 24, Tuesday 25, Wednesday 26.
    assert outcome_due_on(friday, apprenticeship) == D(2026, 8, 26)


def test_the_august_bank_holiday_does_not_count(apprenticeship):
    assert is_bank_holiday(D(2026, 8, 31))  # the last Monday of August
    thursday = D(2026, 8, 27)
    # Friday 28, (weekend, bank holiday Monday 31), Tuesday 1 and Wednesday 2 September.
    assert outcome_due_on(thursday, apprenticeship) == D(2026, 9, 2)
    assert working_days_between(thursday, D(2026, 9, 2)) == 3


def test_christmas_and_the_substitute_boxing_day_do_not_count(apprenticeship):
    # Boxing Day 2026 is a Saturday: the bank holiday moves to Monday 28 December.
    assert is_bank_holiday(D(2026, 12, 25)) and is_bank_holiday(D(2026, 12, 28))
    # Thursday 24, (Christmas, weekend, Monday 28), Tuesday 29, Wednesday 30.
    assert outcome_due_on(D(2026, 12, 23), apprenticeship) == D(2026, 12, 30)


def test_a_session_counts_from_its_local_day(apprenticeship):
    session = session_on(apprenticeship, days=7)
    panel_day = timezone.localdate(session.starts_at)
    assert outcome_due_on(session, apprenticeship) == add_working_days(panel_day, 3)


# --- Met, late, due, overdue -----------------------------------------------------------------


def test_decided_on_or_before_the_due_day_is_on_time_and_after_it_late():
    due = D(2026, 9, 2)
    on_time = outcome_status(due_on=due, decided_on=due, today=D(2026, 9, 10))
    assert (on_time.status, on_time.label) == (ON_TIME, "Decided on 2 September 2026: on time")
    late = outcome_status(due_on=due, decided_on=D(2026, 9, 3), today=D(2026, 9, 10))
    assert (late.status, late.label) == (LATE, "Decided on 3 September 2026: late")
    assert not on_time.needs_attention and not late.needs_attention


def test_undecided_it_counts_down_in_working_days_then_is_overdue():
    due = D(2026, 9, 2)
    assert outcome_status(due_on=due, decided_on=None, today=D(2026, 8, 27)).label == (
        "Due in 3 working days"
    )
    assert outcome_status(due_on=due, decided_on=None, today=D(2026, 9, 1)).label == (
        "Due in 1 working day"
    )
    today = outcome_status(due_on=due, decided_on=None, today=due)
    assert today.label == "Due today" and today.needs_attention
    overdue = outcome_status(due_on=due, decided_on=None, today=D(2026, 9, 3))
    assert (overdue.status, overdue.label) == (OVERDUE, "Overdue") and overdue.needs_attention


def test_the_list_reads_each_hearings_decision(apprenticeship, coordinator):
    past = session_on(apprenticeship, days=-21)
    due = outcome_due_on(past, apprenticeship)
    on_time = booked(past, name="Ontime", decided_on=due, by=coordinator)
    late = booked(past, name="Late", decided_on=due + datetime.timedelta(days=1), by=coordinator)
    overdue = booked(past, name="Overdue", by=coordinator)
    upcoming = booked(session_on(apprenticeship, days=14), name="Upcoming", by=coordinator)
    rows = {row.booking.pk: row for row in outcomes_due_for(user=coordinator)}
    assert rows[on_time.pk].status.status == ON_TIME
    assert rows[late.pk].status.status == LATE
    assert rows[overdue.pk].status.status == OVERDUE
    left = working_days_between(
        timezone.localdate(), outcome_due_on(upcoming.session, apprenticeship)
    )
    assert rows[upcoming.pk].status.label == f"Due in {left} working days"


def test_the_outcome_is_given_when_the_letter_is_sent_not_when_decided(apprenticeship, coordinator):
    """Dudley: "the applicant will be informed of the outcome of Panel within 3 working days"."""
    past = session_on(apprenticeship, days=-21)
    due = outcome_due_on(past, apprenticeship)
    booking = booked(past, name="Lettered", decided_on=due, by=coordinator)
    decision = Decision.objects.get(application=booking.application)
    sent = timezone.make_aware(
        datetime.datetime.combine(add_working_days(due, 1), datetime.time(9))
    )
    letter = Letter.objects.create(decision=decision, kind=decision.outcome, due_by=sent)
    waiting = {row.booking.pk: row for row in outcomes_due_for(user=coordinator)}[booking.pk]
    assert waiting.status.status == OVERDUE  # decided on time, but nobody told yet
    Letter.objects.filter(pk=letter.pk).update(sent_at=sent)
    told = {row.booking.pk: row for row in outcomes_due_for(user=coordinator)}[booking.pk]
    assert told.status.status == LATE
    assert told.status.label.startswith("Letter sent on")


def test_the_list_leaves_out_old_cancelled_and_other_routes(apprenticeship, coordinator):
    old = booked(session_on(apprenticeship, days=-61), name="Old", by=coordinator)
    cancelled = booked(session_on(apprenticeship, days=-5), name="Cancelled", by=coordinator)
    Booking.objects.filter(pk=cancelled.pk).update(cancelled_at=timezone.now())
    progression = booked(session_on(route_in("dudley", "SW-SSW"), days=-5), by=coordinator)
    kept = booked(session_on(apprenticeship, days=-59), name="Kept", by=coordinator)
    listed = {row.booking.pk for row in outcomes_due_for(user=coordinator)}
    assert kept.pk in listed
    assert not listed & {old.pk, cancelled.pk, progression.pk}


# --- The page ---------------------------------------------------------------------------------


def test_the_coordinator_reads_applicant_route_panel_due_and_status(
    client, apprenticeship, coordinator
):
    session = session_on(apprenticeship, days=-21)
    booked(session, name="Priya", by=coordinator)
    client.force_login(coordinator)
    page = client.get(reverse("panels:outcomes-due"))
    assert reverse("panels:outcomes-due") == URL
    assert page.status_code == 200
    text = page.content.decode()
    due = outcome_due_on(session, apprenticeship)
    assert "Priya" in text and apprenticeship.title in text
    assert f"{due.day} {due:%B %Y}" in text and "Overdue" in text


def test_another_councils_coordinator_sees_none_of_dudleys(
    client, apprenticeship, coordinator, demo_people
):
    booked(session_on(apprenticeship, days=-21), name="Priya", by=coordinator)
    client.force_login(demo_people["lincolnshire.coordinator"])
    page = client.get(URL)
    assert page.status_code == 200
    assert b"Priya" not in page.content
    assert outcomes_due_for(user=demo_people["lincolnshire.coordinator"]) == []


@pytest.mark.parametrize(
    "username", ["dudley.worker", "dudley.team-manager", "dudley.panel-member"]
)
def test_people_who_do_not_coordinate_are_refused(client, demo_people, username):
    client.force_login(demo_people[username])
    assert client.get(URL).status_code == 403
    assert outcomes_due_for(user=demo_people[username]) == []


def test_signed_out_people_are_sent_to_sign_in(client, db):
    assert client.get(URL).status_code == 302


@pytest.mark.parametrize("rows", [3, 30])
def test_the_page_costs_the_same_at_3_and_30_rows(client, apprenticeship, coordinator, rows):
    sessions = [session_on(apprenticeship, days=-21), session_on(apprenticeship, days=14)]
    for number in range(rows):
        session = sessions[number % 2]
        decided = (
            outcome_due_on(session, apprenticeship) if number % 3 == 0 and number % 2 == 0 else None
        )
        booked(session, name=f"Row{number}", decided_on=decided, by=coordinator)
    client.force_login(coordinator)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(URL)
    assert page.status_code == 200
    assert page.content.count(b"govuk-table__row") == rows + 1  # the header row and one a hearing
    # session, user, roles, organisation (the header); the bookings with their sessions,
    # routes, applications and applicants; their decisions; their letters.
    assert len(queries) == 7


# --- The coordinator's home page ----------------------------------------------------------------


def test_an_overdue_outcome_is_on_the_coordinators_home_page(apprenticeship, coordinator):
    def items():
        return [
            item
            for section in home_sections_for(user=coordinator)
            for item in section.items
            if item.url == URL
        ]

    booked(session_on(apprenticeship, days=-21), decided_on=None, by=coordinator)
    booked(session_on(apprenticeship, days=14), by=coordinator)  # not due yet: not counted
    [item] = items()
    assert item.label == "Panel outcomes to give: 1 overdue"


def test_nothing_due_puts_nothing_on_the_home_page(apprenticeship, coordinator):
    session = session_on(apprenticeship, days=-21)
    booked(session, decided_on=outcome_due_on(session, apprenticeship), by=coordinator)
    items = [
        item
        for section in home_sections_for(user=coordinator)
        for item in section.items
        if item.url == URL
    ]
    assert items == []
