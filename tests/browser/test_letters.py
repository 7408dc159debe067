"""Outcome letters in a real browser (issue 12): Lincolnshire's chair records a deferral on the
hearing page; one letter is made and e-mailed once, its PDF reads the worker's name, the outcome,
the targets and the last day to appeal (10 working days counted from the letter); the worker
downloads it from their application page; HR re-issues it with a reason. Every page audited."""

import datetime
import io

import pytest
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from careerpath.dates import long_date
from panels.appeals import appeal_last_day
from panels.models import Decision, Letter

from .conftest import visit
from .test_application_journeys import click, switch_to
from .test_panel_decisions import (
    fill_targets,
    judge_all,
    lincolnshire_ready_to_hear,
    open_hearing,
    record,
    released,
)
from .test_review_journeys import main_text, name_of

pytestmark = pytest.mark.browser


def _pdf_text(content):
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_a_deferral_on_the_hearing_page_sends_one_letter_whose_pdf_reads_right(
    page, demo_people, monkeypatch
):
    data = lincolnshire_ready_to_hear(demo_people, monkeypatch)
    session, application, chair = data["session"], data["application"], data["chair"]
    applicant, panel_date = application.applicant, data["panel_date"]
    released(session)
    target = ("Medium term", "Lead a child protection conference report",
              panel_date + datetime.timedelta(days=90))  # fmt: skip
    mail.outbox.clear()

    switch_to(page, chair.username)
    open_hearing(page, session, applicant)
    judge_all(page, KSS_4=("Not yet met", "Little evidence of direct work with the child."))
    page.get_by_label("Further work (if deferred)").fill("Shadow a colleague in the court team.")
    fill_targets(page, [target])
    record(page, "Deferred", reasons="KSS 4 was not yet evidenced.")
    assert f"Decision recorded for {name_of(applicant)}" in main_text(page)

    decision = Decision.objects.get(application=application)
    letter = Letter.objects.get(decision=decision)
    assert letter.sent_at is not None and letter.version == 1
    sent = [m for m in mail.outbox if m.to == [applicant.email] and m.attachments]
    assert len(sent) == 1
    filename, content, mimetype = sent[0].attachments[0]
    assert mimetype == "application/pdf" and len(content) < 100 * 1024
    text = _pdf_text(content)
    last_day = appeal_last_day(application.route, letter.rendered_at.date())
    assert decision.appeal_due_on == last_day
    assert applicant.get_full_name() in text
    assert "has deferred its decision" in text
    assert f"Medium term, by {long_date(target[2])}: {target[1]}" in text
    assert "Shadow a colleague in the court team." in text
    assert f"counted from the date of this letter: your last day is {long_date(last_day)}" in text

    # The worker sees the letter on their application page and downloads the same PDF.
    switch_to(page, applicant.username)
    visit(page, reverse("portfolios:application-detail", args=[application.pk]))
    link = page.get_by_role("link", name="Deferred letter, version 1 (PDF)")
    download = page.request.get(link.get_attribute("href"))
    assert download.ok and download.body() == content

    # HR re-issues it, with a reason; both versions are kept and listed.
    switch_to(page, "lincolnshire.hr")
    visit(page, reverse("panels:letter-reissue", args=[letter.pk]))
    click(page, page.get_by_role("button", name="Re-issue the letter"))
    assert "Say why the letter is re-issued" in main_text(page)
    page.get_by_label("Why is the letter re-issued?").fill("The target's date was wrong.")
    click(page, page.get_by_role("button", name="Re-issue the letter"))
    assert "Version 2 of the letter is being sent." in main_text(page)
    assert [v.version for v in Letter.objects.filter(decision=decision)] == [1, 2]
    assert len([m for m in mail.outbox if m.to == [applicant.email] and m.attachments]) == 2
