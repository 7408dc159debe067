"""The evidence library's models, services and permission rule."""

import datetime

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from careerpath.models import AuditEvent
from frameworks import rules
from portfolios import services
from portfolios.models import EvidenceFile, EvidenceItem
from portfolios.permissions import can_view_evidence
from portfolios.selectors import evidence_bin_for, evidence_facts_for, evidence_files_of
from portfolios.tasks import purge_evidence_bin
from tests.portfolios.evidence_factories import make_item, new_worker, pdf_file, text_file


def _in_bin_since(item, days):
    services.evidence_item_delete(item=item, actor=item.owner)
    EvidenceItem.objects.filter(pk=item.pk).update(
        deleted_at=timezone.now() - datetime.timedelta(days=days)
    )
    item.refresh_from_db()
    return item


# --- Items and files ---------------------------------------------------------------------------


def test_an_item_is_created_with_its_files_and_an_audit_event(worker):
    item = make_item(worker, files=[pdf_file(), text_file()])
    assert [f.original_name for f in item.files.all()] == ["certificate.pdf", "notes.txt"]
    pdf = item.files.get(original_name="certificate.pdf")
    assert pdf.content_type == "application/pdf"
    assert default_storage.exists(pdf.storage_key)
    assert "certificate" not in pdf.storage_key  # keyed by content, never by the name given
    assert AuditEvent.objects.filter(action="evidence.create", target_id=str(item.pk)).exists()


def test_file_versions_are_immutable(worker):
    evidence_file = make_item(worker, files=[text_file()]).files.get()
    evidence_file.original_name = "changed.txt"
    with pytest.raises(ValueError, match="cannot be changed"):
        evidence_file.save()


def test_replacing_a_file_adds_a_version_and_keeps_the_old_one(worker):
    item = make_item(worker, files=[text_file("plan.txt", "Version one")])
    first = item.files.get()
    staged, _ = services.evidence_uploads_stage(files=[text_file("plan v2.txt", "Version two")])
    second = services.evidence_file_replace(evidence_file=first, actor=worker, staged=staged[0])
    assert (second.version, second.previous) == (2, first)
    [history] = evidence_files_of(item=item)
    assert history.current == second
    assert history.earlier == (first,)
    assert default_storage.exists(first.storage_key)
    with pytest.raises(services.EvidenceError, match="replaced already"):
        services.evidence_file_replace(evidence_file=first, actor=worker, staged=staged[0])


def test_a_stale_edit_is_refused_and_changes_nothing(worker):
    item = make_item(worker)
    seen = item.updated_at.isoformat()
    services.evidence_item_update(
        item=item, actor=worker, saved_version=seen, **_values(item, title="First tab")
    )
    with pytest.raises(services.EvidenceError, match="changed somewhere else"):
        services.evidence_item_update(
            item=item, actor=worker, saved_version=seen, **_values(item, title="Second tab")
        )
    item.refresh_from_db()
    assert item.title == "First tab"


def test_an_update_that_changes_nothing_writes_nothing(worker):
    item = make_item(worker)
    before = item.updated_at
    services.evidence_item_update(item=item, actor=worker, **_values(item))
    item.refresh_from_db()
    assert item.updated_at == before
    assert not AuditEvent.objects.filter(action="evidence.update").exists()


def _values(item, **changes):
    return {name: getattr(item, name) for name in services.ITEM_FIELDS} | changes


def test_the_rating_must_be_1_to_4(worker):
    from django.db import IntegrityError, transaction

    item = make_item(worker)
    with pytest.raises(IntegrityError), transaction.atomic():
        EvidenceItem.objects.filter(pk=item.pk).update(rating=5)


# --- Facts for the rule evaluator ------------------------------------------------------------


def test_evidence_facts_are_the_library_without_the_bin(db):
    worker = new_worker()
    make_item(worker, kind="practice_observation", dated=datetime.date(2025, 1, 10))
    EvidenceItem.objects.filter(owner=worker, kind="practice_observation").update(rating=3)
    make_item(
        worker, kind="training_certificate", dated=datetime.date(2024, 5, 1), is_certificate=True
    )
    services.evidence_item_delete(item=make_item(worker, kind="case_example"), actor=worker)
    make_item(worker, kind="appraisal", dated=datetime.date(2025, 6, 1))

    assert evidence_facts_for(person=worker) == (
        rules.EvidenceItem("training_certificate", datetime.date(2024, 5, 1), None, True),
        rules.EvidenceItem("practice_observation", datetime.date(2025, 1, 10), 3, False),
        rules.EvidenceItem("appraisal", datetime.date(2025, 6, 1), None, False),
    )
    # Only what had happened by the day asked about.
    assert len(evidence_facts_for(person=worker, on=datetime.date(2025, 3, 1))) == 2


# --- Bin, restore, purge ---------------------------------------------------------------------


def test_delete_moves_to_the_bin_and_restore_brings_it_back(worker):
    item = make_item(worker)
    services.evidence_item_delete(item=item, actor=worker)
    services.evidence_item_delete(item=item, actor=worker)  # again: nothing more happens
    assert EvidenceItem.objects.in_bin().filter(pk=item.pk).exists()
    assert AuditEvent.objects.filter(action="evidence.delete", target_id=str(item.pk)).count() == 1
    assert item in evidence_bin_for(user=worker)
    services.evidence_item_restore(item=item, actor=worker)
    assert EvidenceItem.objects.in_library().filter(pk=item.pk).exists()


def test_an_item_in_the_bin_over_90_days_cannot_be_restored(worker):
    item = _in_bin_since(make_item(worker), days=91)
    assert item not in evidence_bin_for(user=worker)
    with pytest.raises(services.EvidenceError, match="more than 90 days"):
        services.evidence_item_restore(item=item, actor=worker)


def test_purge_destroys_items_past_90_days_and_their_unused_files(worker):
    old = _in_bin_since(make_item(worker, files=[text_file("old.txt", "Only here")]), days=91)
    key = old.files.get().storage_key
    recent = _in_bin_since(make_item(worker), days=89)
    in_library = make_item(worker)

    assert services.evidence_bin_purge() == 1
    assert not EvidenceItem.objects.filter(pk=old.pk).exists()
    assert not default_storage.exists(key)
    assert EvidenceItem.objects.filter(pk__in=[recent.pk, in_library.pk]).count() == 2
    assert AuditEvent.objects.filter(action="evidence.purge", target_id=str(old.pk)).exists()
    assert services.evidence_bin_purge() == 0  # safe to run twice


def test_purge_never_destroys_an_item_a_submitted_application_holds(worker):
    held = make_item(worker, files=[text_file()])
    services.evidence_item_hold(item=held)
    _in_bin_since(held, days=400)
    assert services.evidence_bin_purge() == 0
    held.refresh_from_db()
    assert held.is_held
    assert default_storage.exists(held.files.get().storage_key)
    # Hidden: neither in the library nor in the bin the worker sees.
    assert held not in evidence_bin_for(user=worker)
    assert held.pk not in EvidenceItem.objects.in_library().values_list("pk", flat=True)


def test_purge_keeps_bytes_another_version_still_uses(worker, demo_people):
    shared = "Same bytes in two libraries"
    old = _in_bin_since(make_item(worker, files=[text_file("a.txt", shared)]), days=91)
    other = make_item(demo_people["medway.family-worker"], files=[text_file("b.txt", shared)])
    key = other.files.get().storage_key
    assert old.files.get().storage_key == key  # one blob for the same bytes
    services.evidence_bin_purge()
    assert default_storage.exists(key)


def test_purge_removes_replaced_versions_too(worker):
    item = make_item(worker, files=[text_file("v1.txt", "One")])
    staged, _ = services.evidence_uploads_stage(files=[text_file("v2.txt", "Two")])
    services.evidence_file_replace(evidence_file=item.files.get(), actor=worker, staged=staged[0])
    _in_bin_since(item, days=95)
    assert services.evidence_bin_purge() == 1
    assert not EvidenceFile.objects.filter(item_id=item.pk).exists()


def test_the_purge_task_calls_the_service(worker):
    _in_bin_since(make_item(worker), days=120)
    assert purge_evidence_bin.delay().get() == 1
    assert purge_evidence_bin.delay().get() == 0


# --- Who may see an item ---------------------------------------------------------------------

# Owner: Medway's family worker, whose practice supervisor is not medway.practice-supervisor.
STRANGERS = {
    "another worker in the council": "medway.worker",
    "a worker of another council": "lincolnshire.worker",
    "a manager who does not manage the worker": "medway.practice-supervisor",
    "the worker's own line manager (not yet: applications come later)": "medway.line-manager",
    "the council's administrator": "medway.admin",
}


@pytest.fixture
def owned(demo_people):
    owner = demo_people["medway.family-worker"]
    return owner, make_item(owner, files=[text_file()])


def test_the_owner_may_view_their_item(owned):
    owner, item = owned
    assert can_view_evidence(owner, item)


@pytest.mark.parametrize("who", list(STRANGERS))
def test_nobody_else_may_view_an_item_or_download_its_file(client, demo_people, owned, who):
    _, item = owned
    stranger = demo_people[STRANGERS[who]]
    assert not can_view_evidence(stranger, item)
    client.force_login(stranger)
    for url in _item_urls(item):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("portfolios:evidence-delete", args=[item.pk])).status_code == 404
    assert EvidenceItem.objects.in_library().filter(pk=item.pk).exists()


def test_anonymous_people_are_sent_to_sign_in(client, owned):
    _, item = owned
    for url in _item_urls(item):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("careerpath:login"))


def test_an_item_in_the_bin_is_not_shown_or_downloaded(client, owned):
    owner, item = owned
    services.evidence_item_delete(item=item, actor=owner)
    client.force_login(owner)
    for url in _item_urls(item):
        assert client.get(url).status_code == 404, url


def _item_urls(item):
    file_pk = item.files.get().pk
    return [
        reverse("portfolios:evidence-detail", args=[item.pk]),
        reverse("portfolios:evidence-update", args=[item.pk]),
        reverse("portfolios:evidence-file-download", args=[file_pk]),
        reverse("portfolios:evidence-file-replace", args=[file_pk]),
    ]


def test_the_library_lists_only_the_persons_own_items(client, demo_people, owned):
    _, item = owned
    client.force_login(demo_people["medway.worker"])
    html = client.get(reverse("portfolios:evidence-list"), {"q": item.title}).content.decode()
    assert reverse("portfolios:evidence-detail", args=[item.pk]) not in html


def test_the_owner_downloads_a_file_as_an_attachment(client, owned):
    owner, item = owned
    client.force_login(owner)
    response = client.get(reverse("portfolios:evidence-file-download", args=[item.files.get().pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"Supervision notes."


# --- Demo data -------------------------------------------------------------------------------


def test_each_demo_worker_has_a_library_with_files_and_one_item_in_the_bin(demo_people):
    from portfolios.demo import demo_evidence_load

    for username in ("medway.worker", "lincolnshire.worker", "dudley.temporary-worker"):
        items = EvidenceItem.objects.filter(owner=demo_people[username])
        assert items.in_library().count() >= 12
        assert items.in_library().values("kind").distinct().count() >= 6
        assert items.in_bin().count() == 1
        assert EvidenceFile.objects.filter(item__owner=demo_people[username]).count() >= 5
    assert not EvidenceItem.objects.filter(owner=demo_people["medway.hr"]).exists()
    assert demo_evidence_load() == 0  # idempotent


def test_the_worker_home_page_leads_to_the_library(client, worker):
    client.force_login(worker)
    html = client.get(reverse("careerpath:home")).content.decode()
    count = EvidenceItem.objects.filter(owner=worker).in_library().count()
    assert f"Your evidence library: {count} items" in html
    assert reverse("portfolios:evidence-list") in html


def test_beat_runs_the_purge_daily(settings):
    from careerpath.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["purge-evidence-bin"]
    assert entry["task"] == purge_evidence_bin.name
    assert entry["task"] in app.tasks


# --- The admin -------------------------------------------------------------------------------


def test_evidence_in_the_admin_is_read_only_and_for_superusers_only(client, personas, worker):
    item = make_item(worker, files=[text_file()])
    change = reverse("admin:portfolios_evidenceitem_change", args=[item.pk])
    client.force_login(personas["framework_editor"])
    assert client.get(reverse("admin:portfolios_evidenceitem_changelist")).status_code == 403
    assert client.get(change).status_code == 403
    client.force_login(personas["superuser"])
    assert client.get(change).status_code == 200
    assert client.get(reverse("admin:portfolios_evidenceitem_add")).status_code == 403
    response = client.post(change, {"title": "Changed in the admin"})
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.title == "Direct work with a sibling group"


def test_a_signed_observations_item_is_read_only_for_its_worker(client, worker):
    item = make_item(worker, kind="practice_observation", files=[text_file()])
    EvidenceItem.objects.filter(pk=item.pk).update(rating=3)  # as signing the observation does
    item.refresh_from_db()
    client.force_login(worker)
    html = client.get(reverse("portfolios:evidence-detail", args=[item.pk])).content.decode()
    assert "Nobody can change it" in html
    assert reverse("portfolios:evidence-update", args=[item.pk]) not in html
    for url in (
        reverse("portfolios:evidence-update", args=[item.pk]),
        reverse("portfolios:evidence-file-replace", args=[item.files.get().pk]),
    ):
        assert client.get(url).status_code == 403
    assert client.post(reverse("portfolios:evidence-delete", args=[item.pk])).status_code == 403
    with pytest.raises(services.EvidenceError, match="nobody can change it"):
        services.evidence_item_update(item=item, actor=worker, **_values(item, title="New"))
    with pytest.raises(services.EvidenceError):
        services.evidence_item_delete(item=item, actor=worker)
    item.refresh_from_db()
    assert (item.title, item.in_bin) == ("Direct work with a sibling group", False)


def test_purge_keeps_an_item_something_else_protects_and_goes_on(worker, monkeypatch):
    from django.db.models import ProtectedError

    protected = _in_bin_since(make_item(worker, files=[text_file("kept.txt", "Kept")]), days=100)
    other = _in_bin_since(make_item(worker), days=100)
    delete = EvidenceItem.delete

    def refuse_protected(self, *args, **kwargs):
        if self.pk == protected.pk:  # as a signed observation pointing at its item would
            raise ProtectedError("protected", {self})
        return delete(self, *args, **kwargs)

    monkeypatch.setattr(EvidenceItem, "delete", refuse_protected)
    assert services.evidence_bin_purge() == 1
    assert EvidenceItem.objects.filter(pk=protected.pk).exists()
    assert protected.files.count() == 1  # its files' deletion was rolled back with it
    assert default_storage.exists(protected.files.get().storage_key)
    assert not EvidenceItem.objects.filter(pk=other.pk).exists()


def test_a_staged_file_whose_bytes_left_storage_is_not_saved_without_them(worker):
    staged, _ = services.evidence_uploads_stage(files=[text_file("gone.txt", "Gone since")])
    default_storage.delete(staged[0].key)
    before = EvidenceItem.objects.count()
    with pytest.raises(services.EvidenceError, match="no longer stored"):
        make_item_with_staged(worker, staged)
    assert EvidenceItem.objects.count() == before


def make_item_with_staged(owner, staged):
    return services.evidence_item_create(
        owner=owner, files=staged, kind="case_example", title="T",
        dated=datetime.date(2025, 1, 1), reflection="", case_reference="", is_certificate=False,
    )  # fmt: skip
