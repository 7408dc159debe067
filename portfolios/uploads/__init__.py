"""Evidence files: what may be attached, how it is stored and how it is handed back.

The type of a file is decided from its content (and, for Office Open XML and OpenDocument, from
the archive's own manifest), never from its name or the browser's claim. Each file is stored
once, under a key derived from its content hash, and is only ever served after the caller has
checked permission.
"""

import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.utils.http import content_disposition_header
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from portfolios.uploads.detection import ACCEPTED, CLAIMED, EXTENSION_FOR_TYPE, TYPES, detect_type

__all__ = [
    "ACCEPTED",
    "EXTENSION_FOR_TYPE",
    "TYPES",
    "OversizedUpload",
    "SizeLimitUploadHandler",
    "Upload",
    "UploadRefused",
    "download_filename",
    "file_download_response",
    "inspect_upload",
    "limit_upload_size",
    "safe_filename",
    "store_upload",
    "upload_key",
]


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
        extension, content_type_or_reason = detect_type(uploaded_file)
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
    # Imported here: the S3 backend loads boto3, which a local-storage process never needs.
    from storages.backends.s3 import S3Storage

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
        try:
            stored = storage.open(key, "rb")
        except FileNotFoundError as missing:
            # A record whose bytes are gone: the same answer as a file that never existed.
            raise Http404("No such file") from missing
        response = FileResponse(
            stored, as_attachment=True, filename=name, content_type=content_type
        )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
