"""A worker asks for a copy of their data from the footer's "Your data" link, waits for it to be
made, and downloads one zip that holds their record and nothing of anyone else's. Every page
audited."""

import io
import json
import zipfile
from pathlib import Path

import pytest

from .conftest import audit, visit
from .test_application_journeys import click, switch_to

pytestmark = pytest.mark.browser


def test_a_worker_requests_and_downloads_their_data(page, demo_people):
    switch_to(page, "medway.worker")
    visit(page, "/")
    click(page, page.get_by_role("link", name="Your data"))
    assert "You have not asked for a copy of your data" in page.inner_text("main")

    # The task makes the zip after the request commits (in-process here), so the page it
    # returns to offers the download.
    click(page, page.get_by_role("button", name="Request a copy of your data"))
    assert "We are preparing your data" in page.inner_text("main")
    page.reload()
    audit(page)
    assert "Ready" in page.inner_text("main")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download your data").click()
    content = Path(download_info.value.path()).read_bytes()
    archive = zipfile.ZipFile(io.BytesIO(content))
    record = json.loads(archive.read("record.json"))
    assert record["username"] == "medway.worker"
    evidence = json.loads(archive.read("evidence.json"))
    assert evidence, "the demo worker's library is in the zip"
    everything = b"".join(archive.read(name) for name in archive.namelist())
    assert b"lincolnshire.worker" not in everything
