"""The agenda: a session divided into one slot per place, each live booking's time, who sits on
the panel, the room or meeting link; printable; read by the session's coordinators and members
only, at the same cost for 3 applications as for 30."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from panels.agenda import first_free_slot, slot_length, slot_times
from panels.calendar import booking_invitation_ics
from panels.models import MemberRole, PanelSession
from tests.panels.booking_factories import session_on
from tests.panels.coordinator_booking_factories import booked_on
from tests.panels.pack_factories import seat

LONDON_10AM = timezone.make_aware(datetime.datetime(2026, 10, 14, 10))


def _session(capacity, hours=3):
    return PanelSession(
        starts_at=LONDON_10AM, ends_at=LONDON_10AM + datetime.timedelta(hours=hours),
        capacity=capacity,
    )  # fmt: skip


@pytest.mark.parametrize(
    "capacity, slot, start, end",
    [(6, 1, "10:00", "10:30"), (6, 2, "10:30", "11:00"), (6, 6, "12:30", "13:00"),
     (4, 3, "11:30", "12:15")],
)  # fmt: skip
def test_a_slot_is_the_session_divided_by_its_places(capacity, slot, start, end):
    session = _session(capacity)
    assert slot_length(session) == datetime.timedelta(hours=3) / capacity
    starts, ends = slot_times(session, slot)
    assert timezone.localtime(starts).strftime("%H:%M") == start
    assert timezone.localtime(ends).strftime("%H:%M") == end


def test_the_last_slot_ends_when_the_session_does():
    session = _session(5, hours=2)
    assert slot_times(session, 5)[1] == session.ends_at


@pytest.mark.parametrize(
    "held, free", [((), 1), ((1,), 2), ((1, 2, 3), 4), ((2, 3), 1), ((1, 3), 2)]
)
def test_the_first_free_slot_is_the_lowest_number_not_held(held, free):
    assert first_free_slot(held) == free


def test_the_invitation_carries_the_applicants_slot_not_the_whole_session(
    coordinator, lincolnshire_route
):
    session = session_on(lincolnshire_route, days=30, capacity=6)
    [_, booking] = booked_on(session, count=2, booked_by=coordinator)
    text = booking_invitation_ics(booking=booking).decode().replace("\r\n ", "")
    fields = dict(line.split(":", 1) for line in text.split("\r\n") if ":" in line)
    starts, ends = slot_times(session, 2)
    assert fields["DTSTART"] == starts.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    assert fields["DTEND"] == ends.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    assert ends < session.ends_at


# --- The page ------------------------------------------------------------------------------------


@pytest.fixture
def agenda_session(coordinator, lincolnshire_route, demo_people):
    session = session_on(lincolnshire_route, days=30, capacity=6)
    session.location = "Room 2, County Offices"
    session.save(update_fields=["location"])
    seat(session, demo_people["lincolnshire.panel-member"], MemberRole.CHAIR)
    return session


def test_the_agenda_shows_each_applicants_time_route_standards_and_manager(
    client, coordinator, agenda_session, demo_people
):
    bookings = booked_on(agenda_session, count=3, booked_by=coordinator)
    client.force_login(coordinator)
    text = client.get(reverse("panels:agenda", args=[agenda_session.pk])).content.decode()

    assert "Room 2, County Offices" in text and "https://meet.example.org/panel" in text
    chair = demo_people["lincolnshire.panel-member"]
    assert f"{chair.get_full_name()}, chair" in text
    for booking in bookings:
        starts, ends = slot_times(agenda_session, booking.slot)
        slot = f"{timezone.localtime(starts):%H:%M} to {timezone.localtime(ends):%H:%M}"
        application = booking.application
        assert slot in text
        assert application.applicant.get_full_name() in text
        assert "KSS " + ", ".join(str(n) for n in application.allocated_standards) in text
    assert coordinator.get_full_name() in text  # the applicants' line manager here
    assert text.index("10:00 to 10:30") < text.index("10:30 to 11:00") < text.index("11:00 to")
    assert "data-app-print" in text and "Print this agenda" in text


def test_the_sessions_members_read_the_agenda_and_nobody_else(client, agenda_session, demo_people):
    url = reverse("panels:agenda", args=[agenda_session.pk])
    client.force_login(demo_people["lincolnshire.panel-member"])  # the chair
    assert client.get(url).status_code == 200

    # A member seated on another session of the council only: as if the session did not exist.
    member = demo_people["lincolnshire.panel-member"]
    agenda_session.members.filter(person=member).delete()
    seat(session_on(agenda_session.route, days=60), member, MemberRole.MEMBER)
    client.force_login(member)
    assert client.get(url).status_code == 404

    client.force_login(demo_people["lincolnshire.worker"])
    assert client.get(url).status_code == 403
    client.force_login(demo_people["dudley.coordinator"])  # another council's
    assert client.get(url).status_code == 404


def test_a_member_without_the_panel_role_reads_the_agenda_of_their_session(
    client, agenda_session, demo_people
):
    hr = demo_people["lincolnshire.hr"]
    seat(agenda_session, hr, MemberRole.CO_OPTED)
    client.force_login(hr)
    text = client.get(reverse("panels:agenda", args=[agenda_session.pk])).content.decode()
    assert f"{hr.get_full_name()}, co-opted member" in text


def test_the_session_pages_link_to_the_agenda(client, coordinator, agenda_session):
    client.force_login(coordinator)
    url = reverse("panels:agenda", args=[agenda_session.pk])
    assert url in client.get(reverse("panels:session-list")).content.decode()
    edit = reverse("panels:session-edit", args=[agenda_session.pk])
    assert url in client.get(edit).content.decode()


@pytest.mark.parametrize("count", [3, 30])
def test_an_agenda_of_3_and_of_30_applications_costs_the_same_queries(
    client, coordinator, agenda_session, demo_people, django_assert_num_queries, count
):
    agenda_session.capacity = 30
    agenda_session.save(update_fields=["capacity"])
    booked_on(agenda_session, count=count, booked_by=coordinator)
    seat(agenda_session, demo_people["lincolnshire.hr"], MemberRole.CO_OPTED)
    client.force_login(coordinator)
    # session, user, roles; the session with its route, framework and council; the members with
    # their names; the bookings with the applicants, their managers and routes; the organisation
    # (header)
    with django_assert_num_queries(7):
        response = client.get(reverse("panels:agenda", args=[agenda_session.pk]))
    assert response.content.decode().count('class="govuk-table__row"') == count + 1
