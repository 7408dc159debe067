"""Outcome letters. Lincolnshire: "notify the social worker of the outcome by letter sent via email
within 24 hours of the panel date"; an appeal "within 10 working days" (counted, in careerpath,
from the outcome letter, and the letter says so). Dudley's entry routes: the outcome within 3
working days. One letter and one e-mail per decision, however often the task runs; a corrected
letter is HR's explicit re-issue, with a reason, keeping the earlier versions."""

import datetime
import io
import os
import smtplib
import threading

import pytest
import time_machine
from django.core import mail
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from careerpath.models import AuditEvent, Notification, User
from careerpath.working_days import add_working_days
from panels import letters
from panels.appeals import appeal_last_day
from panels.decisions import decision_record
from panels.forms_letters import LetterTemplateForm
from panels.models import Decision, Letter, LetterTemplate
from tests.panels.decision_factories import lincolnshire_hearing
from tests.panels.letter_factories import sent_letter

TODAY = timezone.localdate
KSS = (1, 4, 5, 7)


@pytest.fixture
def lincs(demo_people, monkeypatch):
    return lincolnshire_hearing(demo_people, monkeypatch)


def _record(lincs, outcome, **extra):
    """The chair records the decision; the letter task runs after the commit (eagerly here)."""
    return decision_record(
        application=lincs["application"], actor=lincs["chair"], outcome=outcome,
        heard_on=TODAY(), judgements=[{"standard_number": n, "met": True} for n in KSS],
        targets=[{"term": "medium_term", "text": "Present a case to the court & the family",
                  "due_on": TODAY() + datetime.timedelta(days=120)}],
        **extra,
    )  # fmt: skip


def _decided_without_letter(lincs, outcome="progressed", **extra):
    """The decision recorded, its letter not yet made (the on-commit task not run)."""
    return _record(lincs, outcome, **extra)


def _pdf_text(letter):
    with default_storage.open(letter.pdf_key) as stored:
        reader = PdfReader(io.BytesIO(stored.read()))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def _mails_to(person):
    return [message for message in mail.outbox if message.to == [person.email]]


def _letter_mails(worker):
    return [m for m in _mails_to(worker) if any(a[2] == "application/pdf" for a in m.attachments)]


# --- Templates: placeholders only, escaped, checked when saved ---------------------------------


def test_placeholders_are_substituted_and_every_value_escaped():
    values = {"name": "Ann <b>Bold</b> & Co", "route": "L1 to L2"}
    assert letters.substitute("<p>Dear {{ name }}, {{route}}</p>", values) == (
        "<p>Dear Ann &lt;b&gt;Bold&lt;/b&gt; &amp; Co, L1 to L2</p>"
    )
    assert letters.substitute("Letter for {{ name }}", values, html=False) == (
        "Letter for Ann <b>Bold</b> & Co"
    )


def test_the_targets_list_is_built_from_escaped_parts(lincs):
    decision = _decided_without_letter(lincs)
    Decision.objects.get(pk=decision.pk).targets.update(text="Lead <script>x</script> a review")
    html = letters.targets_html(list(Decision.objects.get(pk=decision.pk).targets.all()))
    assert html.startswith("<ul><li>") and "&lt;script&gt;" in html and "<script>" not in html


@pytest.mark.parametrize(
    "body, subject, problem",
    [
        ("<p>Dear {{ nmae }}</p>", "Your letter", "unknown placeholder {{ nmae }}"),
        ("<p>Dear {{ name|upper }}</p>", "Your letter", "unknown placeholder"),
        ("<p>{% if outcome %}Yes{% endif %}</p>", "Your letter", "template tag"),
        ("<p>{# a note #}</p>", "Your letter", "template tag"),
        ("<p>Dear {{ name }}</p>", "Letter {{ salary }}", "The subject uses an unknown"),
        ("<p>Dear {{ name }}</p>", "Targets {{ targets }}", "it is a list"),
    ],
)
def test_a_template_with_an_unknown_placeholder_or_a_tag_is_refused_when_saved(
    demo_people, body, subject, problem
):
    organisation = demo_people["lincolnshire.hr"].organisation
    form = LetterTemplateForm(data={
        "organisation": organisation.pk, "kind": "progressed", "route_code": "",
        "subject": subject, "body": body, "signatory_name": "A", "signatory_title": "B",
    })  # fmt: skip
    assert not form.is_valid()
    assert problem in " ".join(form.non_field_errors())
    assert not LetterTemplate.objects.exists()


def test_the_admin_refuses_an_unknown_placeholder_and_saves_a_sanitised_body(client, demo_people):
    organisation = demo_people["lincolnshire.hr"].organisation
    client.force_login(User.objects.create_superuser("root", "root@example.org", "x"))
    url = reverse("admin:panels_lettertemplate_add")
    data = {
        "organisation": organisation.pk, "kind": "progressed", "route_code": "",
        "subject": "Your progression", "signatory_name": "Jo Head",
        "signatory_title": "Head of Service",
    }  # fmt: skip
    refused = client.post(url, {**data, "body": "<p>Dear {{ full_name }}</p>"})
    assert refused.status_code == 200
    assert "unknown placeholder {{ full_name }}" in refused.content.decode()
    assert not LetterTemplate.objects.exists()
    saved = client.post(
        url,
        {**data, "body": '<p onclick="x()">Dear {{ name }}</p><script>alert(1)</script>'},
    )
    assert saved.status_code == 302
    template = LetterTemplate.objects.get()
    assert template.body == "<p>Dear {{ name }}</p>"


def test_hr_edits_their_own_councils_templates_in_the_admin_and_nothing_else(client, demo_people):
    hr, lincolnshire = demo_people["lincolnshire.hr"], demo_people["lincolnshire.hr"].organisation
    dudley = demo_people["dudley.hr"].organisation
    common = {"kind": "progressed", "subject": "S", "body": "<p>B</p>", "signatory_name": "Jo",
              "signatory_title": "Head of Service"}  # fmt: skip
    theirs = LetterTemplate.objects.create(organisation=dudley, **common)
    client.force_login(hr)
    assert client.get(reverse("admin:index")).status_code == 200
    listed = client.get(reverse("admin:panels_lettertemplate_changelist"))
    assert listed.status_code == 200 and "Dudley" not in listed.content.decode()
    assert (
        client.get(reverse("admin:panels_lettertemplate_change", args=[theirs.pk])).status_code
        == 404
    )
    # Another council named in the POST is refused by the form's choices; nothing is saved.
    add = reverse("admin:panels_lettertemplate_add")
    refused = client.post(add, {**common, "organisation": dudley.pk, "route_code": ""})
    assert refused.status_code == 200
    assert not LetterTemplate.objects.filter(organisation=dudley).exclude(pk=theirs.pk).exists()
    assert (
        client.post(add, {**common, "organisation": lincolnshire.pk, "route_code": ""}).status_code
        == 302
    )
    assert LetterTemplate.objects.filter(organisation=lincolnshire).count() == 1
    # The frameworks and the people are not HR's to edit here.
    for name in ("admin:frameworks_framework_changelist", "admin:careerpath_user_changelist"):
        assert client.get(reverse(name)).status_code == 403
    client.force_login(demo_people["lincolnshire.framework-editor"])
    assert client.get(reverse("admin:panels_lettertemplate_changelist")).status_code == 403


def test_the_routes_own_template_wins_over_the_organisations_template_for_every_route(lincs):
    decision = _decided_without_letter(lincs)
    organisation = decision.application.organisation
    common = {"organisation": organisation, "kind": "progressed", "signatory_name": "Jo",
              "signatory_title": "Head of Service"}  # fmt: skip
    LetterTemplate.objects.create(**common, subject="Every route", body="<p>All</p>")
    assert letters.template_for(decision, "progressed")[0] == "Every route"
    LetterTemplate.objects.create(
        **common, route_code=decision.application.route.code, subject="L1 to L2", body="<p>R</p>"
    )
    assert letters.template_for(decision, "progressed")[0] == "L1 to L2"


def test_without_a_template_the_built_in_one_in_the_organisations_name_is_used(lincs):
    decision = _decided_without_letter(lincs)
    subject, body, _, title = letters.template_for(decision, "progressed")
    assert "{{ route }}" in subject and "{{ targets }}" in body
    assert title == decision.application.organisation.name
    for subject, body in letters.DEFAULT_TEMPLATES.values():
        assert letters.template_problems(body, subject) == []


# --- The letter: one, e-mailed once, with the right text ---------------------------------------


def test_a_progression_makes_one_letter_e_mailed_once_with_the_pdf(
    lincs, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decision = _record(lincs, "progressed")
    letter = Letter.objects.get(decision=decision)
    worker = decision.application.applicant
    assert (letter.kind, letter.version) == ("progressed", 1)
    assert letter.sent_at is not None and letter.pdf_key and letter.rendered_at
    assert letter.pdf_key == f"letters/lincolnshire/{decision.pk}-progressed-v1.pdf"
    (message,) = _letter_mails(worker)
    assert message.attachments[0][1] == default_storage.open(letter.pdf_key).read()
    # Lincolnshire: within 24 hours of the decision.
    assert letter.due_by == decision.decided_at + datetime.timedelta(hours=24)
    assert not letter.is_late
    # The team manager and HR are told (in the service and by e-mail), without the PDF.
    for username in ("lincolnshire.team-manager", "lincolnshire.hr"):
        person = lincs["people"][username]
        told = Notification.objects.filter(recipient=person, url=letters.letter_url(letter))
        assert told.count() == 1
        assert all(not m.attachments for m in _mails_to(person))


def test_the_pdf_reads_name_outcome_effective_date_targets_and_is_small(
    lincs, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        decision = _record(lincs, "progressed")
    letter = Letter.objects.get(decision=decision)
    text = _pdf_text(letter)
    worker = decision.application.applicant
    assert worker.get_full_name() in text
    assert "progressed to L2" in text
    assert "G9" in text and "SCP 25" in text
    assert timezone.localdate().strftime("%-d %B %Y") in text  # the effective date: today's panel
    assert "Present a case to the court & the family" in text
    assert decision.application.organisation.name in text
    assert letter.pdf_bytes == default_storage.size(letter.pdf_key) < 100 * 1024


def test_a_deferral_letter_gives_the_appeal_deadline_counted_from_the_letter(
    lincs, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        decision = _record(lincs, "deferred", further_work="Shadow a colleague in court")
    letter = Letter.objects.get(decision=decision)
    decision.refresh_from_db()
    assert decision.appeal_due_on == appeal_last_day(decision.application.route, TODAY())
    text = _pdf_text(letter)
    assert "deferred" in text and "Shadow a colleague in court" in text
    assert "10 working days, counted from the date of this letter" in text
    assert decision.appeal_due_on.strftime("%-d %B %Y") in text
    assert "Assistant Director of Safeguarding" in text


def test_the_appeal_deadline_is_counted_from_the_letters_date_not_the_decisions(lincs):
    """Decided on a Friday, the letter made the Monday after (a worker was down): 10 working days
    from that Monday, not from the Friday."""
    friday = datetime.datetime(2026, 11, 20, 16, tzinfo=datetime.UTC)
    with time_machine.travel(friday, tick=False):
        decision = _decided_without_letter(lincs, "deferred")
    monday = datetime.datetime(2026, 11, 23, 9, tzinfo=datetime.UTC)
    with time_machine.travel(monday, tick=False):
        letters.letter_issue(decision_id=decision.pk, kind="deferred")
    decision.refresh_from_db()
    route = decision.application.route
    assert decision.appeal_due_on == appeal_last_day(route, datetime.date(2026, 11, 23))
    assert decision.appeal_due_on != appeal_last_day(route, datetime.date(2026, 11, 20))
    from panels.appeals import counted_from

    assert counted_from(decision) == datetime.date(2026, 11, 23)


def test_the_task_run_twice_leaves_one_letter_and_one_e_mail(lincs):
    decision = _decided_without_letter(lincs)
    mail.outbox.clear()
    from panels.tasks import letter_issue

    letter_issue.delay(decision.pk, "progressed")
    letter_issue.delay(decision.pk, "progressed")
    assert Letter.objects.filter(decision=decision).count() == 1
    assert len(_letter_mails(decision.application.applicant)) == 1


def test_a_retry_after_the_send_failed_sends_the_letter_once(lincs, monkeypatch):
    decision = _decided_without_letter(lincs)
    mail.outbox.clear()
    from django.core.mail import EmailMultiAlternatives

    real_send, failures = EmailMultiAlternatives.send, []

    def send_failing_once(message, *args, **kwargs):
        if not failures and any(a[2] == "application/pdf" for a in message.attachments):
            failures.append(message)
            raise smtplib.SMTPServerDisconnected("the server went away")
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", send_failing_once)
    with pytest.raises(smtplib.SMTPException):
        letters.letter_issue(decision_id=decision.pk, kind="progressed")
    rendered = Letter.objects.get(decision=decision)
    assert rendered.pdf_key and not _letter_mails(decision.application.applicant)
    letters.letter_issue(decision_id=decision.pk, kind="progressed")  # the retry
    letters.letter_issue(decision_id=decision.pk, kind="progressed")  # and a late duplicate
    assert len(_letter_mails(decision.application.applicant)) == 1
    letter = Letter.objects.get(decision=decision)
    assert letter.rendered_at == rendered.rendered_at  # rendered once


def test_a_crash_between_render_and_send_is_retried_without_rendering_again(lincs, monkeypatch):
    decision = _decided_without_letter(lincs)
    mail.outbox.clear()
    real_send = letters._letter_send
    monkeypatch.setattr(letters, "_letter_send", lambda *a: (_ for _ in ()).throw(OSError("down")))
    with pytest.raises(OSError):
        letters.letter_issue(decision_id=decision.pk, kind="progressed")
    first = Letter.objects.get(decision=decision)
    assert first.pdf_key and first.sent_at is None
    monkeypatch.setattr(letters, "_letter_send", real_send)
    rendered = []
    monkeypatch.setattr(letters, "_letter_store", lambda *a: rendered.append(a))
    letters.letter_issue(decision_id=decision.pk, kind="progressed")
    assert rendered == [] and len(_letter_mails(decision.application.applicant)) == 1


def test_dudleys_entry_route_letter_is_due_within_3_working_days(demo_people):
    from frameworks.models import ProgressionRoute

    route = next(
        r for r in ProgressionRoute.objects.filter(framework__organisation__slug="dudley")
        if (r.panel or {}).get("letter_within_working_days") == 3
    )  # fmt: skip
    decided = datetime.datetime(2026, 12, 24, 15, tzinfo=datetime.UTC)  # a Thursday
    due = letters.due_by(route, decided)
    assert timezone.localdate(due) == add_working_days(datetime.date(2026, 12, 24), 3)
    assert timezone.localdate(due) == datetime.date(2026, 12, 31)  # past Christmas and Boxing Day


def test_a_route_that_names_no_service_level_allows_one_working_day():
    from types import SimpleNamespace

    friday = datetime.datetime(2026, 11, 20, 15, tzinfo=datetime.UTC)
    due = letters.due_by(SimpleNamespace(panel={}), friday)
    assert timezone.localdate(due) == datetime.date(2026, 11, 23)


# --- Concurrency (PostgreSQL: two connections) -------------------------------------------------


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="Two workers at once need PostgreSQL (CI sets DATABASE_URL)",
)
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_leave_one_letter_and_one_e_mail(monkeypatch):
    from careerpath.demo import demo_data_load

    demo_data_load()  # a transactional test starts from an empty database
    people = {p.username: p for p in User.objects.exclude(organisation=None)}
    lincs = lincolnshire_hearing(people, monkeypatch)
    decision = _decided_without_letter(lincs)
    Letter.objects.filter(decision=decision).delete()  # committed: the task ran; start again
    Notification.objects.filter(url__startswith="/panels/letters/").delete()
    mail.outbox.clear()
    start, errors = threading.Barrier(2), []

    def work():
        try:
            start.wait()
            letters.letter_issue(decision_id=decision.pk, kind="progressed")
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert Letter.objects.filter(decision=decision).count() == 1
    assert len(_letter_mails(decision.application.applicant)) == 1


# --- Re-issue and download ---------------------------------------------------------------------


@pytest.fixture
def issued(lincs, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        decision = _record(lincs, "progressed")
    return Letter.objects.get(decision=decision)


def test_hr_re_issues_a_letter_with_a_reason_keeping_the_earlier_version(
    client, lincs, issued, django_capture_on_commit_callbacks
):
    hr = lincs["people"]["lincolnshire.hr"]
    worker = issued.decision.application.applicant
    client.force_login(hr)
    url = reverse("panels:letter-reissue", args=[issued.pk])
    refused = client.post(url, {"reason": "  "})
    assert refused.status_code == 200 and "Say why the letter is re-issued" in refused.text
    assert Letter.objects.filter(decision=issued.decision).count() == 1
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "The pay point was wrong"})
    assert response.status_code == 302
    first, second = Letter.objects.filter(decision=issued.decision).order_by("version")
    assert (first.pk, first.pdf_key) == (issued.pk, issued.pdf_key)
    assert default_storage.exists(first.pdf_key)
    assert second.version == 2 and second.reissue_reason == "The pay point was wrong"
    assert second.reissued_by == hr and second.sent_at and second.pdf_key.endswith("-v2.pdf")
    assert len(_letter_mails(worker)) == 1
    reissued = AuditEvent.objects.filter(action="letter.reissue", actor=hr)
    assert reissued.filter(details__decision=issued.decision_id).count() == 1
    page = client.get(reverse("panels:letter-reissue", args=[second.pk]))
    assert "version 1" in page.text and "version 2" in page.text


def test_the_re_issue_service_refuses_without_a_reason(lincs, issued):
    with pytest.raises(letters.LetterError, match="Say why"):
        letters.letter_reissue(letter=issued, actor=lincs["people"]["lincolnshire.hr"], reason="")
    assert Letter.objects.filter(decision=issued.decision).count() == 1


@pytest.mark.parametrize(
    "who, status",
    [
        ("worker", 200),
        ("lincolnshire.team-manager", 200),
        ("lincolnshire.hr", 200),
        ("lincolnshire.panel-member", 404),  # the chair: sees that it went, not the letter
        ("lincolnshire.worker", 404),  # another worker of the council
        ("lincolnshire.coordinator", 404),
        ("medway.hr", 404),  # HR of another council
    ],
)
def test_who_may_download_the_letter(client, lincs, issued, who, status):
    person = issued.decision.application.applicant if who == "worker" else lincs["people"][who]
    client.force_login(person)
    response = client.get(reverse("panels:letter-pdf", args=[issued.pk]))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_only_hr_of_the_council_may_re_issue(client, lincs, issued):
    url = reverse("panels:letter-reissue", args=[issued.pk])
    for username, status in (("lincolnshire.team-manager", 403), ("medway.hr", 404)):
        client.force_login(lincs["people"][username])
        assert client.post(url, {"reason": "x"}).status_code == status
    assert Letter.objects.filter(decision=issued.decision).count() == 1


def test_the_worker_sees_their_letters_on_their_application_page(client, issued):
    worker = issued.decision.application.applicant
    client.force_login(worker)
    page = client.get(
        reverse("portfolios:application-detail", args=[issued.decision.application_id])
    )
    assert reverse("panels:letter-pdf", args=[issued.pk]) in page.text
    assert "Progressed letter, version 1" in page.text


def test_the_re_issue_page_costs_the_same_queries_for_3_and_30_versions(client, lincs, issued):
    client.force_login(lincs["people"]["lincolnshire.hr"])
    url = reverse("panels:letter-reissue", args=[issued.pk])

    def cost(versions):
        while Letter.objects.filter(decision=issued.decision).count() < versions:
            latest = Letter.objects.filter(decision=issued.decision).count()
            sent_letter(issued.decision, version=latest + 1, reason="Corrected")
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url)
        assert page.status_code == 200 and f"version {versions}" in page.text
        return len(queries)

    # The session, the user, their roles (staff; HR), the letter with its decision, application,
    # worker, route and council, and the versions with who re-issued them.
    assert cost(3) == cost(30)
