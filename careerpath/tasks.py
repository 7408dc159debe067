import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from careerpath.models import Notification
from careerpath.services import notification_email_claim, notification_email_release


@shared_task(
    acks_late=True,
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=True,
    max_retries=5,
)
def send_notification_email(notification_id):
    """E-mail one notification to its recipient, once however often the task runs."""
    return notification_email_deliver(notification_id)


def notification_email_deliver(notification_id, *, attachments=()):
    """Send a notification's e-mail, with any attachments as (filename, bytes, mimetype), once
    however often it is called: the claim on the notification makes a retry send nothing. For
    tasks that build an attachment (a calendar invitation) and call this to send it."""
    notification = (
        Notification.objects.select_related("recipient__organisation")
        .filter(pk=notification_id)
        .first()
    )
    if notification is None or not notification.recipient.email:
        return "nothing to send"
    if not notification_email_claim(notification_id=notification_id):
        return "sent already"
    context = {
        "notification": notification,
        "recipient": notification.recipient,
        "site_url": settings.SITE_URL,
    }
    message = EmailMultiAlternatives(
        subject=render_to_string("careerpath/email/notification_subject.txt", context).strip(),
        body=render_to_string("careerpath/email/notification.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.recipient.email],
    )
    message.attach_alternative(
        render_to_string("careerpath/email/notification.html", context), "text/html"
    )
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    try:
        message.send()
    except Exception:
        notification_email_release(notification_id=notification_id)
        raise
    return "sent"


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def data_export_make(export_id):
    """Make one person's subject access zip (queued after the request commits). A retry
    overwrites the same stored file."""
    from careerpath.data_export import data_export_build
    from careerpath.models import DataExport

    export = DataExport.objects.filter(pk=export_id).first()
    if export is None:
        return "gone"
    data_export_build(export)
    return "ready"


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def data_exports_expire():
    """Delete subject access zips past their seven days. Run daily by beat."""
    from careerpath.data_export import data_exports_expire as expire

    return expire()


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def retention_purge():
    """Purge evidence and applications past each council's retention period (a legal hold
    stops it). Run daily by beat; a second run finds nothing left to remove."""
    from careerpath.retention import retention_purge as purge

    return purge()
