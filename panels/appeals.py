"""Appeals against a panel's decision: the last day to lodge one, lodging it, and the appeal
authority's final decision.

The window is a setting of the route (ProgressionRoute.panel["appeal_working_days"]; Lincolnshire:
10 working days), counted in England and Wales working days. The seed does not say from which day
it runs: we count from the outcome letter. The decision records a last day counted from its own
date; the first letter, when it is rendered, sets it again from the letter's date (panels.letters)
and says so in the letter.

An upheld appeal leaves the application in "appeal decided" with Appeal.upheld set: that flag is
what says the application waits for a new hearing at a later session (awaiting_new_hearing below,
which the coordinator's booking reads); the new hearing's decision is Decision.hearing 2. No new
state: the appeal's record already says everything the next step needs."""

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from careerpath.dates import long_date
from careerpath.models import Role
from careerpath.permissions import has_role, is_staff_member
from careerpath.selectors import role_holders
from careerpath.services import audit_record, notification_send
from careerpath.working_days import add_working_days
from panels.models import Appeal, Booking, Decision, Outcome
from portfolios.applications import permissions as can
from portfolios.applications.workflow import ApplicationError, register_guard, transition_apply
from portfolios.models import Application, ApplicationState

S = ApplicationState


class AppealError(Exception):
    """An appeal that cannot be lodged or decided, with a message for the person who tried;
    `field` names the form field it is about, when there is one."""

    def __init__(self, message, *, field=None):
        super().__init__(message)
        self.field = field


# --- The window -------------------------------------------------------------------------------


def appeal_window_days(route):
    """The route's appeal window in working days, or None when the route allows no appeal."""
    return (route.panel or {}).get("appeal_working_days") or None


def appeal_last_day(route, counted_from):
    """The last day an appeal may be lodged, or None when the route allows no appeal.

    counted_from is the day of the outcome letter (today: the day the decision is recorded);
    that day itself does not count, so 10 working days from a Friday end on the second Friday
    after it, or later when a bank holiday falls in between."""
    days = appeal_window_days(route)
    if not days:
        return None
    return add_working_days(counted_from, int(days))


def counted_from(decision):
    """The day the window is counted from: the first outcome letter's, or the day the decision
    was recorded while its letter is still to be made."""
    from panels.models import Letter

    rendered = (
        Letter.objects.filter(decision_id=decision.pk, version=1, kind=decision.outcome)
        .values_list("rendered_at", flat=True)
        .first()
    )
    return timezone.localdate(rendered or decision.decided_at)


def decision_appeal_last_day(decision):
    """The decision's last day to appeal: as recorded with it, or computed from its route.
    None for a progression: appeals are against a deferral or a decision not to progress."""
    if decision.outcome == Outcome.PROGRESSED:
        return None
    if decision.appeal_due_on:
        return decision.appeal_due_on
    return appeal_last_day(decision.application.route, counted_from(decision))


def _within_appeal_window(application, actor, context):
    """The workflow guard of lodge_appeal: the route allows an appeal and its last day has not
    passed. context: {"decision": the decision appealed, "today": the day it is lodged}."""
    decision = context.get("decision") or latest_decision(application)
    if decision is None:
        return "There is no decision to appeal"
    last_day = decision_appeal_last_day(decision)
    if last_day is None:
        return "This route has no appeal against the panel's decision"
    if (context.get("today") or timezone.localdate()) > last_day:
        return f"The last day to appeal was {long_date(last_day)}"
    return None


register_guard("within_appeal_window", _within_appeal_window)


# --- Reading ----------------------------------------------------------------------------------


def latest_decision(application):
    return (
        Decision.objects.filter(application=application)
        .select_related("application__route")
        .order_by("-hearing")
        .first()
    )


def get_decision_to_appeal(user, pk):
    """The applicant's own decision (404 for anyone else: the same answer as for none)."""
    from django.http import Http404

    decision = (
        Decision.objects.select_related(
            "application__route__framework", "application__applicant", "session"
        )
        .filter(pk=pk, application__applicant_id=user.pk)
        .first()
    )
    if decision is None or not can.is_applicant(user, decision.application):
        raise Http404
    return decision


def _appeals():
    return Appeal.objects.select_related(
        "decision__application__route",
        "decision__application__applicant",
        "decision__session",
        "lodged_by",
        "decided_by",
    )


def appeals_for(user):
    """The appeals a person sees: every appeal of their council for its appeal authority (open
    ones first, oldest first), and their own as a worker."""
    if not is_staff_member(user):
        return Appeal.objects.none()
    seen = Q(decision__application__organisation_id=user.organisation_id)
    if not has_role(user, Role.APPEAL_AUTHORITY):
        seen &= Q(decision__application__applicant_id=user.pk)
    return (
        _appeals()
        .filter(seen)
        # Open ones (no decision yet) first, oldest first: PostgreSQL puts nulls last unasked.
        .order_by(F("decided_at").asc(nulls_first=True), "lodged_at", "pk")
    )


def open_appeals_for_authority(user):
    if not has_role(user, Role.APPEAL_AUTHORITY):
        return Appeal.objects.none()
    return (
        appeals_for(user)
        .filter(decided_at__isnull=True)
        .exclude(decision__application__applicant_id=user.pk)
    )


def get_appeal_for(user, pk):
    """An appeal the person may read: the worker's own, or any of the council's for its appeal
    authority (404 otherwise)."""
    from django.http import Http404

    appeal = appeals_for(user).filter(pk=pk).first()
    if appeal is None:
        raise Http404
    return appeal


def can_decide_appeal(user, appeal):
    return appeal.decided_at is None and can.is_appeal_authority(user, appeal.decision.application)


def is_appeal_authority_of_council(user):
    return is_staff_member(user) and has_role(user, Role.APPEAL_AUTHORITY)


def appeal_of(decision):
    return _appeals().filter(decision=decision).first()


def can_lodge(user, decision):
    """May this person lodge an appeal against this decision now (the page's offer; the
    service checks again, under lock)?"""
    application = decision.application
    last_day = decision_appeal_last_day(decision)
    return (
        can.is_applicant(user, application)
        and application.state in (S.DEFERRED, S.NOT_PROGRESSED)
        and last_day is not None
        and timezone.localdate() <= last_day
    )


def awaiting_new_hearing(organisation):
    """Applications whose appeal was upheld and that have not been heard again: the coordinator
    books them onto a later session."""
    live = Booking.objects.filter(application=OuterRef("pk"), cancelled_at__isnull=True)
    return Application.objects.filter(organisation=organisation, state=S.NEW_HEARING).exclude(
        Exists(live)
    )


def appeal_attention(user):
    """The appeal authority's home page: open appeals waiting for their decision."""
    from careerpath.selectors import AttentionItem

    count = open_appeals_for_authority(user).count()
    if not count:
        return []
    return [
        AttentionItem(
            label=f"{count} appeal{'s' if count != 1 else ''} waiting for your decision",
            url=reverse("panels:appeal-list"),
        )
    ]


def worker_appeal_attention(user):
    """The worker's home page: a decision they may still appeal against, with its last day
    (decisions record their last day: panels.decisions)."""
    from careerpath.selectors import AttentionItem

    decisions = Decision.objects.filter(
        application__applicant_id=user.pk,
        application__organisation_id=user.organisation_id,
        application__state__in=(S.DEFERRED, S.NOT_PROGRESSED),
        appeal__isnull=True,
        appeal_due_on__gte=timezone.localdate(),
    ).select_related("application__route")
    return [
        AttentionItem(
            label=f"You may appeal against the decision on {decision.application.route.title}",
            url=reverse("panels:decision-appeal", args=[decision.pk]),
            hint=f"The last day to appeal is {long_date(decision.appeal_due_on)}",
        )
        for decision in decisions
    ]


def new_hearing_attention(user):
    """The coordinator's home page: applications whose appeal was upheld, to book for a new
    hearing."""
    from careerpath.selectors import AttentionItem

    if not has_role(user, Role.PROGRESSION_COORDINATOR):
        return []
    waiting = awaiting_new_hearing(user.organisation).select_related("applicant", "route")
    return [
        AttentionItem(
            label=f"Book a new hearing for {application.applicant.get_full_name()}",
            url=reverse("panels:coordinator-book", args=[application.pk]),
            hint=f"Their appeal on {application.route.title} was upheld",
        )
        for application in waiting
        if application.applicant_id != user.pk
    ]


# --- Writing ----------------------------------------------------------------------------------


def _appeal_authority_people(application):
    return role_holders(
        application.organisation_id, Role.APPEAL_AUTHORITY, excluding=application.applicant_id
    )


def _coordinators(application):
    return role_holders(
        application.organisation_id,
        Role.PROGRESSION_COORDINATOR,
        excluding=application.applicant_id,
    )


def appeal_lodge(*, decision, actor, grounds, today=None):
    """The worker lodges an appeal in writing, within the route's window, saying where the panel
    did not follow procedure. A late appeal is refused with the day it was due; nothing is saved.
    Tells the council's appeal authority (e-mails after the commit)."""
    today = today or timezone.localdate()
    grounds = (grounds or "").strip()
    if not grounds:
        raise AppealError(
            "Say where the panel did not follow procedure: an appeal needs its grounds",
            field="grounds",
        )
    with transaction.atomic():
        locked = Decision.objects.select_for_update(of=("self",)).get(pk=decision.pk)
        application = Application.objects.select_related("route", "applicant").get(
            pk=locked.application_id
        )
        locked.application = application
        if not can.is_applicant(actor, application):
            raise AppealError("Only the worker whose application was decided may appeal")
        if Appeal.objects.filter(decision=locked).exists():
            raise AppealError("An appeal against this decision has already been lodged")
        latest = latest_decision(application)
        if latest is None or latest.pk != locked.pk:
            raise AppealError("Only the latest decision on an application can be appealed")
        try:
            transition_apply(
                application=application,
                name="lodge_appeal",
                actor=actor,
                guard_context={"decision": locked, "today": today},
                details={"decision": locked.pk},
            )
        except ApplicationError as error:
            raise AppealError(str(error)) from error
        appeal = Appeal.objects.create(decision=locked, lodged_by=actor, grounds=grounds)
        audit_record(
            actor=actor,
            action="appeal.lodge",
            target=appeal,
            organisation=application.organisation,
            details={"decision": locked.pk, "last_day": str(decision_appeal_last_day(locked))},
        )
        name = actor.get_full_name() or str(actor)
        for person in _appeal_authority_people(application):
            notification_send(
                recipient=person,
                subject=f"{name} has appealed against a panel's decision",
                body=(
                    f"{name} has appealed against the decision on their application for "
                    f"{application.route.title}. The decision on the appeal is yours, and final."
                ),
                url=reverse("panels:appeal-detail", args=[appeal.pk]),
            )
    decision.application = application
    return appeal


def appeal_decide(*, appeal, actor, upheld, reasons):
    """The appeal authority's decision, with reasons; final. Upheld: the application returns for
    a new hearing at a later session, and the worker and the coordinators are told."""
    reasons = (reasons or "").strip()
    if upheld not in (True, False):
        raise AppealError("Say whether the appeal is upheld or dismissed", field="upheld")
    if not reasons:
        raise AppealError("Give the reasons for the decision on the appeal", field="reasons")
    with transaction.atomic():
        locked = Appeal.objects.select_for_update(of=("self",)).get(pk=appeal.pk)
        decision = Decision.objects.select_related("application__route").get(pk=locked.decision_id)
        application = decision.application
        if locked.decided_at is not None:
            raise AppealError("The appeal has already been decided: that decision is final")
        if not can.is_appeal_authority(actor, application):
            raise AppealError("Only the council's appeal authority may decide an appeal")
        try:
            transition_apply(
                application=application,
                name="uphold_appeal" if upheld else "dismiss_appeal",
                actor=actor,
                details={"appeal": locked.pk, "upheld": upheld},
            )
        except ApplicationError as error:
            raise AppealError(str(error)) from error
        if upheld:
            _hearing_set_aside(application, actor)
        locked.decided_by, locked.decided_at = actor, timezone.now()
        locked.upheld, locked.reasons = upheld, reasons
        locked.save(update_fields=["decided_by", "decided_at", "upheld", "reasons"])
        audit_record(
            actor=actor,
            action="appeal.decide",
            target=locked,
            organisation=application.organisation,
            details={"upheld": upheld},
        )
        _tell_decided(locked, application)
        from panels.letters import letter_queue

        letter_queue(decision, "appeal_upheld" if upheld else "appeal_dismissed")
    appeal.decided_by, appeal.decided_at = locked.decided_by, locked.decided_at
    appeal.upheld, appeal.reasons = locked.upheld, locked.reasons
    return locked


def _hearing_set_aside(application, actor):
    """The place on the session whose hearing the appeal set aside no longer stands, so the
    coordinator can book the application onto a later session (one live booking each)."""
    Booking.objects.filter(application=application, cancelled_at__isnull=True).update(
        cancelled_at=timezone.now(), cancelled_by=actor
    )


def _tell_decided(appeal, application):
    title = application.route.title
    url = reverse("panels:appeal-detail", args=[appeal.pk])
    if appeal.upheld:
        notification_send(
            recipient=application.applicant,
            subject=f"Your appeal is upheld: {title}",
            body=(
                f"Your appeal against the panel's decision on your application for {title} is "
                "upheld. Your application will be heard again at a later panel session: the "
                "progression coordinator will tell you when."
            ),
            url=url,
        )
        name = application.applicant.get_full_name() or str(application.applicant)
        for person in _coordinators(application):
            notification_send(
                recipient=person,
                subject=f"{name}'s appeal is upheld: book a new hearing",
                body=(
                    f"The appeal of {name} against the panel's decision on their application "
                    f"for {title} is upheld. Book the application onto a later panel session "
                    "for a new hearing."
                ),
                url=reverse("panels:coordinator-book", args=[application.pk]),
            )
    else:
        notification_send(
            recipient=application.applicant,
            subject=f"Your appeal is dismissed: {title}",
            body=(
                f"Your appeal against the panel's decision on your application for {title} is "
                "dismissed. The decision is final."
            ),
            url=url,
        )
