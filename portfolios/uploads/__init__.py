"""Evidence files: what may be attached, how it is stored and how it is handed back.

The type of a file is decided from its content (and, for Office Open XML and OpenDocument, from
the archive's own manifest), never from its name or the browser's claim. Each file is stored
once, under a key derived from its content hash, and is only ever served after the caller has
checked permission.
"""

import codecs
import hashlib
import io
import re
import struct
import unicodedata
import zipfile
from dataclasses import dataclass
from functools import wraps
from xml.etree import ElementTree

import puremagic
from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import FileResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header
from django.views.decorators.csrf import csrf_exempt, csrf_protect

ACCEPTED = "PDF, Word, Excel, PowerPoint, OpenDocument, plain text, PNG or JPEG files"

# extension -> (content type stored and served, what people call it, family)
# A name that claims one family while the content is another is refused; within a family
# (a .doc that is really .docx, a .jpg that is a PNG) the content decides the extension.
TYPES = {
    "pdf": ("application/pdf", "PDF", "pdf"),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Word document",
        "word",
    ),
    "doc": ("application/msword", "Word document", "word"),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Excel spreadsheet",
        "excel",
    ),
    "xls": ("application/vnd.ms-excel", "Excel spreadsheet", "excel"),
    "pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "PowerPoint presentation",
        "powerpoint",
    ),
    "ppt": ("application/vnd.ms-powerpoint", "PowerPoint presentation", "powerpoint"),
    "odt": ("application/vnd.oasis.opendocument.text", "OpenDocument text document", "odt"),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", "OpenDocument spreadsheet", "ods"),
    "odp": ("application/vnd.oasis.opendocument.presentation", "OpenDocument presentation", "odp"),
    "txt": ("text/plain; charset=utf-8", "plain text file", "text"),
    "png": ("image/png", "PNG image", "image"),
    "jpg": ("image/jpeg", "JPEG image", "image"),
}
CLAIMED = {**{ext: ext for ext in TYPES}, "jpeg": "jpg", "jpe": "jpg", "text": "txt"}
UTF16_TEXT = "text/plain; charset=utf-16"
EXTENSION_FOR_TYPE = {content_type: ext for ext, (content_type, _, _) in TYPES.items()}
EXTENSION_FOR_TYPE[UTF16_TEXT] = "txt"

# The main part of an Office Open XML package, as its [Content_Types].xml names it.
OOXML_MAIN_PARTS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": "pptx",
}
OOXML_REFUSED_PARTS = {
    "application/vnd.ms-word.document.macroEnabled.main+xml": "a Word document with macros",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml": "an Excel workbook with macros",
    "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml": (
        "a PowerPoint presentation with macros"
    ),
}
# The stream that makes an OLE compound file a Word, Excel or PowerPoint file.
OLE_STREAMS = {
    "WordDocument": "doc",
    "Workbook": "xls",
    "Book": "xls",
    "PowerPoint Document": "ppt",
}

HEAD_BYTES = 8192
# HTML or script a browser (or a careless viewer) could run; such a "text" file is refused.
ACTIVE_TEXT = re.compile(
    rb"<\s*/?\s*(?:!doctype|html|head|body|script|iframe|frame|object|embed|svg|style|meta|link|"
    rb"form|img|base|applet|math|template)\b|<\?(?:xml|php)|<%|\A#!|javascript\s*:",
    re.IGNORECASE,
)
CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")


class UploadRefused(Exception):
    """A file that may not be attached; the message is written for the form."""


@dataclass(frozen=True)
class Upload:
    content_type: str
    extension: str
    size: int
    sha256: str


def max_upload_bytes():
    return settings.EVIDENCE_MAX_UPLOAD_MB * 1024 * 1024


def too_large(name):
    return UploadRefused(
        f"The file '{safe_filename(name)}' is larger than {settings.EVIDENCE_MAX_UPLOAD_MB} MB"
    )


class OversizedUpload(UploadedFile):
    """Stands in for a file the upload handler stopped receiving, so the form says why."""

    def __init__(self, name, size, content_type=None):
        super().__init__(io.BytesIO(), name=name, content_type=content_type, size=size)
        self.refusal = too_large(name)

    def open(self, mode=None):
        raise self.refusal

    def chunks(self, chunk_size=None):
        raise self.refusal

    def read(self, *args):
        raise self.refusal


class SizeLimitUploadHandler(FileUploadHandler):
    """Stops keeping a file once it passes the limit: later chunks are dropped, not stored."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.limit = max_upload_bytes()
        self.received = 0
        self.over = False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received <= self.limit:
            return raw_data
        if not self.over:
            self.over = True
            # Free what the handlers after this one kept of the file so far.
            for handler in self.request.upload_handlers:
                if handler is not self and hasattr(handler, "file"):
                    handler.file.close()
        return None

    def file_complete(self, file_size):
        if self.over:
            return OversizedUpload(self.file_name, self.received, self.content_type)
        return None


def limit_upload_size(view):
    """Install the size limit before the body is read. The CSRF check reads the body, so it is
    moved inside (Django's "Modifying upload handlers on the fly")."""
    protected = csrf_protect(view)

    @csrf_exempt
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        request.upload_handlers.insert(0, SizeLimitUploadHandler(request))
        return protected(request, *args, **kwargs)

    return wrapped


def inspect_upload(uploaded_file):
    """The file's true type, size and content hash, or UploadRefused saying why it is refused."""
    if isinstance(uploaded_file, OversizedUpload):
        raise uploaded_file.refusal
    name = getattr(uploaded_file, "name", "") or "file"
    limit = max_upload_bytes()
    digest = hashlib.sha256()
    size = 0
    uploaded_file.seek(0)
    for chunk in uploaded_file.chunks():
        size += len(chunk)
        if size > limit:
            raise too_large(name)
        digest.update(chunk)
    if not size:
        raise UploadRefused(f"The file '{safe_filename(name)}' is empty")
    uploaded_file.seek(0)
    try:
        extension, content_type_or_reason = _detect(uploaded_file)
    finally:
        uploaded_file.seek(0)
    claimed = CLAIMED.get(name.rsplit(".", 1)[-1].lower()) if "." in name else None
    if extension is None:
        reason = content_type_or_reason
        if claimed:
            raise UploadRefused(
                f"The file '{safe_filename(name)}' is not {_a(TYPES[claimed][1])}: {reason}. "
                f"Attach {ACCEPTED}"
            )
        raise UploadRefused(
            f"The file type is not accepted: attach {ACCEPTED} ('{safe_filename(name)}' is "
            f"{reason.removeprefix('it is ')})"
        )
    if claimed and TYPES[claimed][2] != TYPES[extension][2]:
        raise UploadRefused(
            f"The file '{safe_filename(name)}' is not {_a(TYPES[claimed][1])}: it is "
            f"{_a(TYPES[extension][1])}. Give it the right name ending (.{extension}) and attach "
            "it again"
        )
    return Upload(
        content_type=content_type_or_reason,
        extension=extension,
        size=size,
        sha256=digest.hexdigest(),
    )


def _a(label):
    return ("an " if label[0] in "AEIOU" else "a ") + label


def _detect(f):
    """(extension, content type) for an accepted file, or (None, why it is refused)."""
    head = f.read(HEAD_BYTES)
    try:
        matches = puremagic.magic_string(head)
    except (puremagic.PureError, ValueError):
        matches = []
    mimes = {m.mime_type for m in matches}
    if head.startswith(b"PK\x03\x04"):
        return _detect_archive(f)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _detect_ole(f)
    if "application/pdf" in mimes:
        return "pdf", TYPES["pdf"][0]
    if "image/png" in mimes:
        return "png", TYPES["png"][0]
    if "image/jpeg" in mimes:
        return "jpg", TYPES["jpg"][0]
    if head.startswith(b"MZ"):
        return None, "it is a Windows program"
    if head.startswith(b"\x7fELF"):
        return None, "it is a Linux program"
    f.seek(0)
    text_refusal = _text_refusal(f)
    if text_refusal is None:
        utf16 = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        return "txt", UTF16_TEXT if utf16 else TYPES["txt"][0]
    if matches and text_refusal == "it is not plain text":
        return None, f"it is a file of another kind ({matches[0].name})"
    return None, text_refusal


def _text_refusal(f):
    """None when the file is plain text in UTF-8 (or UTF-16 with a byte order mark), else why."""
    head = f.read(4)
    f.seek(0)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding, skip = "utf-16", 0
    else:
        encoding, skip = "utf-8", len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0
    decoder = codecs.getincrementaldecoder(encoding)()
    tail = ""
    for i, chunk in enumerate(f.chunks()):
        try:
            text = decoder.decode(chunk[skip:] if i == 0 else chunk)
        except UnicodeDecodeError:
            return "it is not plain text"
        # Overlap with the previous chunk so a tag split between chunks is still seen.
        window = (tail + text).encode("utf-8")
        if CONTROL_BYTES.search(window):
            return "it is not plain text"
        if ACTIVE_TEXT.search(window):
            return "it is a web page or script, which could run code"
        tail = text[-64:]
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "it is not plain text"
    return None


def _detect_archive(f):
    try:
        with zipfile.ZipFile(f) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = _small_entry(archive, "mimetype").decode("ascii", "replace").strip()
                for ext in ("odt", "ods", "odp"):
                    if mimetype == TYPES[ext][0]:
                        return ext, TYPES[ext][0]
                return None, "it is an archive of a kind that is not accepted"
            if "[Content_Types].xml" not in names:
                return None, (
                    "it is a ZIP archive, not a Word, Excel, PowerPoint or OpenDocument file"
                )
            return _ooxml_main_part(_small_entry(archive, "[Content_Types].xml"), names)
    except Exception:  # any failure to read an untrusted archive is a refusal, not an error
        return None, "it is a damaged or protected archive that cannot be opened"


def _small_entry(archive, name, limit=1024 * 1024):
    if archive.getinfo(name).file_size > limit:
        raise zipfile.BadZipFile(f"{name} is too large")
    return archive.read(name)


def _ooxml_main_part(manifest, names):
    if b"<!DOCTYPE" in manifest.upper() or b"<!ENTITY" in manifest.upper():
        raise ElementTree.ParseError("a document type declaration is not expected here")
    # The manifest has no DTD (refused above), so no entity can expand.
    root = ElementTree.fromstring(manifest)  # noqa: S314
    found = set()
    for element in root:
        if not element.tag.endswith("}Override"):
            continue
        part_type = element.get("ContentType", "")
        present = element.get("PartName", "").lstrip("/") in names
        if part_type in OOXML_REFUSED_PARTS and present:
            return None, f"it is {OOXML_REFUSED_PARTS[part_type]}, which is not accepted"
        if part_type in OOXML_MAIN_PARTS and present:
            found.add(OOXML_MAIN_PARTS[part_type])
    if len(found) != 1:
        return None, "it is an archive that is not a Word, Excel or PowerPoint document"
    ext = found.pop()
    return ext, TYPES[ext][0]


def _detect_ole(f):
    names = _ole_stream_names(f)
    if "EncryptedPackage" in names:
        return None, "it is protected by a password: remove the password and attach it again"
    for stream, ext in OLE_STREAMS.items():
        if stream in names:
            return ext, TYPES[ext][0]
    return None, "it is an older Office file that is not a Word, Excel or PowerPoint file"


def _ole_stream_names(f):
    """The names in an OLE compound file's directory (the format of .doc, .xls and .ppt). Reads
    only the directory's chain, one FAT entry at a time, so a crafted file cannot make it read
    or hold more than the file itself."""
    end = 0xFFFFFFFA  # sector numbers at or above this mark the end of a chain
    f.seek(0, 2)
    file_size = f.tell()
    f.seek(0)
    header = f.read(512)
    if len(header) < 512:
        return set()
    shift = struct.unpack_from("<H", header, 30)[0]
    if shift not in (9, 12):
        return set()
    sector_size = 1 << shift
    per_sector = sector_size // 4
    sectors_in_file = file_size // sector_size

    def sector(number):
        if number >= sectors_in_file:
            return b""
        f.seek((number + 1) * sector_size)
        return f.read(sector_size)

    fat_sectors = list(struct.unpack_from("<109I", header, 76))
    next_difat, difat_count = struct.unpack_from("<II", header, 68)
    for _ in range(min(difat_count, sectors_in_file)):
        data = sector(next_difat)
        if len(data) < sector_size:
            break
        ids = struct.unpack(f"<{per_sector}I", data)
        fat_sectors += ids[:-1]
        next_difat = ids[-1]

    def next_in_chain(number):
        index, slot = divmod(number, per_sector)
        if index >= len(fat_sectors) or fat_sectors[index] >= end:
            return end
        data = sector(fat_sectors[index])[slot * 4 : slot * 4 + 4]
        return struct.unpack("<I", data)[0] if len(data) == 4 else end

    names = set()
    current, seen = struct.unpack_from("<I", header, 48)[0], set()
    while current < end and current not in seen and len(seen) <= sectors_in_file:
        seen.add(current)
        data = sector(current)
        for offset in range(0, len(data) - 127, 128):
            entry = data[offset : offset + 128]
            length = struct.unpack_from("<H", entry, 64)[0]
            if entry[66] in (1, 2, 5) and 2 <= length <= 64:
                names.add(entry[: length - 2].decode("utf-16-le", "replace"))
        current = next_in_chain(current)
    return names


def upload_key(sha256):
    return f"evidence/{sha256[:2]}/{sha256[2:4]}/{sha256}"


class _TypedFile(File):
    """An upload carrying the detected type, which S3 stores with the object."""

    def __init__(self, file, content_type):
        super().__init__(file, name=getattr(file, "name", None))
        self.content_type = content_type


def store_upload(uploaded_file, upload, *, storage=None):
    """Store the bytes once under their content hash and return the key. The same bytes
    uploaded again store nothing."""
    storage = storage or storages["default"]
    key = upload_key(upload.sha256)
    if storage.exists(key):
        return key
    uploaded_file.seek(0)
    saved = storage.save(key, _TypedFile(uploaded_file, upload.content_type))
    if saved != key:
        # Another request stored the same bytes a moment ago: keep one copy.
        storage.delete(saved)
    return key


def safe_filename(name):
    """The name people gave a file, without folders, control characters or characters that
    file systems refuse; for display and the download's Content-Disposition."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    name = re.sub(r'[<>:"|?*]', "", name)
    name = re.sub(r"\s+", " ", name).strip(" .")
    if len(name) > 150:
        stem, dot, ext = name.rpartition(".")
        name = stem[: 149 - len(ext)] + dot + ext if dot and len(ext) <= 10 else name[:150]
    return name or "evidence"


def download_filename(filename, content_type):
    """The safe name, ending in the extension of the type the content really is."""
    name = safe_filename(filename)
    ext = EXTENSION_FOR_TYPE.get(content_type)
    if not ext:
        return name
    stem, dot, current = name.rpartition(".")
    if dot and CLAIMED.get(current.lower()) == ext:
        return name
    return f"{stem if dot and stem else name}.{ext}"


def _is_s3(storage):
    try:
        from storages.backends.s3 import S3Storage
    except ImportError:  # pragma: no cover - django-storages is a dependency
        return False
    return isinstance(storage, S3Storage)


def file_download_response(*, key, filename, content_type, storage=None):
    """Hand a stored file to someone the caller has already checked may have it: as an
    attachment, never rendered, with the type the content was found to be. From S3, a redirect
    to a signed URL, short-lived as the storage's querystring_expire (from
    EVIDENCE_DOWNLOAD_URL_SECONDS), that asks S3 for the same headers."""
    storage = storage or storages["default"]
    name = download_filename(filename, content_type)
    if _is_s3(storage):
        url = storage.url(
            key,
            parameters={
                "ResponseContentDisposition": content_disposition_header(True, name),
                "ResponseContentType": content_type,
            },
        )
        response = HttpResponseRedirect(url)
    else:
        response = FileResponse(
            storage.open(key, "rb"), as_attachment=True, filename=name, content_type=content_type
        )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
