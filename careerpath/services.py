"""Writes for the shared parts: audit events and notifications."""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from careerpath.dates import long_date
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


# --- Cover for absent managers ------------------------------------------------------------------


class DelegationError(Exception):
    """Cover that cannot be recorded, with a message for the person who tried."""


# Roles whose review steps can be covered, and who may cover them: a manager or the
# progression coordinator of the same council.
COVERING_ROLES = ("practice_supervisor", "line_manager", "team_manager", "progression_coordinator")


def delegation_create(*, delegator, delegate, starts_on, ends_on, reason, created_by):
    """Record that `delegate` covers `delegator`'s review steps from starts_on to ends_on. The
    delegator (or the progression coordinator for them) records it; both are told."""
    from careerpath.models import Delegation
    from careerpath.permissions import has_role

    if delegate is None or delegate.pk == delegator.pk:
        raise DelegationError("Choose a colleague other than the person who is away")
    if delegate.organisation_id != delegator.organisation_id or not delegate.is_active:
        raise DelegationError("Choose a colleague in your own council")
    if not has_role(delegator, *COVERING_ROLES):
        raise DelegationError("Only managers and coordinators have reviews to delegate")
    if not has_role(delegate, *COVERING_ROLES):
        raise DelegationError("Choose a colleague who is a manager or the progression coordinator")
    if starts_on is None or ends_on is None or ends_on < starts_on:
        raise DelegationError("The cover must end on or after the day it starts")
    if ends_on < timezone.localdate():
        raise DelegationError("The cover must end today or later")
    with transaction.atomic():
        delegation = Delegation.objects.create(
            organisation_id=delegator.organisation_id,
            delegator=delegator,
            delegate=delegate,
            starts_on=starts_on,
            ends_on=ends_on,
            reason=(reason or "").strip(),
            created_by=created_by,
        )
        audit_record(
            actor=created_by,
            action="delegation.create",
            target=delegation,
            organisation=delegator.organisation,
            details={"delegator": delegator.pk, "delegate": delegate.pk,
                     "starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat()},
        )  # fmt: skip
        if created_by.pk != delegator.pk:
            # Recorded by the coordinator for a manager who is away: they learn it on return.
            notification_send(
                recipient=delegator,
                subject=f"{delegate.get_full_name() or delegate} is covering your reviews",
                body=(
                    f"{created_by.get_full_name() or created_by} recorded that from "
                    f"{long_date(starts_on)} to {long_date(ends_on)} "
                    f"{delegate.get_full_name() or delegate} covers the reviews waiting for you."
                ),
                url=reverse("careerpath:cover-list"),
            )
        notification_send(
            recipient=delegate,
            subject=f"You are covering reviews for {delegator.get_full_name() or delegator}",
            body=(
                f"From {long_date(starts_on)} to {long_date(ends_on)} the reviews waiting for "
                f"{delegator.get_full_name() or delegator} also wait for you. What you do is "
                f"recorded as done by you for them."
            ),
            url=reverse("careerpath:cover-list"),
        )
    return delegation


def delegation_end(*, delegation, actor):
    """End cover early (the manager is back). The delegator, the delegate or the progression
    coordinator may end it."""
    from careerpath.models import Delegation
    from careerpath.permissions import has_role

    if actor.pk not in (delegation.delegator_id, delegation.delegate_id) and not (
        actor.organisation_id == delegation.organisation_id
        and has_role(actor, "progression_coordinator")
    ):
        raise DelegationError("You cannot end this cover")
    with transaction.atomic():
        ended = Delegation.objects.filter(pk=delegation.pk, ended_at__isnull=True).update(
            ended_at=timezone.now()
        )
        if ended:
            audit_record(actor=actor, action="delegation.end", target=delegation,
                         organisation=delegation.organisation)  # fmt: skip
    return bool(ended)
