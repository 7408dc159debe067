"""The coordinator's and HR's reports, read on a small hand-made month in Lincolnshire (and one in
Dudley for its entry panels' 3 working days): applications by stage, median working days in each
stage, progression rate by route and team, panel utilisation and service levels met; the chart
drawn as SVG with its text escaped; the table and its CSV download; each council's own figures;
and the same queries for 3 and 30 applications.

The clock travels to March 2029, so the demo's own activity (made today) falls outside the month
the reports are asked for."""

import csv
import datetime
import io
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from careerpath.models import Team
from careerpath.selectors import home_sections_for
from careerpath.services import audit_record
from panels.charts import bar_chart
from panels.models import Booking, Decision, Letter
from panels.reports import (
    REPORTS,
    Bar,
    Period,
    applications_by_stage,
    days_in_stage,
    panel_utilisation,
    progression_by_route,
    progression_by_team,
    service_levels,
)
from portfolios.applications import workflow
from portfolios.applications.workflow import TRANSITIONS, sources_on_route, transition_apply
from portfolios.models import Application
from tests.panels.appeal_factories import guards_hold
from tests.panels.booking_factories import new_worker, session_on
from tests.panels.coordinator_booking_factories import booked_on
from tests.portfolios.application_factories import start
from tests.portfolios.review_factories import route_in

D = datetime.date
MARCH = Period(D(2029, 3, 1), D(2029, 3, 31))
URL = "/panels/reports/"


def on(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _actor(application, name):
    from careerpath.models import User

    predicate = workflow.ACTORS[TRANSITIONS[name].actor]
    people = User.objects.filter(organisation_id=application.organisation_id, is_active=True)
    return next(person for person in people.order_by("pk") if predicate(person, application))


def walk(time_machine, worker, route, *, started, steps, outcome=None):
    """The worker's application started on `started` and taken through each (step, day) on its
    day; with `outcome`, the last day's decision recorded then (the decision made directly)."""
    time_machine.move_to(on(started), tick=False)
    application = start(applicant=worker, route=route)
    for name, day in steps:
        time_machine.move_to(on(day), tick=False)
        if name.startswith("decide_"):
            transition_apply(application=application, name=name, actor=_actor(application, name))
            Decision.objects.create(
                application=application, outcome=outcome, heard_on=day,
                decided_by=_actor(application, name),
            )  # fmt: skip
            continue
        transition = TRANSITIONS[name]
        assert application.state in sources_on_route(transition, route), name
        transition_apply(application=application, name=name, actor=_actor(application, name))
    return application


@pytest.fixture
def lincolnshire_march(demo_people, monkeypatch, time_machine):
    """Lincolnshire's L1-L2 in March 2029 (manager's report, team manager's endorsement, panel):
    Asha progressed and Ben deferred (both in the demo worker's team), Cara progressed (in
    Fostering, after a manager's report that took 13 working days), and Dev still drafting."""
    guards_hold(monkeypatch)
    route = route_in("lincolnshire", "L1-L2")
    like = demo_people["lincolnshire.worker"]
    fostering = Team.objects.create(organisation=like.organisation, name="Fostering")
    people = {
        name: new_worker(like, f"report-{name.lower()}") for name in ("Asha", "Ben", "Cara", "Dev")
    }
    people["Cara"].team = fostering
    people["Cara"].save(update_fields=["team"])

    def through(name, outcome, *days):
        """Started on Monday 5 March; submitted, reported on, endorsed and decided on `days`."""
        steps = zip(("submit", "review", "endorse", f"decide_{outcome}"), days, strict=True)
        return walk(time_machine, people[name], route, started=D(2029, 3, 5), steps=list(steps),
                    outcome=outcome)  # fmt: skip

    march = {day: D(2029, 3, day) for day in range(1, 32)}
    applications = {
        "Asha": through("Asha", "progressed", march[8], march[12], march[13], march[21]),
        "Ben": through("Ben", "deferred", march[12], march[14], march[15], march[21]),
        "Cara": through("Cara", "progressed", march[6], march[23], march[26], march[28]),
        "Dev": walk(time_machine, people["Dev"], route, started=march[5], steps=[]),
    }
    time_machine.move_to(on(D(2029, 3, 30)), tick=False)
    panel = session_on(route, days=-9, capacity=6)  # Wednesday 21 March
    for name in ("Asha", "Ben"):
        Booking.objects.create(application=applications[name], session=panel, booked_by=like)
    return {"route": route, "organisation": like.organisation, "applications": applications,
            "team": like.team.name}  # fmt: skip


def figures(report):
    """The table as {first cell: the other cells}."""
    return {row[0]: row[1:] for row in report.rows}


# --- The figures ------------------------------------------------------------------------------


def test_two_of_three_decided_on_l1_l2_progressed_67_percent(lincolnshire_march):
    route = lincolnshire_march["route"]
    report = progression_by_route(organisation=lincolnshire_march["organisation"], period=MARCH)
    assert figures(report) == {f"{route.title} (L1-L2)": ["3", "2", "67%"]}
    assert [bar.value for bar in report.bars] == [67]


def test_progression_by_team_uses_the_team_the_worker_is_in(lincolnshire_march):
    report = progression_by_team(organisation=lincolnshire_march["organisation"], period=MARCH)
    assert figures(report) == {
        "Fostering": ["1", "1", "100%"],  # Cara
        lincolnshire_march["team"]: ["2", "1", "50%"],  # Asha progressed, Ben deferred
    }


def test_decisions_outside_the_period_are_not_counted(lincolnshire_march):
    february = Period(D(2029, 2, 1), D(2029, 2, 28))
    report = progression_by_route(organisation=lincolnshire_march["organisation"], period=february)
    assert report.rows == []


def test_applications_by_stage_counts_each_in_its_state_now(lincolnshire_march, time_machine):
    organisation = lincolnshire_march["organisation"]
    with_them = figures(applications_by_stage(organisation=organisation, period=MARCH))
    ours = [application.pk for application in lincolnshire_march["applications"].values()]
    Decision.objects.filter(application__in=ours).delete()
    Booking.objects.filter(application__in=ours).delete()
    Application.objects.filter(pk__in=ours).delete()
    without = figures(applications_by_stage(organisation=organisation, period=MARCH))
    rises = {
        stage: int(with_them[stage][0]) - int(without[stage][0])
        for stage in with_them
        if with_them[stage] != without[stage]
    }
    assert rises == {"Drafting": 1, "Progressed": 2, "Deferred": 1}


def test_applications_by_stage_counts_in_the_database(lincolnshire_march):
    with CaptureQueriesContext(connection) as queries:
        applications_by_stage(organisation=lincolnshire_march["organisation"], period=MARCH)
    assert len(queries) == 1
    assert "COUNT" in queries[0]["sql"].upper()


def test_median_working_days_in_each_stage_from_the_audit_trail(lincolnshire_march):
    report = days_in_stage(organisation=lincolnshire_march["organisation"], period=MARCH)
    # Drafting: Asha 3 (5 to 8 March), Ben 5 (5 to 12), Cara 1 (5 to 6): median 3.
    # Submitted, waiting for the manager's report: 2, 2 and 13 working days: median 2.
    # Reviewed, waiting for endorsement: 1 each. Endorsed, waiting for the panel: 6, 4 and 2.
    assert figures(report) == {
        "Drafting": ["3", "3 working days"],
        "Submitted for review": ["3", "2 working days"],
        "Reviewed by the manager": ["3", "1 working day"],
        "Endorsed by the team manager": ["3", "4 working days"],
    }


def test_review_steps_within_the_routes_ten_working_days(lincolnshire_march):
    # Six review steps (a report and an endorsement each); Cara's report took 13 working days.
    report = service_levels(organisation=lincolnshire_march["organisation"], period=MARCH)
    assert figures(report)["Review steps within the route's service level"] == ["5", "6", "83%"]


def test_letters_sent_by_their_due_time_and_late_ones_unsent(lincolnshire_march):
    by_name = {
        decision.application.applicant.username: decision
        for decision in Decision.objects.filter(
            application__in=lincolnshire_march["applications"].values()
        ).select_related("application__applicant")
    }
    letter = Letter.objects.create
    letter(
        decision=by_name["report-asha"],
        kind="progressed",
        due_by=on(D(2029, 3, 22), 16),
        sent_at=on(D(2029, 3, 21), 17),
    )  # sent the day after the panel: on time
    letter(
        decision=by_name["report-asha"],
        kind="progressed",
        version=2,
        reissue_reason="Typo",
        due_by=on(D(2029, 3, 22), 16),
        sent_at=on(D(2029, 3, 27)),
    )  # a re-issue: not counted
    letter(
        decision=by_name["report-ben"],
        kind="deferred",
        due_by=on(D(2029, 3, 22), 16),
        sent_at=on(D(2029, 3, 23)),
    )  # late
    letter(decision=by_name["report-cara"], kind="progressed", due_by=on(D(2029, 3, 29), 16))
    organisation = lincolnshire_march["organisation"]
    before_due = service_levels(organisation=organisation, period=MARCH, now=on(D(2029, 3, 29), 9))
    after_due = service_levels(organisation=organisation, period=MARCH, now=on(D(2029, 3, 30)))
    label = "Outcome letters sent by their due time"
    assert figures(before_due)[label] == ["1", "2", "50%"]  # Cara's is not due yet
    assert figures(after_due)[label] == ["1", "3", "33%"]  # Cara's is due and not sent


@pytest.fixture
def dudley_entry_panel(demo_people, time_machine):
    """Dudley's apprenticeship panel on Monday 12 March 2029: the outcome is due within 3 working
    days, by Thursday 15 March."""
    time_machine.move_to(on(D(2029, 3, 5)), tick=False)
    route = route_in("dudley", "ENTRY-SWA")
    session = session_on(route, days=7, capacity=4)
    coordinator = demo_people["dudley.coordinator"]
    bookings = booked_on(session, count=4, booked_by=coordinator)
    time_machine.move_to(on(D(2029, 3, 30)), tick=False)
    return {"session": session, "bookings": bookings, "coordinator": coordinator}


def _decide(booking, *, day, by):
    decision = Decision.objects.create(
        application=booking.application, session=booking.session, outcome="progressed",
        decided_by=by, heard_on=timezone.localdate(booking.session.starts_at),
    )  # fmt: skip
    Decision.objects.filter(pk=decision.pk).update(decided_at=on(day, 16))
    return decision


def test_outcomes_within_three_working_days_read_the_letter_once_sent(dudley_entry_panel):
    first, second, third, _ = dudley_entry_panel["bookings"]
    by = dudley_entry_panel["coordinator"]
    _decide(first, day=D(2029, 3, 14), by=by)  # on time, no letter yet
    _decide(second, day=D(2029, 3, 16), by=by)  # decided late
    told_late = _decide(third, day=D(2029, 3, 13), by=by)  # decided in time, letter sent late
    Letter.objects.create(
        decision=told_late, kind="progressed", due_by=on(D(2029, 3, 15), 17),
        sent_at=on(D(2029, 3, 19)),
    )  # fmt: skip
    report = service_levels(organisation=by.organisation, period=MARCH)
    label = "Panel outcomes given within the route's working days"
    assert figures(report)[label] == ["1", "3", "33%"]


def test_panel_utilisation_counts_live_bookings_against_the_places(dudley_entry_panel):
    session = dudley_entry_panel["session"]
    Booking.objects.filter(pk=dudley_entry_panel["bookings"][0].pk).update(
        cancelled_at=on(D(2029, 3, 7))
    )
    report = panel_utilisation(organisation=session.organisation, period=MARCH)
    assert figures(report) == {f"{session.route.title}, 12 March 2029": ["3", "4", "75%"]}


# --- The chart ----------------------------------------------------------------------------------


def test_chart_escapes_every_label_and_names_itself():
    svg = bar_chart(
        chart_id="chart-test", title="Teams <b>", description="Rates & more",
        bars=[Bar("<script>alert(1)</script>", 50, "50%")], axis_label="Rate <%>",
        category_label="Team", percentages=True,
    )  # fmt: skip
    assert "<script" not in svg and "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert "<b>" not in svg and "Rates &amp; more" in svg
    assert '<title id="chart-test-title">Teams &lt;b&gt;</title>' in svg
    assert '<desc id="chart-test-desc">' in svg
    assert 'role="img"' in svg and 'aria-labelledby="chart-test-title chart-test-desc"' in svg
    assert "style" not in svg  # the Content Security Policy allows no inline style
    assert "#1d70b8" in svg  # GOV.UK blue


def test_a_bar_is_as_long_as_its_share_of_the_axis():
    half = bar_chart(chart_id="a", title="t", description="d", bars=[Bar("x", 50, "50%")],
                     axis_label="a", category_label="c", percentages=True)  # fmt: skip
    full = bar_chart(chart_id="a", title="t", description="d", bars=[Bar("x", 100, "100%")],
                     axis_label="a", category_label="c", percentages=True)  # fmt: skip
    width = lambda svg: float(svg.split('<rect x="')[1].split('width="')[1].split('"')[0])  # noqa: E731
    assert width(full) == pytest.approx(2 * width(half))


# --- The pages ----------------------------------------------------------------------------------


class _Table(HTMLParser):
    """The text of each row of the page's table."""

    def __init__(self):
        super().__init__()
        self.rows, self._cell, self._in_table = [], None, False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._in_table = True
        elif self._in_table and tag == "tr":
            self.rows.append([])
        elif self._in_table and tag in ("th", "td"):
            self._cell = ""

    def handle_endtag(self, tag):
        if tag == "table":
            self._in_table = False
        elif self._in_table and tag in ("th", "td") and self._cell is not None:
            self.rows[-1].append(" ".join(self._cell.split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data


def _march(slug):
    return f"{URL}{slug}/?start=2029-03-01&end=2029-03-31"


@pytest.mark.parametrize("slug", list(REPORTS))
def test_the_csv_download_has_the_tables_figures(client, lincolnshire_march, demo_people, slug):
    client.force_login(demo_people["lincolnshire.coordinator"])
    page = client.get(_march(slug))
    assert page.status_code == 200
    table = _Table()
    table.feed(page.content.decode())
    download = client.get(_march(slug) + "&format=csv")
    assert download["Content-Type"].startswith("text/csv")
    assert "attachment" in download["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(download.content.decode())))
    assert rows == table.rows
    assert len(rows) > 1


def test_the_months_panel_is_a_third_full(lincolnshire_march):
    report = panel_utilisation(organisation=lincolnshire_march["organisation"], period=MARCH)
    route = lincolnshire_march["route"]
    assert figures(report) == {f"{route.title}, 21 March 2029": ["2", "6", "33%"]}


def test_the_page_shows_the_chart_with_the_figures(client, lincolnshire_march, demo_people):
    client.force_login(demo_people["lincolnshire.hr"])
    text = client.get(_march("progression-by-route")).content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in text and 'role="img"' in text
    assert ">67%<" in text
    assert "From 1 March 2029 to 31 March 2029" in text


def test_a_team_name_with_markup_is_escaped_on_the_page(client, lincolnshire_march, demo_people):
    Team.objects.filter(name="Fostering").update(name="<script>alert('x')</script>")
    client.force_login(demo_people["lincolnshire.coordinator"])
    text = client.get(_march("progression-by-team")).content.decode()
    assert "<script>alert" not in text
    assert "&lt;script&gt;alert(" in text


def test_each_council_sees_only_its_own_figures(client, lincolnshire_march, demo_people):
    client.force_login(demo_people["dudley.coordinator"])
    text = client.get(_march("progression-by-team")).content.decode()
    assert "Fostering" not in text
    assert "No figures for this period" in text


def test_the_default_period_is_the_last_12_months(client, demo_people):
    client.force_login(demo_people["medway.coordinator"])
    response = client.get(f"{URL}stages/")
    period = response.context["period"]
    today = timezone.localdate()
    assert period.end == today
    assert period == Period.last_12_months(today)
    assert (period.end - period.start).days in (364, 365)


def test_a_period_that_ends_before_it_starts_is_refused_with_a_message(client, demo_people):
    client.force_login(demo_people["medway.hr"])
    response = client.get(f"{URL}stages/?start=2029-03-31&end=2029-03-01")
    assert response.status_code == 200
    assert "The end of the period must be on or after its start" in response.content.decode()
    assert response.context["period"] == Period.last_12_months()


@pytest.mark.parametrize("persona", ["worker", "team_manager", "panel_member"])
def test_people_who_are_neither_coordinator_nor_hr_are_refused(client, personas, persona):
    client.force_login(personas[persona])
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}stages/").status_code == 403


def test_an_unknown_report_does_not_exist(client, personas):
    client.force_login(personas["hr"])
    assert client.get(f"{URL}nothing-here/").status_code == 404


def test_the_coordinators_and_hrs_home_pages_lead_to_the_reports(personas):
    for persona in ("progression_coordinator", "hr"):
        items = [
            item for section in home_sections_for(user=personas[persona]) for item in section.items
        ]
        assert any(item.url == URL for item in items), persona


# --- Query budgets ------------------------------------------------------------------------------


def _month_of(count, *, route, by):
    """`count` applications on the route in March 2029, each with a day of history in the audit
    trail, a decision (every other one progressed), a first letter, and a place on a session
    (made directly: the reports' reads are what is measured)."""
    session = session_on(route, days=7, capacity=count)
    for number, booking in enumerate(booked_on(session, count=count, booked_by=by)):
        application = booking.application
        audit_record(actor=by, action="application.start", target=application)
        audit_record(actor=by, action="application.submit", target=application,
                     details={"from": "drafting", "to": "submitted"})  # fmt: skip
        audit_record(actor=by, action="application.review", target=application,
                     details={"from": "submitted", "to": "reviewed"})  # fmt: skip
        decision = Decision.objects.create(
            application=application, session=session, decided_by=by, heard_on=D(2029, 3, 12),
            outcome="progressed" if number % 2 else "deferred",
        )  # fmt: skip
        Letter.objects.create(
            decision=decision, kind=decision.outcome, due_by=on(D(2029, 3, 13)),
            sent_at=on(D(2029, 3, 12), 17),
        )  # fmt: skip


def _queries(client, slug):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_march(slug)).status_code == 200
    return len(queries)


@pytest.mark.parametrize("slug", list(REPORTS))
def test_each_report_costs_the_same_queries_for_3_and_30_applications(
    client, demo_people, time_machine, slug
):
    time_machine.move_to(on(D(2029, 3, 5)), tick=False)
    coordinator = demo_people["dudley.coordinator"]
    route = route_in("dudley", "ENTRY-SWA")
    client.force_login(coordinator)
    _month_of(3, route=route, by=coordinator)
    _queries(client, slug)  # warm: the session and the content types
    small = _queries(client, slug)
    _month_of(27, route=route, by=coordinator)
    large = _queries(client, slug)
    # The session and the person, their roles, then the report's own reads: one for each report,
    # two for service levels' letters and outcomes, and the audit trail with the applications'
    # routes for its reviews.
    assert small == large


def test_the_index_costs_no_report_queries(client, personas):
    client.force_login(personas["progression_coordinator"])
    client.get(URL)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    assert len(queries) <= 4  # the session, the person, their roles, the header's notifications
