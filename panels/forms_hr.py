"""HR's forms: the decisions' filters and the checklist's new item. They check input only;
panels.hr scopes everything to HR's council again."""

import datetime
import re

from crispy_forms_gds.layout import Field, Size
from django import forms

from careerpath.dates import long_date
from careerpath.forms import form_helper
from careerpath.models import Team
from frameworks.models import ProgressionRoute
from panels.hr import HrFilters
from panels.models import Outcome, PanelSession

MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


class HrDecisionFilterForm(forms.Form):
    route = forms.ChoiceField(
        label="Route", required=False,
        error_messages={"invalid_choice": "Choose a route from the list"},
    )  # fmt: skip
    outcome = forms.ChoiceField(
        label="Outcome", required=False, choices=[("", "All outcomes"), *Outcome.choices],
        error_messages={"invalid_choice": "Choose an outcome from the list"},
    )  # fmt: skip
    team = forms.TypedChoiceField(
        label="Team", required=False, coerce=int, empty_value=None,
        error_messages={"invalid_choice": "Choose a team from the list"},
    )  # fmt: skip
    session = forms.TypedChoiceField(
        label="Panel session", required=False, coerce=int, empty_value=None,
        error_messages={"invalid_choice": "Choose a panel session from the list"},
    )  # fmt: skip
    month = forms.CharField(
        label="Effective month", required=False, max_length=7,
        help_text="Year and month, for example 2027-04",
    )  # fmt: skip

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        routes = (
            ProgressionRoute.objects.filter(framework__organisation=organisation)
            .order_by("title", "code")
            .values_list("code", "title")
            .distinct()
        )
        self.fields["route"].choices = [("", "All routes"), *dict(routes).items()]
        teams = Team.objects.filter(organisation=organisation).values_list("pk", "name")
        self.fields["team"].choices = [("", "All teams"), *teams]
        sessions = (
            PanelSession.objects.filter(organisation=organisation, decisions__isnull=False)
            .distinct()
            .select_related("route")
            .order_by("-starts_at")
        )
        self.fields["session"].choices = [
            ("", "All panel sessions"),
            *((s.pk, f"{s.route.title}, {long_date(s.starts_at)}") for s in sessions),
        ]
        self.helper = form_helper(
            *(Field.select(name, label_size=Size.SMALL) for name in ("route", "outcome", "team")),
            Field.select("session", label_size=Size.SMALL),
            Field.text("month", label_size=Size.SMALL, field_width=10),
        )

    def clean_month(self):
        value = self.cleaned_data["month"]
        if not value:
            return None
        month = month_of(value)
        if month is None:
            raise forms.ValidationError(
                "Enter the effective month as a year and month, like 2027-04"
            )
        return month

    def filters(self):
        """The filters to apply: the parts that are valid (errors are shown beside the rest)."""
        if not self.is_bound:
            return HrFilters()
        self.is_valid()
        data = self.cleaned_data
        return HrFilters(
            route_code=data.get("route") or "",
            outcome=data.get("outcome") or "",
            team_id=data.get("team"),
            session_id=data.get("session"),
            month=data.get("month"),
        )


def month_of(value):
    """A "YYYY-MM" value's first day, or None."""
    match = MONTH.match(value or "")
    if not match:
        return None
    try:
        return datetime.date(int(match[1]), int(match[2]), 1)
    except ValueError:
        return None


class ChecklistItemForm(forms.Form):
    label = forms.CharField(
        label="Add a form or step", max_length=200,
        help_text="For example, the name of the form HR completes after a progression",
        error_messages={"required": "Enter the name of the form or step",
                        "max_length": "The name must be 200 characters or fewer"},
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Field.text("label", label_size=Size.SMALL))
