"""The form for recording cover for an absent manager. It checks input only: the colleagues
offered are the council's active managers and coordinators, and services.delegation_create
checks the rules again."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout
from django import forms

from careerpath.forms import DateField, PersonChoiceField

REASONS = [
    ("Annual leave", "Annual leave"),
    ("Sickness", "Sickness"),
    ("other", "Something else"),
]


class CoverForm(forms.Form):
    delegator = PersonChoiceField(
        queryset=None,
        label="Who is away",
        empty_label="Choose the manager who is away",
        error_messages={
            "required": "Choose the manager who is away",
            "invalid_choice": "Choose a manager of your council from the list",
        },
    )
    delegate = PersonChoiceField(
        queryset=None,
        label="Who covers",
        help_text="A manager or progression coordinator of your council. The reviews waiting "
        "for the person away also wait for them.",
        empty_label="Choose a colleague",
        error_messages={
            "required": "Choose the colleague who covers",
            "invalid_choice": "Choose a colleague from the list: a manager or coordinator of "
            "your council other than the person who is away",
        },
    )
    starts_on = DateField(
        what="the first day of cover", label="From", help_text="For example, 1 12 2026"
    )
    ends_on = DateField(
        what="the last day of cover",
        label="To",
        help_text="The last day the colleague covers, for example 14 12 2026",
    )
    reason = forms.ChoiceField(
        label="Why",
        choices=REASONS,
        widget=forms.RadioSelect,
        error_messages={"required": "Say why the cover is needed"},
    )
    reason_other = forms.CharField(
        label="If something else, what",
        required=False,
        max_length=150,
        error_messages={"max_length": "The reason must be 150 characters or fewer"},
    )

    def __init__(self, *args, managers, colleagues, on_behalf, **kwargs):
        """`managers`: whom a coordinator may record cover for (None when the person records
        their own); `colleagues`: who may cover."""
        super().__init__(*args, **kwargs)
        if on_behalf:
            self.fields["delegator"].queryset = managers
        else:
            del self.fields["delegator"]
        self.fields["delegate"].queryset = colleagues
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's form carries the token
        self.helper.layout = Layout(
            *([Field.select("delegator")] if on_behalf else []),
            Field.select("delegate"),
            Field("starts_on"),
            Field("ends_on"),
            Field.radios("reason"),
            Field.text("reason_other", field_width=20),
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("starts_on"), cleaned.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", "The last day of cover must be on or after the first")
        if cleaned.get("reason") == "other":
            other = " ".join((cleaned.get("reason_other") or "").split())
            if not other:
                self.add_error("reason_other", "Say why the cover is needed")
            cleaned["reason_text"] = other
        elif cleaned.get("reason"):
            cleaned["reason_text"] = cleaned["reason"]
        delegator, delegate = cleaned.get("delegator"), cleaned.get("delegate")
        if delegator and delegate and delegator.pk == delegate.pk:
            self.add_error("delegate", "Choose a colleague other than the person who is away")
        return cleaned
