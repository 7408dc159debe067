"""The evidence pages: adding and changing items with files, refusals, the personal data warning,
filters and search, the bin, and each page's query budget."""

import datetime
import hashlib
import io
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portfolios import services
from portfolios.demo import minimal_pdf
from portfolios.models import EvidenceFile, EvidenceItem
from portfolios.uploads import upload_key
from tests.portfolios.evidence_factories import make_item, new_worker, text_file

ADD = reverse("portfolios:evidence-create")
LIST = reverse("portfolios:evidence-list")


def _form(**changes):
    return {
        "kind": "reflective_account",
        "title": "Reflecting on a strategy discussion",
        "dated_0": "3",
        "dated_1": "2",
        "dated_2": "2025",
        "reflection": "I prepared by reading the chronology.\n\nNext time I will ask more.",
        "case_reference": "Mosaic 1042337",
    } | changes


def _stored(content):
    return default_storage.exists(upload_key(hashlib.sha256(content).hexdigest()))


@pytest.fixture
def fresh(client, db):
    """A worker whose library holds only what the test puts there, signed in."""
    worker = new_worker()
    client.force_login(worker)
    return worker


@pytest.fixture
def signed_in(client, worker):
    client.force_login(worker)
    return client


def test_a_worker_adds_an_item_with_two_files(signed_in, worker):
    pdf = minimal_pdf("Certificate")
    response = signed_in.post(ADD, _form(files=[
        SimpleUploadedFile("Certificate.pdf", pdf), text_file("notes.txt", "Notes"),
    ]))  # fmt: skip
    item = EvidenceItem.objects.filter(owner=worker).latest("id")
    assert response.status_code == 302
    assert response["Location"] == reverse("portfolios:evidence-detail", args=[item.pk])
    assert item.title == "Reflecting on a strategy discussion"
    assert item.dated == datetime.date(2025, 2, 3)
    assert sorted(item.files.values_list("original_name", flat=True)) == [
        "Certificate.pdf",
        "notes.txt",
    ]
    assert _stored(pdf)
    html = signed_in.get(response["Location"]).content.decode()
    # The reflection keeps its paragraphs.
    assert "<p>I prepared by reading the chronology.</p>" in html
    assert "Not linked to any application yet" in html


def _docx_that_is_not_word():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types xmlns='x'/>")
        archive.writestr("payload.bin", "not a document")
    return out.getvalue()


REFUSED = {
    "an executable renamed to .pdf": ("report.pdf", b"MZ\x90\x00" + b"\x00" * 200),
    "an HTML file called .txt": ("notes.txt", b"<html><script>alert(1)</script></html>"),
    "an empty file": ("empty.pdf", b""),
    "a Word file whose archive is not a Word document": ("essay.docx", _docx_that_is_not_word()),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_refused_file_is_named_on_the_form_and_nothing_is_saved(signed_in, worker, case):
    name, content = REFUSED[case]
    before = EvidenceItem.objects.count(), EvidenceFile.objects.count()
    response = signed_in.post(ADD, _form(files=[SimpleUploadedFile(name, content)]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert name in html
    assert (EvidenceItem.objects.count(), EvidenceFile.objects.count()) == before
    assert not _stored(content)
    # Nothing typed is lost.
    assert "Reflecting on a strategy discussion" in html
    assert "I prepared by reading the chronology." in html


def test_a_file_over_the_limit_is_refused_while_streaming(signed_in, settings):
    settings.EVIDENCE_MAX_UPLOAD_MB = 1
    content = b"a" * (1024 * 1024 + 10)
    response = signed_in.post(ADD, _form(files=[SimpleUploadedFile("big.txt", content)]))
    assert response.status_code == 200
    assert "larger than 1 MB" in response.content.decode()
    assert not _stored(content)


def test_a_good_file_with_a_bad_one_is_kept_ready_for_the_next_save(signed_in, worker):
    good = b"Supervision notes, kept."
    response = signed_in.post(ADD, _form(title="", files=[
        SimpleUploadedFile("good.txt", good), SimpleUploadedFile("bad.pdf", b"MZ" + b"\0" * 99),
    ]))  # fmt: skip
    html = response.content.decode()
    assert "Enter a title" in html
    assert "Files ready to add" in html and "good.txt" in html
    form = response.context["form"]
    [(staged, token)] = form.staged_tokens()
    assert staged.name == "good.txt"
    response = signed_in.post(ADD, _form(staged=[token]))
    assert response.status_code == 302
    item = EvidenceItem.objects.filter(owner=worker).latest("id")
    assert list(item.files.values_list("original_name", flat=True)) == ["good.txt"]


def test_a_staged_file_token_of_someone_else_is_ignored(client, demo_people, signed_in):
    other = demo_people["lincolnshire.worker"]
    staged, _ = services.evidence_uploads_stage(files=[text_file("theirs.txt", "Not yours")])
    token = staged[0].token(owner=other)
    response = signed_in.post(ADD, _form(staged=[token, "forged-token"]))
    item = EvidenceItem.objects.latest("id")
    assert response.status_code == 302
    assert not item.files.exists()


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"kind": "holiday_photo"}, "Choose a kind from the list"),
        ({"dated_0": "31", "dated_1": "2"}, "must be a real date"),
        ({"dated_2": "2999"}, "must be today or in the past"),
        ({"dated_0": ""}, "Enter the date of the work or event"),
        ({"title": "x" * 201}, "200 characters or fewer"),
    ],
)
def test_bad_input_gets_a_clear_message_and_changes_nothing(signed_in, changes, message):
    before = EvidenceItem.objects.count()
    response = signed_in.post(ADD, _form(**changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert EvidenceItem.objects.count() == before


# --- The personal data guard -----------------------------------------------------------------

FAMILY_DETAILS = (
    "I visited the family at home (ME7 4AF) to review the plan. Their NHS number is "
    "943 476 5919.\n\nThe baby was born on 12/03/2024."
)


def test_the_guard_warns_once_and_keeps_the_text_when_asked(signed_in, worker):
    before = EvidenceItem.objects.count()
    response = signed_in.post(ADD, _form(reflection=FAMILY_DETAILS))
    html = response.content.decode()
    assert response.status_code == 200
    assert "This may hold a family's details" in html
    assert "NHS number" in html and "ME7 4AF" in html
    assert "Keep it as it is and save" in html
    assert EvidenceItem.objects.count() == before
    assert response.context["form"]["reflection"].value() == FAMILY_DETAILS

    response = signed_in.post(ADD, _form(reflection=FAMILY_DETAILS, personal_data="keep"))
    assert response.status_code == 302
    assert EvidenceItem.objects.filter(owner=worker).latest("id").reflection == FAMILY_DETAILS


def test_the_guard_lets_changed_text_through(signed_in):
    signed_in.post(ADD, _form(title="Visit to NHS 943 476 5919"))
    response = signed_in.post(ADD, _form(title="Visit to a family, Mosaic 1042337"))
    assert response.status_code == 302


def test_the_guard_is_quiet_on_ordinary_practice_text(signed_in):
    reflection = (
        "On 14/02/2025 I completed a home visit with the health visitor (Mosaic 1042337). I "
        "spoke with both children and the parent about the safety plan agreed at the core "
        "group on 3 March 2025, and I called the school on 01634 306000 to share the plan.\n\n"
        "In supervision we reflected on professional curiosity."
    )
    response = signed_in.post(ADD, _form(reflection=reflection))
    assert response.status_code == 302


# --- Changing an item, replacing a file ------------------------------------------------------


def test_a_stale_edit_on_the_page_is_refused_with_the_typed_text_kept(signed_in, worker):
    item = make_item(worker)
    url = reverse("portfolios:evidence-update", args=[item.pk])
    seen = signed_in.get(url).context["form"]["saved_version"].value()
    services.evidence_item_update(
        item=item, actor=worker,
        **{name: getattr(item, name) for name in services.ITEM_FIELDS} | {"title": "Other tab"},
    )  # fmt: skip
    response = signed_in.post(url, _form(title="This tab", saved_version=seen))
    assert response.status_code == 200
    assert "changed somewhere else" in response.content.decode()
    assert response.context["form"]["title"].value() == "This tab"
    item.refresh_from_db()
    assert item.title == "Other tab"
    # Saving again, having seen the message, goes through.
    response = signed_in.post(url, response.context["form"].data)
    assert response.status_code == 302


def test_replacing_a_file_on_the_page_adds_a_version(signed_in, worker):
    item = make_item(worker, files=[text_file("plan.txt", "One")])
    first = item.files.get()
    url = reverse("portfolios:evidence-file-replace", args=[first.pk])
    assert signed_in.get(url).status_code == 200
    response = signed_in.post(url, {"file": text_file("plan.txt", "Two")})
    assert response.status_code == 302
    assert item.files.count() == 2
    html = signed_in.get(reverse("portfolios:evidence-detail", args=[item.pk])).content.decode()
    assert "Earlier versions (1)" in html
    assert reverse("portfolios:evidence-file-download", args=[first.pk]) in html


def test_a_refused_replacement_changes_nothing(signed_in, worker):
    item = make_item(worker, files=[text_file("plan.txt", "One")])
    url = reverse("portfolios:evidence-file-replace", args=[item.files.get().pk])
    response = signed_in.post(url, {"file": SimpleUploadedFile("plan.pdf", b"MZ" + b"\0" * 50)})
    assert response.status_code == 200
    assert "plan.pdf" in response.content.decode()
    assert item.files.count() == 1


# --- Library, filters, bin -------------------------------------------------------------------


def test_filters_and_search_find_items(client, db):
    worker = new_worker()
    client.force_login(worker)
    signed_in = client
    make_item(worker, title="Court report for a final hearing", kind="written_report",
              dated=datetime.date(2024, 11, 1))  # fmt: skip
    make_item(worker, title="Signs of Safety certificate", kind="training_certificate",
              dated=datetime.date(2025, 4, 1), case_reference="Mosaic 77")  # fmt: skip
    used = make_item(worker, title="Case example used already", dated=datetime.date(2025, 5, 1))
    EvidenceItem.objects.filter(pk=used.pk).update(linked_count=1)

    def titles(**query):
        return [item.title for item in signed_in.get(LIST, query).context["page"].object_list]

    assert titles() == [
        "Case example used already",
        "Signs of Safety certificate",
        "Court report for a final hearing",
    ]
    assert titles(kind="written_report") == ["Court report for a final hearing"]
    assert titles(q="safety CERTIFICATE") == ["Signs of Safety certificate"]
    assert titles(q="mosaic 77") == ["Signs of Safety certificate"]
    assert titles(used="used") == ["Case example used already"]
    assert titles(used="unused", date_from_0="1", date_from_1="1", date_from_2="2025") == [
        "Signs of Safety certificate"
    ]
    assert titles(date_to_0="1", date_to_1="12", date_to_2="2024") == [
        "Court report for a final hearing"
    ]
    response = signed_in.get(LIST, {"kind": "nonsense", "date_from_0": "40"})
    assert response.status_code == 200
    assert "Choose a kind from the list" in response.content.decode()


def test_delete_and_restore_from_the_pages(signed_in, worker):
    item = make_item(worker, title="An item to bin")
    response = signed_in.post(reverse("portfolios:evidence-delete", args=[item.pk]))
    assert response["Location"] == LIST
    assert item not in signed_in.get(LIST).context["page"].object_list
    html = signed_in.get(reverse("portfolios:evidence-bin")).content.decode()
    assert "An item to bin" in html
    response = signed_in.post(reverse("portfolios:evidence-restore", args=[item.pk]))
    assert response["Location"] == reverse("portfolios:evidence-detail", args=[item.pk])
    assert EvidenceItem.objects.in_library().filter(pk=item.pk).exists()


# --- Query budgets ---------------------------------------------------------------------------


def _library_of(owner, size):
    kinds = ["case_example", "reflective_account", "supervision_record", "appraisal"]
    EvidenceItem.objects.bulk_create(
        EvidenceItem(
            owner=owner, kind=kinds[n % 4], title=f"Item {n}",
            dated=datetime.date(2025, 1, 1) - datetime.timedelta(days=n),
            reflection="Reflection " * 20, deleted_at=None,
        )
        for n in range(size)
    )  # fmt: skip
    first = EvidenceItem.objects.filter(owner=owner).first()
    services.evidence_item_update(
        item=first, actor=owner, files=services.evidence_uploads_stage(
            files=[text_file("a.txt", "A"), text_file("b.txt", "B")])[0],
        **{name: getattr(first, name) for name in services.ITEM_FIELDS},
    )  # fmt: skip
    for item in EvidenceItem.objects.filter(owner=owner)[1:4]:
        services.evidence_item_delete(item=item, actor=owner)
    return first


@pytest.mark.parametrize("size", [10, 1000])
def test_library_query_budget(client, fresh, django_assert_num_queries, size):
    signed_in, worker = client, fresh
    _library_of(worker, size)
    # session, user, roles (staff check), the page's count, the page of items with their file
    # counts, counts by kind with the bin's size, organisation (header).
    with django_assert_num_queries(7):
        response = signed_in.get(LIST, {"q": "Item", "kind": "case_example", "page": "1"})
    assert response.status_code == 200


@pytest.mark.parametrize("size", [10, 1000])
def test_item_page_query_budget(client, fresh, django_assert_num_queries, size):
    signed_in, worker = client, fresh
    item = _library_of(worker, size)
    # session, user, roles, the item, its file versions, what it is linked to in applications,
    # organisation (header).
    with django_assert_num_queries(7):
        response = signed_in.get(reverse("portfolios:evidence-detail", args=[item.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("size", [10, 1000])
def test_bin_query_budget(client, fresh, django_assert_num_queries, size):
    signed_in, worker = client, fresh
    _library_of(worker, size)
    # session, user, roles, the bin's items with their file counts, organisation (header).
    with django_assert_num_queries(5):
        response = signed_in.get(reverse("portfolios:evidence-bin"))
    assert response.status_code == 200


@pytest.mark.parametrize("size", [10, 1000])
def test_edit_page_query_budget(client, fresh, django_assert_num_queries, size):
    signed_in, worker = client, fresh
    item = _library_of(worker, size)
    # session, user, roles, the item, organisation (header).
    with django_assert_num_queries(5):
        response = signed_in.get(reverse("portfolios:evidence-update", args=[item.pk]))
    assert response.status_code == 200
