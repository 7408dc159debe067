"""HR's side of the decisions: who may act, what they see, the checklist they tick after a
progression, the payroll export and the letters' zip.

HR sees every decision of their own council, never another's. A progression carries the new
level, grade and pay point from its effective date; HR turns it into the contractual forms (the
seeds: "Amend existing position form" and "Contractual change form", and any the council adds),
each ticked once, with who and when."""

import csv
import datetime
import re
import tempfile
import zipfile
from dataclasses import dataclass

from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import CharField, Count, F, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from careerpath.dates import long_date
from careerpath.models import LevelHistory, Role
from careerpath.permissions import require_role
from careerpath.selectors import AttentionItem
from careerpath.services import audit_record
from panels.models import ChecklistItem, ChecklistTick, Decision, Letter, Outcome
from panels.permissions import is_hr

# The seeds' forms (Lincolnshire: completed after a successful panel), in this order.
SEED_ITEMS = ("Amend existing position form", "Contractual change form")
CSV_CHUNK = 2000


class ChecklistError(Exception):
    """A checklist change that cannot be made, with a message for the person who tried."""


# --- Who may act --------------------------------------------------------------------------------


def can_view_decision_as_hr(user, decision):
    return is_hr(user) and decision.application.organisation_id == user.organisation_id


def require_hr(user):
    require_role(user, Role.HR)


def decisions_for_hr(user):
    """can_view_decision_as_hr as a queryset."""
    if not is_hr(user):
        return Decision.objects.none()
    return Decision.objects.filter(application__organisation_id=user.organisation_id)


def get_decision_for_hr(user, pk):
    """A decision of the HR officer's council (404 for another council's), with its worker,
    route and session."""
    require_hr(user)
    decision = (
        decisions_for_hr(user)
        .select_related(
            "application__applicant__team",
            "application__route__from_level",
            "session",
            "decided_by",
        )  # fmt: skip
        .filter(pk=pk)
        .first()
    )
    if decision is None or not can_view_decision_as_hr(user, decision):
        raise Http404
    return decision


# --- What HR sees -------------------------------------------------------------------------------


@dataclass(frozen=True)
class HrFilters:
    route_code: str = ""
    outcome: str = ""
    team_id: int | None = None
    session_id: int | None = None
    month: datetime.date | None = None  # the first day of the effective month


def _old_level(field):
    """The level the worker held before the effective date (their level history's period that
    started before it, latest first), else the route's from level."""
    held = LevelHistory.objects.filter(
        user_id=OuterRef("application__applicant_id"), started_on__lt=OuterRef("effective_date")
    ).order_by("-started_on")
    return Coalesce(
        Subquery(held.values(field)[:1], output_field=CharField()),
        F(f"application__route__from_level__{field.removeprefix('level_')}"),
        Value(""),
        output_field=CharField(),
    )


def _latest_letter(field):
    letters = Letter.objects.filter(decision_id=OuterRef("pk")).order_by("-created_at", "-pk")
    return Subquery(letters.values(field)[:1])


def hr_decisions(*, user, filters=HrFilters()):
    """The council's decisions for HR, newest panel first, each with the worker's old level,
    the ticks of the active checklist items and the latest letter's times: one query however
    many there are."""
    ticks = (
        ChecklistTick.objects.filter(decision_id=OuterRef("pk"), item__active=True)
        .values("decision_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    decisions = (
        decisions_for_hr(user)
        .select_related("application__applicant__team", "application__route", "session")
        .annotate(
            old_level_code=_old_level("level_code"),
            old_level_name=_old_level("level_name"),
            ticks_done=Coalesce(Subquery(ticks, output_field=IntegerField()), 0),
            letter_sent_at=_latest_letter("sent_at"),
            letter_due_by=_latest_letter("due_by"),
        )
        .order_by("-heard_on", "-pk")
    )
    if filters.route_code:
        decisions = decisions.filter(application__route__code=filters.route_code)
    if filters.outcome:
        decisions = decisions.filter(outcome=filters.outcome)
    if filters.team_id:
        decisions = decisions.filter(application__applicant__team_id=filters.team_id)
    if filters.session_id:
        decisions = decisions.filter(session_id=filters.session_id)
    if filters.month:
        decisions = decisions.filter(
            effective_date__year=filters.month.year, effective_date__month=filters.month.month
        )
    return decisions


def letter_status(sent_at, due_by, now=None):
    """The latest letter's status, as HR reads it: sent (and when), or not sent yet (late once
    its due time has passed)."""
    if sent_at is not None:
        late = due_by is not None and sent_at > due_by
        return f"Sent on {long_date(sent_at)}" + (" (late)" if late else "")
    if due_by is not None and (now or timezone.now()) > due_by:
        return "Not sent yet (late)"
    return "Not sent yet"


# --- The checklist ------------------------------------------------------------------------------


def checklist_items_ensure(*, organisation):
    """The council's active checklist items. A council that has none yet (active or not) gets
    the seeds' two, once: a second call, or two at once, adds nothing."""
    items = list(ChecklistItem.objects.filter(organisation=organisation, active=True))
    if items or ChecklistItem.objects.filter(organisation=organisation).exists():
        return items
    ChecklistItem.objects.bulk_create(
        [
            ChecklistItem(organisation=organisation, label=label, order=order)
            for order, label in enumerate(SEED_ITEMS, start=1)
        ],
        ignore_conflicts=True,
    )
    return list(ChecklistItem.objects.filter(organisation=organisation, active=True))


def _check_tickable(decision, item, actor):
    if not can_view_decision_as_hr(actor, decision):
        raise ChecklistError("Only HR of the worker's council can change this checklist.")
    if decision.outcome != Outcome.PROGRESSED:
        raise ChecklistError("Only a progression has an HR checklist.")
    if item.organisation_id != decision.application.organisation_id:
        raise ChecklistError("That item is not on your council's checklist.")


def checklist_tick(*, decision, item, actor):
    """Tick one item for one progressed decision, recording who and when. Returns the tick and
    whether this call made it: a second tick (or one made at the same moment by a colleague)
    changes nothing."""
    _check_tickable(decision, item, actor)
    existing = ChecklistTick.objects.select_related("ticked_by").filter(
        decision=decision, item=item
    )
    tick = existing.first()
    if tick is not None:
        return tick, False
    if not ChecklistItem.objects.filter(pk=item.pk, active=True).exists():
        raise ChecklistError(f"“{item.label}” is no longer on the checklist.")
    try:
        with transaction.atomic():
            tick = ChecklistTick.objects.create(decision=decision, item=item, ticked_by=actor)
            audit_record(
                actor=actor, action="hr.checklist_tick", target=decision,
                organisation=actor.organisation, details={"item": item.pk, "label": item.label},
            )  # fmt: skip
    except IntegrityError:
        return existing.get(), False
    return tick, True


def checklist_untick(*, decision, item, actor):
    """Take a tick back (ticked by mistake). False when it was not ticked."""
    _check_tickable(decision, item, actor)
    with transaction.atomic():
        tick = (
            ChecklistTick.objects.select_for_update(of=("self",))
            .filter(decision=decision, item=item)
            .first()
        )
        if tick is None:
            return False
        details = {
            "item": item.pk, "label": item.label, "ticked_by": tick.ticked_by_id,
            "ticked_at": tick.ticked_at.isoformat(),
        }  # fmt: skip
        tick.delete()
        audit_record(
            actor=actor, action="hr.checklist_untick", target=decision,
            organisation=actor.organisation, details=details,
        )  # fmt: skip
    return True


def checklist_for(decision, items):
    """(item, tick or None) for each active item, the ticks read in one query."""
    ticks = {
        tick.item_id: tick
        for tick in ChecklistTick.objects.filter(decision=decision).select_related("ticked_by")
    }
    return [(item, ticks.get(item.pk)) for item in items]


def checklist_item_add(*, organisation, label, actor):
    """Add an item (or put a deactivated one of the same name back), last in the order."""
    label = label.strip()
    if not label:
        raise ChecklistError("Enter the name of the form or step")
    with transaction.atomic():
        existing = (
            ChecklistItem.objects.select_for_update(of=("self",))
            .filter(organisation=organisation, label__iexact=label)
            .first()
        )
        if existing is not None and existing.active:
            raise ChecklistError(f"“{existing.label}” is already on the checklist")
        last = ChecklistItem.objects.filter(organisation=organisation).order_by("-order").first()
        order = (last.order if last else 0) + 1
        if existing is not None:
            existing.active, existing.order = True, order
            existing.save(update_fields=["active", "order"])
            item = existing
        else:
            item = ChecklistItem.objects.create(organisation=organisation, label=label, order=order)
        audit_record(
            actor=actor, action="hr.checklist_item_add", target=item, organisation=organisation,
            details={"label": item.label},
        )  # fmt: skip
    return item


def checklist_item_deactivate(*, item, actor):
    """Take an item off the checklist for decisions to come; ticks already made are kept.
    False when it was off already."""
    with transaction.atomic():
        changed = ChecklistItem.objects.filter(pk=item.pk, active=True).update(active=False)
        if changed:
            audit_record(
                actor=actor, action="hr.checklist_item_deactivate", target=item,
                organisation=item.organisation, details={"label": item.label},
            )  # fmt: skip
    item.refresh_from_db(fields=["active"])
    return bool(changed)


def get_checklist_item_for(user, pk):
    require_hr(user)
    item = ChecklistItem.objects.filter(pk=pk, organisation_id=user.organisation_id).first()
    if item is None:
        raise Http404
    return item


# --- Home page ----------------------------------------------------------------------------------


def hr_attention(user):
    """HR's home page item: progressions whose checklist is not yet done."""
    if not is_hr(user):
        return []
    items = ChecklistItem.objects.filter(organisation_id=user.organisation_id)
    total = items.filter(active=True).count()
    if total == 0 and not items.exists():
        total = len(SEED_ITEMS)  # made on first use of the decision page
    if total == 0:
        return []
    open_count = (
        hr_decisions(user=user, filters=HrFilters(outcome=Outcome.PROGRESSED))
        .filter(ticks_done__lt=total)
        .count()
    )
    if not open_count:
        return []
    return [
        AttentionItem(
            label=f"{open_count} progression{'s' if open_count != 1 else ''} to action",
            url=reverse("panels:hr-decisions") + f"?outcome={Outcome.PROGRESSED}",
            hint="The HR checklist is not yet complete",
        )
    ]


# --- Payroll export -----------------------------------------------------------------------------

CSV_HEADER = (
    "Worker", "Employee number", "Team", "Route", "Outcome", "Old level", "New level", "Grade",
    "Pay point", "Effective date", "Panel date", "Checklist done", "Checklist items",
    "Letter status",
)  # fmt: skip
_INJECTION = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value):
    """A cell a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_INJECTION) else text


class _Echo:
    def write(self, value):
        return value


def csv_rows(*, user, filters, checklist_total):
    """The export, line by line: the header, then each decision read in chunks from one
    query (never the whole list in memory)."""
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_HEADER)
    outcomes = dict(Outcome.choices)
    rows = hr_decisions(user=user, filters=filters).values(
        "application__applicant__first_name", "application__applicant__last_name",
        "application__applicant__username", "application__applicant__employee_number",
        "application__applicant__team__name", "application__route__title", "outcome",
        "old_level_name", "old_level_code", "new_level_name", "new_level_code", "grade",
        "pay_point", "effective_date", "heard_on", "ticks_done", "letter_sent_at",
        "letter_due_by",
    )  # fmt: skip
    now = timezone.now()
    for row in rows.iterator(chunk_size=CSV_CHUNK):
        progressed = row["outcome"] == Outcome.PROGRESSED
        name = " ".join(
            part
            for part in (
                row["application__applicant__first_name"],
                row["application__applicant__last_name"],
            )  # fmt: skip
            if part
        )
        cells = (
            name or row["application__applicant__username"],
            row["application__applicant__employee_number"],
            row["application__applicant__team__name"],
            row["application__route__title"],
            outcomes.get(row["outcome"], row["outcome"]),
            row["old_level_name"] or row["old_level_code"],
            row["new_level_name"] or row["new_level_code"],
            row["grade"],
            row["pay_point"],
            row["effective_date"].isoformat() if row["effective_date"] else "",
            row["heard_on"].isoformat(),
            row["ticks_done"] if progressed else "",
            checklist_total if progressed else "",
            letter_status(row["letter_sent_at"], row["letter_due_by"], now)
            if row["letter_due_by"]
            else "No letter",
        )
        yield writer.writerow([csv_safe(cell) for cell in cells])


# --- The letters' zip ---------------------------------------------------------------------------


def letters_to_zip(*, user, session_id=None, month=None):
    """The latest version of each letter (per decision and kind) with a stored PDF, for the
    decisions heard at one panel session or in one month, of HR's own council."""
    latest = Letter.objects.filter(decision_id=OuterRef("decision_id"), kind=OuterRef("kind"))
    letters = (
        Letter.objects.filter(decision__in=decisions_for_hr(user))
        .exclude(pdf_key="")
        .filter(version=Subquery(latest.order_by("-version").values("version")[:1]))
        .select_related("decision__application__applicant")
        .order_by("decision__heard_on", "decision_id", "kind")
    )
    if session_id is not None:
        letters = letters.filter(decision__session_id=session_id)
    if month is not None:
        letters = letters.filter(
            decision__heard_on__year=month.year, decision__heard_on__month=month.month
        )
    return letters


def _zip_name(letter):
    worker = letter.decision.application.applicant
    who = (
        "-".join(
            part for part in (worker.employee_number, worker.last_name, worker.first_name) if part
        )
        or worker.username
    )
    who = re.sub(r"[^A-Za-z0-9_-]+", "-", who).strip("-")
    return f"{who}-{letter.kind}-v{letter.version}-decision-{letter.decision_id}.pdf"


def letters_zip_build(letters):
    """A zip of the letters' PDFs, kept in memory up to 10 MB and on disk beyond. Returns the
    file (at its start) and how many letters it holds; a PDF missing from storage is named in
    a note inside rather than failing the whole download."""
    # Handed to the response, which closes it once sent.
    spool = tempfile.SpooledTemporaryFile(max_size=10 * 1024 * 1024)  # noqa: SIM115
    added, missing = 0, []
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for letter in letters.iterator(chunk_size=200):
            name = _zip_name(letter)
            try:
                with (
                    default_storage.open(letter.pdf_key, "rb") as pdf,
                    archive.open(name, "w") as entry,
                ):
                    for chunk in iter(lambda: pdf.read(64 * 1024), b""):  # noqa: B023
                        entry.write(chunk)
            except FileNotFoundError:
                missing.append(name)
                continue
            added += 1
        if missing:
            archive.writestr("letters-missing.txt", "Not in storage:\n" + "\n".join(missing))
    spool.seek(0)
    return spool, added
