"""Panels and decisions (issue 11), in a real browser with every page audited: Lincolnshire's
coordinator releases the pack, a member reads it, the chair records the hearing (progressed, the
panel date as the effective date and the new level in the worker's level history; or deferred
with targets); appeals on the last valid day and the day after, across the Christmas bank
holidays; Dudley's Principal Social Worker decides on the day with short, medium and long-term
targets; Medway's line manager records their decision.

Applications reach the decision through the services (the review journeys test the pages before
it); the release, the pack, the hearing, the decision pages and the appeal are the browser's."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from careerpath.models import LevelHistory, LevelSource
from panels.models import Decision, PanelSession
from portfolios.applications.workflow import transition_apply
from portfolios.models import Application, ApplicationState
from tests.panels.booking_factories import at
from tests.panels.decision_factories import lincolnshire_hearing
from tests.panels.pack_factories import booked_application

from .conftest import visit
from .test_application_journeys import click, switch_to
from .test_review_journeys import main_text, name_of

pytestmark = pytest.mark.browser

S = ApplicationState
LONDON = ZoneInfo("Europe/London")
REASONS = "Each allocated standard was evidenced and discussed well."


# --- Preparing the data ---------------------------------------------------------------------


def with_password(person):
    """People the factories make have no password: give them the demo one to sign in with."""
    person.set_password(settings.DEMO_PASSWORD)
    person.save(update_fields=["password"])
    return person


def held_today(session):
    """The session sits today at 10am: the panel date is the date decided."""
    starts_at = at(0)
    PanelSession.objects.filter(pk=session.pk).update(
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=3),
        submission_deadline=timezone.localdate(starts_at) - datetime.timedelta(days=14),
    )
    session.refresh_from_db()
    return timezone.localdate(session.starts_at)


def released(session):
    PanelSession.objects.filter(pk=session.pk).update(pack_released_at=timezone.now())
    session.refresh_from_db()


def at_level(worker, code, name, since):
    """The worker's current level in their level history (HR's record)."""
    return LevelHistory.objects.create(
        user=worker,
        level_code=code,
        level_name=name,
        started_on=since,
        source=LevelSource.PERSONNEL_RECORD,
    )


def lincolnshire_ready_to_hear(demo_people, monkeypatch):
    """Lincolnshire's hearing (an endorsed L1-L2 application with KSS 1, 4, 5 and 7 allocated,
    a chair and a member), sitting today; the applicant at Level 1 for two years."""
    data = lincolnshire_hearing(demo_people, monkeypatch)
    data["panel_date"] = held_today(data["session"])
    applicant = with_password(data["application"].applicant)
    with_password(data["member"])
    at_level(applicant, "L1", "Level 1", data["panel_date"] - datetime.timedelta(days=730))
    return data


def endorsed_on(session, people):
    """Another applicant on Lincolnshire's session, endorsed, KSS 1, 4, 5 and 7 allocated."""
    application = booked_application(
        session, booked_by=people["lincolnshire.coordinator"],
        practice_supervisor=people["lincolnshire.practice-supervisor"],
        line_manager=people["lincolnshire.team-manager"],
        team_manager=people["lincolnshire.team-manager"],
    )  # fmt: skip
    Application.objects.filter(pk=application.pk).update(allocated_standards=[1, 4, 5, 7])
    application.refresh_from_db()
    transition_apply(application=application, name="review",
                     actor=people["lincolnshire.practice-supervisor"])  # fmt: skip
    transition_apply(application=application, name="endorse",
                     actor=people["lincolnshire.team-manager"])  # fmt: skip
    return application


def on_day(day, hour=10, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=LONDON)


def date_text(day):
    return f"{day.day} {day:%B %Y}"


# --- On the pages ----------------------------------------------------------------------------


def fill_date(group, day):
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def open_hearing(page, session, applicant):
    """The chair opens the pack and follows "Record the decision" on the applicant's row."""
    visit(page, reverse("panels:pack", args=[session.pk]))
    row = page.locator("main table tbody tr", has_text=name_of(applicant))
    click(page, row.get_by_role("link", name="Record the decision"))
    assert "Record the panel's decision" in page.locator("h1").inner_text()


def judge_all(page, verdict="Met", **exceptions):
    """Judge every standard or criterion offered `verdict`; `exceptions` by the group's number
    (e.g. KSS_4=("Not yet met", "note"))."""
    groups = page.get_by_role("group", name=re.compile(r"^(KSS \d+:|\d+\. )"))
    assert groups.count(), "No standard or criterion to judge"
    for group in groups.all():
        legend = group.locator("legend").first.inner_text()
        key = legend.split(":")[0].replace(" ", "_")
        choice, note = exceptions.get(key, (verdict, ""))
        group.get_by_label(choice, exact=True).check()
        if note:
            number = legend.split(":")[0].split(" ")[1]
            page.get_by_label(f"Note on KSS {number} (optional)").fill(note)


def fill_targets(page, targets):
    for row, (term, text, due_on) in enumerate(targets, start=1):
        box = page.get_by_role("group", name=f"Target {row}", exact=True)
        box.get_by_label("Term").select_option(label=term)
        box.get_by_label("Target", exact=True).fill(text)
        fill_date(box.get_by_role("group", name="To be met by"), due_on)


def record(page, outcome, reasons=REASONS):
    page.get_by_role("group", name="Outcome").get_by_label(outcome, exact=True).check()
    page.get_by_label("Reasons").fill(reasons)
    click(page, page.get_by_role("button", name="Record the decision"))


def decision_shown(page, application):
    """The worker's application page, its decision section as text."""
    visit(page, reverse("portfolios:application-detail", args=[application.pk]))
    return " ".join(page.locator("main").inner_text().split())


# --- 1. Lincolnshire: released, read, heard, progressed -------------------------------------


def test_lincolnshire_pack_released_read_and_heard_progresses_from_the_panel_date(
    page, demo_people, monkeypatch
):
    data = lincolnshire_ready_to_hear(demo_people, monkeypatch)
    session, application = data["session"], data["application"]
    chair, member, applicant = data["chair"], data["member"], application.applicant
    panel_date = data["panel_date"]

    # The coordinator releases the pack on the page of who sits on the panel.
    switch_to(page, "lincolnshire.coordinator")
    visit(page, reverse("panels:session-members", args=[session.pk]))
    click(page, page.get_by_role("button", name="Release the pack"))
    assert "Pack released: the members have been told" in main_text(page)
    session.refresh_from_db()
    assert session.pack_released_at is not None

    # The member reads the pack and the application's portfolio; only the chair records.
    switch_to(page, member.username)
    visit(page, reverse("panels:pack", args=[session.pk]))
    row = page.locator("main table tbody tr", has_text=name_of(applicant))
    assert "Yes" in row.inner_text()  # may judge it
    assert row.get_by_role("link", name="Record the decision").count() == 0
    portfolio = row.get_by_role("link", name=re.compile("^Download \\(PDF\\)"))
    pdf = page.request.get(portfolio.get_attribute("href"))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    click(page, row.get_by_role("link", name=name_of(applicant), exact=True))
    assert name_of(applicant) in main_text(page)

    # The chair: who sat, a judgement per allocated KSS, progressed.
    switch_to(page, chair.username)
    open_hearing(page, session, applicant)
    sat = page.get_by_role("group", name="Who sat")
    for box in sat.get_by_role("checkbox").all():
        box.check()
    judge_all(page)
    decided = page.get_by_role("group", name="Date decided")
    assert decided.get_by_label("Day").input_value() == str(panel_date.day)
    record(page, "Progressed")
    assert f"Decision recorded for {name_of(applicant)}: they have been told" in main_text(page)

    decision = Decision.objects.get(application=application)
    assert (decision.outcome, decision.heard_on, decision.session) == (
        "progressed", panel_date, session,
    )  # fmt: skip
    assert decision.effective_date == panel_date  # Lincolnshire: from the date of panel
    assert set(decision.sat.all()) == {chair, member}
    assert sorted((j.standard_number, j.met) for j in decision.judgements.all()) == [
        (number, True) for number in (1, 4, 5, 7)
    ]
    # The level history: Level 1 closes the day before, Level 2 runs from the panel date.
    history = list(applicant.level_history.order_by("started_on"))
    assert [(row.level_code, row.ended_on) for row in history] == [
        ("L1", panel_date - datetime.timedelta(days=1)), ("L2", None),
    ]  # fmt: skip
    assert history[-1].started_on == panel_date
    assert history[-1].source == LevelSource.PANEL_DECISION
    assert session.route.to_level.code == "L2"

    # The worker sees the decision and their new level from the panel date. (No page shows
    # the level history itself: it is HR's record, read in the database above.)
    switch_to(page, applicant.username)
    text = decision_shown(page, application)
    assert "Progressed" in text
    assert f"Decided on {date_text(panel_date)}" in text
    assert "Your new level L2" in text and f"from {date_text(panel_date)}" in text
    assert "Last day to appeal" not in text  # a progression is not appealed
