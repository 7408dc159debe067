"""Writes for the evidence library. Every write locks what it changes and records an audit event
in the same transaction; files reach storage only through portfolios.uploads."""

from dataclasses import asdict, dataclass

from django.core import signing
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from careerpath.services import audit_record
from portfolios.models import EvidenceFile, EvidenceItem
from portfolios.selectors import bin_cutoff
from portfolios.uploads import UploadRefused, inspect_upload, safe_filename, store_upload

ITEM_FIELDS = ("kind", "title", "dated", "reflection", "case_reference", "is_certificate")
STAGED_SALT = "portfolios.staged-file"


class EvidenceError(Exception):
    """A write that cannot be made, with a message for the worker."""


@dataclass(frozen=True)
class StagedFile:
    """A file that passed the checks and is in storage, waiting for its item to be saved. It
    travels through a re-rendered form as a signed token, so nothing chosen is lost."""

    name: str
    sha256: str
    size: int
    content_type: str
    key: str

    def token(self, *, owner):
        return signing.dumps({"owner": owner.pk, **asdict(self)}, salt=STAGED_SALT)

    @classmethod
    def from_token(cls, token, *, owner):
        """The staged file a token names, or None when it is forged or someone else's."""
        try:
            data = signing.loads(token, salt=STAGED_SALT, max_age=60 * 60 * 24)
        except signing.BadSignature:
            return None
        if data.pop("owner", None) != owner.pk:
            return None
        try:
            return cls(**data)
        except TypeError:
            return None


def evidence_uploads_stage(*, files):
    """Check each uploaded file and store those that pass. Returns (staged files, refusals),
    each naming the file and why; a refused file leaves nothing in storage."""
    staged, refusals = [], []
    for uploaded in files:
        try:
            upload = inspect_upload(uploaded)
        except UploadRefused as refused:
            refusals.append(str(refused))
            continue
        key = store_upload(uploaded, upload)
        staged.append(
            StagedFile(
                name=safe_filename(uploaded.name),
                sha256=upload.sha256,
                size=upload.size,
                content_type=upload.content_type,
                key=key,
            )
        )
    return staged, refusals


def _add_file(item, staged, previous=None):
    # A file staged long ago may have left storage since (the bin's purge removes bytes that
    # no saved version uses): say so rather than save a version without its bytes.
    if not default_storage.exists(staged.key):
        raise EvidenceError(f"The file '{staged.name}' is no longer stored: choose it again")
    return EvidenceFile.objects.create(
        item=item,
        previous=previous,
        version=previous.version + 1 if previous else 1,
        original_name=staged.name,
        sha256=staged.sha256,
        size=staged.size,
        content_type=staged.content_type,
        storage_key=staged.key,
    )


def _audit(actor, action, item, details=None):
    audit_record(
        actor=actor,
        action=action,
        target=item,
        organisation=item.owner.organisation,
        details=details,
    )


@transaction.atomic
def evidence_item_create(*, owner, files=(), **values):
    """Add an item to the owner's library, with its staged files."""
    item = EvidenceItem.objects.create(owner=owner, **{name: values[name] for name in ITEM_FIELDS})
    for staged in files:
        _add_file(item, staged)
    _audit(owner, "evidence.create", item, {"files": len(files)})
    return item


def _locked(item):
    return (
        EvidenceItem.objects.select_for_update(of=("self",)).select_related("owner").get(pk=item.pk)
    )


READ_ONLY = "This item is a signed practice observation: nobody can change it."


def _check_changeable(item):
    if item.in_bin:
        raise EvidenceError("This item is in the bin: restore it before changing it.")
    if item.is_read_only:
        raise EvidenceError(READ_ONLY)


@transaction.atomic
def evidence_item_update(*, item, actor, saved_version=None, files=(), **values):
    """Change an item's details and add files. A save from a copy older than what is stored is
    refused, so one tab never silently overwrites another; no change at all writes nothing."""
    locked = _locked(item)
    _check_changeable(locked)
    if saved_version is not None and saved_version != locked.updated_at.isoformat():
        raise EvidenceError(
            "This item was changed somewhere else after you opened it. Your changes are below: "
            "check them against the saved item and save again."
        )
    changed = {name: values[name] for name in ITEM_FIELDS if getattr(locked, name) != values[name]}
    if not changed and not files:
        return locked
    for name, value in changed.items():
        setattr(locked, name, value)
    locked.save()
    for staged in files:
        _add_file(locked, staged)
    _audit(actor, "evidence.update", locked, {"fields": sorted(changed), "files": len(files)})
    return locked


@transaction.atomic
def evidence_file_replace(*, evidence_file, actor, staged):
    """Replace a file with a new version. The old version stays, for any application that
    points at it."""
    item = _locked(evidence_file.item)
    _check_changeable(item)
    if EvidenceFile.objects.filter(previous=evidence_file).exists():
        raise EvidenceError("This file has been replaced already: replace its latest version.")
    new = _add_file(item, staged, previous=evidence_file)
    item.save(update_fields=["updated_at"])
    _audit(actor, "evidence.file-replace", item, {"file": new.pk, "replaces": evidence_file.pk})
    return new


@transaction.atomic
def evidence_item_delete(*, item, actor):
    """Move an item to the bin. Doing it again changes nothing."""
    locked = _locked(item)
    if locked.in_bin:
        return locked
    if locked.is_read_only:
        raise EvidenceError(READ_ONLY)
    locked.deleted_at = timezone.now()
    locked.save(update_fields=["deleted_at", "updated_at"])
    _audit(actor, "evidence.delete", locked)
    return locked


@transaction.atomic
def evidence_item_restore(*, item, actor):
    """Bring an item back from the bin into the library. Doing it again changes nothing."""
    locked = _locked(item)
    if not locked.in_bin:
        return locked
    if locked.deleted_at < bin_cutoff():
        raise EvidenceError("This item was deleted more than 90 days ago and cannot be restored.")
    locked.deleted_at = None
    locked.save(update_fields=["deleted_at", "updated_at"])
    _audit(actor, "evidence.restore", locked)
    return locked


@transaction.atomic
def evidence_item_hold(*, item):
    """Called when a submitted application's snapshot includes the item: from now on it is
    never destroyed. Holding it again changes nothing."""
    EvidenceItem.objects.filter(pk=item.pk, held_at__isnull=True).update(held_at=timezone.now())


def evidence_bin_purge(*, now=None):
    """Destroy items that have been in the bin for more than 90 days, except those a submitted
    application holds (they stay hidden). Files whose bytes no other version uses leave storage.
    Safe to run twice or at once: each item is claimed under a lock and re-checked. Returns the
    number of items destroyed."""
    cutoff = bin_cutoff(now)
    due = EvidenceItem.objects.filter(deleted_at__lt=cutoff, held_at__isnull=True)
    purged = 0
    for pk in due.values_list("pk", flat=True):
        try:
            keys = _purge_one(pk, cutoff)
        except ProtectedError:
            continue  # something else (a signed observation) still needs it: keep it hidden
        if keys is None:
            continue
        purged += 1
        unused = keys - set(
            EvidenceFile.objects.filter(storage_key__in=keys).values_list("storage_key", flat=True)
        )
        for key in unused:
            # After the commit: a failure here leaves an unused blob, never a missing one.
            default_storage.delete(key)
    return purged


@transaction.atomic
def _purge_one(pk, cutoff):
    """Destroy one item past its time in the bin. Returns its storage keys, or None when it is
    no longer due (restored, held or purged since the list was read)."""
    item = (
        EvidenceItem.objects.select_for_update(of=("self",))
        .select_related("owner__organisation")
        .filter(pk=pk, deleted_at__lt=cutoff, held_at__isnull=True)
        .first()
    )
    if item is None:
        return None
    versions = list(item.files.order_by("-version", "-id"))
    # Newest first: a version's successor goes before the version it replaced.
    for version in versions:
        EvidenceFile.objects.filter(pk=version.pk).delete()
    _audit(None, "evidence.purge", item, {"files": len(versions)})
    item.delete()
    return {version.storage_key for version in versions}
