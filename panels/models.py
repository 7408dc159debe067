"""What the organisation decides: the panel sessions a progression coordinator arranges, and the
places booked on them, which count against a session's capacity (panels.selectors.places_taken)."""

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
