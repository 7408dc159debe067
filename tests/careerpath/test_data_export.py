"""Subject access: one person's zip holds everything careerpath holds about them and nothing of
anyone else's; it is made after the request commits, offered for seven days, then deleted."""

import datetime
import io
import json
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from careerpath.data_export import (
    DataExportError,
    data_export_request,
    data_exports_expire,
)
from careerpath.models import AuditEvent, DataExport
from tests.careerpath.personal_data_factories import worker_with_everything

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_workers(demo_people):
    manager = demo_people["medway.line-manager"]
    alex = worker_with_everything("alex.export", "ALEXMARK", commenter=manager)
    blair = worker_with_everything("blair.export", "BLAIRMARK", commenter=manager)
    return alex, blair


def _made(person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        export = data_export_request(person=person, actor=person)
    export.refresh_from_db()
    return export


def _zip_text(export):
    with default_storage.open(export.file_key) as stored:
        archive = zipfile.ZipFile(io.BytesIO(stored.read()))
    return archive, {name: archive.read(name).decode() for name in archive.namelist()}


def test_the_zip_holds_everything_about_the_person(two_workers, django_capture_on_commit_callbacks):
    (alex, item, application), _ = two_workers
    export = _made(alex, django_capture_on_commit_callbacks)

    archive, contents = _zip_text(export)
    record = json.loads(contents["record.json"])
    assert record["username"] == "alex.export"
    evidence = json.loads(contents["evidence.json"])
    assert [entry["title"] for entry in evidence] == ["Item ALEXMARK"]
    # The original file, byte for byte.
    assert contents[evidence[0]["files"][0]["file"]] == "Notes ALEXMARK"
    applications = json.loads(contents["applications.json"])
    assert applications[0]["answers"] == {"summary": {"text": "Answer ALEXMARK"}}
    assert applications[0]["evidence_links"][0]["note"] == "Link ALEXMARK"
    # A comment by someone else about them is theirs to see.
    assert [c["body"] for c in applications[0]["comments"]] == ["Comment ALEXMARK"]
    assert applications[0]["submissions"][0]["snapshot"]["answers"]["summary"] == (
        "Snapshot ALEXMARK"
    )
    assert "ALEXMARK" in contents[applications[0]["submissions"][0]["pdf"]]
    decisions = json.loads(contents["decisions.json"])
    assert decisions[0]["reasons"] == "Reasons ALEXMARK"
    assert decisions[0]["judgements"][0]["note"] == "Judgement ALEXMARK"
    assert decisions[0]["targets"][0]["text"] == "Target ALEXMARK"
    letters = json.loads(contents["letters.json"])
    assert letters[0]["subject"] == "Letter ALEXMARK"
    assert contents[letters[0]["pdf"]] == "%PDF-1.4 letter ALEXMARK"
    notifications = json.loads(contents["notifications.json"])
    assert "Notice ALEXMARK" in [n["subject"] for n in notifications]
    assert [role["role"] for role in json.loads(contents["roles.json"])] == ["Worker"]
    assert export.size == default_storage.size(export.file_key)


def test_the_zip_holds_nothing_of_anyone_else(two_workers, django_capture_on_commit_callbacks):
    (alex, _, _), (blair, blair_item, blair_application) = two_workers
    export = _made(alex, django_capture_on_commit_callbacks)

    _, contents = _zip_text(export)
    everything = "\n".join(contents.values())
    assert "BLAIRMARK" not in everything
    assert "blair.export" not in everything
    assert f"evidence/{blair_item.pk}/" not in "\n".join(contents)
    ids = [entry["id"] for entry in json.loads(contents["applications.json"])]
    assert blair_application.pk not in ids
    # And the other way round.
    _, theirs = _zip_text(_made(blair, django_capture_on_commit_callbacks))
    assert "ALEXMARK" not in "\n".join(theirs.values())
    assert "BLAIRMARK" in "\n".join(theirs.values())


def test_a_request_is_audited_and_a_second_waits_for_the_first(demo_people):
    worker = demo_people["medway.worker"]
    export = data_export_request(person=worker, actor=worker)  # not yet made: no commit
    assert AuditEvent.objects.filter(action="data_export.request", target_id=str(export.pk))
    with pytest.raises(DataExportError):
        data_export_request(person=worker, actor=worker)
    assert DataExport.objects.filter(person=worker).count() == 1


def test_the_zip_is_offered_for_seven_days_then_deleted(
    demo_people, django_capture_on_commit_callbacks
):
    worker = demo_people["medway.worker"]
    export = _made(worker, django_capture_on_commit_callbacks)
    assert export.expires_at - export.ready_at == datetime.timedelta(days=7)

    assert data_exports_expire(now=export.expires_at - datetime.timedelta(seconds=1)) == 0
    assert default_storage.exists(export.file_key)
    assert data_exports_expire(now=export.expires_at) == 1
    assert not default_storage.exists(export.file_key)
    export.refresh_from_db()
    assert export.file_key == ""
    assert data_exports_expire(now=export.expires_at) == 0  # a second run deletes nothing


def test_the_person_downloads_their_zip_and_the_download_is_audited(
    client, demo_people, django_capture_on_commit_callbacks
):
    worker = demo_people["medway.worker"]
    client.force_login(worker)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("careerpath:my-data-request"))
    assert response.status_code == 302
    export = DataExport.objects.get(person=worker)
    page = client.get(reverse("careerpath:my-data"))
    download_url = reverse("careerpath:my-data-download", args=[export.pk])
    assert download_url in page.content.decode()

    response = client.get(download_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()
    assert AuditEvent.objects.filter(action="data_export.download", actor=worker).count() == 1


def test_nobody_else_downloads_a_persons_zip(
    client, demo_people, django_capture_on_commit_callbacks
):
    worker = demo_people["medway.worker"]
    export = _made(worker, django_capture_on_commit_callbacks)
    url = reverse("careerpath:my-data-download", args=[export.pk])
    for username in ("medway.line-manager", "medway.admin", "medway.hr", "lincolnshire.worker"):
        client.force_login(demo_people[username])
        assert client.get(url).status_code == 404, username


def test_an_expired_zip_is_no_longer_downloaded(
    client, demo_people, django_capture_on_commit_callbacks
):
    worker = demo_people["medway.worker"]
    export = _made(worker, django_capture_on_commit_callbacks)
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now())
    client.force_login(worker)
    url = reverse("careerpath:my-data-download", args=[export.pk])
    assert client.get(url).status_code == 404
    assert "Expired" in client.get(reverse("careerpath:my-data")).content.decode()


# --- Query budget: the page reads the person's requests only -----------------------------------


def _people(count):
    """`count` people in Medway, made in bulk (the page must not read them)."""
    from careerpath.models import Organisation, User

    medway = Organisation.objects.get(slug="medway")
    have = User.objects.filter(organisation=medway).count()
    User.objects.bulk_create(
        User(username=f"bulk-{n}", organisation=medway, employee_number=f"B{n}")
        for n in range(max(0, count - have))
    )


def _exports(person, count):
    now = timezone.now()
    DataExport.objects.bulk_create(
        DataExport(
            person=person,
            requested_by=person,
            ready_at=now,
            file_key=f"x/{n}.zip",
            size=10,
            expires_at=now + datetime.timedelta(days=7),
        )  # fmt: skip
        for n in range(count)
    )


# 1 the session, 2 the person, 3 the person's ten latest requests, 4 their organisation and
# 5 their roles (the header, from the context processors). Neither the council's size nor the
# number of requests changes it.
MY_DATA_BUDGET = 5


@pytest.mark.parametrize(("people", "exports"), [(100, 3), (10_000, 30)])
def test_the_my_data_page_reads_a_fixed_number_of_queries(
    client, demo_people, people, exports, django_assert_num_queries
):
    worker = demo_people["medway.worker"]
    _people(people)
    _exports(worker, exports)
    client.force_login(worker)
    client.get(reverse("careerpath:my-data"))  # warm the per-process caches
    with django_assert_num_queries(MY_DATA_BUDGET):
        response = client.get(reverse("careerpath:my-data"))
    assert response.status_code == 200
    assert response.content.decode().count("Download your data<") == min(exports, 10)
