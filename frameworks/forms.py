from crispy_forms_gds.helper import FormHelper
from django import forms

# The ways to develop that the seeds name (Medway's frameworks, "How the Framework is organised").
DEVELOPMENT_ROUTES = [
    ("on_the_job", "On the job learning", "Learning by doing."),
    ("learning_from_others", "Learning from others",
     "Through observing and interacting with other people or groups."),
    ("formal_learning", "Formal learning", "Classroom based."),
    ("stepping_up", "Stepping up",
     "Covering an employee's annual or sick leave to gain relevant experience and development "
     "(unpaid)."),
    ("acting_up", "Acting up",
     "Covering the duties of a higher-graded post on a longer-term basis (paid)."),
    ("secondment", "Secondment",
     "A temporary transfer to another section or department, usually within the council but "
     "possibly an external organisation."),
]  # fmt: skip
DEVELOPMENT_ROUTE_NAMES = {code: name for code, name, _ in DEVELOPMENT_ROUTES}


def _helper():
    """Forms here are laid out by their templates; the helper turns on the error summary."""
    helper = FormHelper()
    helper.form_tag = False
    return helper


class LevelChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, level):
        name = f" ({level.name})" if level.name else ""
        return f"{level.role.title}: {level.code}{name}"


class TargetLevelForm(forms.Form):
    target_level = LevelChoiceField(
        queryset=None,
        label="Which role and level are you thinking about?",
        empty_label="Choose a role and level",
        error_messages={"required": "Choose the role and level you are thinking about",
                        "invalid_choice": "Choose a role and level from the list"},
    )  # fmt: skip

    def __init__(self, *args, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_level"].queryset = levels
        self.helper = _helper()


class CompareForm(forms.Form):
    """Two levels of one framework to compare."""

    from_level = LevelChoiceField(
        queryset=None, label="From", empty_label="Choose a level",
        error_messages={"required": "Choose the level to compare from",
                        "invalid_choice": "Choose a level of this framework to compare from"},
    )  # fmt: skip
    to_level = LevelChoiceField(
        queryset=None, label="To", empty_label="Choose a level",
        error_messages={"required": "Choose the level to compare to",
                        "invalid_choice": "Choose a level of this framework to compare to"},
    )  # fmt: skip

    def __init__(self, *args, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_level"].queryset = levels
        self.fields["to_level"].queryset = levels
        self.helper = _helper()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("from_level") and cleaned.get("from_level") == cleaned.get("to_level"):
            self.add_error("to_level", "Choose a different level to compare to")
        return cleaned


class SelfAssessmentForm(forms.Form):
    """For each criterion of the target level: do you have it, and if not, how will you get it."""

    # When the plan was last saved, as the person saw it: a save from an older copy is refused
    # rather than silently overwriting what was saved since (in another tab, say).
    saved_version = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, criteria, plan=None, standing=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()
        self.plan = plan
        self.criteria = list(criteria)
        # criterion pk -> where the person stands today (frameworks.facts.criteria_standing).
        self.standing = standing or {}
        if plan is not None:
            self.fields["saved_version"].initial = plan.updated_at.isoformat()
        have = set(plan.have.values_list("pk", flat=True)) if plan else set()
        actions = plan.actions if plan else {}
        route_choices = [("", "Not decided yet")] + [
            (code, name) for code, name, _ in DEVELOPMENT_ROUTES
        ]
        for criterion in self.criteria:
            action = actions.get(str(criterion.pk), {})
            # A new assessment starts with what the service knows is met ticked; a saved plan
            # says what the person decided, and the service never overrides that.
            known = criterion.pk in self.standing and self.standing[criterion.pk].met
            self.fields[f"have_{criterion.pk}"] = forms.BooleanField(
                required=False, label="I already have this",
                initial=criterion.pk in have if plan else known,
            )  # fmt: skip
            self.fields[f"route_{criterion.pk}"] = forms.ChoiceField(
                required=False, choices=route_choices, label="How I will develop this",
                initial=action.get("route", ""),
            )  # fmt: skip
            self.fields[f"note_{criterion.pk}"] = forms.CharField(
                required=False, max_length=1000, label="Notes (optional)",
                initial=action.get("note", ""),
                widget=forms.Textarea(attrs={"rows": 2, "class": "govuk-textarea"}),
                error_messages={"max_length": "Notes must be 1000 characters or fewer"},
            )  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        if (
            self.plan is not None
            and cleaned.get("saved_version") != self.plan.updated_at.isoformat()
        ):
            raise forms.ValidationError(
                "This plan was saved somewhere else after you opened it. Your answers are still "
                "below: check them against the saved plan, then save again.",
                code="stale",
            )
        return cleaned

    def rows(self):
        for criterion in self.criteria:
            yield (
                criterion,
                self[f"have_{criterion.pk}"],
                self[f"route_{criterion.pk}"],
                self[f"note_{criterion.pk}"],
                self.standing.get(criterion.pk),
            )

    def groups(self):
        """(category label, rows) with each category once, in the order the seed first names
        it (criteria come in the level's order; a cumulative level's earlier levels first)."""
        grouped = {}
        for row in self.rows():
            criterion = row[0]
            grouped.setdefault(criterion.category, (criterion.get_category_display(), []))
            grouped[criterion.category][1].append(row)
        return list(grouped.values())

    def have(self):
        return [c for c in self.criteria if self.cleaned_data.get(f"have_{c.pk}")]

    def actions(self):
        actions = {}
        for criterion in self.criteria:
            route = self.cleaned_data.get(f"route_{criterion.pk}") or ""
            note = (self.cleaned_data.get(f"note_{criterion.pk}") or "").strip()
            if route or note:
                actions[str(criterion.pk)] = {"route": route, "note": note}
        return actions


class PlanSharingForm(forms.Form):
    """Who may read the plan: the worker's own line manager and practice supervisor, as the
    employment record names them (the service looks them up; the form names nobody)."""

    line_manager = forms.BooleanField(required=False)
    practice_supervisor = forms.BooleanField(required=False)

    def __init__(self, *args, plan, managers, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()
        for name, what, shared in (
            ("line_manager", "line manager", plan.shared_with_line_manager),
            ("practice_supervisor", "practice supervisor", plan.shared_with_practice_supervisor),
        ):
            manager = managers.get(name)
            if manager is None:
                del self.fields[name]
                continue
            self.fields[name].label = f"Your {what}, {manager}"
            self.fields[name].initial = shared
