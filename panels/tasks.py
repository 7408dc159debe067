"""Background work for panels, queued after the commit and safe to run twice."""

import smtplib

from celery import shared_task

from careerpath.tasks import notification_email_deliver
from panels.calendar import session_invitation_ics
from panels.models import Booking


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
    invitation = session_invitation_ics(
        session=booking.session, attendee=booking.application.applicant
    )
    return notification_email_deliver(
        notification_id, attachments=[("panel-session.ics", invitation, "text/calendar")]
    )
