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

from careerpath.dates import long_date
from careerpath.models import LevelHistory, LevelSource
from careerpath.working_days import is_bank_holiday, is_working_day
from panels.appeals import appeal_last_day
from panels.decisions import JudgementInput, decision_record
from panels.models import Appeal, Booking, Decision, MemberRole, PanelSession, TargetTerm
from portfolios.applications import workflow
from portfolios.applications.workflow import transition_apply
from portfolios.models import Application, ApplicationState
from tests.panels.appeal_factories import HOLDING
from tests.panels.booking_factories import at, session_on
from tests.panels.coordinator_booking_factories import confirmed, dudley_worker
from tests.panels.decision_factories import lincolnshire_hearing, waiting_for_line_manager
from tests.panels.pack_factories import booked_application, seat
from tests.portfolios.review_factories import route_in

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
    assert page.locator("h1").inner_text() == f"{name_of(applicant)}'s portfolio"

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


# --- 2. Lincolnshire: deferred, with further work and targets ------------------------------


def test_lincolnshire_deferral_with_short_medium_and_long_term_targets_reaches_the_worker(
    page, demo_people, monkeypatch
):
    data = lincolnshire_ready_to_hear(demo_people, monkeypatch)
    session, application, chair = data["session"], data["application"], data["chair"]
    applicant, panel_date = application.applicant, data["panel_date"]
    released(session)
    later = session_on(session.route, days=120)
    # Lincolnshire's route lists no terms of its own: all three are offered.
    targets = [
        ("Short term", "Complete two direct-work sessions with a child", 30),
        ("Medium term", "Lead a child protection conference report", 90),
        ("Long term", "Present a case to the court with the team manager", 180),
    ]
    targets = [(term, text, panel_date + datetime.timedelta(days=n)) for term, text, n in targets]

    switch_to(page, chair.username)
    open_hearing(page, session, applicant)
    judge_all(page, KSS_4=("Not yet met", "Little evidence of direct work with the child."))
    page.get_by_label("Further work (if deferred)").fill("Shadow a colleague in the court team.")
    page.get_by_label("Suggested later session (if deferred)").select_option(
        label=date_text(timezone.localdate(later.starts_at))
    )
    fill_targets(page, targets)
    record(page, "Deferred", reasons="KSS 4 was not yet evidenced.")
    assert f"Decision recorded for {name_of(applicant)}" in main_text(page)

    decision = Decision.objects.get(application=application)
    assert (decision.outcome, decision.heard_on, decision.effective_date) == (
        "deferred", panel_date, None,
    )  # fmt: skip
    assert decision.suggested_session == later
    labels = dict(TargetTerm.choices)
    assert [(labels[t.term], t.text, t.due_on) for t in decision.targets.order_by("due_on")] == (
        targets
    )
    assert applicant.level_history.get(ended_on__isnull=True).level_code == "L1"  # unchanged

    # The worker reads the further work, the suggested panel and each target on their page.
    switch_to(page, applicant.username)
    text = decision_shown(page, application)
    assert "Deferred" in text and "Shadow a colleague in the court team." in text
    assert f"Suggested panel: {date_text(timezone.localdate(later.starts_at))}" in text
    assert "Little evidence of direct work with the child." in text
    table = page.locator("main table", has=page.locator("caption", has_text="Your targets"))
    rows = [" ".join(row.inner_text().split()) for row in table.locator("tbody tr").all()]
    assert rows == [f"{term} {text} {date_text(due_on)}" for term, text, due_on in targets]


# --- 3. Appeals: the last valid day, and the day after, across the Christmas bank holidays ----

# The window (10 working days from the outcome letter, dated the day the decision is recorded)
# spans a bank holiday only around Christmas, Easter and August; none falls in the window that
# ends today in late November, so the journey travels to the end of December 2026.
LAST_DAY = datetime.date(2026, 12, 31)


def decision_day_for(route, last_day):
    """The working day a decision is recorded on whose appeal window ends on `last_day`: searched
    backwards with the window's own rule."""
    day = last_day
    while True:
        day -= datetime.timedelta(days=1)
        if is_working_day(day) and appeal_last_day(route, day) == last_day:
            return day


def deferred_on(day, people, chair, route):
    """An application heard and deferred by its chair on `day` (the clock stands on that day),
    through the decision service: its appeal window is the route's, counted from `day`."""
    session = session_on(route, days=0)
    seat(session, chair, MemberRole.CHAIR)
    released(session)
    application = endorsed_on(session, people)
    with_password(application.applicant)
    return decision_record(
        application=application, actor=chair, outcome="deferred", heard_on=day, sat=[chair],
        judgements=[JudgementInput(met=n != 4, standard_number=n) for n in (1, 4, 5, 7)],
        reasons="KSS 4 was not yet evidenced.", further_work="Shadowing in the court team.",
        session=session,
    )  # fmt: skip


def appeal_page(page, decision):
    visit(page, reverse("panels:decision-appeal", args=[decision.pk]))
    return main_text(page)


def test_an_appeal_on_the_last_day_is_lodged_and_one_a_day_late_is_refused_across_christmas(
    page, demo_people, monkeypatch, time_machine
):
    monkeypatch.setattr(
        workflow, "GUARDS", {**workflow.GUARDS, **dict.fromkeys(HOLDING, lambda *a: None)}
    )
    route = route_in("lincolnshire", "L1-L2")
    chair = demo_people["lincolnshire.panel-member"]
    yesterday = LAST_DAY - datetime.timedelta(days=1)
    on_time_day, late_day = decision_day_for(route, LAST_DAY), decision_day_for(route, yesterday)
    for decided_on, last in ((on_time_day, LAST_DAY), (late_day, yesterday)):
        days = (last - decided_on).days
        window = [decided_on + datetime.timedelta(days=n) for n in range(1, days + 1)]
        assert any(is_bank_holiday(day) for day in window), (decided_on, last)
    time_machine.move_to(on_day(late_day), tick=False)
    late = deferred_on(late_day, demo_people, chair, route)
    time_machine.move_to(on_day(on_time_day), tick=False)
    on_time = deferred_on(on_time_day, demo_people, chair, route)
    assert (late.appeal_due_on, on_time.appeal_due_on) == (yesterday, LAST_DAY)

    # The late one's worker opens the form before midnight on their last day, and sends it
    # after: refused with the day it was due, nothing saved.
    time_machine.move_to(on_day(yesterday, 23, 50), tick=True)
    switch_to(page, late.application.applicant.username)
    assert f"The last day to appeal is {date_text(yesterday)}" in appeal_page(page, late)
    page.get_by_label("Where did the panel not follow procedure?").fill("KSS 4 was not asked.")
    time_machine.move_to(on_day(LAST_DAY, 0, 5), tick=True)
    click(page, page.get_by_role("button", name="Lodge your appeal"))
    summary = page.locator(".govuk-error-summary").inner_text()
    assert f"The last day to appeal was {long_date(yesterday)}" in summary
    assert not Appeal.objects.filter(decision=late).exists()
    assert Application.objects.get(pk=late.application_id).state == S.DEFERRED
    # Opened again, the page says so and offers no form.
    text = appeal_page(page, late)
    assert f"The last day to appeal was {date_text(yesterday)}: an appeal can no longer" in text
    assert page.get_by_role("button", name="Lodge your appeal").count() == 0

    # The other worker lodges theirs on its last day: accepted.
    time_machine.move_to(on_day(LAST_DAY, 11), tick=True)
    switch_to(page, on_time.application.applicant.username)
    assert f"The last day to appeal is {date_text(LAST_DAY)}" in appeal_page(page, on_time)
    page.get_by_label("Where did the panel not follow procedure?").fill("KSS 4 was not asked.")
    click(page, page.get_by_role("button", name="Lodge your appeal"))
    assert "Your appeal is lodged" in main_text(page)
    appeal = Appeal.objects.get(decision=on_time)
    assert timezone.localdate(appeal.lodged_at) == LAST_DAY
    assert Application.objects.get(pk=on_time.application_id).state == S.APPEAL_LODGED


# --- 4. Dudley: heard and decided the same day, with short, medium and long-term targets ------


def test_dudleys_principal_social_worker_decides_on_the_day_with_three_terms_of_targets(
    page, demo_people, monkeypatch
):
    monkeypatch.setattr(
        workflow, "GUARDS", {**workflow.GUARDS, **dict.fromkeys(HOLDING, lambda *a: None)}
    )
    route = route_in("dudley", "SW-SSW")
    assert route.panel["targets"] == ["short_term", "medium_term", "long_term"]
    chair = demo_people["dudley.panel-member"]
    assert chair.job_title == "Principal Social Worker"
    worker = with_password(dudley_worker(demo_people))
    application = confirmed(worker, route)
    session = session_on(route, days=0)
    today = timezone.localdate(session.starts_at)
    Booking.objects.create(application=application, session=session,
                           booked_by=demo_people["dudley.coordinator"])  # fmt: skip
    seat(session, chair, MemberRole.CHAIR)
    seat(session, demo_people["dudley.coordinator"], MemberRole.MEMBER)
    released(session)
    targets = [
        ("Short term", "Supervise a newly qualified colleague's first assessment", 60),
        ("Medium term", "Chair a multi-agency planning meeting", 180),
        ("Long term", "Complete the practice educator course", 365),
    ]
    targets = [(term, text, today + datetime.timedelta(days=n)) for term, text, n in targets]

    switch_to(page, chair.username)
    open_hearing(page, session, worker)
    judge_all(page)
    assert page.get_by_role("group", name="Date decided").get_by_label("Day").input_value() == (
        str(today.day)
    )
    fill_targets(page, targets)
    record(page, "Progressed", reasons="Every standard was met at Senior Social Worker level.")
    assert f"Decision recorded for {name_of(worker)}" in main_text(page)

    decision = Decision.objects.get(application=application)
    assert (decision.outcome, decision.heard_on, decision.effective_date) == (
        "progressed", today, today,
    )  # fmt: skip
    assert decision.decided_by == chair and decision.session == session
    assert decision.judgements.count() and all(j.met for j in decision.judgements.all())
    labels = dict(TargetTerm.choices)
    assert [(labels[t.term], t.text, t.due_on) for t in decision.targets.order_by("due_on")] == (
        targets
    )
    switch_to(page, worker.username)
    text = decision_shown(page, application)
    assert f"Decided on {date_text(today)}" in text
    for term, target, due_on in targets:
        assert f"{term} {target} {date_text(due_on)}" in text


# --- 5. Medway: the line manager decides ------------------------------------------------------


def test_medways_line_manager_records_the_decision_from_the_application(page, demo_people):
    line_manager = demo_people["medway.line-manager"]
    application = waiting_for_line_manager(line_manager)
    worker = with_password(application.applicant)
    today = timezone.localdate()

    switch_to(page, line_manager.username)
    visit(page, reverse("portfolios:review-detail", args=[application.pk]))
    click(page, page.get_by_role("link", name="Record the decision"))
    judge_all(page)
    record(page, "Progressed", reasons="The criteria of the new level are met in practice.")
    assert f"Decision recorded: {name_of(worker)} has been told" in main_text(page)

    decision = Decision.objects.get(application=application)
    assert (decision.outcome, decision.decided_by, decision.session) == (
        "progressed", line_manager, None,
    )  # fmt: skip
    assert decision.heard_on == decision.effective_date == today
    assert decision.judgements.count() and all(j.met for j in decision.judgements.all())
    current = worker.level_history.get(ended_on__isnull=True)
    assert (current.level_code, current.started_on) == (application.route.to_level.code, today)

    switch_to(page, worker.username)
    text = decision_shown(page, application)
    assert f"Your new level {application.route.to_level.code}" in text
    assert f"from {date_text(today)}" in text


# --- 6. Dudley's apprenticeship panel: decided on the day, its outcome due in 3 working days ---


def test_an_apprenticeship_application_is_decided_and_its_outcome_due_in_three_working_days(
    page, demo_people, monkeypatch
):
    from panels.outcomes_due import outcome_due_on
    from tests.panels.test_outcomes_due import booked

    monkeypatch.setattr(
        workflow, "GUARDS", {**workflow.GUARDS, **dict.fromkeys(HOLDING, lambda *a: None)}
    )
    route = route_in("dudley", "ENTRY-SWA")
    chair, coordinator = demo_people["dudley.panel-member"], demo_people["dudley.coordinator"]
    session = session_on(route, days=0)
    booking = booked(session, name="Tanisha", by=coordinator)
    application = booking.application
    applicant = with_password(application.applicant)
    # Submitted on the seed's form and endorsed by the line manager (the guards are tested
    # with the services: tests/panels/test_entry_routes.py).
    transition_apply(application=application, name="submit", actor=applicant)
    line_manager = demo_people["dudley.team-manager"]  # a line manager in the council
    applicant.line_manager = line_manager
    applicant.save(update_fields=["line_manager"])
    transition_apply(application=application, name="endorse", actor=line_manager)
    seat(session, chair, MemberRole.CHAIR)
    released(session)
    today = timezone.localdate(session.starts_at)
    due = outcome_due_on(session, route)

    switch_to(page, chair.username)
    open_hearing(page, session, applicant)
    judge_all(page)
    record(page, "Progressed", reasons="Ready to start the apprenticeship in January.")
    assert f"Decision recorded for {name_of(applicant)}" in main_text(page)
    decision = Decision.objects.get(application=application)
    assert (decision.outcome, decision.heard_on) == ("progressed", today)

    switch_to(page, coordinator.username)
    visit(page, reverse("panels:outcomes-due"))
    row = next(
        text for text in page.locator("tbody .govuk-table__row").all_inner_texts()
        if name_of(applicant) in text
    )  # fmt: skip
    assert route.title in row and date_text(due) in row
    assert "on time" in row  # the letter went out today, within the 3 working days
