"""Evidence files: what is accepted, what is refused and why, storage by content hash, and the
download response. The S3 path is tested against a real store in test_storage_s3.py."""

import io
import os
import re
import struct
import zipfile
import zlib

import pytest
from django import forms
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from portfolios.uploads import (
    OversizedUpload,
    Upload,
    UploadRefused,
    download_filename,
    file_download_response,
    inspect_upload,
    limit_upload_size,
    safe_filename,
    store_upload,
    upload_key,
)

NAMES = ["mimetype", "[Content_Types].xml", "word/document.xml", "_rels/.rels", "xl/workbook.xml"]
WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXCEL = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
POWERPOINT = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
MAIN_PART = {
    "docx": ("word/document.xml", WORD + ".main+xml"),
    "xlsx": ("xl/workbook.xml", EXCEL + ".main+xml"),
    "pptx": ("ppt/presentation.xml", POWERPOINT + ".main+xml"),
    "docm": ("word/document.xml", "application/vnd.ms-word.document.macroEnabled.main+xml"),
}


# Minimal but well-formed files of each kind, built here so nothing binary is checked in.


def zip_of(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries:
            # OpenDocument wants its mimetype entry first and uncompressed.
            compress = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(name, content, compress_type=compress)
    return buffer.getvalue()


def content_types(*overrides):
    parts = "".join(
        f'<Override PartName="/{name}" ContentType="{content_type}"/>'
        for name, content_type in overrides
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        f"{parts}</Types>"
    )


def ooxml(kind):
    part, content_type = MAIN_PART[kind]
    rels = (
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        f'officeDocument/2006/relationships/officeDocument" Target="{part}"/></Relationships>'
    )
    return zip_of(
        [
            ("[Content_Types].xml", content_types((part, content_type))),
            ("_rels/.rels", rels),
            (part, "<root/>"),
        ]
    )


def opendocument(kind):
    return zip_of(
        [
            ("mimetype", f"application/vnd.oasis.opendocument.{kind}"),
            ("META-INF/manifest.xml", "<manifest/>"),
            ("content.xml", "<office:document-content/>"),
        ]
    )


def ole(*streams):
    """A compound file (the container of .doc, .xls and .ppt) holding the named streams."""
    end, free = 0xFFFFFFFE, 0xFFFFFFFF
    header = bytearray(512)
    header[0:8] = bytes.fromhex("D0CF11E0A1B11AE1")
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIII", header, 40, 0, 1, 1, 0, 4096, end, 0, end)
    struct.pack_into("<I", header, 68, end)
    struct.pack_into("<109I", header, 76, 0, *[free] * 108)
    fat = struct.pack("<128I", 0xFFFFFFFD, end, *[free] * 126)
    directory = b""
    for number, (name, kind) in enumerate([("Root Entry", 5)] + [(s, 2) for s in streams]):
        encoded = (name + "\0").encode("utf-16-le")
        entry = bytearray(128)
        entry[: len(encoded)] = encoded
        struct.pack_into("<HBB", entry, 64, len(encoded), kind, 1)
        struct.pack_into(
            "<III", entry, 68, free, number + 2 if number < len(streams) else free, free
        )
        directory += bytes(entry)
    directory = directory.ljust(512, b"\0")
    return bytes(header) + fat + directory


def png():
    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff"))
        + chunk(b"IEND", b"")
    )


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
WINDOWS_PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
LINUX_PROGRAM = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56
REFLECTION = (
    "Reflective account: home visit to a family of four on 12 March 2025.\n\n"
    "I used the signs of safety model to talk with the parents about what is working well.\n"
    "Next steps agreed with my practice supervisor – review in six weeks.\n"
).encode()


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def storage(settings, tmp_path):
    """A fresh folder as the default storage, so each test sees only what it stored."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    return storages["default"]


def stored_files(storage):
    root = storage.path("")
    return sorted(
        os.path.relpath(os.path.join(folder, name), root)
        for folder, _, names in os.walk(root)
        for name in names
    )


def attach(uploaded_file):
    """What the evidence form does: inspect, then store only what was accepted."""
    found = inspect_upload(uploaded_file)
    return found, store_upload(uploaded_file, found)


# Accepted: each kind, typed from its content.


@pytest.mark.parametrize(
    ("name", "content", "content_type", "extension"),
    [
        ("Appraisal 2025.pdf", PDF, "application/pdf", "pdf"),
        ("Case example.docx", ooxml("docx"), WORD, "docx"),
        ("Training log.xlsx", ooxml("xlsx"), EXCEL, "xlsx"),
        ("Team briefing.pptx", ooxml("pptx"), POWERPOINT, "pptx"),
        ("Supervision record.doc", ole("1Table", "WordDocument"), "application/msword", "doc"),
        ("Caseload.xls", ole("Workbook"), "application/vnd.ms-excel", "xls"),
        ("Old briefing.ppt", ole("PowerPoint Document"), "application/vnd.ms-powerpoint", "ppt"),
        ("Reflection.odt", opendocument("text"), "application/vnd.oasis.opendocument.text", "odt"),
        (
            "Hours.ods",
            opendocument("spreadsheet"),
            "application/vnd.oasis.opendocument.spreadsheet",
            "ods",
        ),
        (
            "Slides.odp",
            opendocument("presentation"),
            "application/vnd.oasis.opendocument.presentation",
            "odp",
        ),
        ("Notes.txt", REFLECTION, "text/plain; charset=utf-8", "txt"),
        ("Certificate.png", png(), "image/png", "png"),
        ("Certificate.jpg", JPEG, "image/jpeg", "jpg"),
    ],
)
def test_each_accepted_kind_is_typed_from_its_content(name, content, content_type, extension):
    found = inspect_upload(upload(name, content, content_type="text/html"))
    assert found.content_type == content_type
    assert found.extension == extension
    assert found.size == len(content)
    assert len(found.sha256) == 64


def test_the_type_comes_from_the_content_not_the_name_within_a_family():
    # A PNG saved as .jpg, a .docx renamed .doc and a file with no extension are what they are.
    assert inspect_upload(upload("scan.jpg", png())).extension == "png"
    assert inspect_upload(upload("report.doc", ooxml("docx"))).extension == "docx"
    assert inspect_upload(upload("report", PDF)).extension == "pdf"
    assert inspect_upload(upload("notes", REFLECTION)).extension == "txt"


def test_plain_text_with_a_byte_order_mark_or_in_utf16_is_accepted():
    assert inspect_upload(upload("a.txt", b"\xef\xbb\xbf" + REFLECTION)).extension == "txt"
    utf16 = inspect_upload(upload("a.txt", "Reflective account – visit".encode("utf-16")))
    # Served with the charset it is written in, so it reads correctly when downloaded.
    assert (utf16.extension, utf16.content_type) == ("txt", "text/plain; charset=utf-16")
    assert download_filename("notes", utf16.content_type) == "notes.txt"


# Refused: each with a message the form can show, and nothing stored.


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "Appraisal.pdf",
            WINDOWS_PROGRAM,
            "The file 'Appraisal.pdf' is not a PDF: it is a Windows",
        ),
        ("Appraisal.pdf", LINUX_PROGRAM, "The file 'Appraisal.pdf' is not a PDF: it is a Linux"),
        ("setup.exe", WINDOWS_PROGRAM, "The file type is not accepted: attach PDF, Word"),
        (
            "notes.txt",
            b"<!DOCTYPE html><html><body><p>Visit notes</p></body></html>",
            "The file 'notes.txt' is not a plain text file: it is a web page or script",
        ),
        ("notes.txt", b"Visit notes\n<script>alert(1)</script>\n", "web page or script"),
        ("notes.txt", b"<svg onload=alert(1)>", "web page or script"),
        ("notes.txt", b"#!/bin/sh\nrm -rf ~\n", "web page or script"),
        ("notes.txt", b"Visit\x00notes\x00", "is not a plain text file: it is not plain text"),
        ("notes.txt", b"broken \xff\xfd \x80\x81 text", "is not plain text"),
        ("Appraisal.pdf", b"", "The file 'Appraisal.pdf' is empty"),
        (
            "Case example.docx",
            zip_of([("photos/visit.jpg", JPEG), ("readme.txt", "hello")]),
            "The file 'Case example.docx' is not a Word document: it is a ZIP archive",
        ),
        (
            "Case example.docx",
            ooxml("xlsx"),
            "The file 'Case example.docx' is not a Word document: it is an Excel spreadsheet",
        ),
        (
            "Case example.docx",
            # The manifest names a main part the archive does not have.
            zip_of([("[Content_Types].xml", content_types(MAIN_PART["docx"]))]),
            "is not a Word document: it is an archive that is not a Word",
        ),
        ("Case example.docm", ooxml("docm"), "a Word document with macros"),
        ("Case example.docx", b"PK\x03\x04" + b"\x00" * 40, "a damaged or protected archive"),
        (
            "Case example.docx",
            zip_of(
                [
                    (
                        "[Content_Types].xml",
                        '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaa">]><Types>&a;</Types>',
                    ),
                    ("word/document.xml", "<root/>"),
                ]
            ),
            "a damaged or protected archive",
        ),
        ("book.epub", zip_of([("mimetype", "application/epub+zip")]), "not accepted"),
        ("Supervision.doc", ole("EncryptedPackage"), "protected by a password"),
        ("installer.doc", ole("SummaryInformation"), "an older Office file that is not a Word"),
        ("Certificate.png", PDF, "The file 'Certificate.png' is not a PNG image: it is a PDF"),
        ("archive.gz", b"\x1f\x8b\x08\x00" + b"\x00" * 30, "The file type is not accepted"),
    ],
)
def test_refused_files_say_why_and_store_nothing(storage, name, content, message):
    with pytest.raises(UploadRefused, match=re.escape(message)):
        attach(upload(name, content, content_type="application/pdf"))
    assert stored_files(storage) == []


def test_a_file_over_the_limit_is_refused(settings, storage):
    settings.EVIDENCE_MAX_UPLOAD_MB = 1
    with pytest.raises(UploadRefused, match="^The file 'big.txt' is larger than 1 MB$"):
        attach(upload("big.txt", b"a" * (1024 * 1024 + 1)))
    assert stored_files(storage) == []
    assert inspect_upload(upload("fits.txt", b"a" * 1024 * 1024)).size == 1024 * 1024


def test_the_name_in_a_message_is_made_safe():
    with pytest.raises(UploadRefused) as refused:
        inspect_upload(upload("../../etc/\x07passwd.pdf", WINDOWS_PROGRAM))
    assert "'passwd.pdf'" in str(refused.value)


# The size limit while streaming: the body is parsed with the limit in place.


class EvidenceFileForm(forms.Form):
    """A stand-in for the evidence form: validate input only, the refusal becomes its error."""

    file = forms.FileField()
    title = forms.CharField()

    def clean_file(self):
        try:
            self.upload = inspect_upload(self.cleaned_data["file"])
        except UploadRefused as refused:
            raise forms.ValidationError(str(refused)) from refused
        return self.cleaned_data["file"]


seen = {}


@limit_upload_size
def evidence_file_view(request):
    form = EvidenceFileForm(request.POST, request.FILES)
    seen["form"] = form
    seen["file"] = request.FILES.get("file")
    seen["handlers"] = request.upload_handlers
    return HttpResponse("ok" if form.is_valid() else "invalid")


def post_file(content, *, csrf_checked=False):
    # The file comes first in the body and the typed field after it, as a browser sends a form
    # whose file input is above the text area.
    request = RequestFactory().post(
        "/evidence/new",
        {"file": upload("Case notes.txt", content), "title": "What I typed"},
    )
    if not csrf_checked:
        request._dont_enforce_csrf_checks = True
    return evidence_file_view(request)


def test_the_streaming_limit_drops_an_oversized_file_and_keeps_what_was_typed(settings, storage):
    settings.EVIDENCE_MAX_UPLOAD_MB = 1
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    response = post_file(b"a" * (3 * 1024 * 1024))
    assert response.content == b"invalid"
    received = seen["file"]
    assert isinstance(received, OversizedUpload)
    # Nothing past the limit was kept: the stand-in holds no bytes, and the file the next
    # handler had begun on disk was closed (and so removed).
    assert received.file.getvalue() == b""
    assert all(getattr(h, "file", None) is None or h.file.closed for h in seen["handlers"][1:])
    assert seen["form"].errors["file"] == ["The file 'Case notes.txt' is larger than 1 MB"]
    assert seen["form"].data["title"] == "What I typed"
    assert stored_files(storage) == []


def test_the_streaming_limit_lets_a_file_within_it_through(settings):
    settings.EVIDENCE_MAX_UPLOAD_MB = 1
    response = post_file(REFLECTION)
    assert response.content == b"ok"
    assert seen["form"].upload.extension == "txt"
    assert seen["file"].read() == REFLECTION


def test_the_streaming_limit_keeps_the_csrf_check():
    response = post_file(REFLECTION, csrf_checked=True)
    assert response.status_code == 403


# Storage: under the content hash, once.


def test_a_file_is_stored_under_its_content_hash_not_its_name(storage):
    found, key = attach(upload("Family of Smith – case notes.txt", REFLECTION))
    assert key == f"evidence/{found.sha256[:2]}/{found.sha256[2:4]}/{found.sha256}"
    assert key == upload_key(found.sha256)
    assert "Smith" not in key
    with storage.open(key, "rb") as stored:
        assert stored.read() == REFLECTION


def test_the_same_bytes_uploaded_twice_are_stored_once(storage):
    _, first = attach(upload("first.pdf", PDF))
    modified = storage.get_modified_time(first)
    _, second = attach(upload("again under another name.pdf", PDF))
    assert first == second
    assert stored_files(storage) == [first]
    assert storage.get_modified_time(first) == modified


def test_different_bytes_are_stored_apart(storage):
    _, first = attach(upload("a.pdf", PDF))
    _, second = attach(upload("b.png", png()))
    assert first != second
    assert stored_files(storage) == sorted([first, second])


# Download: an attachment of the stored type, never sniffed.


def test_the_download_is_an_attachment_of_the_stored_type(storage):
    found, key = attach(upload("Appraisal 2025.pdf", PDF))
    response = file_download_response(
        key=key, filename="Appraisal 2025.pdf", content_type=found.content_type
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Appraisal 2025.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == PDF
    response.file_to_stream.close()  # not close(): that signals the request finished


def test_the_download_name_is_safe_and_ends_as_the_content_is():
    assert download_filename("Report.pdf", WORD) == "Report.docx"
    assert download_filename("scan.jpeg", "image/jpeg") == "scan.jpeg"
    assert download_filename("notes", "text/plain; charset=utf-8") == "notes.txt"
    assert download_filename("../../Report.DOCX", WORD) == "Report.DOCX"


def test_a_name_outside_ascii_is_sent_as_rfc_6266_filename_star(storage):
    found, key = attach(upload("Évaluation – visite.txt", REFLECTION))
    response = file_download_response(
        key=key, filename="Évaluation – visite.txt", content_type=found.content_type
    )
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%C3%89valuation%20%E2%80%93%20visite.txt"
    )
    response.file_to_stream.close()  # not close(): that signals the request finished


def test_a_missing_stored_file_is_not_found(storage):
    with pytest.raises(Http404):
        file_download_response(
            key=upload_key("0" * 64), filename="gone.pdf", content_type="application/pdf"
        )


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("Case example.docx", "Case example.docx"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\sam\\Desktop\\Supervision notes.pdf", "Supervision notes.pdf"),
        ("bad\x00name\r\n.pdf", "badname.pdf"),
        ('what? <script>"x"|*.txt', "what scriptx.txt"),
        ("   ...   ", "evidence"),
        ("", "evidence"),
        (None, "evidence"),
        ("Évaluation.pdf", "Évaluation.pdf"),
        ("a" * 300 + ".pdf", "a" * 146 + ".pdf"),
    ],
)
def test_safe_filename(name, safe):
    assert safe_filename(name) == safe


def test_upload_is_a_frozen_record():
    found = Upload(content_type="application/pdf", extension="pdf", size=1, sha256="0" * 64)
    with pytest.raises(AttributeError):
        found.size = 2


# Robustness: whatever arrives, the answer is an accepted file or a refusal, never an error.


def test_a_compound_file_whose_directory_loops_is_refused_not_hung():
    looping = bytearray(ole("SummaryInformation"))
    # The FAT says the directory sector follows itself.
    struct.pack_into("<I", looping, 512 + 4, 1)
    with pytest.raises(UploadRefused, match="older Office file"):
        inspect_upload(upload("loop.doc", bytes(looping)))
    with pytest.raises(UploadRefused, match="older Office file"):
        inspect_upload(upload("short.doc", ole()[:512]))


@hypothesis_settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(
        [b"", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"%PDF-", b"\x89PNG\r\n\x1a\n"]
    ),
    st.binary(max_size=4096),
)
def test_any_bytes_are_accepted_or_refused_never_an_error(prefix, rest):
    try:
        found = inspect_upload(upload("anything.pdf", prefix + rest))
    except UploadRefused as refused:
        assert str(refused)
    else:
        assert found.size == len(prefix + rest)


@hypothesis_settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(NAMES), st.binary(max_size=300)),
        max_size=4,
        unique_by=lambda entry: entry[0],
    )
)
def test_any_archive_is_accepted_or_refused_never_an_error(entries):
    try:
        found = inspect_upload(upload("anything.docx", zip_of(entries)))
    except UploadRefused as refused:
        assert str(refused)
    else:
        assert found.extension in {"docx", "xlsx", "odt", "ods", "odp"}


def test_no_stored_file_is_reachable_by_a_url(client, storage):
    _, key = attach(upload("Appraisal.pdf", PDF))
    for path in (f"/media/{key}", f"/{key}", "/media/"):
        assert client.get(path).status_code == 404
