"""Issue 9's acceptance, in a real browser with every kind of page audited: a worker in each
seed council starts from an empty library, writes their council's form, links evidence, watches
the readiness panel turn from red to green, submits, and reads their statements back from the
portfolio PDF.

Only the new worker's person record is made in setup (as HR's extract would); everything else
is done through the pages."""

import datetime
import io
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from careerpath.models import LevelHistory, Role, RoleMembership, User
from panels.selectors import bookable_sessions
from portfolios.demo import minimal_pdf
from portfolios.models import Application, ApplicationState
from tests.portfolios.application_factories import route_of, start

from .conftest import add_evidence_item, audit, sign_in, visit

pytestmark = pytest.mark.browser

STATEMENT = "I worked with a mother, her partner and the school to keep two children safe at home."
SUMMARY = "I hold a caseload of eleven families in the FAST team and co-work two court cases."

EMPLOYMENT = (
    "organisation", "team", "job_title", "line_manager", "practice_supervisor", "team_manager",
    "contract_type", "swe_registration_number", "swe_registration_date", "qualification_date",
    "asye_completed",
)  # fmt: skip


def new_worker_like(demo, username, first_name, last_name):
    """A new member of staff with the same employment facts, team and managers as a demo worker,
    and an empty library: the record HR's extract would give them."""
    person = User(
        username=username, first_name=first_name, last_name=last_name,
        email=f"{username}@example.org", **{name: getattr(demo, name) for name in EMPLOYMENT},
    )  # fmt: skip
    person.set_password(settings.DEMO_PASSWORD)
    person.save()
    RoleMembership.objects.create(user=person, organisation=demo.organisation, role=Role.WORKER)
    for row in demo.level_history.all():
        LevelHistory.objects.create(
            user=person, level_code=row.level_code, level_name=row.level_name,
            started_on=row.started_on, source=row.source, reference=row.reference,
        )  # fmt: skip
    return person


def switch_to(page, username):
    page.context.clear_cookies()
    sign_in(page, username)


def click(page, locator, check=True):
    """Follow a link or press a button, then audit the page it leads to (unless it is one more
    page of a kind already audited in this journey)."""
    with page.expect_navigation():
        locator.click()
    if check:
        audit(page)


def readiness_tag(page):
    """The readiness panel's verdict: red "Not ready" or green "Ready"."""
    tag = page.locator(".app-readiness .govuk-tag").first
    colour = {"Not ready": "govuk-tag--red", "Ready": "govuk-tag--green"}[tag.inner_text()]
    assert colour in tag.get_attribute("class")
    return tag.inner_text()


def start_application(page, worker, route_title):
    visit(page, reverse("careerpath:home"))
    click(page, page.get_by_role("link", name="Applications", exact=True).first)
    click(page, page.get_by_role("link", name="Start an application"))
    click(page, page.get_by_role("link", name=route_title))
    click(page, page.get_by_role("button", name="Start the application"))
    assert "Your application is started" in page.locator("main").inner_text()
    assert readiness_tag(page) == "Not ready"
    return Application.objects.get(applicant=worker, state=ApplicationState.DRAFTING)


def upload(page, items, on, certificates=()):
    """Add each (kind, title, reflection) to the library as a small PDF dated `on`."""
    for n, (kind, title, reflection) in enumerate(items):
        click(page, page.locator(".govuk-header").get_by_role("link", name="Evidence"))
        add_evidence_item(
            page, kind=kind, title=title, day=str(on.day), month=str(on.month),
            year=str(on.year), reflection=reflection,
            file={"name": f"evidence-{n + 1}.pdf", "mimeType": "application/pdf",
                  "buffer": minimal_pdf(title, reflection)},
            certificate=title in certificates,
        )  # fmt: skip


def fill_unanswered(page):
    """Answer what the pre-filled form leaves empty: text for text, the first option for a
    choice, today for a date."""
    form = page.locator("main form[data-app-autosave]")
    today = timezone.localdate()
    for box in form.locator("input[type=text], textarea").all():
        if box.input_value():
            continue
        name = box.get_attribute("name") or ""
        if name.endswith("_0"):
            box.fill(str(today.day))
        elif name.endswith("_1"):
            box.fill(str(today.month))
        elif name.endswith("_2"):
            box.fill(str(today.year))
        else:
            box.fill("Given in full.")
    for group in form.locator(".govuk-radios").all():
        if not group.locator("input:checked").count():
            group.locator("input[type=radio]").first.check()


def write_section(page, title, answers=None):
    """From the overview: open a section, write it, save and return. Answers are keyed by
    label, or by the field's id ("#id_kss-4") where the test knows only the standard's number."""
    click(page, page.locator(".govuk-task-list__link", has_text=title))
    for label, text in (answers or {}).items():
        (page.locator(label) if label.startswith("#") else page.get_by_label(label)).fill(text)
    fill_unanswered(page)
    click(page, page.get_by_role("button", name="Save and return to your application"))
    main = page.locator("main").inner_text()
    assert "There is a problem" not in main, main


def link_evidence(page, target_label, titles, note):
    """From the overview: link library items to one standard or criterion with a note."""
    click(page, page.get_by_role("link", name=f"Link evidence for {target_label}"))
    page.locator("summary", has_text="Link evidence").first.click()
    for title in titles:
        page.get_by_label(f"{title} (").check()
    page.get_by_label("How does this meet it?").fill(note)
    click(page, page.locator("form button", has_text="Link"))
    assert note in page.locator("main").inner_text()
    click(page, page.get_by_role("link", name="Return to your application"))


def submit_and_read_back(page, application, statements):
    """Check your answers (where the statements show), accept the declaration and submit; then
    download the portfolio PDF from the application and find every statement in its text."""
    click(page, page.get_by_role("link", name="Check your answers"))
    answers = " ".join(page.locator("main").inner_text().split())
    missing = [statement for statement in statements if statement not in answers]
    assert not missing, f"Not on check your answers: {missing}"
    page.get_by_label("I confirm that the information in this application is true").check()
    click(page, page.get_by_role("button", name="Accept and submit"))
    assert "Your application has been submitted" in page.locator("main").inner_text()
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download the portfolio")).first.click()
    with open(download.value.path(), "rb") as pdf:
        reader = PdfReader(io.BytesIO(pdf.read()))
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    missing = [statement for statement in statements if statement not in text]
    assert not missing, f"Not in the portfolio PDF: {missing}"


def test_a_lincolnshire_worker_is_agreed_books_writes_links_and_submits(page, demo_people):
    worker = new_worker_like(demo_people["lincolnshire.worker"], "lincolnshire.newcomer",
                             "Chloe", "Barker")  # fmt: skip
    sign_in(page, worker.username)
    application = start_application(page, worker, "Level 1 Social Worker to Level 2 Social Worker")
    click(page, page.get_by_role("link", name="Book your panel place", exact=True))
    assert "You can book a place once they have both agreed" in page.locator("main").inner_text()

    # The practice supervisor and the team manager each agree in one click from their home page.
    agree = f"Agree that {worker} may book a place"
    for manager in ("lincolnshire.practice-supervisor", "lincolnshire.team-manager"):
        switch_to(page, manager)
        visit(page, reverse("careerpath:home"))
        click(page, page.locator("main").get_by_role("link", name=re.compile(agree)))
        click(page, page.get_by_role("button", name=agree))
        assert "You agreed" in page.locator("main").inner_text()

    # The worker books a panel place and sees their five standards.
    switch_to(page, worker.username)
    visit(page, reverse("portfolios:application-list"))
    click(page, page.get_by_role("link", name=re.compile("Level 1 Social Worker to Level 2")))
    # This time from the readiness panel, whose line for the standards says to book.
    readiness = page.locator(".app-readiness")
    click(page, readiness.get_by_role("link", name=re.compile("^Book your panel place")))
    # The April panel, as the seed's cycle has it, when evidence dated this month is still
    # recent on its deadline; later in the year April is too far off, and the first panel is.
    sessions = list(bookable_sessions(route=application.route))
    chosen = next(
        (
            session
            for session in sessions
            if timezone.localtime(session.starts_at).month == 4
            and (session.submission_deadline - timezone.localdate()).days < 160
        ),
        sessions[0],
    )
    when = f"{timezone.localtime(chosen.starts_at):%-d %B %Y}"
    label = next(
        label for label in page.locator(".govuk-radios__label").all_inner_texts() if when in label
    )
    page.get_by_label(label).check()
    click(page, page.get_by_role("button", name="Book this place"))
    assert "Your panel place is booked" in page.locator("main").inner_text()
    rows = page.locator("table.govuk-table tbody tr").all_inner_texts()
    standards = [int(row.split()[0]) for row in rows]
    assert len(standards) == 5 and {4, 5, 7} <= set(standards)

    # An empty library: add what the route asks for, dated two weeks ago, which is within the
    # 6 months before the submission deadline the booking set (recency is judged on that day).
    on = timezone.localdate() - datetime.timedelta(days=14)
    application.refresh_from_db()
    deadline = application.submission_deadline
    booked = " ".join(page.locator("main").inner_text().split())
    assert f"Submit your portfolio by {deadline:%-d %B %Y}" in booked
    assert on > deadline - datetime.timedelta(days=182), "recency is judged on the deadline"
    cases = ["Case example: a child in need plan", "Case example: a strategy discussion"]
    learning = "Learning event: domestic abuse training"
    documents = [
        ("Practice observation", "Practice observation: a home visit"),
        ("Practice observation", "Practice observation: a child protection conference"),
        ("Appraisal", "Appraisal review 2026"),
        ("Supervision record", "Supervision record: October"),
        ("Supervision record", "Supervision record: November"),
        ("Service user feedback", "Feedback from a parent"),
        ("Service user feedback", "Feedback from a young person"),
    ]
    upload(page, [("Case example", title, "What I did and why.") for title in cases]
           + [("Learning event", learning, "What I learned and used.")]
           + [(kind, title, "What it shows.") for kind, title in documents], on)  # fmt: skip

    click(page, page.locator(".govuk-header").get_by_role("link", name="Applications"))
    click(page, page.get_by_role("link", name=re.compile("Level 1 Social Worker to Level 2")))
    assert readiness_tag(page) == "Not ready"
    write_section(page, "Section A")
    write_section(page, "Section B", {"Please give a summary": SUMMARY})
    statements = {n: f"KSS {n}: {STATEMENT}" for n in standards}
    write_section(page, "Section C", {
        f"#id_kss-{n}": statements.get(n, "N/A") for n in range(1, 11)
    } | {"Other training": "Court skills, October 2026."})  # fmt: skip
    assert readiness_tag(page) == "Not ready"

    # Two case examples and a learning event for each standard; the documents for the whole
    # portfolio go with KSS 4.
    for n in standards:
        link_evidence(page, f"KSS {n}:", [*cases, learning], f"How it shows KSS {n}")
    link_evidence(page, "KSS 4:", [title for _, title in documents], "Recent practice")
    assert readiness_tag(page) == "Ready"

    submit_and_read_back(page, application, [*statements.values(), SUMMARY])


def record_observation(page, worker, on):
    """The practice supervisor records a direct work session rated 3 (Good) and signs it."""
    visit(page, reverse("careerpath:home"))
    click(page, page.locator("main").get_by_role("link", name="Record a practice observation"))
    page.get_by_label("Name of social worker").select_option(str(worker.pk))
    page.get_by_label("Day").fill(str(on.day))
    page.get_by_label("Month").fill(str(on.month))
    page.get_by_label("Year").fill(str(on.year))
    page.get_by_label("Direct work session").check()
    page.get_by_label("3 Good").check()
    page.get_by_label("Holistic assessment").fill(
        "A planned direct work session with a nine-year-old, whose words were recorded as spoken."
    )
    page.get_by_label("KSS 1:").check()
    page.get_by_label("Feedback from the parent, carer, child or young person").fill(
        "Child: I could say what I wanted."
    )
    click(page, page.get_by_role("button", name="Save draft"))
    click(page, page.get_by_role("link", name="Sign this observation"))
    page.get_by_label("I observed this practice and this is my assessment of it").check()
    click(page, page.get_by_role("button", name="Sign the observation"))
    assert "Signed by" in page.locator("main").inner_text()


def test_a_dudley_worker_writes_appendix_a_and_b_links_an_observation_and_submits(
    page, demo_people
):
    worker = new_worker_like(demo_people["dudley.worker"], "dudley.newcomer", "Megan", "Hall")
    # The route opens by the team manager's referral (its page is walked in
    # test_review_journeys.py); here the worker finds the application it opened.
    application = start(
        applicant=worker, route=route_of("dudley", "childrens-social-workers", "SW-SSW")
    )
    sign_in(page, worker.username)
    visit(page, reverse("portfolios:application-detail", args=[application.pk]))
    assert readiness_tag(page) == "Not ready"
    # Dudley's coordinator gives the panel time once the application arrives: nothing to book.
    assert not page.get_by_role("link", name="Book your panel place", exact=True).count()

    on = timezone.localdate() - datetime.timedelta(days=14)
    cases = ["Case example: a child protection plan", "Case example: a court statement"]
    upload(page, [("Case example", title, "What I did and why.") for title in cases], on)

    click(page, page.locator(".govuk-header").get_by_role("link", name="Applications"))
    click(page, page.get_by_role("link", name=re.compile("Social Worker to Senior Social Worker")))
    write_section(page, re.compile(r"^Appendix A, Applicant$"))
    write_section(page, "Appendix A, Applicant’s signature")
    statements = {n: f"KSS {n}: {STATEMENT}" for n in range(1, 11)}
    for n, statement in statements.items():
        write_section(page, f"Appendix B, {n}. ", {
            "#id_statement": statement,
            "#id_sources": f"{cases[0]}; {cases[1]}; supervision notes.",
        })  # fmt: skip
        link_evidence(page, f"KSS {n}:", cases, f"How it shows KSS {n}")
    assert readiness_tag(page) == "Not ready"  # the observation is still to come

    # Appendix C: the practice supervisor observes and signs; the worker links it.
    switch_to(page, "dudley.practice-supervisor")
    record_observation(page, worker, on)
    switch_to(page, worker.username)
    visit(page, reverse("careerpath:home"))
    click(page, page.locator(".govuk-header").get_by_role("link", name="Applications"))
    click(page, page.get_by_role("link", name=re.compile("Social Worker to Senior Social Worker")))
    # The readiness panel sends the worker to Appendix C, where the signed observation waits.
    click(page, page.locator(".app-readiness").get_by_role(
        "link", name=re.compile("^Link your signed observation")).first)  # fmt: skip
    kss_1 = page.locator("main details.govuk-details").first  # the task lists every KSS
    kss_1.locator("summary").click()
    kss_1.get_by_label("Practice observation: Direct work session (").check()
    kss_1.get_by_label("How does this meet it?").fill("My direct work with a child")
    click(page, kss_1.locator("form button", has_text="Link"))
    click(page, page.get_by_role("link", name="Return to your application"))
    assert readiness_tag(page) == "Ready"

    submit_and_read_back(page, application, list(statements.values()))


def test_a_medway_family_worker_writes_and_links_every_level_b_criterion_and_submits(
    page, demo_people
):
    worker = new_worker_like(
        demo_people["medway.family-worker"], "medway.newcomer", "Lily", "Cooper"
    )
    sign_in(page, worker.username)
    application = start_application(page, worker, "Family Worker level A to level B")

    on = timezone.localdate() - datetime.timedelta(days=14)
    gcse = "GCSE certificates: English, Maths, Science, History"
    diploma = "Level 2 Diploma in Children and Young People's Workforce"
    case = "Case example: direct work with a family of four"
    upload(page, [
        ("Training certificate", gcse, "Four GCSEs at grade C or above."),
        ("Training certificate", diploma, "Completed in 2023."),
        ("Case example", case, "Weekly sessions on routines and school attendance."),
    ], on, certificates=(gcse, diploma))  # fmt: skip

    click(page, page.locator(".govuk-header").get_by_role("link", name="Applications"))
    click(page, page.get_by_role("link", name=re.compile("Family Worker level A to level B")))
    tasks = page.locator(".govuk-task-list__link")
    count = tasks.count()
    assert count > 20
    statements = []
    # Level B is "in addition to level A": every criterion of both is a task, in order.
    for n in range(count):
        first = n == 0  # audit the first of each kind of page; the rest repeat it
        title = tasks.nth(n).inner_text()
        click(page, tasks.nth(n), check=first)
        statement = f"Criterion {n + 1}: I show it in my weekly work with families."
        page.get_by_label("How you meet this").fill(statement)
        statements.append(statement)
        click(page, page.get_by_role("button", name="Save draft"), check=first)
        click(page, page.get_by_role("link", name="Link evidence for this section"), check=first)
        page.locator("summary", has_text="Link evidence").first.click()
        item = gcse if n == 0 else diploma if n == 1 else case
        page.get_by_label(f"{item} (").check()
        page.get_by_label("How does this meet it?").fill(f"Shows: {title[:60]}")
        click(page, page.locator("form button", has_text="Link"), check=first)
        click(page, page.get_by_role("link", name="Return to your application"), check=first)
        if n == 0:
            assert readiness_tag(page) == "Not ready"
    audit(page)
    assert readiness_tag(page) == "Ready"

    submit_and_read_back(page, application, statements)
