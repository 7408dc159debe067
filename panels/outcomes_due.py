"""When a panel's outcome is due, and whether it was given in time.

Dudley's apprenticeship and return-to-social-work panels: "The member of staff will be notified
of the outcome of Panel within 3 working days" (the route's panel.letter_within_working_days).
The due day is the panel day plus that many working days, counted with England and Wales bank
holidays (careerpath.working_days); a route that sets no such number has no due day.

Whether it was met: the decision recorded on or before the due day (see outcomes_due_for)."""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from careerpath.dates import long_date
from careerpath.selectors import AttentionItem
from careerpath.working_days import add_working_days, working_days_between
from panels.models import Booking, Decision, SessionStatus
from panels.permissions import sessions_managed_by

# How far back the coordinator's list reaches: sessions of the last 60 days, and every one to come.
LOOKBACK_DAYS = 60

ON_TIME, LATE, DUE, DUE_TODAY, OVERDUE = "on_time", "late", "due", "due_today", "overdue"


def letter_working_days(route):
    """The working days the route gives for the outcome to reach the worker, or None."""
    value = (getattr(route, "panel", None) or {}).get("letter_within_working_days")
    try:
        days = int(value)
    except (TypeError, ValueError):
        return None
    return days if days > 0 else None


def outcome_due_on(session_or_date, route):
    """The day the outcome of a panel on `session_or_date` (a PanelSession or its local date) is
    due on this route: the panel day plus the route's working days. None when the route sets
    none."""
    days = letter_working_days(route)
    if days is None:
        return None
    if isinstance(session_or_date, datetime.date) and not isinstance(
        session_or_date, datetime.datetime
    ):
        panel_day = session_or_date
    else:
        starts_at = getattr(session_or_date, "starts_at", session_or_date)
        panel_day = timezone.localdate(starts_at)
    return add_working_days(panel_day, days)


@dataclass(frozen=True)
class OutcomeStatus:
    status: str  # ON_TIME, LATE, DUE, DUE_TODAY or OVERDUE
    label: str

    @property
    def needs_attention(self):
        return self.status in (DUE_TODAY, OVERDUE)


def outcome_status(*, due_on, decided_on, today, how="Decided on"):
    """Met or not, from the day the worker was told (`decided_on`: the outcome letter's, or
    the decision's where it has no letter; None: not yet); else how long is left."""
    if decided_on is not None:
        if decided_on <= due_on:
            return OutcomeStatus(ON_TIME, f"{how} {long_date(decided_on)}: on time")
        return OutcomeStatus(LATE, f"{how} {long_date(decided_on)}: late")
    if today > due_on:
        return OutcomeStatus(OVERDUE, "Overdue")
    left = working_days_between(today, due_on)
    if left == 0:
        return OutcomeStatus(DUE_TODAY, "Due today")
    return OutcomeStatus(DUE, f"Due in {left} working day{'s' if left != 1 else ''}")


@dataclass(frozen=True)
class OutcomeDue:
    booking: Booking
    panel_on: datetime.date
    due_on: datetime.date
    decision: Decision | None
    status: OutcomeStatus

    @property
    def application(self):
        return self.booking.application

    @property
    def route(self):
        return self.booking.session.route


def _decision_of(booking):
    """The decision recorded at this booking's session (prefetched, newest hearing first)."""
    for decision in booking.application.decisions.all():
        if decision.session_id in (booking.session_id, None):
            return decision
    return None


def _told_on(decision):
    """(the day the worker was told, how): by the first letter once sent; None while it waits."""
    if decision is None:
        return None, ""
    letters = [letter for letter in decision.letters.all() if letter.version == 1]
    if not letters:
        return timezone.localdate(decision.decided_at), "Decided on"
    sent = [letter.sent_at for letter in letters if letter.sent_at]
    return (timezone.localdate(min(sent)), "Letter sent on") if sent else (None, "")


def outcomes_due_for(*, user, today=None):
    """For the coordinator's council: each live booking on a session of the last 60 days or to
    come, on a route that sets a working-day service level, with its due day and status;
    soonest due first. Queries: the bookings with their sessions, routes, applications and
    applicants (1), their decisions (1) and their letters (1)."""
    today = today or timezone.localdate()
    since = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=LOOKBACK_DAYS), datetime.time())
    )
    bookings = (
        Booking.objects.filter(
            session__in=sessions_managed_by(user),
            cancelled_at__isnull=True,
            session__starts_at__gte=since,
        )
        .exclude(session__status=SessionStatus.CANCELLED)
        .select_related("session__route", "application__applicant")
        .prefetch_related(
            Prefetch("application__decisions", queryset=Decision.objects.order_by("-hearing")),
            "application__decisions__letters",
        )
        .order_by("session__starts_at", "pk")
    )
    rows = []
    for booking in bookings:
        route = booking.session.route
        due_on = outcome_due_on(booking.session, route)
        if due_on is None:
            continue
        decision = _decision_of(booking)
        # The service level is the worker being told, not the panel deciding: the first outcome
        # letter's sent date; a decision recorded before letters existed has none, and its
        # own date stands in.
        decided_on, how = _told_on(decision)
        rows.append(
            OutcomeDue(
                booking=booking,
                panel_on=timezone.localdate(booking.session.starts_at),
                due_on=due_on,
                decision=decision,
                status=outcome_status(
                    due_on=due_on, decided_on=decided_on, today=today, how=how
                ),  # fmt: skip
            )
        )
    return sorted(rows, key=lambda row: (row.due_on, row.booking.pk))


def outcomes_due_attention(user):
    """Home page item for the coordinator: outcomes due today or overdue, one line for all."""
    urgent = [row for row in outcomes_due_for(user=user) if row.status.needs_attention]
    if not urgent:
        return []
    overdue = sum(row.status.status == OVERDUE for row in urgent)
    due_today = len(urgent) - overdue
    parts = [
        f"{overdue} overdue" if overdue else "",
        f"{due_today} due today" if due_today else "",
    ]
    return [
        AttentionItem(
            label=f"Panel outcomes to give: {' and '.join(part for part in parts if part)}",
            url=reverse("panels:outcomes-due"),
        )
    ]
