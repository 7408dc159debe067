"""Practice observations: an observer's signed record of a worker's practice, which puts a rated
practice observation in the worker's library."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from portfolios.models.evidence import RATINGS, EvidenceItem


class PracticeType(models.TextChoices):
    HOME_VISIT = "home_visit", "Home visit"
    DIRECT_WORK = "direct_work", "Direct work session"
    CHILD_PROTECTION_CONFERENCE = "child_protection_conference", "Child protection conference"
    CORE_GROUP = "core_group", "Core group or other meeting"
    SUPERVISION = "supervision", "Supervision"
    COURT = "court", "Court"
    OTHER = "other", "Other"


class ObservationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SIGNED = "signed", "Signed"


class PracticeObservation(models.Model):
    """An observer's record of a worker's practice, rated 1 to 4. The observer drafts it, then
    signs it; from then on nobody changes it, and it is in the worker's library as a practice
    observation (the evidence item made at signing)."""

    organisation = models.ForeignKey(
        "careerpath.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="observations_received"
    )
    observer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="observations_made"
    )
    observed_on = models.DateField("date of the observation", null=True, blank=True)
    # As the form asks, recorded when the observer signs: names and roles change later.
    observer_name = models.CharField(max_length=200, blank=True)
    observer_role = models.CharField(max_length=200, blank=True)
    practice_type = models.CharField(max_length=40, choices=PracticeType.choices, blank=True)
    practice_type_other = models.CharField(max_length=200, blank=True)
    rating = models.PositiveSmallIntegerField(
        null=True, blank=True, choices=sorted(RATINGS.items()),
        validators=[MinValueValidator(1), MaxValueValidator(4)],
    )  # fmt: skip
    assessment = models.TextField("holistic assessment", blank=True)
    # KSS statements the assessment is linked to.
    standards = models.ManyToManyField("frameworks.Standard", blank=True, related_name="+")
    short_term_targets = models.TextField(blank=True)
    medium_term_targets = models.TextField(blank=True)
    long_term_targets = models.TextField(blank=True)
    feedback = models.TextField(
        "feedback from the parent, carer, child or young person", blank=True
    )
    status = models.CharField(
        max_length=20, choices=ObservationStatus.choices, default=ObservationStatus.DRAFT
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    # The worker's library item made at signing. Such an item never goes to the bin; should it
    # be destroyed anyway, the signed record stays here.
    evidence_item = models.OneToOneField(
        EvidenceItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="observation"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-observed_on", "-id"]
        indexes = [
            models.Index(fields=["observer", "status"]),
            models.Index(fields=["worker", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=4),
                name="observation_rating_1_to_4",
            ),
            models.CheckConstraint(
                condition=Q(status="draft", signed_at__isnull=True)
                | Q(status="signed", signed_at__isnull=False, rating__isnull=False),
                name="observation_signed_has_date_and_rating",
            ),
        ]

    def __str__(self):
        when = f" on {self.observed_on:%d %B %Y}" if self.observed_on else ""
        return f"Practice observation of {self.worker}{when}"

    @property
    def is_signed(self):
        return self.status == ObservationStatus.SIGNED

    @property
    def rating_label(self):
        return RATINGS.get(self.rating, "")

    @property
    def practice_label(self):
        if self.practice_type == PracticeType.OTHER and self.practice_type_other:
            return self.practice_type_other
        return self.get_practice_type_display()
