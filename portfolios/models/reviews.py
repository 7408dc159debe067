"""What happens to an application after it is submitted, besides its state: the referral that
opened it (Dudley), the comment thread, the declarations managers make in their report (which
feed the rule evaluator), and the reminders sent about a review that waits too long."""

from django.conf import settings
from django.db import models

from careerpath.models import Role
from portfolios.models.applications import Application


class Referral(models.Model):
    """The team manager's decision, after supervision confirmed the criteria, to refer the worker
    to the progression coordinator: it opens the application for the worker."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="referral"
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Set when a delegate referred for the absent team manager.
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    supervision_on = models.DateField()
    decision = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Referral of {self.application}"


COMMENT_ROLES = [("worker", "Applicant"), *Role.choices]


class Comment(models.Model):
    """One comment in an application's single thread. Reviewers may mark a comment for
    reviewers only: the worker never sees it."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The role the author wrote in ("worker" for the applicant).
    role = models.CharField(max_length=30, choices=COMMENT_ROLES)
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    body = models.TextField()
    reviewers_only = models.BooleanField(default=False)
    # The transition it was written with ("return", say), or "" for a comment on its own.
    step = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "created_at", "id"]

    def __str__(self):
        return f"Comment by {self.author} on {self.application}"


class Declaration(models.Model):
    """What a manager declared in their report about the applicant, where a rule needs it
    ("not subject to capability, disciplinary or sickness procedures"). Read into the rule
    evaluator's Facts.declarations, so the readiness report turns "needs a person" into met or
    not met."""

    class Kind(models.TextChoices):
        NO_FORMAL_PROCEDURES = "no_formal_procedures", "Formal procedures"

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="declarations"
    )
    kind = models.CharField(max_length=40, choices=Kind.choices)
    # True when the manager declared the applicant IS subject to the procedures.
    subject = models.BooleanField()
    details = models.TextField(blank=True)
    role = models.CharField(max_length=30, choices=Role.choices)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    declared_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "kind"], name="one_declaration_per_kind")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} declared for {self.application}"


class ReviewReminder(models.Model):
    """A reminder (to the holder) or an escalation (to the progression coordinator) about a
    review step that has waited past the route's service level. One per step, kind and period:
    the unique constraint is what makes a repeated beat run send nothing twice."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", "Reminder"
        ESCALATION = "escalation", "Escalation"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reminders")
    state = models.CharField(max_length=30)
    # When the application entered the state: a later return and resubmission starts afresh.
    waiting_since = models.DateTimeField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # 1 for the first service-level period overdue, 2 for the second...
    period = models.PositiveIntegerField()
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "waiting_since", "kind", "period"],
                name="one_reminder_per_period",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.period} for {self.application}"
