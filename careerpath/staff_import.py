"""Staff import: the HR system's staff extract (CSV or Excel), previewed and then applied.

`staff_import_preview` reads the file, compares it with the organisation's people and keeps the
file with a StaffImport: nothing else is written. `staff_import_apply` applies the whole file in
one transaction or not at all, after checking the file is the one previewed and nothing has
changed since. People are matched by employee number; a person of the organisation with an
employee number who is not in the file is a leaver, deactivated and never deleted.

Rows are read once into plain values and compared with the people read into dicts (a handful of
queries whatever the size), then written with bulk_create and bulk_update in chunks."""

import datetime
import hashlib
import io
import json
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import PurePath

import tablib
from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from careerpath.dates import long_date
from careerpath.models import (
    AuditEvent,
    ContractType,
    LevelHistory,
    LevelSource,
    Role,
    RoleMembership,
    StaffImport,
    Team,
    User,
)
from careerpath.services import audit_record

CHUNK = 1000
MAX_FILE_BYTES = 20 * 1024 * 1024
# How many new people, changes and leavers the preview keeps to show; the counts are complete.
SHOWN = 200
LEVEL_REFERENCE = "Personnel record (staff import)"
# New people's usernames are their work e-mail addresses.
USERNAME_LENGTH = User._meta.get_field("username").max_length


class StaffImportError(Exception):
    """A file that cannot be read or applied, with a message for the administrator."""


# The columns of the staff extract: (key, heading, required). Headings are matched without
# regard to case, spaces, hyphens or punctuation ("Work e-mail" and "work email" are one).
COLUMNS = [
    ("employee_number", "Employee number", True),
    ("first_name", "First name", True),
    ("last_name", "Last name", True),
    ("email", "Work email", True),
    ("job_title", "Job title", False),
    ("team", "Team", False),
    ("contract_type", "Contract type", False),
    ("contract_start_date", "Start date in post", False),
    ("role", "Current role", False),
    ("level_code", "Current level", False),
    ("level_started_on", "Level start date", False),
    ("qualification_date", "Qualification date", False),
    ("swe_registration_date", "Social Work England registration date", False),
    ("line_manager", "Line manager employee number", False),
]
HEADING = {key: heading for key, heading, _ in COLUMNS}
DATE_COLUMNS = ("contract_start_date", "level_started_on", "qualification_date",
                "swe_registration_date")  # fmt: skip
# The person's fields the file sets directly, and how the preview names them.
PLAIN_FIELDS = {
    "first_name": "First name",
    "last_name": "Last name",
    "email": "Work email",
    "job_title": "Job title",
    "contract_type": "Contract type",
    "contract_start_date": "Start date in post",
    "qualification_date": "Qualification date",
    "swe_registration_date": "Social Work England registration date",
}
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")
CONTRACT_TYPES = {
    **{value: value for value in ContractType.values},
    **{label.lower(): value for value, label in ContractType.choices},
    "fixed term": ContractType.TEMPORARY,
    "fixed-term": ContractType.TEMPORARY,
}


def _normalise(heading):
    return "".join(ch for ch in str(heading or "").lower() if ch.isalnum())


ALIASES = {_normalise(heading): key for key, heading, _ in COLUMNS} | {
    "workemailaddress": "email",
    "employeeno": "employee_number",
    "linemanager": "line_manager",
    "linemanagersemployeenumber": "line_manager",
    "level": "level_code",
    "levelcode": "level_code",
    "role": "role",
    "currentlevelstartdate": "level_started_on",
    "socialworkenglandregistration": "swe_registration_date",
}


@dataclass
class Row:
    number: int  # the spreadsheet's row number: the headings are row 1
    values: dict


@dataclass
class Plan:
    """What the file would do: everything the preview shows and the apply writes."""

    rows: list = field(default_factory=list)
    columns: set = field(default_factory=set)
    problems: list = field(default_factory=list)
    new: list = field(default_factory=list)  # Rows of people not yet in the service
    changes: list = field(default_factory=list)  # (person, row, [(field, old, new)])
    leavers: list = field(default_factory=list)  # people
    new_teams: list = field(default_factory=list)  # names
    flagged: set = field(default_factory=set)  # (row, column) with a problem

    def problem(self, row, column, message):
        self.flagged.add((row, column))
        self.problems.append(
            {"row": row, "column": HEADING.get(column, column), "message": message}
        )

    @property
    def summary(self):
        return {
            "rows": len(self.rows),
            "new": len(self.new),
            "changed": len(self.changes),
            "leavers": len(self.leavers),
            "unchanged": len(self.rows) - len(self.new) - len(self.changes),
            "new_teams": self.new_teams,
        }

    def shown(self):
        """The preview's lists as plain data (the first SHOWN of each)."""
        return {
            "new_people": [
                {
                    "row": row.number,
                    "employee_number": row.values["employee_number"],
                    "name": _full_name(row.values),
                    "email": row.values["email"],
                    "job_title": row.values.get("job_title", ""),
                    "team": row.values.get("team", ""),
                }  # fmt: skip
                for row in self.new[:SHOWN]
            ],
            "changed_people": [
                {
                    "row": row.number,
                    "employee_number": person.employee_number,
                    "name": person.get_full_name() or person.username,
                    "fields": [
                        {"field": label, "old": old, "new": new}
                        for label, old, new in _shown_fields(fields)
                    ],
                }  # fmt: skip
                for person, row, fields in self.changes[:SHOWN]
            ],
            "leaving_people": [
                {
                    "employee_number": person.employee_number,
                    "name": person.get_full_name() or person.username,
                    "email": person.email,
                }  # fmt: skip
                for person in self.leavers[:SHOWN]
            ],
        }

    def fingerprint(self):
        """A digest of everything the plan would write, so the apply can tell that nothing
        changed in the service since the preview."""
        state = {
            "new": [row.values for row in self.new],
            "changes": [
                [person.pk, [[name, str(old), str(new)] for name, old, new in fields]]
                for person, _, fields in self.changes
            ],  # fmt: skip
            "leavers": [person.pk for person in self.leavers],
            "teams": self.new_teams,
        }
        encoded = json.dumps(state, sort_keys=True, default=str).encode()
        return hashlib.sha256(encoded).hexdigest()


def _full_name(values):
    return f"{values.get('first_name', '')} {values.get('last_name', '')}".strip()


def _shown(value):
    if value is None or value == "":
        return "(blank)"
    if isinstance(value, datetime.date):
        return long_date(value)
    return str(value)


def _shown_fields(fields):
    for name, old, new in fields:
        label = PLAIN_FIELDS.get(name) or {
            "team": "Team", "line_manager": "Line manager", "level": "Current level",
            "is_active": "In the service",
        }.get(name, name)  # fmt: skip
        if name == "contract_type":
            old, new = ContractType(old).label if old else old, ContractType(new).label
        if name == "level":
            old = f"{old[0]} from {long_date(old[1])}" if old else None
            new = f"{new[0]} from {long_date(new[1])}"
        if name == "is_active":
            old, new = "Left", "Yes"
        yield label, _shown(old), _shown(new)


# --- Reading the file ---------------------------------------------------------------------------


def read_dataset(content, file_name):
    """The file as a tablib Dataset: an Excel workbook (.xlsx) or a CSV file."""
    suffix = PurePath(file_name or "").suffix.lower()
    is_zip = content[:2] == b"PK"
    try:
        if suffix == ".xlsx" or (is_zip and suffix != ".csv"):
            return tablib.Dataset().load(io.BytesIO(content), format="xlsx")
        if suffix in (".csv", ".txt", ""):
            try:
                text = content.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = content.decode("cp1252")
            return tablib.Dataset().load(text, format="csv")
    except Exception as error:  # noqa: BLE001 - any unreadable file gets the same message
        raise StaffImportError(
            "The file could not be read: save it from the HR system as CSV or Excel (.xlsx)"
        ) from error
    raise StaffImportError("The selected file must be a CSV or Excel (.xlsx) file")


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(plan, row, key, raw, today):
    if raw is None or raw == "":
        return None
    if isinstance(raw, datetime.datetime):
        value = raw.date()
    elif isinstance(raw, datetime.date):
        value = raw
    else:
        value = None
        for pattern in DATE_FORMATS:
            try:
                value = datetime.datetime.strptime(str(raw).strip(), pattern).date()
                break
            except ValueError:
                continue
        if value is None:
            plan.problem(row, key, f"“{raw}” is not a date: write it as 2024-09-01 or 01/09/2024")
            return None
    if value > today:
        plan.problem(row, key, f"{long_date(value)} is in the future")
        return None
    return value


def parse_rows(dataset, plan, today):
    """Each data row as plain values keyed by column, with problems for what cannot be read."""
    keys = [ALIASES.get(_normalise(heading)) for heading in dataset.headers or []]
    plan.columns = {key for key in keys if key}
    missing = [key for key, _, required in COLUMNS if required and key not in plan.columns]
    for key in missing:
        plan.problem(1, key, f"The column “{HEADING[key]}” is missing")
    if missing:
        return
    for index, cells in enumerate(dataset, start=2):
        raw = {key: cell for key, cell in zip(keys, cells, strict=False) if key}
        if all(_text(cell) == "" for cell in raw.values()):
            continue
        values = {key: _text(raw.get(key)) for key in plan.columns if key not in DATE_COLUMNS}
        values["email"] = values["email"].lower()
        for key in DATE_COLUMNS:
            if key in plan.columns:
                values[key] = _date(plan, index, key, raw.get(key), today)
        if "contract_type" in plan.columns:
            contract = CONTRACT_TYPES.get(values["contract_type"].lower())
            if values["contract_type"] and contract is None:
                plan.problem(index, "contract_type",
                             f"“{values['contract_type']}” is not a contract type: write "
                             f"Permanent or Temporary")  # fmt: skip
            values["contract_type"] = contract or ContractType.PERMANENT
        plan.rows.append(Row(index, values))


# --- Comparing with the service -----------------------------------------------------------------


def published_levels(organisation):
    """The level codes of the organisation's published frameworks, each with its name.

    careerpath sits below the frameworks app, so it reads the frameworks' levels by model name
    rather than importing that app. A code is accepted as written ("SW2A") or as the level's
    letter after its role's code ("FW" and "A")."""
    Level = apps.get_model("frameworks", "Level")
    levels = Level.objects.filter(
        role__framework__organisation=organisation, role__framework__status="published"
    ).values_list("code", "name", "role__code", "role__title")
    names = {}
    for code, name, role_code, role_title in levels:
        names.setdefault(code.upper(), name or code)
        names.setdefault(f"{role_code}|{code}".upper(), name or code)
        if code.upper().startswith(role_code.upper()):
            names.setdefault(f"{role_code}|{code[len(role_code) :]}".upper(), name or code)
        names.setdefault(f"{role_title}|{code}".upper(), name or code)
    return names


def _level_name(levels, values):
    code = values.get("level_code", "")
    role = values.get("role", "")
    return levels.get(f"{role}|{code}".upper()) or levels.get(code.upper())


def _check_rows(plan, organisation, levels, existing, others_by_email):
    """Problems that need the whole file: duplicates, unknown managers and levels, loops."""
    in_file = {}
    emails = {}
    for row in plan.rows:
        values = row.values
        number = values["employee_number"]
        for key in ("employee_number", "first_name", "last_name", "email"):
            if not values[key]:
                plan.problem(row.number, key, f"Enter the {HEADING[key].lower()}")
        if number:
            if number in in_file:
                plan.problem(
                    row.number,
                    "employee_number",
                    f"Employee number {number} is also on row {in_file[number].number}",
                )
            else:
                in_file[number] = row
        email = values["email"]
        if email:
            try:
                validate_email(email)
            except ValidationError:
                plan.problem(row.number, "email", f"“{email}” is not an e-mail address")
            if len(email) > USERNAME_LENGTH:
                plan.problem(
                    row.number, "email", f"The e-mail must be {USERNAME_LENGTH} characters or fewer"
                )
            if email in emails:
                plan.problem(row.number, "email",
                             f"The e-mail {email} is also on row {emails[email]}")  # fmt: skip
            else:
                emails[email] = row.number
            other = others_by_email.get(email)
            person = existing.get(number)
            if other is not None and (person is None or other != person.pk):
                plan.problem(
                    row.number,
                    "email",
                    f"The e-mail {email} belongs to someone else in the service",
                )
        if values.get("level_code") and _level_name(levels, values) is None:
            plan.problem(row.number, "level_code",
                         f"“{values['level_code']}” is not a level of "
                         f"{organisation.name}'s published frameworks")  # fmt: skip
    if "line_manager" in plan.columns:
        for row in plan.rows:
            manager = row.values["line_manager"]
            if not manager:
                continue
            if manager == row.values["employee_number"]:
                plan.problem(row.number, "line_manager", "A person cannot be their own manager")
            elif manager not in in_file:
                plan.problem(row.number, "line_manager",
                             f"No one in the file has the employee number {manager}")  # fmt: skip
        _check_loops(plan, in_file)
    return in_file


def _check_loops(plan, in_file):
    """A chain of line managers that comes back to where it started."""
    managers = {
        number: row.values["line_manager"]
        for number, row in in_file.items()
        if row.values["line_manager"] in in_file and row.values["line_manager"] != number
    }
    done = set()
    for start in managers:
        path, seen = [], {}
        current = start
        while current in managers and current not in done and current not in seen:
            seen[current] = len(path)
            path.append(current)
            current = managers[current]
        if current in seen:
            loop = path[seen[current] :]
            chain = " → ".join([*loop, loop[0]])
            for number in loop:
                plan.problem(in_file[number].number, "line_manager",
                             f"The line managers go round in a loop: {chain}")  # fmt: skip
        done.update(path)


def _chunks(items, size=CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _level_date_needed(plan, row):
    """A level to record needs the date it began (unless that column is absent: then today)."""
    if (
        "level_started_on" in plan.columns
        and row.values["level_started_on"] is None
        and (row.number, "level_started_on") not in plan.flagged
    ):
        plan.problem(row.number, "level_started_on", "Enter the date the current level began")


def _compare(plan, organisation, in_file, existing, current_levels, teams, levels):
    managers_of = {person.pk: person.line_manager_id for person in existing.values()}
    number_of = {person.pk: person.employee_number for person in existing.values()}
    new_teams = set()
    for row in plan.rows:
        values = row.values
        if values.get("team") and values["team"].lower() not in teams:
            new_teams.add(values["team"])
        person = existing.get(values["employee_number"])
        if person is None:
            if values.get("level_code"):
                _level_date_needed(plan, row)
            plan.new.append(row)
            continue
        fields = []
        for name in PLAIN_FIELDS:
            if name in plan.columns and getattr(person, name) != values[name]:
                fields.append((name, getattr(person, name), values[name]))
        if "team" in plan.columns:
            team = teams.get(values["team"].lower()) if values["team"] else None
            old_team = person.team.name if person.team_id else ""
            if (team.pk if team else None) != person.team_id or (not team and values["team"]):
                fields.append(("team", old_team, values["team"]))
        if "line_manager" in plan.columns:
            old = number_of.get(managers_of[person.pk], "") if managers_of[person.pk] else ""
            if old != values["line_manager"]:
                fields.append(("line_manager", old, values["line_manager"]))
        if values.get("level_code") and _level_name(levels, values) is not None:
            current = current_levels.get(person.pk)
            started_on = values.get("level_started_on") or timezone.localdate()
            if current is None or current.level_code.upper() != values["level_code"].upper():
                _level_date_needed(plan, row)
                old = (current.level_code, current.started_on) if current else None
                fields.append(("level", old, (values["level_code"], started_on)))
        if not person.is_active:
            fields.append(("is_active", False, True))
        if fields:
            plan.changes.append((person, row, fields))
    plan.new_teams = sorted(new_teams)
    plan.leavers = sorted(
        (person for number, person in existing.items()
         if number not in in_file and person.is_active),
        key=lambda person: person.employee_number,
    )  # fmt: skip


def plan_for(*, organisation, dataset, today=None, actor=None):
    """Read the dataset and compare it with the organisation's people: a Plan. The person
    importing it may not leave by it: they would lock themselves out."""
    today = today or timezone.localdate()
    plan = Plan()
    parse_rows(dataset, plan, today)
    if not plan.rows and not plan.problems:
        plan.problem(2, "employee_number", "The file has no rows of staff")
    existing = {
        person.employee_number: person
        for person in User.objects.filter(organisation=organisation)
        .exclude(employee_number="")
        .select_related("team")
    }
    current_levels = {
        level.user_id: level
        for level in LevelHistory.objects.filter(
            user__organisation=organisation, ended_on__isnull=True
        )
    }
    teams = {team.name.lower(): team for team in Team.objects.filter(organisation=organisation)}
    levels = published_levels(organisation)
    emails = [row.values["email"] for row in plan.rows if row.values.get("email")]
    others_by_email = {}
    for chunk in _chunks(emails):
        for pk, email in User.objects.filter(email__in=chunk).values_list("pk", "email"):
            others_by_email[email.lower()] = pk
        for pk, username in User.objects.filter(username__in=chunk).values_list("pk", "username"):
            others_by_email.setdefault(username.lower(), pk)
    in_file = _check_rows(plan, organisation, levels, existing, others_by_email)
    _compare(plan, organisation, in_file, existing, current_levels, teams, levels)
    headings_read = not any(problem["row"] == 1 for problem in plan.problems)
    if headings_read and actor is not None and any(p.pk == actor.pk for p in plan.leavers):
        plan.problem(
            1, "employee_number",
            f"Your own record (employee number {actor.employee_number}) is not in the file: "
            "importing it would close your account. Add your row, or ask another "
            "administrator to import the file",
        )  # fmt: skip
    plan.problems.sort(key=lambda problem: (problem["row"], problem["column"]))
    return plan


# --- Preview ------------------------------------------------------------------------------------


def staff_import_preview(*, organisation, uploaded_by, file_name, content):
    """Keep the file and what it would do. Writes the StaffImport and the file, nothing else."""
    if len(content) > MAX_FILE_BYTES:
        raise StaffImportError("The selected file must be smaller than 20 MB")
    if not content:
        raise StaffImportError("The selected file is empty")
    dataset = read_dataset(content, file_name)
    plan = plan_for(organisation=organisation, dataset=dataset, actor=uploaded_by)
    digest = hashlib.sha256(content).hexdigest()
    suffix = ".xlsx" if content[:2] == b"PK" else ".csv"
    key = default_storage.save(
        f"staff-imports/{organisation.slug}/{uuid.uuid4().hex}{suffix}", ContentFile(content)
    )
    summary = {**plan.summary, **plan.shown(), "fingerprint": plan.fingerprint()}
    with transaction.atomic():
        staff_import = StaffImport.objects.create(
            organisation=organisation, uploaded_by=uploaded_by,
            file_name=PurePath(file_name or "staff").name[:255], file_key=key, digest=digest,
            rows=len(plan.rows), summary=summary, problems=plan.problems,
        )  # fmt: skip
        audit_record(actor=uploaded_by, action="staff_import.preview", target=staff_import,
                     organisation=organisation,
                     details={"rows": len(plan.rows), "problems": len(plan.problems)})  # fmt: skip
    return staff_import


# --- Apply --------------------------------------------------------------------------------------


class _Audit:
    """Audit events for many people at once, as audit_record writes them one by one."""

    def __init__(self, *, actor, organisation, staff_import):
        self.actor, self.organisation = actor, organisation
        self.staff_import = staff_import
        self.user_type = ContentType.objects.get_for_model(User)
        self.events = []

    def add(self, action, person, details):
        self.events.append(AuditEvent(
            organisation=self.organisation, actor=self.actor, action=action,
            target_type=self.user_type, target_id=str(person.pk), target_repr=str(person)[:300],
            details={"staff_import": self.staff_import.pk, **details},
        ))  # fmt: skip

    def write(self):
        AuditEvent.objects.bulk_create(self.events, batch_size=CHUNK)


def staff_import_apply(*, staff_import, actor):
    """Apply the previewed file in one transaction, or not at all. Returns the StaffImport."""
    with transaction.atomic():
        staff_import = StaffImport.objects.select_for_update(of=("self",)).get(pk=staff_import.pk)
        if staff_import.status == StaffImport.Status.APPLIED:
            raise StaffImportError("This file has been imported already")
        if staff_import.status != StaffImport.Status.PREVIEWED:
            raise StaffImportError("This upload was discarded: upload the file again")
        if staff_import.problems:
            raise StaffImportError("Correct the problems in the file and upload it again")
        organisation = staff_import.organisation
        try:
            with default_storage.open(staff_import.file_key, "rb") as handle:
                content = handle.read()
        except OSError as error:
            raise StaffImportError("The uploaded file is missing: upload it again") from error
        if hashlib.sha256(content).hexdigest() != staff_import.digest:
            raise StaffImportError("The stored file is not the one previewed: upload it again")
        plan = plan_for(organisation=organisation, actor=actor,
                        dataset=read_dataset(content, staff_import.file_name))  # fmt: skip
        if plan.problems or plan.fingerprint() != staff_import.summary.get("fingerprint"):
            raise StaffImportError(
                "Staff records have changed since the preview: upload the file again to see "
                "what it would change now"
            )
        _write(plan, organisation=organisation, actor=actor, staff_import=staff_import)
        staff_import.status = StaffImport.Status.APPLIED
        staff_import.applied_at = timezone.now()
        staff_import.save(update_fields=["status", "applied_at"])
        audit_record(
            actor=actor,
            action="staff_import.apply",
            target=staff_import,
            organisation=organisation,
            details={key: plan.summary[key] for key in ("new", "changed", "leavers")},
        )
    return staff_import


def _write(plan, *, organisation, actor, staff_import):
    today = timezone.localdate()
    audit = _Audit(actor=actor, organisation=organisation, staff_import=staff_import)
    levels = published_levels(organisation)
    Team.objects.bulk_create(
        [Team(organisation=organisation, name=name) for name in plan.new_teams], batch_size=CHUNK
    )
    teams = {team.name.lower(): team for team in Team.objects.filter(organisation=organisation)}

    def team_of(values):
        return teams.get(values["team"].lower()) if values.get("team") else None

    # New people: a username from their work e-mail, an unusable password (they sign in with
    # single sign-on or reset a password) and the worker role.
    unusable = make_password(None)  # the same unusable password for all: none can sign in with it
    created = []
    for row in plan.new:
        values = row.values
        person = User(
            username=values["email"], organisation=organisation,
            employee_number=values["employee_number"], password=unusable,
            team=team_of(values),
            **{name: values[name] for name in PLAIN_FIELDS if name in plan.columns},
        )  # fmt: skip
        created.append((person, row))
    User.objects.bulk_create([person for person, _ in created], batch_size=CHUNK)
    if created and created[0][0].pk is None:  # databases that return no keys from bulk inserts
        by_number = dict(
            User.objects.filter(organisation=organisation).values_list("employee_number", "pk")
        )
        for person, _ in created:
            person.pk = by_number[person.employee_number]
    RoleMembership.objects.bulk_create(
        [RoleMembership(user=person, organisation=organisation, role=Role.WORKER,
                        granted_by=actor) for person, _ in created],
        batch_size=CHUNK, ignore_conflicts=True,
    )  # fmt: skip

    # Changes to people already in the service.
    updated, update_fields = [], set()
    level_ends, level_starts = [], []
    for person, row, fields in plan.changes:
        for name, old, new in fields:
            if name in PLAIN_FIELDS:
                setattr(person, name, new)
                update_fields.add(name)
            elif name == "team":
                person.team = team_of(row.values)
                update_fields.add("team")
            elif name == "is_active":
                person.is_active, person.left_on = True, None
                update_fields.update({"is_active", "left_on"})
            elif name == "level":
                code, started_on = new
                if old is not None:
                    ended_on = max(started_on - datetime.timedelta(days=1), old[1])
                    level_ends.append((person.pk, ended_on))
                level_starts.append(LevelHistory(
                    user=person, level_code=code, level_name=_level_name(levels, row.values),
                    started_on=started_on, source=LevelSource.PERSONNEL_RECORD,
                    reference=LEVEL_REFERENCE,
                ))  # fmt: skip
                audit.add("person.level_change", person,
                          {"from": old[0] if old else None, "to": code,
                           "started_on": started_on.isoformat()})  # fmt: skip
        if any(name in PLAIN_FIELDS or name in ("team", "is_active") for name, _, _ in fields):
            updated.append(person)
            audit.add("person.update", person, {
                name: [str(old) if old is not None else None, str(new)]
                for name, old, new in fields if name not in ("level", "line_manager")
            })  # fmt: skip
    if updated:
        User.objects.bulk_update(updated, sorted(update_fields), batch_size=CHUNK)
    for person_pk, ended_on in level_ends:
        LevelHistory.objects.filter(user_id=person_pk, ended_on__isnull=True).update(
            ended_on=ended_on
        )

    # Levels of new people.
    for person, row in created:
        values = row.values
        if values.get("level_code"):
            started_on = values.get("level_started_on") or today
            level_starts.append(LevelHistory(
                user=person, level_code=values["level_code"],
                level_name=_level_name(levels, values), started_on=started_on,
                source=LevelSource.PERSONNEL_RECORD, reference=LEVEL_REFERENCE,
            ))  # fmt: skip
        audit.add("person.create", person, {
            "employee_number": person.employee_number, "level": values.get("level_code", ""),
            "line_manager": values.get("line_manager", ""),
        })  # fmt: skip
    LevelHistory.objects.bulk_create(level_starts, batch_size=CHUNK)

    # Line managers, once everyone exists.
    if "line_manager" in plan.columns:
        pk_of = dict(
            User.objects.filter(organisation=organisation)
            .exclude(employee_number="")
            .values_list("employee_number", "pk")
        )
        # One UPDATE per manager (a council has far fewer managers than people).
        reports = defaultdict(list)
        for person, _row, fields in plan.changes:
            for name, old, new in fields:
                if name == "line_manager":
                    reports[pk_of.get(new) if new else None].append(person.pk)
                    audit.add("person.line_manager_change", person, {"from": old, "to": new})
        for person, row in created:
            if row.values["line_manager"]:
                reports[pk_of[row.values["line_manager"]]].append(person.pk)
        for manager_pk, people in reports.items():
            for chunk in _chunks(people):
                User.objects.filter(pk__in=chunk).update(line_manager_id=manager_pk)

    # Leavers: deactivated, never deleted; their decisions and letters stay.
    for chunk in _chunks([person.pk for person in plan.leavers]):
        User.objects.filter(pk__in=chunk).update(is_active=False, left_on=today)
    for person in plan.leavers:
        audit.add("person.leave", person, {"left_on": today.isoformat()})
    audit.write()
