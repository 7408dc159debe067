"""Changes to who sits on a session, the conflicts members declare, and the pack's release.

Each runs in a transaction, locks the row it changes (the session, for its seats) and writes an
audit event in it. Every check the pages make is made again here."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from careerpath.dates import long_date
from careerpath.models import User
from careerpath.permissions import is_staff_member
from careerpath.services import audit_record, notification_send
from panels.models import (
    Booking,
    ConflictDeclaration,
    MemberRole,
    PanelSession,
    SessionMember,
    SessionStatus,
)
from panels.permissions import can_manage_session
from panels.services import PanelSessionError


def _name(person):
    return person.get_full_name() or person.username


def _locked_session(session, actor):
    if not can_manage_session(actor, session):
        raise PanelSessionError("Only the council's progression coordinator can do this")
    return PanelSession.objects.select_for_update(of=("self",)).get(pk=session.pk)


def member_add(*, session, person, role, actor):
    """Seat a person of the session's council on it, in a role; one chair per session."""
    if role not in MemberRole.values:
        raise PanelSessionError("Choose a role", field="role")
    with transaction.atomic():
        locked = _locked_session(session, actor)
        if locked.status == SessionStatus.CANCELLED:
            raise PanelSessionError("This session has been cancelled")
        if person is None or not (
            is_staff_member(person) and person.organisation_id == locked.organisation_id
        ):
            raise PanelSessionError("Choose someone on your council's staff", field="person")
        seats = SessionMember.objects.filter(session=locked)
        if seats.filter(person=person).exists():
            raise PanelSessionError(f"{_name(person)} already sits on this panel", field="person")
        if role == MemberRole.CHAIR and seats.filter(role=MemberRole.CHAIR).exists():
            raise PanelSessionError(
                "This panel already has a chair: remove them first", field="role"
            )
        member = SessionMember.objects.create(
            session=locked, person=person, role=role, added_by=actor
        )
        audit_record(
            actor=actor,
            action="panel_member_added",
            target=locked,
            organisation=locked.organisation,
            details={"member": member.pk, "person": person.pk, "role": role},
        )
    return member


def member_remove(*, member, actor):
    with transaction.atomic():
        locked = _locked_session(member.session, actor)
        seat = SessionMember.objects.filter(pk=member.pk, session=locked).first()
        if seat is None:
            raise PanelSessionError("That person no longer sits on this panel")
        details = {"member": seat.pk, "person": seat.person_id, "role": seat.role}
        seat.delete()
        audit_record(
            actor=actor,
            action="panel_member_removed",
            target=locked,
            organisation=locked.organisation,
            details=details,
        )


def conflict_declare(*, member, application, reason, actor):
    """A member's own declaration that they cannot judge an application booked on their
    session."""
    reason = (reason or "").strip()
    if not reason:
        raise PanelSessionError("Say why you cannot judge this application", field="reason")
    if actor.pk != member.person_id:
        raise PanelSessionError("Only the member can declare their own conflict")
    with transaction.atomic():
        seat = (
            SessionMember.objects.select_for_update(of=("self",))
            .select_related("session")
            .filter(pk=member.pk)
            .first()
        )
        if seat is None:
            raise PanelSessionError("You no longer sit on this panel")
        booked = Booking.objects.filter(
            session_id=seat.session_id, application=application, cancelled_at__isnull=True
        ).exists()
        if not booked:
            raise PanelSessionError("This application is not booked on your panel")
        if ConflictDeclaration.objects.filter(member=seat, application=application).exists():
            raise PanelSessionError("You have already declared a conflict for this application")
        declaration = ConflictDeclaration.objects.create(
            member=seat, application=application, reason=reason
        )
        audit_record(
            actor=actor,
            action="panel_conflict_declared",
            target=application,
            organisation=application.organisation,
            details={"session": seat.session_id, "member": seat.pk, "reason": reason},
        )
    return declaration


def pack_release(*, session, actor):
    """Let the members read the pack from now, and tell them. Releasing twice changes nothing
    (returns False)."""
    with transaction.atomic():
        locked = _locked_session(session, actor)
        if locked.pack_released_at is not None:
            return False
        if locked.status == SessionStatus.CANCELLED:
            raise PanelSessionError("This session has been cancelled")
        locked.pack_released_at = timezone.now()
        locked.pack_released_by = actor
        locked.save(update_fields=["pack_released_at", "pack_released_by", "updated_at"])
        audit_record(
            actor=actor, action="panel_pack_released", target=locked,
            organisation=locked.organisation,
        )  # fmt: skip
        url = reverse("panels:pack", args=[locked.pk])
        people = User.objects.filter(panel_seats__session=locked).order_by("pk")
        for person in people:
            notification_send(
                recipient=person,
                subject=f"The panel pack for {long_date(locked.starts_at)} is ready",
                body=(
                    f"The portfolios for the {locked.route.title} panel on "
                    f"{long_date(locked.starts_at)} are ready for you to read. Tell the "
                    "coordinator, or declare a conflict in the pack, if you cannot judge one."
                ),
                url=url,
            )
    session.pack_released_at = locked.pack_released_at
    session.pack_released_by = actor
    return True


def pack_opened(*, member, application):
    """Every opening of a pack page is in the audit trail."""
    with transaction.atomic():
        audit_record(
            actor=member.person,
            action="panel_pack_opened",
            target=application,
            organisation=application.organisation,
            details={"session": member.session_id, "member": member.pk},
        )
