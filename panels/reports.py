"""The reports for progression coordinators and HR: applications by stage, median working days in
each stage, progression rate by route and by team, panel utilisation, and service levels met.

Each report is for one organisation over a period (by default the last 12 months) and costs a
fixed number of queries, whatever the number of applications: counts are made in the database;
medians and working days, which the database cannot count, in Python over plain values.

A report is a Report: the same figures as a table (headers and rows of text, which the page
shows and the CSV download writes) and as bars for the chart (panels.charts)."""

import datetime
import statistics
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, Max, Min, Q
from django.urls import reverse
from django.utils import timezone

from careerpath.models import AuditEvent, Role
from careerpath.permissions import has_role, is_staff_member
from careerpath.selectors import AttentionItem
from careerpath.working_days import working_days_between
from panels.models import Decision, Letter, Outcome, PanelSession, SessionStatus
from panels.outcomes_due import outcome_due_on
from portfolios.applications.steps import UNDER_REVIEW, service_level_days
from portfolios.models import CLOSED_STATES, Application, ApplicationState

# The review steps a service level applies to: the transition that ends each one.
REVIEW_STEP_ACTIONS = {
    "application.review": "Manager's report",
    "application.endorse": "Endorsement",
    "application.confirm_eligibility": "Eligibility check",
}

NO_TEAM = "No team recorded"


def may_read_reports(user):
    """Progression coordinators and HR read their own organisation's reports."""
    return is_staff_member(user) and has_role(user, Role.PROGRESSION_COORDINATOR, Role.HR)


# --- The period ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """From `start` to `end`, both days included."""

    start: datetime.date
    end: datetime.date

    @classmethod
    def last_12_months(cls, today=None):
        today = today or timezone.localdate()
        try:
            start = today.replace(year=today.year - 1)
        except ValueError:  # 29 February
            start = today.replace(year=today.year - 1, day=28)
        return cls(start + datetime.timedelta(days=1), today)

    @property
    def since(self):
        return timezone.make_aware(datetime.datetime.combine(self.start, datetime.time()))

    @property
    def until(self):
        """The first moment after the period."""
        day_after = self.end + datetime.timedelta(days=1)
        return timezone.make_aware(datetime.datetime.combine(day_after, datetime.time()))


# --- What a report is ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the value as the table shows it ("67%", "4")


@dataclass(frozen=True)
class Report:
    slug: str
    title: str
    description: str
    headers: tuple
    rows: list  # lists of text, one per table row, as the CSV writes them
    bars: list = field(default_factory=list)
    axis_label: str = ""  # what the bars measure
    category_label: str = ""  # what each bar is
    percentages: bool = False  # bars out of 100


def percent(part, whole):
    """A whole percentage, rounded half up ("2 of 3": 67%); None when there is nothing to count."""
    if not whole:
        return None
    return int(100 * part / whole + 0.5)


def percent_text(value):
    return "No figures" if value is None else f"{value}%"


def _days_text(value):
    if value is None:
        return "No figures"
    days = f"{value:g}"
    return f"{days} working day" if value == 1 else f"{days} working days"


# --- Applications by stage ----------------------------------------------------------------------


def applications_by_stage(*, organisation, period):
    """Each state with the applications in it now: those started by the period's end that are
    still open, or that reached their state within the period. One query."""
    counts = dict(
        Application.objects.filter(organisation=organisation, created_at__lt=period.until)
        .filter(
            ~Q(state__in=CLOSED_STATES) | Q(state_changed_at__gte=period.since),
        )
        .values_list("state")
        .annotate(count=Count("pk"))
        .values_list("state", "count")
    )
    rows, bars = [], []
    for state in ApplicationState:
        count = counts.get(state.value, 0)
        rows.append([state.label, str(count)])
        bars.append(Bar(state.label, count, str(count)))
    return Report(
        slug="stages",
        title="Applications by stage",
        description=(
            "How many applications are in each stage now: every open application, and those "
            "that reached their outcome or were withdrawn within the period."
        ),
        headers=("Stage", "Applications"),
        rows=rows,
        bars=bars,
        axis_label="Applications",
        category_label="Stage",
    )


# --- Time in each stage, from the audit trail ---------------------------------------------------


@dataclass(frozen=True)
class Stay:
    """One application's time in one state: from the step that brought it there to the step that
    moved it on."""

    application_id: int
    state: str
    entered_at: datetime.datetime
    left_at: datetime.datetime
    left_by: str  # the audit action that moved it on

    @property
    def working_days(self):
        return working_days_between(
            timezone.localdate(self.entered_at), timezone.localdate(self.left_at)
        )


def stays(*, organisation, period):
    """Every stay that ended within the period, read from the audit trail of the organisation's
    applications: "application.start" enters drafting, and each transition (details "from" and
    "to") leaves one state and enters the next. One query (the content type is cached)."""
    events = (
        AuditEvent.objects.filter(
            organisation=organisation,
            target_type=ContentType.objects.get_for_model(Application),
            action__startswith="application.",
            created_at__lt=period.until,
        )
        .order_by()
        .values_list("target_id", "action", "details", "created_at", "pk")
    )
    states = set(ApplicationState.values)
    entered = {}  # application id -> (state, since)
    found = []
    for target_id, action, details, at, _pk in sorted(events, key=lambda e: (e[3], e[4])):
        application_id = int(target_id)
        if action == "application.start":
            entered[application_id] = (ApplicationState.DRAFTING.value, at)
            continue
        details = details or {}
        source, target = details.get("from"), details.get("to")
        if source not in states or target not in states:
            continue  # not a change of state (a reassignment names a person)
        state, since = entered.get(application_id, (None, None))
        if state == source and at >= period.since:
            found.append(Stay(application_id, source, since, at, action))
        entered[application_id] = (target, at)
    return found


def days_in_stage(*, organisation, period):
    """The median working days applications spent in each stage they left within the period.
    One query."""
    by_state = {}
    for stay in stays(organisation=organisation, period=period):
        by_state.setdefault(stay.state, []).append(stay.working_days)
    rows, bars = [], []
    for state in ApplicationState:
        days = by_state.get(state.value)
        if not days:
            continue
        median = statistics.median(days)
        rows.append([state.label, str(len(days)), _days_text(median)])
        bars.append(Bar(state.label, median, _days_text(median)))
    return Report(
        slug="days-in-stage",
        title="Median working days in each stage",
        description=(
            "For each stage, how many applications left it within the period and the median "
            "number of working days they spent in it (England and Wales bank holidays excluded), "
            "read from each application's history."
        ),
        headers=("Stage", "Applications that left it", "Median time in it"),
        rows=rows,
        bars=bars,
        axis_label="Median working days",
        category_label="Stage",
    )


# --- Progression rate ---------------------------------------------------------------------------


def _decisions(organisation, period):
    return Decision.objects.filter(
        application__organisation=organisation,
        decided_at__gte=period.since,
        decided_at__lt=period.until,
    )


def _progression_report(*, slug, title, category, description, groups):
    """groups: (label, decided, progressed), in order."""
    rows, bars = [], []
    for label, decided, progressed in groups:
        rate = percent(progressed, decided)
        rows.append([label, str(decided), str(progressed), percent_text(rate)])
        bars.append(Bar(label, rate or 0, percent_text(rate)))
    return Report(
        slug=slug,
        title=title,
        description=description,
        headers=(category, "Decided", "Progressed", "Progression rate"),
        rows=rows,
        bars=bars,
        axis_label="Progressed, as a percentage of those decided",
        category_label=category,
        percentages=True,
    )


_COUNTS = {
    "decided": Count("pk"),
    "progressed": Count("pk", filter=Q(outcome=Outcome.PROGRESSED)),
}


def progression_by_route(*, organisation, period):
    """Of the decisions made within the period on each route (every version of it, by its code),
    how many progressed. One query."""
    groups = (
        _decisions(organisation, period)
        .values("application__route__code")
        .annotate(title=Max("application__route__title"), **_COUNTS)
        .order_by("application__route__code")
    )
    return _progression_report(
        slug="progression-by-route",
        title="Progression rate by route",
        category="Route",
        description=(
            "Of the panel and line manager decisions made within the period on each route, the "
            "share that progressed the member of staff (each hearing counts once; a new hearing "
            "after an appeal is a decision of its own)."
        ),
        groups=[
            (
                f"{group['title']} ({group['application__route__code']})",
                group["decided"],
                group["progressed"],
            )
            for group in groups
        ],  # fmt: skip
    )


def progression_by_team(*, organisation, period):
    """As progression_by_route, by the applicant's team (as recorded now). One query."""
    groups = (
        _decisions(organisation, period)
        .values("application__applicant__team__name")
        .annotate(**_COUNTS)
        .order_by("application__applicant__team__name")
    )
    return _progression_report(
        slug="progression-by-team",
        title="Progression rate by team",
        category="Team",
        description=(
            "Of the decisions made within the period, the share that progressed the member of "
            "staff, by the team they are in now."
        ),
        groups=[
            (
                group["application__applicant__team__name"] or NO_TEAM,
                group["decided"],
                group["progressed"],
            )
            for group in groups
        ],  # fmt: skip
    )


# --- Panel utilisation --------------------------------------------------------------------------


def panel_utilisation(*, organisation, period):
    """Each session held or planned within the period: the places booked (live bookings) out of
    its capacity. One query."""
    sessions = (
        PanelSession.objects.filter(
            organisation=organisation,
            starts_at__gte=period.since,
            starts_at__lt=period.until,
        )
        .exclude(status=SessionStatus.CANCELLED)
        .select_related("route")
        .annotate(booked=Count("bookings", filter=Q(bookings__cancelled_at__isnull=True)))
        .order_by("starts_at", "pk")
    )
    rows, bars = [], []
    for session in sessions:
        label = f"{session.route.title}, {timezone.localdate(session.starts_at):%-d %B %Y}"
        rate = percent(session.booked, session.capacity)
        rows.append([label, str(session.booked), str(session.capacity), percent_text(rate)])
        bars.append(Bar(label, rate or 0, percent_text(rate)))
    return Report(
        slug="panel-utilisation",
        title="Panel utilisation",
        description=(
            "Each panel session within the period (cancelled sessions left out): the places "
            "booked out of the places it has."
        ),
        headers=("Session", "Places booked", "Places", "Utilisation"),
        rows=rows,
        bars=bars,
        axis_label="Places booked, as a percentage of the places",
        category_label="Session",
        percentages=True,
    )


# --- Service levels -----------------------------------------------------------------------------


def _letters_met(organisation, period, now):
    """First letters (not re-issues) due within the period and sent or past due: (met, measured).
    One query."""
    counts = Letter.objects.filter(
        decision__application__organisation=organisation,
        version=1,
        due_by__gte=period.since,
        due_by__lt=period.until,
    ).aggregate(
        measured=Count("pk", filter=Q(sent_at__isnull=False) | Q(due_by__lt=now)),
        met=Count("pk", filter=Q(sent_at__isnull=False, sent_at__lte=F("due_by"))),
    )
    return counts["met"], counts["measured"]


def _reviews_met(organisation, period):
    """Review steps (manager's report, endorsement, eligibility check) finished within the period
    within the route's service level of working days: (met, measured). Two queries: the audit
    trail and the applications' routes."""
    finished = [
        stay
        for stay in stays(organisation=organisation, period=period)
        if stay.state in UNDER_REVIEW and stay.left_by in REVIEW_STEP_ACTIONS
    ]
    if not finished:
        return 0, 0
    routes = {
        application.pk: application.route
        for application in Application.objects.filter(
            organisation=organisation, pk__in={stay.application_id for stay in finished}
        ).select_related("route")
    }
    met = sum(
        stay.working_days <= service_level_days(routes[stay.application_id])
        for stay in finished
        if stay.application_id in routes
    )
    return met, len(finished)


def _outcomes_met(organisation, period):
    """Decisions made within the period on routes that give the outcome within a number of
    working days (Dudley's entry routes: 3): given in time when the first letter was sent (or,
    with no letter sent, the decision recorded) by the due day. One query."""
    decisions = (
        _decisions(organisation, period)
        .filter(session__isnull=False)
        .select_related("session__route")
        .annotate(first_sent=Min("letters__sent_at", filter=Q(letters__version=1)))
    )
    met = measured = 0
    for decision in decisions:
        due_on = outcome_due_on(decision.session, decision.session.route)
        if due_on is None:
            continue
        given = decision.first_sent or decision.decided_at
        measured += 1
        met += timezone.localdate(given) <= due_on
    return met, measured


def service_levels(*, organisation, period, now=None):
    """Three service levels and how often each was met within the period. Four queries."""
    now = now or timezone.now()
    measures = [
        ("Outcome letters sent by their due time", *_letters_met(organisation, period, now)),
        ("Review steps within the route's service level", *_reviews_met(organisation, period)),
        (
            "Panel outcomes given within the route's working days",
            *_outcomes_met(organisation, period),
        ),
    ]
    rows, bars = [], []
    for label, met, measured in measures:
        rate = percent(met, measured)
        rows.append([label, str(met), str(measured), percent_text(rate)])
        bars.append(Bar(label, rate or 0, percent_text(rate)))
    return Report(
        slug="service-levels",
        title="Service levels met",
        description=(
            "Outcome letters sent by the time the route allows; review steps (manager's report, "
            "endorsement, eligibility check) finished within the route's working days; and, on "
            "routes that promise the outcome within a number of working days of the panel, "
            "outcomes given by then. Letters not yet due are not counted."
        ),
        headers=("Service level", "Met", "Measured", "Met, as a percentage"),
        rows=rows,
        bars=bars,
        axis_label="Met, as a percentage of those measured",
        category_label="Service level",
        percentages=True,
    )


# --- The list of reports ------------------------------------------------------------------------

REPORTS = {
    "stages": ("Applications by stage", applications_by_stage),
    "days-in-stage": ("Median working days in each stage", days_in_stage),
    "progression-by-route": ("Progression rate by route", progression_by_route),
    "progression-by-team": ("Progression rate by team", progression_by_team),
    "panel-utilisation": ("Panel utilisation", panel_utilisation),
    "service-levels": ("Service levels met", service_levels),
}


def report_for(slug, *, organisation, period):
    """The report called `slug`, or None when there is none."""
    entry = REPORTS.get(slug)
    if entry is None:
        return None
    return entry[1](organisation=organisation, period=period)


def reports_attention(user):
    """Home page item for coordinators and HR: the way to the reports (no query)."""
    return [
        AttentionItem(
            label="Reports: applications by stage, progression rates, panels and service levels",
            url=reverse("panels:reports"),
        )
    ]
