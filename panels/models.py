"""What the organisation decides: the panel sessions a progression coordinator arranges, the
places booked on them (which count against a session's capacity, panels.selectors.places_taken),
who sits on each, and the decisions, judgements, targets and appeals recorded there."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import DateField, F, Q
from django.db.models.functions import Cast
from django.utils import timezone

from careerpath.models import Organisation, User
from frameworks.models import ProgressionRoute


class SessionStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class PanelSession(models.Model):
    """One sitting of a route's career progression panel.

    A session names the route version it was arranged for, and also that route's framework slug
    and code: when the framework is published in a new version, the new version's route (same
    slug, same code) still finds its sessions (panels.selectors.sessions_for_route)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="panel_sessions"
    )
    route = models.ForeignKey(
        ProgressionRoute, on_delete=models.PROTECT, related_name="panel_sessions"
    )
    framework_slug = models.SlugField(max_length=80)
    route_code = models.CharField(max_length=40)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    meeting_url = models.URLField("Online meeting link", max_length=500, blank=True)
    location = models.CharField("Room", max_length=300, blank=True)
    capacity = models.PositiveSmallIntegerField()
    # The last day a portfolio may arrive. Proposed from the route's lead time; editable.
    submission_deadline = models.DateField()
    status = models.CharField(
        max_length=20, choices=SessionStatus.choices, default=SessionStatus.PLANNED
    )
    notes = models.TextField(blank=True)
    # Set when the coordinator releases the panel pack: members read it only from then.
    pack_released_at = models.DateTimeField(null=True, blank=True)
    pack_released_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Moves on every edit: an edit made from an older copy of the form is refused.
    updated_at = models.DateTimeField(auto_now=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["organisation", "framework_slug", "route_code", "starts_at"])
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gte=1), name="panel_session_capacity_positive"
            ),
            models.CheckConstraint(
                condition=~Q(meeting_url="") | ~Q(location=""),
                name="panel_session_has_meeting_link_or_room",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="panel_session_ends_after_start"
            ),
            # The database compares with the session's date in UTC; the form and the services
            # check the local date, which is never later.
            models.CheckConstraint(
                condition=Q(submission_deadline__lt=Cast("starts_at", DateField())),
                name="panel_session_deadline_before_session",
            ),
            models.CheckConstraint(
                condition=Q(status__in=SessionStatus.values), name="panel_session_status_valid"
            ),
        ]

    def __str__(self):
        return f"{self.route.title} panel, {self.starts_at:%d %B %Y}"

    def clean(self):
        errors = {}
        if (
            self.route_id
            and self.organisation_id
            and self.route.framework.organisation_id != self.organisation_id
        ):
            errors["route"] = "The route must belong to the session's organisation."
        if not self.meeting_url and not self.location:
            errors["location"] = "Give an online meeting link or a room, or both."
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = "The session must end after it starts."
        if (
            self.starts_at
            and self.submission_deadline
            and self.submission_deadline >= timezone.localdate(self.starts_at)
        ):
            errors["submission_deadline"] = "The submission deadline must be before the session."
        if self.capacity is not None and self.capacity < 1:
            errors["capacity"] = "A session has room for at least one person."
        if errors:
            raise ValidationError(errors)

    @property
    def is_cancelled(self):
        return self.status == SessionStatus.CANCELLED


class Booking(models.Model):
    """A worker's place on a panel session, on routes where the worker books once their
    practice supervisor and team manager agree. A cancelled booking stays as a record; an
    application holds at most one live booking (the constraint below)."""

    application = models.ForeignKey(
        "portfolios.Application", on_delete=models.PROTECT, related_name="panel_bookings"
    )
    session = models.ForeignKey(PanelSession, on_delete=models.PROTECT, related_name="bookings")
    booked_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    booked_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The applicant's time on the agenda: the n-th slot of the session (panels.agenda). Kept
    # with the booking, so a place given up elsewhere never moves the time a person was told.
    slot = models.PositiveSmallIntegerField(null=True, blank=True)
    # A booking the coordinator moved to a later session (a late or incomplete portfolio): the
    # new booking names the one it replaced and why, and the worker is told.
    moved_from = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="moved_to"
    )
    move_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["session", "booked_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(cancelled_at__isnull=True),
                name="one_live_booking_per_application",
            )
        ]

    def __str__(self):
        return f"{self.application.applicant} on {self.session}"

    @property
    def is_live(self):
        return self.cancelled_at is None


# --- Who sits on a session, and what they may not judge ---------------------------------------


class MemberRole(models.TextChoices):
    CHAIR = "chair", "Chair"
    MEMBER = "member", "Member"
    CO_OPTED = "co_opted", "Co-opted member"
    CICC = "cicc", "Children in Care Council representative"
    OBSERVER = "observer", "Observer"


class SessionMember(models.Model):
    """A person sitting on a session, in a role (Lincolnshire: two Heads of Service and
    optionally co-opted HR; Dudley: chaired by the Principal Social Worker). Observers read the
    pack but never judge."""

    session = models.ForeignKey(PanelSession, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(User, on_delete=models.PROTECT, related_name="panel_seats")
    role = models.CharField(max_length=20, choices=MemberRole.choices)
    added_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["session", "role", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="one_seat_per_person"),
            models.UniqueConstraint(
                fields=["session"], condition=Q(role="chair"), name="one_chair_per_session"
            ),
        ]

    def __str__(self):
        return f"{self.person} ({self.get_role_display()}) on {self.session}"


class ConflictDeclaration(models.Model):
    """A member's own declaration that they cannot judge one application (the conflicts that
    follow from line management or the report are computed, not declared)."""

    member = models.ForeignKey(SessionMember, on_delete=models.CASCADE, related_name="conflicts")
    application = models.ForeignKey(
        "portfolios.Application", on_delete=models.CASCADE, related_name="+"
    )
    reason = models.TextField()
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member", "application"], name="one_conflict_per_member_application"
            )
        ]

    def __str__(self):
        return f"{self.member.person} declared a conflict for {self.application}"


# --- Decisions ---------------------------------------------------------------------------------


class Outcome(models.TextChoices):
    PROGRESSED = "progressed", "Progressed"
    DEFERRED = "deferred", "Deferred"
    NOT_PROGRESSED = "not_progressed", "Not progressed"


class Decision(models.Model):
    """The decision on one hearing of an application, recorded once, as it is made: by the
    session's chair (panel routes) or by the person the route names (Medway: the line manager).
    Everything after it (the pay date, the level history, the appeal's last day) is computed from
    it. A hearing after an upheld appeal is a second decision."""

    application = models.ForeignKey(
        "portfolios.Application", on_delete=models.PROTECT, related_name="decisions"
    )
    hearing = models.PositiveSmallIntegerField(default=1)
    session = models.ForeignKey(
        PanelSession, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions"
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    on_behalf_of = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)
    # The day the evidence was heard: the session's date, or the day a line manager decided.
    heard_on = models.DateField()
    sat = models.ManyToManyField(User, related_name="+", blank=True)
    reasons = models.TextField(blank=True)
    # Progressed: the new level and pay, effective from the route's rule (the seeds: the panel
    # date), and entered in the worker's level history from that day.
    effective_date = models.DateField(null=True, blank=True)
    new_level_code = models.CharField(max_length=30, blank=True)
    new_level_name = models.CharField(max_length=200, blank=True)
    grade = models.CharField(max_length=60, blank=True)
    pay_point = models.CharField(max_length=60, blank=True)
    # Deferred: what to do before trying again, and when.
    further_work = models.TextField(blank=True)
    suggested_session = models.ForeignKey(
        PanelSession, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The last day an appeal may be lodged, where the route allows one.
    appeal_due_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["application", "hearing"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "hearing"], name="one_decision_per_hearing"
            )
        ]

    def __str__(self):
        return f"{self.get_outcome_display()}: {self.application}"


class Judgement(models.Model):
    """Met or not yet met, for one allocated standard (by number) or one criterion."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="judgements")
    standard_number = models.PositiveSmallIntegerField(null=True, blank=True)
    criterion = models.ForeignKey(
        "frameworks.Criterion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    met = models.BooleanField()
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["decision", "standard_number", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(standard_number__isnull=False, criterion__isnull=True)
                | Q(standard_number__isnull=True, criterion__isnull=False),
                name="judgement_of_one_thing",
            )
        ]

    def __str__(self):
        what = f"KSS {self.standard_number}" if self.standard_number else str(self.criterion)
        return f"{what}: {'met' if self.met else 'not yet met'}"


class TargetTerm(models.TextChoices):
    SHORT = "short_term", "Short term"
    MEDIUM = "medium_term", "Medium term"
    LONG = "long_term", "Long term"


class Target(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="targets")
    term = models.CharField(max_length=20, choices=TargetTerm.choices)
    text = models.TextField()
    due_on = models.DateField()

    class Meta:
        ordering = ["decision", "due_on", "pk"]

    def __str__(self):
        return f"{self.get_term_display()} target by {self.due_on}"


class Appeal(models.Model):
    """The worker's appeal against a decision, lodged in writing within the route's window,
    saying where the panel did not follow procedure; the appeal authority's decision is final.
    Upheld: the application returns for a new hearing at a later session."""

    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="appeal")
    lodged_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    lodged_at = models.DateTimeField(auto_now_add=True)
    grounds = models.TextField()
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    upheld = models.BooleanField(null=True, blank=True)
    reasons = models.TextField(blank=True)

    def __str__(self):
        return f"Appeal against {self.decision}"


# --- Outcome letters and HR ---------------------------------------------------------------------


class LetterKind(models.TextChoices):
    PROGRESSED = "progressed", "Progressed"
    DEFERRED = "deferred", "Deferred"
    NOT_PROGRESSED = "not_progressed", "Not progressed"
    APPEAL_UPHELD = "appeal_upheld", "Appeal upheld"
    APPEAL_DISMISSED = "appeal_dismissed", "Appeal dismissed"


class LetterTemplate(models.Model):
    """An organisation's outcome letter for one kind of decision, written by HR as HTML with
    placeholders only (panels.letters checks them when the template is saved). A template for
    one route (by code: the apprenticeship's, say) takes precedence over the organisation's
    template for every route."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="letter_templates"
    )
    kind = models.CharField(max_length=20, choices=LetterKind.choices)
    route_code = models.CharField(
        max_length=40, blank=True, help_text="Leave blank for every route of the organisation."
    )
    subject = models.CharField(max_length=200)
    body = models.TextField(help_text="HTML with placeholders such as {{ name }}.")
    signatory_name = models.CharField(max_length=200)
    signatory_title = models.CharField(max_length=200)
    updated_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation", "kind", "route_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "route_code"], name="one_letter_template_per_kind"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=LetterKind.values), name="letter_template_kind_valid"
            ),
        ]

    def __str__(self):
        route = f" ({self.route_code})" if self.route_code else ""
        return f"{self.organisation}: {self.get_kind_display()} letter{route}"


class Letter(models.Model):
    """One version of the outcome letter for a decision (or for the decision on its appeal).
    Version 1 is made once, by the task that follows the decision; a corrected letter is a new
    version, re-issued by HR with a reason; earlier versions are kept."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="letters")
    kind = models.CharField(max_length=20, choices=LetterKind.choices)
    version = models.PositiveSmallIntegerField(default=1)
    # The route's service level: the decision's time plus its hours or working days.
    due_by = models.DateTimeField()
    subject = models.CharField(max_length=200, blank=True)
    html = models.TextField(blank=True)  # the letter as rendered, kept with its PDF
    pdf_key = models.CharField(max_length=300, blank=True)
    pdf_bytes = models.PositiveIntegerField(null=True, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    # Set once, by whichever worker sends it first (a conditional update): one e-mail.
    sent_at = models.DateTimeField(null=True, blank=True)
    reissued_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reissue_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decision", "kind", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "kind", "version"], name="one_letter_per_version"
            ),
            models.CheckConstraint(
                condition=Q(version=1) | ~Q(reissue_reason=""),
                name="reissued_letter_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["sent_at", "due_by"])]

    def __str__(self):
        return f"{self.get_kind_display()} letter v{self.version} for {self.decision.application}"

    @property
    def is_late(self):
        sent_or_now = self.sent_at or timezone.now()
        return sent_or_now > self.due_by


class ChecklistItem(models.Model):
    """A step HR takes after a progression (the seeds: the "Amend existing position" and
    "Contractual change" forms), and any the organisation adds."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="hr_checklist_items"
    )
    label = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["organisation", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "label"], name="one_checklist_item_per_label"
            )
        ]

    def __str__(self):
        return self.label


class ChecklistTick(models.Model):
    """One checklist item done for one progressed decision: who and when."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="hr_ticks")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="ticks")
    ticked_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    ticked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decision", "item__order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "item"], name="one_tick_per_item")
        ]

    def __str__(self):
        return f"{self.item} for {self.decision}"
