"""Background work for panels, queued after the commit and safe to run twice."""

import copy
import smtplib

from celery import shared_task

from careerpath.tasks import notification_email_deliver
from panels.calendar import booking_invitation_ics, session_invitation_ics
from panels.models import Booking, SessionStatus


@shared_task(
    acks_late=True,
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=True,
    max_retries=5,
)
def booking_confirmation_send(booking_id, notification_id):
    """E-mail the booking's notification with the session's calendar invitation attached. The
    notification's claim sends it once, however often this runs."""
    booking = (
        Booking.objects.select_related(
            "session__route", "session__created_by", "session__organisation",
            "application__applicant",
        )
        .filter(pk=booking_id)
        .first()
    )  # fmt: skip
    if booking is None:
        return "nothing to send"
    invitation = booking_invitation_ics(booking=booking)
    return notification_email_deliver(
        notification_id, attachments=[("panel-session.ics", invitation, "text/calendar")]
    )


@shared_task(
    acks_late=True,
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=True,
    max_retries=5,
)
def booking_move_send(booking_id, notification_id):
    """E-mail a moved booking's notification with the new session's invitation and the old
    session's cancellation (the same identifier the first invitation carried, so calendars
    remove it). Sent once, by the notification's claim."""
    booking = (
        Booking.objects.select_related(
            "session__route", "session__created_by", "session__organisation",
            "application__applicant", "moved_from__session__route",
            "moved_from__session__created_by", "moved_from__session__organisation",
        )
        .filter(pk=booking_id)
        .first()
    )  # fmt: skip
    if booking is None:
        return "nothing to send"
    attendee = booking.application.applicant
    attachments = [("panel-session.ics", booking_invitation_ics(booking=booking), "text/calendar")]
    if booking.moved_from is not None:
        old = copy.copy(booking.moved_from.session)
        old.status = SessionStatus.CANCELLED  # for this person: their place there is given up
        cancellation = session_invitation_ics(session=old, attendee=attendee, sequence=1)
        attachments.append(("panel-session-cancelled.ics", cancellation, "text/calendar"))
    return notification_email_deliver(notification_id, attachments=attachments)


@shared_task(
    acks_late=True,
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=True,
    max_retries=5,
)
def letter_issue(decision_id, kind, version=1):
    """Make, render and e-mail the decision's outcome letter (a re-issue: its version), once
    however often this runs or however many workers run it (panels.letters.letter_issue)."""
    from panels.letters import letter_issue as issue

    return issue(decision_id=decision_id, kind=kind, version=version)
