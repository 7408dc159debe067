"""Applications: a worker's case for progression on one route, pinned to the framework version it
started on: what they wrote in each section of the council's form, the evidence linked to each
criterion or standard, the agreements recorded, and the frozen submissions. The state changes only
through portfolios.applications.workflow."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from careerpath.models import Role
from portfolios.models.evidence import EvidenceFile, EvidenceItem


class ApplicationState(models.TextChoices):
    DRAFTING = "drafting", "Drafting"
    SUBMITTED = "submitted", "Submitted for review"
    RETURNED = "returned", "Returned for changes"
    REVIEWED = "reviewed", "Reviewed by the manager"
    ENDORSED = "endorsed", "Endorsed by the team manager"
    ELIGIBILITY_CONFIRMED = "eligibility_confirmed", "Eligibility confirmed"
    HEARD = "heard", "Heard by the panel"
    PROGRESSED = "progressed", "Progressed"
    DEFERRED = "deferred", "Deferred"
    NOT_PROGRESSED = "not_progressed", "Not progressed"
    APPEAL_LODGED = "appeal_lodged", "Appeal lodged"
    APPEAL_DECIDED = "appeal_decided", "Appeal decided"
    # An upheld appeal sets the hearing aside: the application waits to be heard again.
    NEW_HEARING = "new_hearing", "Waiting for a new hearing"
    WITHDRAWN = "withdrawn", "Withdrawn"


# An application in one of these states is finished: a new attempt on the same route may start.
CLOSED_STATES = (
    ApplicationState.PROGRESSED,
    ApplicationState.DEFERRED,
    ApplicationState.NOT_PROGRESSED,
    ApplicationState.APPEAL_DECIDED,
    ApplicationState.WITHDRAWN,
)


class Application(models.Model):
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications"
    )
    organisation = models.ForeignKey(
        "careerpath.Organisation", on_delete=models.PROTECT, related_name="applications"
    )
    # The route of one framework version: the application keeps it when a new version is
    # published, so what the applicant must show never changes under them.
    route = models.ForeignKey(
        "frameworks.ProgressionRoute", on_delete=models.PROTECT, related_name="applications"
    )
    # Written only by the transition services in portfolios.applications.workflow.
    state = models.CharField(
        max_length=30, choices=ApplicationState.choices, default=ApplicationState.DRAFTING
    )
    state_changed_at = models.DateTimeField(auto_now_add=True)
    previous_attempt = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_attempt"
    )
    # Set by the panels app when a place is booked (portfolios never imports panels): the
    # standards allocated by the route's policy, the draw's seed, and the dates that matter.
    allocated_standards = models.JSONField(default=list, blank=True)
    allocation_seed = models.CharField(max_length=64, blank=True)
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    allocated_at = models.DateTimeField(null=True, blank=True)
    panel_date = models.DateField(null=True, blank=True)
    submission_deadline = models.DateField(null=True, blank=True)
    declaration_accepted_at = models.DateTimeField(null=True, blank=True)
    # A stuck review the progression coordinator handed to someone else: they hold the step
    # while the application stays in `reassigned_state` (the next step goes back to the route).
    reassigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reassigned_state = models.CharField(max_length=30, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "route"],
                condition=~Q(state__in=[state.value for state in CLOSED_STATES]),
                name="one_open_application_per_route",
            )
        ]

    def __str__(self):
        return f"{self.route} – {self.applicant}"

    @property
    def is_open(self):
        return self.state not in CLOSED_STATES


class ApplicationAnswer(models.Model):
    """What the applicant wrote in one section of the council's form (or, on a route with no
    form, for one criterion): field key -> text. The revision refuses a stale save."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="answers")
    section = models.CharField(max_length=60)
    values = models.JSONField(default=dict, blank=True)
    revision = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["application", "section"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "section"], name="one_answer_per_section"
            )
        ]

    def __str__(self):
        return f"{self.section} of {self.application}"


class EvidenceLink(models.Model):
    """One evidence item supporting one criterion or one standard in one application, with the
    applicant's note on how it meets it."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="links")
    item = models.ForeignKey(EvidenceItem, on_delete=models.PROTECT, related_name="links")
    criterion = models.ForeignKey(
        "frameworks.Criterion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    standard = models.ForeignKey(
        "frameworks.Standard", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(criterion__isnull=False, standard__isnull=True)
                | Q(criterion__isnull=True, standard__isnull=False),
                name="evidence_link_supports_one_thing",
            ),
            models.UniqueConstraint(
                fields=["application", "item", "criterion"],
                condition=Q(criterion__isnull=False),
                name="evidence_link_once_per_criterion",
            ),
            models.UniqueConstraint(
                fields=["application", "item", "standard"],
                condition=Q(standard__isnull=False),
                name="evidence_link_once_per_standard",
            ),
        ]

    def __str__(self):
        return f"{self.item} supports {self.criterion or self.standard}"


class Attestation(models.Model):
    """What a named role attests about an application, by purpose: agreeing in one click that
    the worker may go ahead (the route's eligibility attestation rules read these), or verifying
    standards (the standards policy's "attested" groups read these). The same two managers may
    do both on one route, and one never stands for the other."""

    class Purpose(models.TextChoices):
        AGREEMENT = "agreement", "Agreed the application may go ahead"
        STANDARDS = "standards", "Verified standards"

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attestations"
    )
    role = models.CharField(max_length=30, choices=Role.choices)
    # No default: every writer says what it records.
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    # The standards' numbers verified (STANDARDS only).
    standards = models.JSONField(default=list, blank=True)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    attested_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "attested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "role", "purpose"], name="one_attestation_per_role_purpose"
            )
        ]

    def __str__(self):
        return f"{self.get_role_display()}: {self.get_purpose_display()} for {self.application}"


class Submission(models.Model):
    """The frozen portfolio: every text, link and note, each item's metadata and exact file
    versions, and the rules as evaluated, as they were when submitted. Never changed."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="submissions"
    )
    number = models.PositiveSmallIntegerField()
    snapshot = models.JSONField()
    # sha256 of the snapshot's canonical JSON: the portfolio PDF is stored under a key made from
    # it, so a retried render overwrites the same file and never adds one.
    digest = models.CharField(max_length=64)
    files = models.ManyToManyField(EvidenceFile, related_name="submissions", blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    pdf_key = models.CharField(max_length=300, blank=True)
    pdf_rendered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["application", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "number"], name="submission_number_unique"
            )
        ]

    def __str__(self):
        return f"Submission {self.number} of {self.application}"

    def save(self, *args, **kwargs):
        # The PDF's key and time are set by a compare-and-set update, never through save().
        if not self._state.adding:
            raise ValueError("A submission is frozen: it cannot be changed.")
        super().save(*args, **kwargs)
