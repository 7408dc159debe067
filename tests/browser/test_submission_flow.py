"""A worker whose application is ready accepts the declaration on check your answers, submits,
and downloads the portfolio PDF, whose text holds what they wrote; every page audited."""

import io

import pytest
from django.conf import settings
from django.urls import reverse
from pypdf import PdfReader

from portfolios.models import ApplicationState
from tests.portfolios.test_submission import STATEMENT, ready_application, worker_with_email

from .conftest import sign_in, visit

pytestmark = pytest.mark.browser


def test_a_worker_submits_and_downloads_their_portfolio(page, demo_people):
    worker = worker_with_email("dudley.submitter")
    worker.set_password(settings.DEMO_PASSWORD)
    worker.save(update_fields=["password"])
    application = ready_application(worker)
    sign_in(page, worker.username)

    assert visit(page, reverse("portfolios:application-readiness", args=[application.pk])).ok
    assert "Ready" in page.locator(".app-readiness").inner_text()
    assert visit(page, reverse("portfolios:application-check", args=[application.pk])).ok
    page.get_by_label("I confirm that the information in this application is true").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Accept and submit").click()
    assert "Your application has been submitted" in page.locator("main").inner_text()
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED

    assert visit(page, reverse("portfolios:application-readiness", args=[application.pk])).ok
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the portfolio (PDF)").click()
    with open(download.value.path(), "rb") as pdf:
        reader = PdfReader(io.BytesIO(pdf.read()))
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    assert STATEMENT in text
