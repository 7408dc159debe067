"""Evidence files on a real S3 store (SeaweedFS, which `.ci/run` starts on loopback through
`.ci/seaweedfs`), through django-storages exactly as production configures it. Nothing is mocked:
uploads, content-hash keys, storing the same bytes once, signatures that are checked, and signed
download URLs that expire."""

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from botocore.exceptions import ClientError
from django.core.files.uploadedfile import SimpleUploadedFile
from storages.backends.s3 import S3Storage

from portfolios.uploads import file_download_response, inspect_upload, store_upload, upload_key

pytestmark = pytest.mark.s3

ROOT = Path(__file__).resolve().parents[2]
ENDPOINT = os.environ.get("EVIDENCE_S3_TEST_ENDPOINT", "")
# Loopback only, and never through a proxy from the environment.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), urllib.request.HTTPHandler)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture(scope="module")
def s3_options():
    """The S3 storage options careerpath/settings.py builds from the environment, pointed at the
    test store."""
    if not ENDPOINT:
        reason = (
            "EVIDENCE_S3_TEST_ENDPOINT is not set: start a store with "
            '`eval "$(.ci/seaweedfs start)"` (CI does this in .ci/run)'
        )
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(reason)
        pytest.skip(reason)
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "AWS_STORAGE_BUCKET_NAME": os.environ["EVIDENCE_S3_TEST_BUCKET"],
        "AWS_S3_ENDPOINT_URL": ENDPOINT,
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_ACCESS_KEY_ID": os.environ["EVIDENCE_S3_TEST_ACCESS_KEY"],
        "AWS_SECRET_ACCESS_KEY": os.environ["EVIDENCE_S3_TEST_SECRET_KEY"],
        "EVIDENCE_DOWNLOAD_URL_SECONDS": "60",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    # A fresh interpreter reads the real settings module with these variables set.
    output = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, careerpath.settings as s; print(json.dumps(s.STORAGES['default']))",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    default = json.loads(output)
    assert default["BACKEND"] == "storages.backends.s3.S3Storage"
    return default["OPTIONS"]


@pytest.fixture
def storage(s3_options):
    return S3Storage(**s3_options)


@pytest.fixture
def client(storage):
    return storage.connection.meta.client


def evidence_pdf():
    # Different bytes in each test, so each starts with nothing stored under its key.
    return b"%PDF-1.4\n% " + uuid.uuid4().hex.encode() + b"\n%%EOF\n"


def attach(storage, name, content):
    uploaded = SimpleUploadedFile(name, content, content_type="text/html")
    found = inspect_upload(uploaded)
    return found, store_upload(uploaded, found, storage=storage)


def objects_under(client, bucket, key):
    listing = client.list_objects_v2(Bucket=bucket, Prefix=key)
    return [(o["Key"], o["ETag"], o["LastModified"]) for o in listing.get("Contents", [])]


def fetch(url):
    try:
        with OPENER.open(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_the_settings_use_path_style_v4_signatures_and_short_links(s3_options):
    assert s3_options["addressing_style"] == "path"
    assert s3_options["signature_version"] == "s3v4"
    assert s3_options["querystring_auth"] is True
    assert s3_options["querystring_expire"] == 60
    assert s3_options["default_acl"] == "private"


def test_an_upload_is_stored_under_its_content_hash_with_its_detected_type(storage, client):
    content = evidence_pdf()
    found, key = attach(storage, "Family Smith appraisal.pdf", content)
    assert key == upload_key(found.sha256)
    assert key.startswith(f"evidence/{found.sha256[:2]}/{found.sha256[2:4]}/")
    head = client.head_object(Bucket=storage.bucket_name, Key=key)
    assert head["ContentLength"] == len(content)
    # The detected type, not the browser's claim (text/html).
    assert head["ContentType"] == "application/pdf"
    assert client.get_object(Bucket=storage.bucket_name, Key=key)["Body"].read() == content


def test_the_same_bytes_uploaded_twice_store_nothing_new(storage, client):
    content = evidence_pdf()
    _, first = attach(storage, "first.pdf", content)
    before = objects_under(client, storage.bucket_name, first)
    assert len(before) == 1
    time.sleep(1.1)  # a second write would show as a later LastModified
    _, second = attach(storage, "the same file again.pdf", content)
    assert second == first
    assert objects_under(client, storage.bucket_name, first) == before


def test_a_wrong_secret_is_refused(s3_options, storage):
    _, key = attach(storage, "appraisal.pdf", evidence_pdf())
    wrong = S3Storage(**{**s3_options, "secret_key": "not-the-secret"})
    with pytest.raises(ClientError) as refused:
        wrong.exists(key)
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    # And nothing can be written with it.
    with pytest.raises(ClientError):
        store_upload(
            SimpleUploadedFile("x.pdf", evidence_pdf()),
            inspect_upload(SimpleUploadedFile("x.pdf", evidence_pdf())),
            storage=wrong,
        )


def test_an_object_has_no_public_url(storage):
    _, key = attach(storage, "appraisal.pdf", evidence_pdf())
    status, _, _ = fetch(f"{ENDPOINT}/{storage.bucket_name}/{key}")
    assert status == 403


def test_the_download_redirects_to_a_signed_url_that_serves_an_attachment(storage):
    content = evidence_pdf()
    found, key = attach(storage, "Appraisal 2025.pdf", content)
    response = file_download_response(
        key=key, filename="Appraisal – 2025.pdf", content_type=found.content_type, storage=storage
    )
    assert response.status_code == 302
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    url = response["Location"]
    assert url.startswith(f"{ENDPOINT}/{storage.bucket_name}/{key}?")
    assert "X-Amz-Signature=" in url and "X-Amz-Expires=60" in url
    status, headers, body = fetch(url)
    assert status == 200
    assert body == content
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"].startswith("attachment;")
    assert "Appraisal%20%E2%80%93%202025.pdf" in headers["Content-Disposition"]


def test_a_signed_url_stops_working_when_it_expires(storage):
    _, key = attach(storage, "appraisal.pdf", evidence_pdf())
    url = storage.url(key, expire=1)
    time.sleep(2.5)
    status, _, _ = fetch(url)
    assert status == 403


def test_a_tampered_signed_url_is_refused(storage):
    _, key = attach(storage, "appraisal.pdf", evidence_pdf())
    _, other = attach(storage, "another.pdf", evidence_pdf())
    url = storage.url(key)
    assert fetch(url)[0] == 200
    assert fetch(url.replace(key, other))[0] == 403


def test_with_s3_as_the_default_storage_uploads_and_downloads_use_it(settings, s3_options):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": s3_options},
    }
    content = evidence_pdf()
    uploaded = SimpleUploadedFile("Appraisal.pdf", content)
    found = inspect_upload(uploaded)
    key = store_upload(uploaded, found)
    response = file_download_response(
        key=key, filename="Appraisal.pdf", content_type=found.content_type
    )
    assert response.status_code == 302
    status, headers, body = fetch(response["Location"])
    assert (status, body) == (200, content)
    assert headers["Content-Disposition"] == 'attachment; filename="Appraisal.pdf"'
