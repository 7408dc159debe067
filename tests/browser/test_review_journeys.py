"""The reviews issue's acceptance, in a real browser with every page audited: a Lincolnshire
worker submits, the practice supervisor writes the report and verifies KSS 9 and 10, the team
manager endorses; a Dudley referral, application, line manager's summary and coordinator's
confirmation; the return path with a comment and a resubmission; a colleague acting for an
absent manager.

The worker's writing is done through the services in setup (the application journeys test it
through the pages); the worker submits, and every reviewer acts, through the pages: each signs
in, opens their queue, opens the application, fills their part and presses the button, and the
test checks what the next person sees."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from panels.services import booking_create
from portfolios.applications import selectors
from portfolios.applications.agreement import attestation_record
from portfolios.applications.readiness import application_readiness
from portfolios.applications.services import application_answer_save, evidence_links_add
from portfolios.applications.submission import application_submit
from portfolios.models import Application, ApplicationState
from portfolios.services import evidence_item_create
from portfolios.services_observations import observation_save_draft, observation_sign
from tests.panels.booking_factories import session_on
from tests.portfolios.application_factories import route_of, start

from .conftest import visit
from .test_application_journeys import click, new_worker_like, switch_to

pytestmark = pytest.mark.browser

S = ApplicationState
SUMMARY = "I hold a caseload of eleven families in the FAST team and co-work two court cases."
CHANGED_SUMMARY = "I hold a caseload of twelve families and lead the team's court work."
RETURN_COMMENT = "Section B should say which court work you led, not only co-worked."
PRIVATE_COMMENT = "Checked with the team manager before returning it."
REPLY = "I have added the court work I led to Section B."

# --- The worker's writing, through the services ------------------------------------------------

CASES = ("Case example: a child in need plan", "Case example: a strategy discussion")
LEARNING = "Learning event: domestic abuse training"
# What a Lincolnshire portfolio holds as a whole (linked with the first standard).
DOCUMENTS = (
    ("practice_observation", "Practice observation: a home visit"),
    ("practice_observation", "Practice observation: a child protection conference"),
    ("appraisal", "Appraisal review 2026"),
    ("supervision_record", "Supervision record: October"),
    ("supervision_record", "Supervision record: November"),
    ("service_user_feedback", "Feedback from a parent"),
    ("service_user_feedback", "Feedback from a young person"),
)


def _item(owner, kind, title, on):
    return evidence_item_create(
        owner=owner, kind=kind, title=title, dated=on, reflection="What it shows.",
        case_reference="", is_certificate=False,
    )  # fmt: skip


def write_and_link(application, worker, *, answers=None, whole=()):
    """Answer every section the worker writes (the given answers by field key, else the
    pre-filled value, the first option, today, or a sentence) and link two case examples and
    a learning event to every standard or criterion; `whole` (items) go with the first."""
    today = timezone.localdate()
    for section in selectors.sections_for(application=application):
        if not section.is_workers or section.blocked:
            continue
        values = {}
        for spec in section.fields:
            if answers and spec.key in answers:
                values[spec.key] = answers[spec.key]
            elif spec.prefilled:
                values[spec.key] = spec.prefilled
            elif spec.options:
                values[spec.key] = spec.options[0]
            elif spec.kind == "date":
                values[spec.key] = today.isoformat()
            else:
                values[spec.key] = f"{spec.label[:40]}: given in full."
        application_answer_save(
            application=application, section=section, actor=worker, values=values, revision=0
        )
    on = today - datetime.timedelta(days=14)
    items = [_item(worker, "case_example", title, on) for title in CASES]
    items.append(_item(worker, "learning_event", LEARNING, on))
    whole = list(whole)
    for section in selectors.sections_for(application=application):
        for target in section.targets:
            criterion_id, standard_id = selectors.resolve_target(
                application=application, target=target
            )
            if criterion_id or standard_id:
                evidence_links_add(
                    application=application, actor=worker, criterion_id=criterion_id,
                    standard_id=standard_id, items=items + whole, note="How it shows this",
                )  # fmt: skip
                whole = []
    missing = application_readiness(application=application).missing
    assert not missing, [f"{line.label}: {line.reason}" for line in missing]


def lincolnshire_ready(demo_people, username="lincolnshire.progressing"):
    """A new Level 1 worker with the demo worker's managers: agreed by both managers, booked on
    a panel three months away, every section written and the evidence linked."""
    worker = new_worker_like(demo_people["lincolnshire.worker"], username, "Chloe", "Barker")
    route = route_of("lincolnshire", "childrens-social-workers", "L1-L2")
    application = start(applicant=worker, route=route)
    for role in ("practice_supervisor", "team_manager"):
        attestation_record(application=application, role=role, person=getattr(worker, role))
    booking_create(
        application=application, session=session_on(route, days=90), actor=worker
    )  # fmt: skip
    application.refresh_from_db()
    on = timezone.localdate() - datetime.timedelta(days=14)
    documents = [_item(worker, kind, title, on) for kind, title in DOCUMENTS]
    summary = next(
        spec.key
        for section in selectors.sections_for(application=application)
        if section.title.startswith("Section B")
        for spec in section.fields
    )
    write_and_link(application, worker, answers={summary: SUMMARY}, whole=documents)
    return worker, application


def dudley_written(application, worker):
    """The referred worker writes Appendix A and B, and links the direct work session their
    practice supervisor observed and signed (rated 3, Good)."""
    on = timezone.localdate() - datetime.timedelta(days=14)
    observation = observation_save_draft(
        observer=worker.practice_supervisor, worker=worker, observed_on=on,
        practice_type="direct_work", rating=3,
        assessment="A planned direct work session with a nine-year-old.",
        feedback="Child: I could say what I wanted.",
    )  # fmt: skip
    observation, _ = observation_sign(observation=observation, actor=worker.practice_supervisor)
    write_and_link(application, worker, whole=[observation.evidence_item])


# --- Through the pages -----------------------------------------------------------------------


def name_of(person):
    return person.get_full_name() or person.username


def main_text(page):
    return " ".join(page.locator("main").inner_text().split())


def submit(page, application):
    """The worker submits from their application page: check your answers, the declaration."""
    visit(page, reverse("portfolios:application-detail", args=[application.pk]))
    click(page, page.get_by_role("link", name="Check your answers"))
    page.get_by_label("I confirm that the information in this application is true").check()
    click(page, page.get_by_role("button", name="Accept and submit"))
    assert "Your application has been submitted" in main_text(page)
    application.refresh_from_db()
    assert application.state == S.SUBMITTED


def notified(page, subject):
    """The person's notifications list has this subject."""
    visit(page, reverse("careerpath:notification-list"))
    assert subject in main_text(page), main_text(page)


def queue_row(page, applicant):
    """From the home page, the header's Reviews link; the queue's row for the applicant."""
    visit(page, reverse("careerpath:home"))
    click(page, page.locator(".govuk-header").get_by_role("link", name="Reviews", exact=True))
    return page.locator("main table tbody tr", has_text=name_of(applicant)).first


def open_from_queue(page, applicant, action):
    """Open the applicant's application from the person's queue, where it waits for `action`."""
    row = queue_row(page, applicant)
    text = " ".join(row.inner_text().split())
    assert action in text, text
    click(page, row.get_by_role("link", name=name_of(applicant)))
    assert f"{name_of(applicant)}'s application" in page.locator("h1").inner_text()
    return text


def step_form(page):
    return page.locator("main form", has=page.get_by_role("button", name="Save as draft"))


def fill_part(form, *, choices=None, texts=None):
    """Write a reviewer's part: the given choices (by the question's words) and texts (by
    label); today for dates, a sentence for any other box, "Yes" for any other question."""
    today = timezone.localdate()
    for question, option in (choices or {}).items():
        form.get_by_role("group", name=question).get_by_label(option, exact=True).check()
    for label, text in (texts or {}).items():
        form.get_by_label(label).fill(text)
    for box in form.locator("input[type=text], textarea").all():
        if box.input_value() or "if-yes" in (box.get_attribute("id") or ""):
            continue  # "If yes, ..." stays empty when the answer is No
        name = box.get_attribute("name") or ""
        part = {"_0": today.day, "_1": today.month, "_2": today.year}.get(name[-2:])
        box.fill(str(part) if part else "Read in full and agreed.")
    for group in form.locator(".govuk-radios").all():
        if not group.locator("input:checked").count():
            group.get_by_label("Yes", exact=True).check()


def timeline_has(page, what, by):
    """A line of the timeline: what was done, and "By X" or "By X for Y"."""
    entries = page.locator("ol.app-timeline > li").all_inner_texts()
    lines = [" ".join(entry.split()) for entry in entries]
    assert any(what in line and by in line for line in lines), lines


def procedures_check(page):
    """The eligibility check's row for "not subject to ... procedures" on the review page."""
    checks = page.locator("#eligibility ~ table").first
    row = checks.locator("tbody tr", has_text=re.compile("not subject to", re.I))
    assert row.count() == 1, checks.inner_text()
    return " ".join(row.inner_text().split())


def new_dudley_worker(demo_people, username="dudley.referred"):
    return new_worker_like(demo_people["dudley.worker"], username, "Megan", "Hall")


# --- The journeys ------------------------------------------------------------------------------


def test_lincolnshire_report_with_kss_9_and_10_verified_then_the_team_managers_endorsement(
    page, demo_people
):
    worker, application = lincolnshire_ready(demo_people)
    supervisor, manager = worker.practice_supervisor, worker.team_manager
    switch_to(page, worker.username)
    submit(page, application)
    visit(page, reverse("portfolios:application-detail", args=[application.pk]))
    where = f"With {name_of(supervisor)} (practice supervisor) to write the manager's report"
    assert where in main_text(page)

    # The practice supervisor is told, finds it in their queue and writes Section D's report.
    switch_to(page, supervisor.username)
    notified(page, f"{name_of(worker)}'s application waits for you to write the manager's report")
    open_from_queue(page, worker, "Write the manager's report")
    assert "For you to write the manager's report" in main_text(page)
    form = step_form(page)
    overview = "4. Please provide a brief overview"
    fill_part(
        form,
        choices={"capability procedure": "No"},
        texts={overview: "Strong court work; develop supervision."},
    )
    # Without verifying KSS 9 and 10 the report is refused, saying so, and nothing typed is lost.
    click(page, form.get_by_role("button", name="Complete the report"))
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "verify KSS 9 and 10" in summary, summary
    form = step_form(page)
    assert form.get_by_label(overview).input_value() == "Strong court work; develop supervision."
    application.refresh_from_db()
    assert application.state == S.SUBMITTED
    form.get_by_label("I verify KSS 9 and 10").check()
    click(page, form.get_by_role("button", name="Complete the report"))
    application.refresh_from_db()
    assert application.state == S.REVIEWED, main_text(page)
    timeline_has(page, "Completed the manager's report", f"By {name_of(supervisor)}")
    assert "For you to" not in main_text(page)  # nothing more for the supervisor

    # The team manager is told, reads the report with KSS 9 and 10 verified, and endorses.
    switch_to(page, manager.username)
    notified(page, f"{name_of(worker)}'s application waits for you to endorse the application")
    open_from_queue(page, worker, "Endorse")
    text = main_text(page)
    assert "The manager's report" in text and "Strong court work; develop supervision." in text
    assert "Standards verified KSS 9 and 10" in text
    form = step_form(page)
    form.get_by_label("I confirm that I agree with the assessment").check()
    form.get_by_label("I verify KSS 9 and 10").check()  # the team manager verifies them too
    fill_part(form)
    click(page, form.get_by_role("button", name="Endorse attendance at panel"))
    application.refresh_from_db()
    assert application.state == S.ENDORSED, main_text(page)
    timeline_has(page, "Endorsed the application", f"By {name_of(manager)}")
    row = queue_row(page, worker)
    assert not row.count(), "the endorsed application still waits for the team manager"

    # The worker is told where it is, and reads who did what.
    switch_to(page, worker.username)
    notified(page, "Your application moved on")
    visit(page, reverse("portfolios:application-detail", args=[application.pk]))
    assert "Endorsed" in main_text(page)
    timeline_has(page, "Completed the manager's report", f"By {name_of(supervisor)}")
    timeline_has(page, "Endorsed the application", f"By {name_of(manager)}")


def test_dudley_referral_application_managers_summary_and_the_coordinators_confirmation(
    page, demo_people
):
    worker = new_dudley_worker(demo_people)
    # In Dudley's demo the team manager is the worker's line manager too: they refer, and
    # later write the manager's summary.
    referrer, line_manager = worker.team_manager, worker.line_manager
    coordinator = demo_people["dudley.coordinator"]
    route = route_of("dudley", "childrens-social-workers", "SW-SSW")

    # The team manager refers the worker from the referral page.
    switch_to(page, referrer.username)
    visit(page, reverse("portfolios:referral-list"))
    click(page, page.get_by_role("link", name=f"Refer {name_of(worker)} for {route.title}"))
    form = page.locator("main form")
    assert form.get_by_label("Who you are referring").input_value() == str(worker.pk)
    supervision = timezone.localdate() - datetime.timedelta(days=7)
    date = form.get_by_role("group", name="Date of the supervision")
    date.get_by_label("Day").fill(str(supervision.day))
    date.get_by_label("Month").fill(str(supervision.month))
    date.get_by_label("Year").fill(str(supervision.year))
    form.get_by_label("Your decision").fill("Supervision on caseload and court work: criteria met.")
    click(page, form.get_by_role("button", name="Refer"))
    application = Application.objects.get(applicant=worker, route=route)
    assert application.state == S.DRAFTING
    assert name_of(worker) in main_text(page)

    # The worker is told, writes (through the services) and submits through the pages.
    dudley_written(application, worker)
    switch_to(page, worker.username)
    notified(page, f"You have been referred for {route.title}")
    submit(page, application)

    # The line manager writes the summary and answers the disciplinary question "No".
    switch_to(page, line_manager.username)
    notified(page, f"{name_of(worker)}'s application waits for you to write the manager's report")
    open_from_queue(page, worker, "Write the manager's report")
    assert "For a person to judge" in procedures_check(page)  # until the manager declares
    form = step_form(page)
    fill_part(
        form,
        choices={"subject to any disciplinary or absence management procedures": "No"},
        texts={"Manager’s Summary and Recommendations": "Reliable, punctual, strong CPD."},
    )
    click(page, form.get_by_role("button", name="Complete the report"))
    application.refresh_from_db()
    assert application.state == S.REVIEWED, main_text(page)

    # The coordinator sees the declaration met among the eligibility checks, and confirms.
    switch_to(page, coordinator.username)
    notified(page, f"{name_of(worker)}'s application waits for you to confirm the criteria are met")
    open_from_queue(page, worker, "Confirm the criteria are met")
    assert procedures_check(page).endswith("Met")
    checks = page.locator("#eligibility ~ table").first.inner_text()
    assert "Not met" not in checks, checks
    click(page, page.get_by_role("button", name="Confirm the criteria are met"))
    application.refresh_from_db()
    assert application.state == S.ELIGIBILITY_CONFIRMED, main_text(page)
    timeline_has(page, "Confirmed the criteria are met", f"By {name_of(coordinator)}")
    timeline_has(page, "Completed the manager's report", f"By {name_of(line_manager)}")
    timeline_has(page, "Referred the worker for progression", f"By {name_of(referrer)}")


def test_a_return_with_a_comment_a_changed_section_and_a_resubmission(page, demo_people):
    worker, application = lincolnshire_ready(demo_people, "lincolnshire.returned")
    supervisor = worker.practice_supervisor
    switch_to(page, worker.username)
    submit(page, application)

    # The practice supervisor notes something for reviewers only, then returns it with a
    # comment (a return without one is refused).
    switch_to(page, supervisor.username)
    open_from_queue(page, worker, "Write the manager's report")
    page.get_by_label("Add a comment").fill(PRIVATE_COMMENT)
    page.get_by_label("Only reviewers can see this").check()
    click(page, page.get_by_role("button", name="Add comment"))
    assert PRIVATE_COMMENT in main_text(page)
    click(page, page.get_by_role("button", name=f"Return to {name_of(worker)}"))
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Say what needs to change" in summary, summary
    application.refresh_from_db()
    assert application.state == S.SUBMITTED
    page.get_by_label("What needs to change").fill(RETURN_COMMENT)
    click(page, page.get_by_role("button", name=f"Return to {name_of(worker)}"))
    application.refresh_from_db()
    assert application.state == S.RETURNED, main_text(page)

    # The worker is told, reads the comment on their application, changes Section B and
    # submits again.
    switch_to(page, worker.username)
    notified(page, "Your application was returned for changes")
    visit(page, reverse("portfolios:application-detail", args=[application.pk]))
    banner = " ".join(page.locator(".govuk-notification-banner").first.inner_text().split())
    assert f"Returned for changes by {name_of(supervisor)}" in banner
    assert RETURN_COMMENT in banner
    comments = page.locator("#comments ~ ul.app-comment-thread").first.inner_text()
    assert RETURN_COMMENT in comments
    assert PRIVATE_COMMENT not in main_text(page)  # for reviewers only
    click(page, page.locator(".govuk-task-list__link", has_text="Section B"))
    page.get_by_label("Please give a summary").fill(CHANGED_SUMMARY)
    click(page, page.get_by_role("button", name="Save and return to your application"))
    submit(page, application)
    assert application.submissions.count() == 2
    visit(page, reverse("portfolios:application-detail", args=[application.pk]))
    page.get_by_label("Add a comment").fill(REPLY)
    click(page, page.get_by_role("button", name="Add comment"))
    assert REPLY in main_text(page)

    # The supervisor is told, sees it back in their queue, the reply, and what changed.
    switch_to(page, supervisor.username)
    notified(page, f"{name_of(worker)}'s application waits for you to write the manager's report")
    notified(page, f"{name_of(worker)} commented on their application")
    open_from_queue(page, worker, "Write the manager's report")
    changes = page.locator("#changes ~ table").first
    assert "What changed since the last submission" in main_text(page)
    assert CHANGED_SUMMARY in " ".join(changes.inner_text().split())
    assert SUMMARY in " ".join(changes.inner_text().split())
    timeline_has(page, "Returned it with this comment", f"By {name_of(supervisor)}")
    assert REPLY in main_text(page) and PRIVATE_COMMENT in main_text(page)


def test_a_colleague_covers_for_an_absent_manager_and_acts_for_them(page, demo_people):
    worker, application = lincolnshire_ready(demo_people, "lincolnshire.covered")
    application_submit(application=application, actor=worker, declaration=True)
    supervisor, colleague = worker.practice_supervisor, worker.team_manager

    # The practice supervisor, going on leave, arranges cover by the team manager.
    switch_to(page, supervisor.username)
    visit(page, reverse("careerpath:cover-list"))
    click(page, page.get_by_role("link", name="Arrange cover"))
    form = page.locator("main form")
    form.get_by_label("Who covers").select_option(str(colleague.pk))
    today, back = timezone.localdate(), timezone.localdate() + datetime.timedelta(days=14)
    for legend, day in (("From", today), ("To", back)):
        group = form.get_by_role("group", name=legend, exact=True)
        group.get_by_label("Day").fill(str(day.day))
        group.get_by_label("Month").fill(str(day.month))
        group.get_by_label("Year").fill(str(day.year))
    form.get_by_label("Annual leave").check()
    click(page, form.get_by_role("button", name="Arrange cover"))
    assert name_of(colleague) in main_text(page)

    # The colleague is told, and finds the application in their queue marked for the supervisor.
    switch_to(page, colleague.username)
    notified(page, f"You are covering reviews for {name_of(supervisor)}")
    row = open_from_queue(page, worker, "Write the manager's report")
    assert f"for {name_of(supervisor)}" in row
    assert f"You are acting for {name_of(supervisor)}" in main_text(page)
    form = step_form(page)
    fill_part(
        form,
        choices={"capability procedure": "No"},
        texts={"4. Please provide a brief overview": "Written while covering: strong practice."},
    )
    form.get_by_label("I verify KSS 9 and 10").check()
    click(page, form.get_by_role("button", name="Complete the report"))
    application.refresh_from_db()
    assert application.state == S.REVIEWED, main_text(page)
    timeline_has(
        page, "Completed the manager's report", f"By {name_of(colleague)} for {name_of(supervisor)}"
    )

    # The worker reads the same on their application's timeline.
    switch_to(page, worker.username)
    visit(page, reverse("portfolios:application-detail", args=[application.pk]))
    timeline_has(
        page, "Completed the manager's report", f"By {name_of(colleague)} for {name_of(supervisor)}"
    )
