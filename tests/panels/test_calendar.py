"""The calendar invitation, parsed back with a small RFC 5545 reader written here."""

import datetime
from types import SimpleNamespace

import pytest

from panels.calendar import escape_text, fold, session_invitation_ics

LONDON = datetime.timezone(datetime.timedelta(hours=1))  # British Summer Time


def unfold(data):
    """RFC 5545 3.1: lines end in CRLF; a line starting with a space or tab continues the one
    before. Returns the logical lines."""
    text = data.decode("utf-8")
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")  # no bare line feeds
    return text[:-2].replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")


def unescape(value):
    out, chars = [], iter(value)
    for char in chars:
        if char == "\\":
            nxt = next(chars)
            out.append("\n" if nxt in "nN" else nxt)
        else:
            out.append(char)
    return "".join(out)


def parse(data):
    """{name: [(params, value)]} for the event's properties, checking the structure."""
    lines = unfold(data)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    properties = {}
    for line in lines:
        head, _, value = line.partition(":")
        # A colon inside a quoted parameter value does not end the name part.
        while head.count('"') % 2:
            more, _, value = value.partition(":")
            head += ":" + more
        name, *params = head.split(";")
        properties.setdefault(name, []).append((dict(p.split("=", 1) for p in params), value))
    return properties


def value(properties, name):
    [(_, raw)] = properties[name]
    return raw


def make_session(**overrides):
    fields = dict(
        pk=7,
        organisation=SimpleNamespace(name="Lincolnshire County Council"),
        route=SimpleNamespace(title="Level 1 Social Worker to Level 2 Social Worker"),
        created_by=SimpleNamespace(email="mark.fenwick@example.org"),
        starts_at=datetime.datetime(2027, 4, 14, 10, 0, tzinfo=LONDON),
        ends_at=datetime.datetime(2027, 4, 14, 13, 0, tzinfo=LONDON),
        submission_deadline=datetime.date(2027, 3, 31),
        meeting_url="https://meet.example.org/panel",
        location="Room 4, County Offices; Lincoln, \\ north wing",
        status="planned",
    )
    fields.update(overrides)
    return SimpleNamespace(**fields)


@pytest.fixture
def ics():
    return session_invitation_ics(
        session=make_session(), attendee=SimpleNamespace(pk=3, email="amara@example.org"),
        now=datetime.datetime(2027, 3, 1, 9, 0, tzinfo=datetime.UTC),
    )  # fmt: skip


def test_every_physical_line_ends_in_crlf_and_is_at_most_75_octets(ics):
    for line in ics.split(b"\r\n"):
        assert len(line) <= 75


def test_the_invitation_is_a_request_with_times_in_utc(ics):
    properties = parse(ics)
    assert value(properties, "VERSION") == "2.0"
    assert value(properties, "METHOD") == "REQUEST"
    assert value(properties, "DTSTART") == "20270414T090000Z"
    assert value(properties, "DTEND") == "20270414T120000Z"
    assert value(properties, "DTSTAMP") == "20270301T090000Z"
    assert [line for line in unfold(ics) if line.startswith("BEGIN:")] == [
        "BEGIN:VCALENDAR", "BEGIN:VEVENT",
    ]  # fmt: skip


def test_text_is_escaped_and_comes_back_unchanged(ics):
    properties = parse(ics)
    assert unescape(value(properties, "LOCATION")) == (
        "Room 4, County Offices; Lincoln, \\ north wing"
    )
    assert unescape(value(properties, "SUMMARY")) == (
        "Career progression panel: Level 1 Social Worker to Level 2 Social Worker"
    )
    description = unescape(value(properties, "DESCRIPTION"))
    assert "Submit your portfolio by 31 March 2027." in description.split("\n")
    assert value(properties, "URL") == "https://meet.example.org/panel"


def test_organiser_and_attendee_are_mail_addresses(ics):
    properties = parse(ics)
    assert value(properties, "ORGANIZER") == "mailto:mark.fenwick@example.org"
    params, attendee = properties["ATTENDEE"][0]
    assert attendee == "mailto:amara@example.org"
    assert params["RSVP"] == "TRUE"


def test_the_uid_is_stable_per_session_and_attendee():
    def uid(session_pk, attendee_pk, now):
        data = session_invitation_ics(
            session=make_session(pk=session_pk),
            attendee=SimpleNamespace(pk=attendee_pk, email="a@example.org"), now=now,
        )  # fmt: skip
        return value(parse(data), "UID")

    first = datetime.datetime(2027, 3, 1, tzinfo=datetime.UTC)
    later = datetime.datetime(2027, 3, 9, tzinfo=datetime.UTC)
    assert uid(7, 3, first) == uid(7, 3, later)
    assert uid(7, 3, first) != uid(7, 4, first)
    assert uid(7, 3, first) != uid(8, 3, first)


def test_a_room_only_session_has_a_location_and_no_url():
    data = session_invitation_ics(
        session=make_session(meeting_url="", location="Room 1"),
        attendee=SimpleNamespace(pk=3, email="a@example.org"),
    )
    properties = parse(data)
    assert value(properties, "LOCATION") == "Room 1"
    assert "URL" not in properties


def test_a_cancelled_session_sends_a_cancellation():
    data = session_invitation_ics(
        session=make_session(status="cancelled"),
        attendee=SimpleNamespace(pk=3, email="a@example.org"),
    )
    properties = parse(data)
    assert value(properties, "METHOD") == "CANCEL"
    assert value(properties, "STATUS") == "CANCELLED"


@pytest.mark.parametrize(
    "text", ["a" * 200, "é" * 100, "Zoë's panel, 🙂 " * 10, "x" * 74, "x" * 75, "x" * 76]
)
def test_folding_keeps_each_line_within_75_octets_and_never_splits_a_character(text):
    folded = fold("SUMMARY:" + text)
    for line in folded.split("\r\n"):
        assert len(line.encode("utf-8")) <= 75
    assert folded.replace("\r\n ", "") == "SUMMARY:" + text


def test_escaping():
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_an_invitation_for_a_stored_session(demo_people):
    from panels.models import PanelSession

    session = (
        PanelSession.objects.select_related("route", "organisation", "created_by")
        .filter(organisation__slug="lincolnshire")
        .first()
    )
    worker = demo_people["lincolnshire.worker"]
    properties = parse(session_invitation_ics(session=session, attendee=worker))
    assert value(properties, "UID") == f"panel-session-{session.pk}-person-{worker.pk}@careerpath"
    assert value(properties, "ORGANIZER") == f"mailto:{session.created_by.email}"
    assert properties["ATTENDEE"][0][1] == f"mailto:{worker.email}"
    assert properties["ATTENDEE"][0][0]["CN"] == f'"{worker.get_full_name()}"'
