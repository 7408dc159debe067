"""What a worker shows: the evidence library, kept by the worker and outliving any application.

An item holds the worker's account of a piece of work (kind, title, the date of the work, their
reflection) and points at immutable file versions. Deleting moves an item to the bin for 90 days;
an item held by a submitted application is never destroyed, only hidden."""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from frameworks.rules import KIND_NAMES

# Labels for the closed list of kinds the rule evaluator knows, as a worker would pick one.
KIND_LABELS = {kind: names[0].capitalize() for kind, names in KIND_NAMES.items()} | {
    # "piece of ..." and "set of ..." read oddly as labels in a list of kinds.
    "service_user_feedback": "Service user feedback",
    "meeting_minutes": "Meeting minutes",
}
KIND_CHOICES = [(kind, KIND_LABELS[kind]) for kind in KIND_NAMES]

RATINGS = {1: "Inadequate", 2: "Requires improvement", 3: "Good", 4: "Outstanding"}

BIN_DAYS = 90


class EvidenceItemQuerySet(models.QuerySet):
    def in_library(self):
        return self.filter(deleted_at__isnull=True)

    def in_bin(self):
        return self.filter(deleted_at__isnull=False)


class EvidenceItem(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="evidence_items"
    )
    kind = models.CharField(max_length=40, choices=KIND_CHOICES)
    title = models.CharField(max_length=200)
    dated = models.DateField(
        "date of the work or event", help_text="Recency rules count from this date."
    )
    reflection = models.TextField(blank=True)
    case_reference = models.CharField(
        max_length=40, blank=True, help_text="For example a Mosaic number, never a family's name."
    )
    is_certificate = models.BooleanField(default=False)
    # Set only by a signed practice observation; the worker never edits it.
    rating = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    # How many criteria or standards the item supports across the worker's applications (kept
    # by the link services in the same transaction): the library's "used / not used" filter.
    linked_count = models.PositiveIntegerField(default=0)
    # Set when a submitted application's snapshot includes the item: from then on it can be
    # hidden (the bin) but never destroyed, so the panel still sees what was submitted.
    held_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # None: in the library. Set: in the bin (restorable for BIN_DAYS, then purged unless held).
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = EvidenceItemQuerySet.as_manager()

    class Meta:
        ordering = ["-dated", "-id"]
        indexes = [models.Index(fields=["owner", "deleted_at", "dated"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=4),
                name="evidence_rating_1_to_4",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def is_held(self):
        return self.held_at is not None

    @property
    def in_bin(self):
        return self.deleted_at is not None

    @property
    def is_read_only(self):
        # Only a signed practice observation sets a rating, and a signed observation is
        # read-only for everyone, the worker included.
        return self.rating is not None

    @property
    def restorable_until(self):
        return self.deleted_at + datetime.timedelta(days=BIN_DAYS) if self.deleted_at else None

    @property
    def kind_label(self):
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def rating_label(self):
        return RATINGS.get(self.rating, "")


class EvidenceFile(models.Model):
    """One version of one file of an item. Rows are never changed: replacing a file adds a
    version pointing at the one it replaces, so an application's snapshot can keep the old one.
    The bytes live in storage under a key derived from their content hash."""

    item = models.ForeignKey(EvidenceItem, on_delete=models.CASCADE, related_name="files")
    previous = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_version"
    )
    version = models.PositiveSmallIntegerField(default=1)
    original_name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=120)
    storage_key = models.CharField(max_length=300)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item", "uploaded_at", "id"]
        indexes = [models.Index(fields=["storage_key"])]

    def __str__(self):
        return f"{self.original_name} (version {self.version})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("Evidence file versions cannot be changed: add a new version.")
        super().save(*args, **kwargs)

    @property
    def type_label(self):
        from portfolios.uploads import EXTENSION_FOR_TYPE, TYPES

        extension = EXTENSION_FOR_TYPE.get(self.content_type)
        return TYPES[extension][1] if extension else self.content_type
