"""Calendar invitations (iCalendar, RFC 5545) for panel sessions, written by hand: the format is
small, and each rule it needs is spelt out here (CRLF line ends, lines folded at 75 octets,
text values escaped)."""

import datetime
from email.utils import parseaddr

from django.conf import settings
from django.utils import timezone

from careerpath.dates import long_date

PRODUCT_ID = "-//careerpath//Panel sessions//EN"


def escape_text(value):
    """TEXT values: backslash, semicolon and comma are escaped; newlines become \\n."""
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")
        .replace("\n", "\\n")
    )


def fold(line):
    """Split a content line into lines of at most 75 octets, each continuation starting with a
    space, never splitting a UTF-8 character."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line
    parts, current, limit = [], b"", 75
    for char in line:
        piece = char.encode("utf-8")
        if len(current) + len(piece) > limit:
            parts.append(current.decode("utf-8"))
            current, limit = b"", 74  # the leading space takes one octet
        current += piece
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def utc(value):
    return value.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _param(value):
    """A parameter value (a person's name), quoted; quotes are not allowed inside, so dropped."""
    return '"' + str(value).replace('"', "") + '"'


def session_uid(*, session, attendee):
    """The same for every invitation to one person for one session, so a re-sent or updated
    invitation replaces the first in their calendar rather than adding a second."""
    return f"panel-session-{session.pk}-person-{attendee.pk}@careerpath"


def booking_invitation_ics(*, booking, sequence=0, now=None):
    """The applicant's invitation: the session, at the time of their slot on its agenda (the
    whole session for a booking made before slots were kept)."""
    from panels.agenda import slot_times

    session = booking.session
    starts_at, ends_at = (
        slot_times(session, booking.slot) if booking.slot else (session.starts_at, session.ends_at)
    )
    return session_invitation_ics(
        session=session, attendee=booking.application.applicant, sequence=sequence, now=now,
        starts_at=starts_at, ends_at=ends_at,
    )  # fmt: skip


def session_invitation_ics(
    *, session, attendee, sequence=0, now=None, starts_at=None, ends_at=None
):
    """An invitation (METHOD:REQUEST) to one session for one person, as bytes: the whole
    session, or the part of it from starts_at to ends_at (an applicant's slot)."""
    organiser = session.created_by
    organiser_email = (organiser.email if organiser else "") or parseaddr(
        settings.DEFAULT_FROM_EMAIL
    )[1]
    organiser_name = str(organiser) if organiser else session.organisation.name
    cancelled = session.status == "cancelled"
    description = [f"Career progression panel for {session.route.title}."]
    deadline = session.submission_deadline
    description.append(f"Submit your portfolio by {long_date(deadline)}.")
    if session.meeting_url:
        description.append(f"Join online: {session.meeting_url}")
    if session.location:
        description.append(f"Room: {session.location}")
    lines = [
        "BEGIN:VCALENDAR",
        f"PRODID:{PRODUCT_ID}",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        f"METHOD:{'CANCEL' if cancelled else 'REQUEST'}",
        "BEGIN:VEVENT",
        f"UID:{session_uid(session=session, attendee=attendee)}",
        f"DTSTAMP:{utc(now or timezone.now())}",
        f"DTSTART:{utc(starts_at or session.starts_at)}",
        f"DTEND:{utc(ends_at or session.ends_at)}",
        f"SEQUENCE:{sequence}",
        f"SUMMARY:{escape_text(f'Career progression panel: {session.route.title}')}",
        f"DESCRIPTION:{escape_text(chr(10).join(description))}",
        f"LOCATION:{escape_text(session.location or session.meeting_url)}",
    ]
    if session.meeting_url:
        lines.append(f"URL:{session.meeting_url}")
    lines += [
        f"ORGANIZER;CN={_param(organiser_name)}:mailto:{organiser_email}",
        f"ATTENDEE;CN={_param(attendee)};ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE"
        f":mailto:{attendee.email}",
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return ("\r\n".join(fold(line) for line in lines) + "\r\n").encode("utf-8")
