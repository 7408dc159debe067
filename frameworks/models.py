"""What a council expects: frameworks in versions, their roles, levels and criteria, the rules a
machine can check, the national standards, and the progression routes between levels."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from frameworks.rules import RULE_TYPES, validate_rule


class StandardSet(models.Model):
    """A national set of standards: the KSS for child and family practitioners, the PCF."""

    code = models.SlugField(max_length=40, unique=True)
    title = models.CharField(max_length=200)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title


class Standard(models.Model):
    standard_set = models.ForeignKey(
        StandardSet, on_delete=models.CASCADE, related_name="standards"
    )
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    text = models.TextField()

    class Meta:
        ordering = ["standard_set", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["standard_set", "number"], name="standard_number_unique"
            )
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"


class FrameworkStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    RETIRED = "retired", "Retired"


class Framework(models.Model):
    """One version of a council's framework for a profession. Published versions are read-only;
    a new version starts as a copy of a published one."""

    organisation = models.ForeignKey(
        "careerpath.Organisation", on_delete=models.PROTECT, related_name="frameworks"
    )
    slug = models.SlugField(max_length=80, help_text="The same for every version of a framework.")
    version = models.PositiveIntegerField(default=1)
    title = models.CharField(max_length=200)
    profession = models.CharField(max_length=200)
    service_area = models.CharField(max_length=200, blank=True)
    version_label = models.CharField(max_length=200, blank=True)
    version_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=FrameworkStatus.choices, default=FrameworkStatus.DRAFT
    )
    seed = models.CharField(max_length=100, blank=True, help_text="The source document.")
    readings = models.JSONField(
        default=list, blank=True, help_text="How scrambled or ambiguous source text was read."
    )
    development_routes = models.JSONField(default=list, blank=True)
    # The council's paper forms as structured field lists, for the application forms to follow.
    forms = models.JSONField(default=dict, blank=True)
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "profession", "title", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "slug", "version"], name="framework_version_unique"
            )
        ]

    def __str__(self):
        label = f", {self.version_label}" if self.version_label else ""
        return f"{self.title} (version {self.version}{label})"


class Role(models.Model):
    """A job role within a framework's profession, with its pay range or grade."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="roles")
    code = models.CharField(max_length=30)
    title = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)
    description = models.TextField(blank=True)
    entry_requirements = models.TextField(blank=True)
    pay_range = models.CharField(max_length=100, blank=True)
    grade = models.CharField(max_length=100, blank=True)
    pay_point = models.CharField(max_length=100, blank=True)
    source = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["framework", "order"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="role_code_unique")
        ]

    def __str__(self):
        return self.title

    @property
    def pay(self):
        return ", ".join(part for part in (self.pay_range, self.grade, self.pay_point) if part)


class Level(models.Model):
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="levels")
    code = models.CharField(max_length=30)
    name = models.CharField(max_length=100, blank=True)
    order = models.PositiveSmallIntegerField()
    cumulative = models.BooleanField(
        default=False, help_text='The level is "in addition to" the levels before it.'
    )
    summary = models.TextField(blank=True)
    source = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["role", "order"]
        constraints = [models.UniqueConstraint(fields=["role", "code"], name="level_code_unique")]

    def __str__(self):
        return f"{self.code} {self.name}".strip()


class Category(models.TextChoices):
    QUALIFICATIONS = "qualifications", "Qualifications"
    KNOWLEDGE = "knowledge", "Knowledge"
    EXPERIENCE = "experience", "Experience"
    SKILLS = "skills", "Skills"
    TRANSFERABLE_SKILLS = "transferable_skills", "Transferable skills"
    DEVELOPMENT_ACTIVITIES = "development_activities", "Development activities"


class Criterion(models.Model):
    level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="criteria")
    category = models.CharField(max_length=30, choices=Category.choices)
    order = models.PositiveSmallIntegerField(default=0)
    text = models.TextField()
    evidence_guidance = models.TextField(blank=True)
    standards = models.ManyToManyField(Standard, blank=True, related_name="criteria")
    source = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["level", "order"]
        verbose_name_plural = "criteria"

    def __str__(self):
        return self.text[:80]


class RouteKind(models.TextChoices):
    PROGRESSION = "progression", "Progression"
    ENTRY = "entry", "Entry"


class ProgressionRoute(models.Model):
    """A way from one level to another (or into the profession), with its eligibility, evidence,
    standards policy, panel and appeal facts, and pay outcome."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="routes")
    code = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=RouteKind.choices)
    from_level = models.ForeignKey(
        Level, on_delete=models.CASCADE, null=True, blank=True, related_name="routes_out"
    )
    to_level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="routes_in")
    # See fixtures/README.md for the shape of each: they are validated on import.
    standards_policy = models.JSONField(null=True, blank=True)
    required_documents = models.JSONField(default=list, blank=True)
    panel = models.JSONField(null=True, blank=True)
    # Which steps an application on this route goes through (booking, referral, manager's
    # report, endorsement, eligibility check, who decides): portfolios.applications.workflow
    # reads it, so no council's name is in the code.
    workflow = models.JSONField(null=True, blank=True)
    effective_date_rule = models.CharField(max_length=30, blank=True)
    pay_outcome = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    source = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["framework", "order"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="route_code_unique")
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.kind == RouteKind.PROGRESSION and self.from_level_id is None:
            raise ValidationError({"from_level": "A progression route starts from a level."})


class RuleScope(models.TextChoices):
    CRITERION = "criterion", "Criterion"
    ELIGIBILITY = "eligibility", "Eligibility"
    EVIDENCE = "evidence", "Evidence"


class Rule(models.Model):
    """A machine-checkable rule with its parameters, on a criterion or on a route (eligibility
    to start, or evidence for the portfolio as a whole). The evaluator in frameworks.rules reads
    them as plain dicts."""

    criterion = models.ForeignKey(
        Criterion, on_delete=models.CASCADE, null=True, blank=True, related_name="rules"
    )
    route = models.ForeignKey(
        ProgressionRoute, on_delete=models.CASCADE, null=True, blank=True, related_name="rules"
    )
    scope = models.CharField(max_length=20, choices=RuleScope.choices, default=RuleScope.CRITERION)
    type = models.CharField(
        max_length=40, choices=[(name, name.replace("_", " ").capitalize()) for name in RULE_TYPES]
    )
    parameters = models.JSONField(
        default=dict, blank=True, help_text='For example {"count": 5, "kinds": ["case_example"]}'
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(criterion__isnull=False, route__isnull=True, scope="criterion")
                    | Q(
                        criterion__isnull=True,
                        route__isnull=False,
                        scope__in=["eligibility", "evidence"],
                    )
                ),
                name="rule_belongs_to_criterion_or_route",
            )
        ]

    def __str__(self):
        return self.type

    def as_dict(self):
        return {"type": self.type, **self.parameters}

    def clean(self):
        if self.route_id and self.scope == RuleScope.CRITERION:
            raise ValidationError({"scope": "A route's rule is about eligibility or evidence."})
        if self.criterion_id and self.scope != RuleScope.CRITERION:
            raise ValidationError({"scope": "A criterion's rule has the criterion scope."})
        problems = validate_rule(self.as_dict())
        if problems:
            raise ValidationError({"parameters": problems})


class DevelopmentPlan(models.Model):
    """A person's self-assessment against a target level, kept so they can print and revisit it."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="development_plans"
    )
    target_level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="+")
    have = models.ManyToManyField(Criterion, blank=True, related_name="+")
    actions = models.JSONField(
        default=dict, blank=True, help_text="Criterion id -> chosen development route and notes."
    )
    # The person may show the plan, read-only, to the people who support them.
    shared_with_line_manager = models.BooleanField(default=False)
    shared_with_practice_supervisor = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self):
        return f"Development plan for {self.target_level}"

    @property
    def is_shared(self):
        return self.shared_with_line_manager or self.shared_with_practice_supervisor
