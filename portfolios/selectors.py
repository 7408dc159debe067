"""Reads for the evidence pages. Each page's queries are fixed here, whatever the library's size."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from careerpath.selectors import AttentionItem
from frameworks import rules
from portfolios.models import BIN_DAYS, KIND_CHOICES, EvidenceItem, EvidenceLink
from portfolios.permissions import evidence_visible_to, keeps_evidence


@dataclass(frozen=True)
class LibraryFilters:
    kind: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    used: str = ""  # "", "used" or "unused"
    query: str = ""

    @property
    def active(self):
        return bool(self.kind or self.date_from or self.date_to or self.used or self.query)


def _search(items, query):
    """Every word must appear in the title, the reflection or the case reference."""
    for word in query.split()[:10]:
        items = items.filter(
            Q(title__icontains=word)
            | Q(reflection__icontains=word)
            | Q(case_reference__icontains=word)
        )
    return items


def evidence_library_for(*, user, filters=LibraryFilters()):
    """The person's library, filtered, newest first by the date of the work, with the number of
    current files on each item (one query per page of it)."""
    items = evidence_visible_to(user).in_library()
    if filters.kind:
        items = items.filter(kind=filters.kind)
    if filters.date_from:
        items = items.filter(dated__gte=filters.date_from)
    if filters.date_to:
        items = items.filter(dated__lte=filters.date_to)
    if filters.used == "used":
        items = items.filter(linked_count__gt=0)
    elif filters.used == "unused":
        items = items.filter(linked_count=0)
    if filters.query:
        items = _search(items, filters.query)
    return items.annotate(
        file_count=Count("files", filter=Q(files__next_version__isnull=True))
    ).order_by("-dated", "-id")


def evidence_kind_counts_for(*, user):
    """(kind, label, count) for every kind in the person's library, in the evaluator's order,
    with the total and the number in the bin: one query."""
    rows = (
        evidence_visible_to(user)
        .values("kind")
        .annotate(
            n=Count("id", filter=Q(deleted_at__isnull=True)),
            binned=Count("id", filter=Q(deleted_at__gte=bin_cutoff())),
        )
    )
    counts, binned = {}, 0
    for row in rows:
        counts[row["kind"]] = row["n"]
        binned += row["binned"]
    kinds = [(kind, label, counts[kind]) for kind, label in KIND_CHOICES if counts.get(kind)]
    return kinds, sum(counts.values()), binned


def bin_cutoff(now=None):
    """Items moved to the bin before this moment are past restoring."""
    return (now or timezone.now()) - datetime.timedelta(days=BIN_DAYS)


def evidence_bin_for(*, user):
    """Items in the bin that can still be restored, most recently deleted first. Older ones are
    purged, or, when a submitted application holds them, only hidden."""
    return (
        evidence_visible_to(user)
        .in_bin()
        .filter(deleted_at__gte=bin_cutoff())
        .annotate(file_count=Count("files", filter=Q(files__next_version__isnull=True)))
        .order_by("-deleted_at", "-id")
    )


@dataclass(frozen=True)
class FileHistory:
    """A file as the worker sees it: its current version and the ones it replaced."""

    current: object
    earlier: tuple


def evidence_files_of(*, item):
    """The item's files, each with its earlier versions, in the order they were first added:
    one query."""
    versions = list(item.files.all())
    by_previous = {version.previous_id: version for version in versions if version.previous_id}
    histories = []
    for first in (version for version in versions if version.previous_id is None):
        chain = [first]
        while chain[-1].pk in by_previous:
            chain.append(by_previous[chain[-1].pk])
        histories.append(FileHistory(current=chain[-1], earlier=tuple(reversed(chain[:-1]))))
    return histories


def evidence_links_of(*, item):
    """What the item supports in the owner's applications: each link's criterion or standard,
    its note and the application, for the item page's "Linked to" (one query)."""
    links = (
        EvidenceLink.objects.filter(item=item)
        .select_related("application__route", "criterion", "standard")
        .order_by("application_id", "created_at", "id")
    )
    return [
        LinkedTo(
            label=(
                link.criterion.text
                if link.criterion_id
                else f"KSS {link.standard.number}: {link.standard.title}"
            ),
            note=link.note,
            application=link.application.route.title,
            url=reverse("portfolios:application-detail", args=[link.application_id]),
        )
        for link in links
    ]


@dataclass(frozen=True)
class LinkedTo:
    label: str
    note: str
    application: str
    url: str


def evidence_facts_for(*, person, on=None):
    """The person's library (not the bin) as the rule evaluator's facts. With `on`, only work
    dated on or before that day counts."""
    items = EvidenceItem.objects.filter(owner=person).in_library()
    if on is not None:
        items = items.filter(dated__lte=on)
    return tuple(
        rules.EvidenceItem(kind=kind, dated=dated, rating=rating, certificate=certificate)
        for kind, dated, rating, certificate in items.order_by("dated", "id").values_list(
            "kind", "dated", "rating", "is_certificate"
        )
    )


def evidence_library_attention(user):
    """The worker's home page: a way into the library, with its size."""
    if not keeps_evidence(user):
        return []
    count = evidence_visible_to(user).in_library().count()
    label = (
        f"Your evidence library: {count} item{'s' if count != 1 else ''}"
        if count
        else "Start your evidence library: add case examples, reflections and certificates"
    )
    return [AttentionItem(label=label, url=reverse("portfolios:evidence-list"))]
