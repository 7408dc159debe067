"""The portfolio PDF: rendered from the snapshot after the submission commits, laid out like the
council's form with an index of evidence, stored under the snapshot's digest (a retry overwrites,
never adds), and its text read back holds the worker's statements."""

import io

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from pypdf import PdfReader

from portfolios.applications.pdf import portfolio_pdf_key, submission_pdf_render
from portfolios.applications.submission import application_submit
from portfolios.models import ApplicationAnswer, Submission
from portfolios.tasks import portfolio_pdf_render
from tests.portfolios.submission_factories import open_application, route_of
from tests.portfolios.test_submission import ready_application, worker_with_email

pytestmark = pytest.mark.django_db


def pdf_text(key):
    with default_storage.open(key, "rb") as stored:
        reader = PdfReader(io.BytesIO(stored.read()))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


@pytest.fixture
def submission(django_capture_on_commit_callbacks):
    worker = worker_with_email("dudley.pdf")
    application = ready_application(worker)
    with django_capture_on_commit_callbacks(execute=True):
        application_submit(application=application, actor=worker, declaration=True)
    return Submission.objects.get(application=application)


def test_the_pdf_holds_the_statements_and_an_index_of_evidence(submission):
    assert submission.pdf_key == portfolio_pdf_key(submission)
    text = pdf_text(submission.pdf_key)
    assert "Social worker in a children's team until 2019." in text
    assert "Index of evidence" in text
    assert "Social work degree" in text and "degree.txt" in text
    assert submission.snapshot["route"]["title"] in text


def test_a_retried_render_overwrites_the_same_file_and_sets_the_record_once(submission):
    rendered_at = submission.pdf_rendered_at
    directory = submission.pdf_key.rsplit("/", 1)[0]
    # A retry after the file was stored but before the record was set: render again.
    Submission.objects.filter(pk=submission.pk).update(pdf_key="", pdf_rendered_at=None)
    assert portfolio_pdf_render.apply(args=[submission.pk]).get() == submission.pdf_key
    assert default_storage.listdir(directory)[1] == [f"{submission.digest}.pdf"]
    # Done already: nothing rendered, nothing changed.
    submission.refresh_from_db()
    assert submission_pdf_render(submission_id=submission.pk) == submission.pdf_key
    assert submission.pdf_rendered_at >= rendered_at


def test_a_lincolnshire_pdf_follows_the_progression_document(django_capture_on_commit_callbacks):
    """Sections as the form has them, with the statement for each allocated KSS."""
    from tests.portfolios.evidence_factories import new_worker

    worker = new_worker("lincs.pdf", "lincolnshire")
    application = open_application(worker, route_of("L1-L2"), allocated_standards=[4, 5, 7, 1, 2])
    ApplicationAnswer.objects.create(
        application=application, section="c", values={"kss-4": "I supported a mother's recovery."}
    )
    from portfolios.applications.readiness import application_readiness
    from portfolios.applications.submission import application_snapshot

    snapshot, _, _ = application_snapshot(
        application=application, readiness=application_readiness(application=application)
    )
    from portfolios.applications.pdf import portfolio_pdf_bytes

    reader = PdfReader(io.BytesIO(portfolio_pdf_bytes(snapshot)))
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    assert "I supported a mother's recovery." in text
    titles = [section["title"] for section in snapshot["layout"]]
    assert titles and all(title in text for title in titles[:3])


def test_a_lost_pdf_is_rendered_again_on_download(client, submission):
    default_storage.delete(submission.pdf_key)
    client.force_login(submission.application.applicant)
    response = client.get(reverse("portfolios:submission-pdf", args=[submission.pk]))
    assert response.status_code == 200
    assert default_storage.exists(submission.pdf_key)


def test_the_render_task_is_late_acknowledged_and_retried_with_backoff():
    assert portfolio_pdf_render.acks_late
    assert OSError in portfolio_pdf_render.autoretry_for
    assert portfolio_pdf_render.retry_backoff
