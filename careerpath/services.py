"""Writes for the shared parts: audit events and notifications."""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from careerpath.models import AuditEvent, Notification


def audit_record(*, actor, action, target=None, organisation=None, details=None):
    """Append an audit event. Call it inside the transaction that makes the change it records."""
    if organisation is None:
        organisation = getattr(target, "organisation", None) or getattr(actor, "organisation", None)
    return AuditEvent.objects.create(
        organisation=organisation,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:300] if target is not None else "",
        details=details or {},
    )


def notification_send(*, recipient, subject, body, url="", email=True):
    """Tell one person something: in the service at once, and by e-mail after the commit.
    With email=False the caller queues its own task to e-mail it (one that attaches a file,
    through careerpath.tasks.notification_email_deliver), so the plain e-mail is not sent too."""
    from careerpath.tasks import send_notification_email

    notification = Notification.objects.create(
        recipient=recipient, subject=subject, body=body, url=url
    )
    if email:
        send_notification_email.delay_on_commit(notification.pk)
    return notification


def notification_mark_read(*, notification):
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        notification.refresh_from_db(fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user):
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def notification_email_claim(*, notification_id):
    """Claim a notification's e-mail for sending. False when it was claimed already, so a
    retried or duplicated task sends nothing."""
    return bool(
        Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
    )


def notification_email_release(*, notification_id):
    """Give the claim back after a failed send, so the retry can try again."""
    Notification.objects.filter(pk=notification_id).update(emailed_at=None)
