"""What kind of file this is, decided from its content: magic numbers through puremagic, and
for Office Open XML and OpenDocument the archive's own manifest; never the name or the browser's
claim. Plain text must decode cleanly and must not look like HTML or a script."""

import codecs
import re
import struct
import zipfile
from xml.etree import ElementTree

import puremagic

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


def detect_type(f):
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
