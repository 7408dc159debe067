"""People and organisations, and the cross-cutting records every app writes: audit events and
notifications."""

from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q


class Organisation(models.Model):
    """A council. Everything a person sees is scoped to their own organisation."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    # Single sign-on with the council's Microsoft Entra ID (OpenID Connect); password sign-in
    # when no issuer is set. People are matched to the staff imported from the HR system.
    sso_issuer = models.URLField("Single sign-on issuer", max_length=300, blank=True)
    sso_client_id = models.CharField("Single sign-on client ID", max_length=200, blank=True)
    sso_client_secret = models.CharField("Single sign-on client secret", max_length=300, blank=True)
    # Retention, in whole years: evidence and applications are kept this long after the last
    # decision on them, or after the person leaves, then purged (a legal hold stops it).
    retention_years_after_decision = models.PositiveSmallIntegerField(default=6)
    retention_years_after_leaving = models.PositiveSmallIntegerField(default=6)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Team(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=200)
    service_area = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="team_name_unique_in_org")
        ]

    def __str__(self):
        return self.name


class ContractType(models.TextChoices):
    PERMANENT = "permanent", "Permanent"
    TEMPORARY = "temporary", "Temporary"


class User(AbstractUser):
    """A member of staff, with the employment facts that progression rules are checked against."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="people"
    )
    employee_number = models.CharField(max_length=30, blank=True)
    job_title = models.CharField(max_length=200, blank=True)
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="members"
    )
    line_manager = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="line_reports"
    )
    practice_supervisor = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="supervisees"
    )
    team_manager = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="team_reports"
    )
    contract_type = models.CharField(
        max_length=20, choices=ContractType.choices, default=ContractType.PERMANENT
    )
    swe_registration_number = models.CharField(
        "Social Work England registration number", max_length=20, blank=True
    )
    swe_registration_date = models.DateField(
        "Social Work England registration date", null=True, blank=True
    )
    qualification_date = models.DateField(null=True, blank=True)
    asye_completed = models.BooleanField("ASYE completed", default=False)
    # From the HR system's staff extract (careerpath staff import).
    contract_start_date = models.DateField("Start date in post", null=True, blank=True)
    # A leaver is deactivated, never deleted: their decisions and letters stay.
    left_on = models.DateField(null=True, blank=True)
    # A legal hold stops the retention purge for this person.
    legal_hold = models.BooleanField(default=False)
    legal_hold_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["last_name", "first_name", "username"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "employee_number"],
                condition=~Q(employee_number=""),
                name="employee_number_unique_in_org",
            )
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    def clean(self):
        super().clean()
        if self.team_id and self.team.organisation_id != self.organisation_id:
            raise ValidationError({"team": "The team must belong to the person's organisation."})
        for field in ("line_manager", "practice_supervisor", "team_manager"):
            manager = getattr(self, field)
            if manager is None:
                continue
            if manager.pk == self.pk:
                raise ValidationError({field: "A person cannot manage themselves."})
            if manager.organisation_id != self.organisation_id:
                raise ValidationError({field: "The manager must work for the same organisation."})


class Role(models.TextChoices):
    WORKER = "worker", "Worker"
    PRACTICE_SUPERVISOR = "practice_supervisor", "Practice supervisor"
    LINE_MANAGER = "line_manager", "Line manager"
    TEAM_MANAGER = "team_manager", "Team manager"
    PROGRESSION_COORDINATOR = "progression_coordinator", "Progression coordinator"
    PANEL_MEMBER = "panel_member", "Panel member"
    APPEAL_AUTHORITY = "appeal_authority", "Appeal authority"
    HR = "hr", "HR"
    FRAMEWORK_EDITOR = "framework_editor", "Framework editor"
    ORGANISATION_ADMIN = "organisation_admin", "Organisation admin"


class RoleMembership(models.Model):
    """One role one person holds in one organisation. A person may hold several."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="role_memberships"
    )
    role = models.CharField(max_length=30, choices=Role.choices)
    granted_at = models.DateTimeField(auto_now_add=True)
    granted_by = models.ForeignKey(
        "User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["organisation__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="role_membership_unique"
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} ({self.organisation})"


class LevelSource(models.TextChoices):
    APPOINTMENT = "appointment", "Appointment"
    PERSONNEL_RECORD = "personnel_record", "Personnel record"
    PANEL_DECISION = "panel_decision", "Panel decision"
    APPEAL_DECISION = "appeal_decision", "Appeal decision"


class LevelHistory(models.Model):
    """Which framework level a person held, from when to when, and what recorded it.

    The level is held as its code and name (e.g. "SW2A", "Social Worker level A") so the history
    survives framework versions; the open period (no end date) is the current level."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="level_history")
    level_code = models.CharField(max_length=30)
    level_name = models.CharField(max_length=200)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=30, choices=LevelSource.choices)
    reference = models.CharField(
        max_length=200, blank=True, help_text="For example the panel date or personnel record."
    )

    class Meta:
        ordering = ["user", "-started_on"]
        verbose_name_plural = "level history"
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="level_history_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(ended_on__isnull=True),
                name="level_history_one_current_level",
            ),
        ]

    def __str__(self):
        return f"{self.level_code} from {self.started_on:%d %B %Y}"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValueError("Audit events are append-only: they cannot be changed.")

    def delete(self):
        raise ValueError("Audit events are append-only: they cannot be deleted.")


class AuditEvent(models.Model):
    """An append-only record of who did what to which object, and when."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_events"
    )
    action = models.CharField(max_length=100)
    target_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    target_id = models.CharField(max_length=64, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    target_repr = models.CharField(max_length=300, blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self):
        return f"{self.action} by {self.actor or 'the system'} at {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("Audit events are append-only: they cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit events are append-only: they cannot be deleted.")


class Notification(models.Model):
    """A message to one person, shown in the service and sent by e-mail."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    subject = models.CharField(max_length=200)
    body = models.TextField()
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Set when the e-mail is claimed for sending, so a retried task never sends twice.
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return self.subject


class Delegation(models.Model):
    """Cover for an absent manager: from `starts_on` to `ends_on` (inclusive) the delegate takes
    the review steps that wait for the delegator (annual leave, sickness). Each action taken
    under it is recorded "by the delegate for the delegator"."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="delegations"
    )
    delegator = models.ForeignKey(User, on_delete=models.CASCADE, related_name="delegations_given")
    delegate = models.ForeignKey(User, on_delete=models.CASCADE, related_name="delegations_held")
    starts_on = models.DateField()
    ends_on = models.DateField()
    reason = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Ended early by the delegator (back from leave): the cover stops from that moment.
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="delegation_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=~models.Q(delegator=models.F("delegate")),
                name="delegation_to_someone_else",
            ),
        ]

    def __str__(self):
        return f"{self.delegate} covers for {self.delegator} ({self.starts_on} to {self.ends_on})"


class StaffImport(models.Model):
    """One upload of the HR system's staff extract: previewed first, then applied in one
    transaction (or not at all). The file is kept with it until it is applied."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", "Previewed"
        APPLIED = "applied", "Applied"
        DISCARDED = "discarded", "Discarded"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="staff_imports"
    )
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(max_length=255)
    file_key = models.CharField(max_length=300, blank=True)
    digest = models.CharField(max_length=64)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PREVIEWED)
    rows = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)  # counts of new, changed, leavers
    problems = models.JSONField(default=list, blank=True)  # [{row, column, message}]
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"


class DataExport(models.Model):
    """A person's subject access request: everything careerpath holds about them, as one zip
    made by a task and offered for a limited time."""

    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="data_exports")
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    file_key = models.CharField(max_length=300, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self):
        return f"Data export for {self.person} ({self.requested_at:%d %B %Y})"
