"""Subject access: everything careerpath holds about one person, as one zip of JSON and the
original files, made by a task and offered for a limited time.

careerpath never imports the apps above it: portfolios (evidence, applications) and panels
(decisions, appeals, letters) register a provider here in their AppConfig.ready. A provider takes
the person and returns parts; each part is one JSON file and the stored files that go with it.
A provider gives only what is about that person: another person's evidence or application never
appears, while what others wrote about the person (a comment on their application) does.
"""

import datetime
import json
import tempfile
import zipfile
from dataclasses import dataclass, field

from django.core.files import File
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from careerpath.models import DataExport, Delegation, User
from careerpath.services import audit_record

OFFERED_FOR = datetime.timedelta(days=7)


@dataclass
class PersonalDataPart:
    """One JSON file in the zip (`name`.json) and the stored files it refers to, as
    (path in the zip, storage key)."""

    name: str
    records: object
    files: list = field(default_factory=list)


_providers = []


def register_personal_data_provider(provider):
    """provider(person) -> iterable of PersonalDataPart. Registering twice adds nothing."""
    if provider not in _providers:
        _providers.append(provider)


def person_name(person):
    """How someone else appears in a person's data: by name and role in the service only."""
    return str(person) if person is not None else ""


def _own_records(person):
    """The person's record, level history, roles, notifications and cover."""
    record = {
        "username": person.username,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "organisation": str(person.organisation or ""),
        "employee_number": person.employee_number,
        "job_title": person.job_title,
        "team": str(person.team or ""),
        "line_manager": person_name(person.line_manager),
        "practice_supervisor": person_name(person.practice_supervisor),
        "team_manager": person_name(person.team_manager),
        "contract_type": person.get_contract_type_display(),
        "contract_start_date": person.contract_start_date,
        "left_on": person.left_on,
        "swe_registration_number": person.swe_registration_number,
        "swe_registration_date": person.swe_registration_date,
        "qualification_date": person.qualification_date,
        "asye_completed": person.asye_completed,
        "legal_hold": person.legal_hold,
        "is_active": person.is_active,
        "date_joined": person.date_joined,
        "last_login": person.last_login,
    }
    levels = [
        {
            "level_code": level.level_code,
            "level_name": level.level_name,
            "started_on": level.started_on,
            "ended_on": level.ended_on,
            "source": level.get_source_display(),
            "reference": level.reference,
        }
        for level in person.level_history.order_by("started_on", "pk")
    ]
    roles = [
        {
            "role": membership.get_role_display(),
            "organisation": str(membership.organisation),
            "granted_at": membership.granted_at,
            "granted_by": person_name(membership.granted_by),
        }
        for membership in person.role_memberships.select_related("organisation", "granted_by")
    ]
    notifications = [
        {
            "subject": notification.subject,
            "body": notification.body,
            "created_at": notification.created_at,
            "read_at": notification.read_at,
        }
        for notification in person.notifications.order_by("created_at", "pk")
    ]
    delegations = [
        {
            "cover_for": person_name(delegation.delegator),
            "covered_by": person_name(delegation.delegate),
            "starts_on": delegation.starts_on,
            "ends_on": delegation.ends_on,
            "reason": delegation.reason,
            "ended_at": delegation.ended_at,
        }
        for delegation in Delegation.objects.filter(Q(delegator=person) | Q(delegate=person))
        .select_related("delegator", "delegate")
        .order_by("starts_on", "pk")
    ]
    return [
        PersonalDataPart("record", record),
        PersonalDataPart("level_history", levels),
        PersonalDataPart("roles", roles),
        PersonalDataPart("notifications", notifications),
        PersonalDataPart("delegations", delegations),
    ]


def personal_data_parts(person):
    """Every part of the person's data, theirs first, then each provider's."""
    parts = list(_own_records(person))
    for provider in _providers:
        parts.extend(provider(person))
    return parts


def export_key(export):
    """A deterministic key: a retried task overwrites the same file, never adds one."""
    return f"data-exports/{export.pk}/careerpath-data-{export.person.username}.zip"


def data_export_build(export):
    """Write the person's zip to storage and offer it for seven days. Building it again (a
    retried task) replaces the same file."""
    person = User.objects.select_related(
        "organisation", "team", "line_manager", "practice_supervisor", "team_manager"
    ).get(pk=export.person_id)
    parts = personal_data_parts(person)
    with tempfile.TemporaryFile() as spool:
        with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            contents = []
            for part in parts:
                archive.writestr(
                    f"{part.name}.json",
                    json.dumps(part.records, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
                )
                for path, key in part.files:
                    if not key or not default_storage.exists(key):
                        continue
                    with default_storage.open(key) as stored, archive.open(path, "w") as target:
                        for chunk in iter(lambda: stored.read(1024 * 1024), b""):  # noqa: B023
                            target.write(chunk)
                    contents.append(path)
            archive.writestr("README.txt", _readme(person, parts, contents))
        size = spool.tell()
        spool.seek(0)
        key = export_key(export)
        if default_storage.exists(key):
            default_storage.delete(key)
        saved = default_storage.save(key, File(spool, name=key))
    now = timezone.now()
    DataExport.objects.filter(pk=export.pk).update(
        file_key=saved, size=size, ready_at=now, expires_at=now + OFFERED_FOR
    )
    export.refresh_from_db()
    return export


def _readme(person, parts, files):
    lines = [
        f"Everything the career progression service holds about {person}.",
        f"Made on {timezone.localtime():%d %B %Y at %H:%M}.",
        "",
        "Each .json file holds one kind of record; the folders hold the original files.",
        "",
        *(f"- {part.name}.json" for part in parts),
        *(f"- {path}" for path in files),
        "",
    ]
    return "\n".join(lines)


# --- Requests and downloads --------------------------------------------------------------------


class DataExportError(Exception):
    """A request that cannot be made, with a message for the person."""


def exports_of(person):
    return DataExport.objects.filter(person=person).order_by("-requested_at", "-pk")


def export_in_progress(person):
    return exports_of(person).filter(ready_at__isnull=True).exists()


@transaction.atomic
def data_export_request(*, person, actor):
    """Ask for a person's data. One request at a time: a second while one is being made is
    refused. The zip is made by a task after the commit."""
    from careerpath.tasks import data_export_make

    User.objects.select_for_update(of=("self",)).filter(pk=person.pk).first()
    if export_in_progress(person):
        raise DataExportError("Your data is already being prepared. Check back in a few minutes.")
    export = DataExport.objects.create(person=person, requested_by=actor)
    audit_record(actor=actor, action="data_export.request", target=export,
                 organisation=person.organisation)  # fmt: skip
    data_export_make.delay_on_commit(export.pk)
    return export


def data_export_is_offered(export, *, now=None):
    now = now or timezone.now()
    return bool(export.file_key and export.expires_at and export.expires_at > now)


def data_export_opened(*, export, actor):
    """Record a download in the audit trail and open the stored zip."""
    audit_record(actor=actor, action="data_export.download", target=export,
                 organisation=export.person.organisation)  # fmt: skip
    return default_storage.open(export.file_key)


def data_exports_expire(*, now=None):
    """Delete the zips past their seven days; the request stays as a record. Safe to run twice.
    Returns how many were deleted."""
    now = now or timezone.now()
    expired = DataExport.objects.filter(expires_at__lte=now).exclude(file_key="")
    count = 0
    for export in expired:
        if DataExport.objects.filter(pk=export.pk, file_key=export.file_key).update(file_key=""):
            if default_storage.exists(export.file_key):
                default_storage.delete(export.file_key)
            count += 1
    return count
