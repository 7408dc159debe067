import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from careerpath.models import AuditEvent
from panels.models import Booking, PanelSession, SessionStatus
from panels.scheduling import propose_sessions
from panels.services import session_version

from .conftest import at
from .demo_clearing import sessions_clear


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


def session_form(route=None, day=None, **overrides):
    day = day or timezone.localdate() + datetime.timedelta(days=70)
    data = {
        "date_0": day.day, "date_1": day.month, "date_2": day.year,
        "start_time": "10:00", "end_time": "13:00",
        "meeting_url": "https://meet.example.org/panel", "location": "", "capacity": "6",
        "submission_deadline_0": "", "submission_deadline_1": "", "submission_deadline_2": "",
        "notes": "",
    }  # fmt: skip
    if route is not None:
        data["route"] = route.pk
    data.update(overrides)
    return data


def test_the_coordinator_adds_a_session_with_a_computed_deadline(
    coordinator_client, lincolnshire_route
):
    before = PanelSession.objects.count()
    response = coordinator_client.post(
        reverse("panels:session-create"), session_form(lincolnshire_route)
    )
    assert response.status_code == 302
    session = PanelSession.objects.latest("pk")
    assert PanelSession.objects.count() == before + 1
    assert session.submission_deadline < timezone.localdate(session.starts_at)
    assert timezone.localtime(session.starts_at).time() == datetime.time(10)


def test_the_route_choice_offers_only_the_councils_published_routes_with_a_panel(
    coordinator_client, lincolnshire_route, dudley_route
):
    html = coordinator_client.get(reverse("panels:session-create")).content.decode()
    assert f'value="{lincolnshire_route.pk}"' in html
    assert f'value="{dudley_route.pk}"' not in html


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"capacity": "0"}, "Places must be 1 or more"),
        ({"capacity": "six"}, "Places must be a whole number"),
        ({"meeting_url": "", "location": ""}, "Give an online meeting link or a room"),
        ({"end_time": "09:00"}, "The end time must be after the start time"),
        ({"start_time": "25:00"}, "Enter the start time as hours and minutes"),
        ({"date_0": "31", "date_1": "2"}, "must be a real date"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_saved_or_lost(
    coordinator_client, lincolnshire_route, overrides, message
):
    before = PanelSession.objects.count()
    data = session_form(lincolnshire_route, notes="Keep this note", **overrides)
    response = coordinator_client.post(reverse("panels:session-create"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert "govuk-error-summary" in html
    assert "Keep this note" in html
    assert PanelSession.objects.count() == before


def test_a_deadline_after_the_session_is_refused(coordinator_client, lincolnshire_route):
    day = timezone.localdate() + datetime.timedelta(days=70)
    after = day + datetime.timedelta(days=1)
    data = session_form(
        lincolnshire_route, day=day, submission_deadline_0=after.day,
        submission_deadline_1=after.month, submission_deadline_2=after.year,
    )  # fmt: skip
    before = PanelSession.objects.count()
    response = coordinator_client.post(reverse("panels:session-create"), data)
    assert "The submission deadline must be before the session" in response.content.decode()
    assert PanelSession.objects.count() == before


def test_another_councils_route_named_in_a_post_is_a_form_error(coordinator_client, dudley_route):
    before = PanelSession.objects.count()
    response = coordinator_client.post(reverse("panels:session-create"), session_form(dudley_route))
    assert response.status_code == 200
    assert "Choose a route from the list" in response.content.decode()
    assert PanelSession.objects.count() == before


def make_session(coordinator, route, days=60):
    from panels.services import panel_session_create

    return panel_session_create(actor=coordinator, route=route, starts_at=at(days),
                                ends_at=at(days, 13), capacity=6, location="Room 2")  # fmt: skip


def edit_form(session, **overrides):
    starts = timezone.localtime(session.starts_at)
    deadline = session.submission_deadline
    data = session_form(day=starts.date(), location=session.location, meeting_url="",
                        submission_deadline_0=deadline.day, submission_deadline_1=deadline.month,
                        submission_deadline_2=deadline.year,
                        saved_version=session_version(session))  # fmt: skip
    data.update(overrides)
    return data


def test_the_coordinator_changes_a_sessions_capacity(
    coordinator_client, coordinator, lincolnshire_route
):
    session = make_session(coordinator, lincolnshire_route)
    url = reverse("panels:session-edit", args=[session.pk])
    assert coordinator_client.get(url).status_code == 200
    response = coordinator_client.post(url, edit_form(session, capacity="9"))
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.capacity == 9


def test_a_stale_edit_is_refused_and_keeps_what_was_typed(
    coordinator_client, coordinator, lincolnshire_route
):
    session = make_session(coordinator, lincolnshire_route)
    stale = edit_form(session, capacity="9", notes="My note")
    PanelSession.objects.filter(pk=session.pk).update(
        capacity=7, updated_at=timezone.now() + datetime.timedelta(seconds=1)
    )
    response = coordinator_client.post(reverse("panels:session-edit", args=[session.pk]), stale)
    html = response.content.decode()
    assert "changed this session after you opened it" in html
    assert "My note" in html
    session.refresh_from_db()
    assert session.capacity == 7
    assert "7 places" not in html and "0 of 7" in html  # the session as it is now
    # Having seen it, the coordinator saves again from the refused form, and it goes ahead.
    resubmit = dict(stale, saved_version=response.context["form"].data["saved_version"])
    response = coordinator_client.post(reverse("panels:session-edit", args=[session.pk]), resubmit)
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.capacity == 9


def test_a_session_cannot_be_moved_into_the_past(
    coordinator_client, coordinator, lincolnshire_route
):
    session = make_session(coordinator, lincolnshire_route)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    deadline = yesterday - datetime.timedelta(days=3)
    data = edit_form(
        session, date_0=yesterday.day, date_1=yesterday.month, date_2=yesterday.year,
        submission_deadline_0=deadline.day, submission_deadline_1=deadline.month,
        submission_deadline_2=deadline.year,
    )  # fmt: skip
    response = coordinator_client.post(reverse("panels:session-edit", args=[session.pk]), data)
    assert "A session cannot be moved into the past" in response.content.decode()


def test_cancelling_a_session(coordinator_client, coordinator, lincolnshire_route):
    session = make_session(coordinator, lincolnshire_route)
    response = coordinator_client.post(reverse("panels:session-cancel", args=[session.pk]))
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED
    html = coordinator_client.get(reverse("panels:session-edit", args=[session.pk])).content
    assert b"can no longer be changed" in html


def test_proposals_are_created_in_one_click(coordinator_client, lincolnshire_route):
    sessions_clear(route=lincolnshire_route)  # the demo's, with its bookings and decisions
    url = reverse("panels:session-propose") + f"?route={lincolnshire_route.pk}"
    proposals = propose_sessions(panel=lincolnshire_route.panel, year_start=timezone.localdate())
    html = coordinator_client.get(url).content.decode()
    for proposal in proposals:
        assert proposal.date.isoformat() in html
    response = coordinator_client.post(url, {
        "dates": [p.date.isoformat() for p in proposals], "start_time": "10:00",
        "end_time": "13:00", "meeting_url": "https://meet.example.org/p", "location": "",
        "capacity": "6",
    })  # fmt: skip
    assert response.status_code == 302
    made = PanelSession.objects.filter(route=lincolnshire_route)
    assert sorted(timezone.localdate(s.starts_at) for s in made) == [p.date for p in proposals]
    assert {s.submission_deadline for s in made} == {p.submission_deadline for p in proposals}
    assert AuditEvent.objects.filter(action="panel_session_created").count() >= len(proposals)


def test_a_date_that_was_not_proposed_is_refused(coordinator_client, lincolnshire_route):
    url = reverse("panels:session-propose") + f"?route={lincolnshire_route.pk}"
    before = PanelSession.objects.count()
    response = coordinator_client.post(url, {
        "dates": ["2030-01-01"], "start_time": "10:00", "end_time": "13:00",
        "meeting_url": "https://meet.example.org/p", "capacity": "6",
    })  # fmt: skip
    assert "Choose sessions from the proposed dates" in response.content.decode()
    assert PanelSession.objects.count() == before


def test_a_route_arranged_on_receipt_says_no_dates_are_proposed(client, demo_people):
    from frameworks.models import ProgressionRoute

    client.force_login(demo_people["dudley.coordinator"])
    route = ProgressionRoute.objects.get(
        framework__organisation__slug="dudley", framework__status="published", code="ENTRY-SWA"
    )
    html = client.get(reverse("panels:session-propose") + f"?route={route.pk}").content.decode()
    assert "is arranged case by case" in html


def test_another_councils_route_on_the_proposals_page_is_not_found(
    coordinator_client, dudley_route
):
    url = reverse("panels:session-propose")
    assert coordinator_client.get(url + f"?route={dudley_route.pk}").status_code == 404
    assert coordinator_client.get(url + "?route=nonsense").status_code == 404


def test_the_coordinators_home_page_shows_the_next_sessions(coordinator_client):
    html = coordinator_client.get(reverse("careerpath:home")).content.decode()
    assert "Arrange panel sessions for the coming year" in html
    assert "Level 1 Social Worker to Level 2 Social Worker: panel on" in html


def test_workers_see_upcoming_sessions_of_their_own_council_only(client, demo_people):
    client.force_login(demo_people["lincolnshire.worker"])
    html = client.get(reverse("panels:session-upcoming")).content.decode()
    assert "Level 1 Social Worker to Level 2 Social Worker" in html
    assert "Social Worker to Senior Social Worker" not in html  # Dudley's route


def add_sessions(coordinator, route, count):
    for n in range(count):
        make_session(coordinator, route, days=20 + n)


@pytest.mark.parametrize("count", [1, 15])
def test_session_list_query_budget(
    coordinator_client, coordinator, lincolnshire_route, django_assert_num_queries, count
):
    add_sessions(coordinator, lincolnshire_route, count)
    # session, user, roles; the sessions with their routes, frameworks and places taken; their
    # live bookings with the applicants; the late portfolios (panels.selectors_moves); the
    # organisation (header). No session is full, so nobody is counted as waiting.
    with django_assert_num_queries(7):
        response = coordinator_client.get(reverse("panels:session-list"))
    assert response.content.decode().count("panels/sessions/") >= count


@pytest.mark.parametrize("count", [1, 15])
def test_upcoming_sessions_query_budget(
    client, demo_people, coordinator, lincolnshire_route, django_assert_num_queries, count
):
    add_sessions(coordinator, lincolnshire_route, count)
    client.force_login(demo_people["lincolnshire.worker"])
    # session, user, roles; the sessions with their routes and frameworks; the organisation
    # (header)
    with django_assert_num_queries(5):
        client.get(reverse("panels:session-upcoming"))


@pytest.mark.parametrize("count", [1, 15])
def test_session_edit_query_budget(
    coordinator_client, coordinator, lincolnshire_route, django_assert_num_queries, count
):
    add_sessions(coordinator, lincolnshire_route, count)
    session = PanelSession.objects.filter(route=lincolnshire_route).last()
    # session, user, roles; the panel session with its route, framework and organisation; its
    # live bookings with the applicants (counted for places taken); the organisation (header)
    with django_assert_num_queries(6):
        coordinator_client.get(reverse("panels:session-edit", args=[session.pk]))


def test_dates_already_arranged_are_not_proposed_again(
    coordinator_client, coordinator, lincolnshire_route
):
    from panels.services import panel_sessions_create_from_proposals

    sessions_clear(route=lincolnshire_route)  # the demo's, with its bookings and decisions
    proposals = propose_sessions(panel=lincolnshire_route.panel, year_start=timezone.localdate())
    panel_sessions_create_from_proposals(
        actor=coordinator, route=lincolnshire_route, dates=[p.date for p in proposals],
        start_time=datetime.time(23, 0), end_time=datetime.time(23, 30), capacity=6,
        location="Room 3",
    )  # fmt: skip
    url = reverse("panels:session-propose") + f"?route={lincolnshire_route.pk}"
    html = coordinator_client.get(url).content.decode()
    assert "Every proposed date for the next twelve months already has a session" in html
    last = PanelSession.objects.filter(route=lincolnshire_route).order_by("starts_at").last()
    Booking.objects.filter(session=last).delete()  # the demo's bookings
    last.delete()
    html = coordinator_client.get(url).content.decode()
    assert html.count('name="dates"') == 1
    assert "Those dates are not proposed again" in html


@pytest.mark.parametrize("count", [1, 15])
def test_proposals_page_query_budget(
    coordinator_client, coordinator, lincolnshire_route, django_assert_num_queries, count
):
    add_sessions(coordinator, lincolnshire_route, count)
    url = reverse("panels:session-propose") + f"?route={lincolnshire_route.pk}"
    # session, user, roles; the route with its framework; the days it has sessions on; the
    # organisation (header)
    with django_assert_num_queries(6):
        coordinator_client.get(url)
