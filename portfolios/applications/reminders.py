"""Reminders about reviews that wait too long, run by beat (portfolios.tasks.review_reminders_send).

A review step that has waited more working days than its route's service level reminds whoever
holds it (and anyone covering for them today); each further service level it waits reminds them
again and, from the second on, tells the council's progression coordinators too.

Each reminder is claimed before it is sent: a ReviewReminder row per application, time it
reached its state, kind and period, under a unique constraint. A run that finds the row there
(a repeated run, or one running at the same time) sends nothing; the notifications are written
in the claim's transaction, so their e-mails go only once it commits.
"""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from careerpath.models import Role
from careerpath.selectors import role_holders
from careerpath.services import notification_send
from careerpath.working_days import working_days_between
from portfolios.applications.reviews import STEP_NAMES, holders_to_tell, review_url
from portfolios.applications.steps import UNDER_REVIEW, current_holder, service_level_days
from portfolios.models import Application, ReviewReminder

Kind = ReviewReminder.Kind


def overdue_period(waited, service_level):
    """Which service-level period overdue a step is in: 0 within the service level, 1 from the
    first working day past it, 2 from the first day past twice the level, and so on."""
    if waited <= service_level:
        return 0
    return (waited - 1) // service_level


def reminders_send(*, now=None):
    """Send the reminders and escalations due now. Returns how many notifications were sent;
    running it again (or twice at once) sends none of them again."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    coordinators = {}  # organisation id -> the people to escalate to, read once per council
    sent = 0
    candidates = (
        Application.objects.filter(state__in=UNDER_REVIEW)
        .select_related("applicant", "route__framework", "organisation")
        .order_by("state_changed_at", "pk")
    )
    # What earlier runs sent about the current wait of each application, in one query: an
    # hourly run that finds everything due already sent reads nothing more.
    claimed = set(
        ReviewReminder.objects.filter(
            application__state__in=UNDER_REVIEW,
            waiting_since=F("application__state_changed_at"),
        ).values_list("application_id", "kind", "period")
    )
    for application in candidates:
        holder = current_holder(application)
        if holder is None or holder.at_panel:
            continue  # the panel's decision waits for its session, not for a person
        level = service_level_days(application.route)
        waited = working_days_between(timezone.localdate(application.state_changed_at), today)
        period = overdue_period(waited, level)
        if period == 0:
            continue
        kinds = (Kind.REMINDER, Kind.ESCALATION) if period >= 2 else (Kind.REMINDER,)
        if all((application.pk, kind, period) in claimed for kind in kinds):
            continue
        holders = holders_to_tell(application)
        if application.organisation_id not in coordinators:
            coordinators[application.organisation_id] = _coordinators_of(application)
        sent += _remind(
            application,
            holder,
            period=period,
            waited=waited,
            holders=holders,
            # Not the applicant, nor a coordinator who holds the step (the eligibility check)
            # and is reminded already.
            coordinators=[
                person
                for person in coordinators[application.organisation_id]
                if person.pk != application.applicant_id and person not in holders
            ],
        )
    return sent


def _coordinators_of(application):
    return role_holders(application.organisation_id, Role.PROGRESSION_COORDINATOR)


def _remind(application, holder, *, period, waited, holders, coordinators):
    name = application.applicant.get_full_name() or str(application.applicant)
    task = STEP_NAMES[holder.step]
    days = f"{waited} working day{'' if waited == 1 else 's'}"
    title = application.route.title
    due = []
    if holders:
        due.append(
            (
                Kind.REMINDER,
                holders,
                f"Reminder: {name}'s application has waited {days} for you to {task}",
                f"{name}'s application for {title} has waited {days} for you to {task}, "
                f"longer than the {service_level_days(application.route)} working days the "
                "route allows. Please take it, or tell the progression coordinator why not.",
            )
        )
    # The coordinators hear from the second period on, or at once when nobody can be reminded
    # (no such manager on record): they are the ones who can reassign it.
    if coordinators and (period >= 2 or not holders):
        who = ", ".join(person.get_full_name() or str(person) for person in holders) or "nobody"
        due.append(
            (
                Kind.ESCALATION,
                coordinators,
                f"{name}'s application has waited {days} to {task}",
                f"{name}'s application for {title} has waited {days} for their "
                f"{holder.role_label} to {task} (held by {who}). You can reassign the review.",
            )
        )
    sent = 0
    with transaction.atomic():
        # Lock the application so a transition cannot move it while it is reminded about, and
        # skip it if it has moved since it was read.
        still_waiting = (
            Application.objects.select_for_update(of=("self",))
            .filter(
                pk=application.pk,
                state=application.state,
                state_changed_at=application.state_changed_at,
            )
            .values_list("pk", flat=True)
            .first()
        )
        if still_waiting is None:
            return 0
        for kind, recipients, subject, body in due:
            if not _claim(application, kind=kind, period=period, recipient=recipients[0]):
                continue
            for person in recipients:
                notification_send(
                    recipient=person, subject=subject, body=body, url=review_url(application)
                )
                sent += 1
    return sent


def _claim(application, *, kind, period, recipient):
    """Record this period's reminder of this kind; False when it was recorded already."""
    try:
        with transaction.atomic():  # a savepoint: a clash undoes only the claim
            ReviewReminder.objects.create(
                application=application,
                state=application.state,
                waiting_since=application.state_changed_at,
                kind=kind,
                period=period,
                recipient=recipient,
            )
    except IntegrityError:
        return False
    return True
