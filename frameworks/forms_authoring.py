"""Forms for the draft's own pages: each asks in words, never for an id, JSON or an order
number."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from frameworks.models import Category


def _helper(*fields):
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True  # the template's form carries the token
    if fields:
        helper.layout = Layout(*fields)
    return helper


def _text(label, *, required=True, max_length=200, help_text="", missing=""):
    return forms.CharField(
        label=label, required=required, max_length=max_length, help_text=help_text,
        error_messages={
            "required": missing or f"Enter the {label.lower()}",
            "max_length": f"{label} must be {max_length} characters or fewer",
        },
    )  # fmt: skip


def _area(label, *, required=False, max_length=5000, help_text="", missing=""):
    field = _text(label, required=required, max_length=max_length, help_text=help_text,
                  missing=missing)  # fmt: skip
    field.widget = forms.Textarea(attrs={"rows": 4})
    return field


class FrameworkDetailsForm(forms.Form):
    title = _text("Title", help_text="For example, Social Worker Career Progression Framework")
    profession = _text("Profession", help_text="For example, Social work")
    service_area = _text("Service area (optional)", required=False)
    version_label = _text(
        "Version label (optional)", required=False, max_length=200,
        help_text="How the council names this version, for example April 2026",
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class RoleForm(forms.Form):
    title = _text("Role title", missing="Enter the role's title")
    pay_range = _text("Pay range (optional)", required=False, max_length=100,
                      help_text="For example, £35,000 to £41,000")  # fmt: skip
    grade = _text("Grade (optional)", required=False, max_length=100)
    pay_point = _text("Pay point (optional)", required=False, max_length=100)
    description = _area("Description (optional)")
    entry_requirements = _area("Entry requirements (optional)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class LevelForm(forms.Form):
    code = _text("Level code", max_length=30, help_text="For example, SW2",
                 missing="Enter the level's code")  # fmt: skip
    name = _text("Name (optional)", required=False, max_length=100,
                 help_text="For example, Experienced")  # fmt: skip
    summary = _area("Summary (optional)")
    cumulative = forms.BooleanField(
        required=False, label="This level is in addition to the levels before it",
        help_text="Workers at this level also meet every criterion of the levels before it.",
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()

    def clean_code(self):
        return self.cleaned_data["code"].strip()


class CriterionForm(forms.Form):
    category = forms.ChoiceField(
        label="Category", choices=Category.choices, widget=forms.RadioSelect,
        error_messages={"required": "Choose the criterion's category",
                        "invalid_choice": "Choose a category from the list"},
    )  # fmt: skip
    text = _area("What the criterion asks for", required=True, max_length=2000,
                 missing="Enter what the criterion asks for")  # fmt: skip
    evidence_guidance = _area("Evidence guidance (optional)", max_length=2000,
                              help_text="What a worker could show to meet it")  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("category", legend_size=Size.SMALL),
            Field.textarea("text"),
            Field.textarea("evidence_guidance"),
        )


class PublishForm(forms.Form):
    confirm = forms.BooleanField(
        label="I have previewed this version and want to publish it",
        error_messages={"required": "Confirm that you want to publish this version"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()
