"""A worker keeping an evidence library in a real browser, with every page audited."""

import io
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse

from portfolios.demo import minimal_pdf
from portfolios.models import EvidenceItem

from .conftest import add_evidence_item, audit, sign_in, visit

pytestmark = pytest.mark.browser

WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def minimal_docx(text):
    """The smallest Word document: its content types and its main part."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="'
            'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            "</Types>",
        )
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f"<w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>",
        )
    return out.getvalue()


def test_a_worker_uploads_finds_downloads_deletes_and_restores_evidence(page, demo_people):
    worker = demo_people["dudley.worker"]
    sign_in(page, worker.username)
    # From the home page into the library.
    with page.expect_navigation():
        page.get_by_role("link", name="Your evidence library").click()
    audit(page)

    add_evidence_item(
        page, kind="Training certificate", title="Certificate: court skills training",
        day="14", month="10", year="2025",
        reflection="Two days on writing for court and giving evidence.",
        file={"name": "court-skills.pdf", "mimeType": "application/pdf",
              "buffer": minimal_pdf("Certificate of attendance", "Court skills")},
    )  # fmt: skip
    assert "court-skills.pdf" in page.content()
    visit(page, reverse("portfolios:evidence-list"))
    add_evidence_item(
        page, kind="Reflective account", title="Reflective account of a core group meeting",
        day="2", month="11", year="2025",
        reflection="I chaired my first core group.\n\nI learned to hold the plan to account.",
        file={"name": "core-group-reflection.docx", "mimeType": WORD,
              "buffer": minimal_docx("Reflection on chairing a core group")},
    )  # fmt: skip
    assert "Word document" in page.content()
    assert page.locator(".app-reflection p").count() == 2

    # Find them by filter and by search.
    visit(page, reverse("portfolios:evidence-list"))
    page.get_by_label("Kind").select_option(label="Training certificate")
    with page.expect_navigation():
        page.get_by_role("button", name="Apply filters").click()
    audit(page)
    results = page.locator(".govuk-summary-card__title")
    assert "Certificate: court skills training" in results.all_inner_texts()
    assert "Reflective account of a core group meeting" not in results.all_inner_texts()

    visit(page, reverse("portfolios:evidence-list"))
    page.get_by_label("Search").fill("chaired core group")
    with page.expect_navigation():
        page.get_by_role("button", name="Apply filters").click()
    audit(page)
    assert page.locator(".govuk-summary-card__title").all_inner_texts() == [
        "Reflective account of a core group meeting"
    ]

    # Download the Word file.
    with page.expect_navigation():
        page.get_by_role("link", name="Reflective account of a core group meeting").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="core-group-reflection.docx", exact=True).click()
    download = download_info.value
    assert download.suggested_filename == "core-group-reflection.docx"
    assert zipfile.ZipFile(Path(download.path())).read("word/document.xml")

    # Delete it, then restore it from the bin.
    with page.expect_navigation():
        page.get_by_role("button", name="Delete this item").click()
    assert "is in the bin" in page.locator(".govuk-notification-banner").inner_text()
    audit(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Bin").click()
    audit(page)
    with page.expect_navigation():
        page.get_by_role(
            "button", name="Restore Reflective account of a core group meeting"
        ).click()
    assert "is back in your evidence library" in page.content()
    audit(page)
    assert (
        EvidenceItem.objects.in_library()
        .filter(owner=worker, title="Reflective account of a core group meeting")
        .exists()
    )


def test_the_personal_data_warning_and_a_refused_file_in_the_browser(page, demo_people):
    sign_in(page, "lincolnshire.worker")
    page.goto(reverse("portfolios:evidence-create"))
    page.wait_for_load_state("networkidle")  # the header settles once its fonts are in
    audit(page)
    page.get_by_label("What kind of evidence is it?").select_option(label="Case example")
    page.get_by_label("Title").fill("Home visit")
    page.get_by_label("Day").fill("3")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("2025")
    page.get_by_label("Your reflection").fill("The child, born 12/03/2019, lives at LN1 1DN.")
    page.get_by_label("Add files (optional)").set_input_files(
        {"name": "notes.pdf", "mimeType": "application/pdf", "buffer": b"MZ" + b"\0" * 64}
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    assert "notes.pdf" in page.locator(".govuk-error-summary").inner_text()
    audit(page)
    # The file is refused; once the form is fine, the guard warns before saving.
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    warning = page.locator("#personal-data-warning").inner_text()
    assert "LN1 1DN" in warning
    audit(page)
    assert page.get_by_label("Your reflection").input_value().endswith("LN1 1DN.")
    with page.expect_navigation():
        page.get_by_role("button", name="Keep it as it is and save").click()
    assert "is in your evidence library" in page.content()
