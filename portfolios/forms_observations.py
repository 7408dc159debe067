"""The practice observation form (Dudley's Appendix C, Lincolnshire's standard form). It checks
input only: who may be observed and what signing needs are the services' to decide."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Fluid, Layout, Size
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from careerpath.forms import DateField
from frameworks.rules import count_words
from portfolios.models import RATINGS, PracticeType
from portfolios.services_observations import FIELDS, MAX_WORDS

RATING_CHOICES = [(str(n), f"{n} {label}") for n, label in sorted(RATINGS.items())]


class WorkerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, person):
        return f"{person}{f', {person.job_title}' if person.job_title else ''}"


class StandardChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, standard):
        return f"KSS {standard.number}: {standard.title}"


def _text(label, help_text="", rows=4, required=False):
    return forms.CharField(
        label=label, required=required, help_text=help_text, max_length=20000,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"max_length": f"{label} must be 20,000 characters or fewer"},
    )  # fmt: skip


class ObservationForm(forms.Form):
    worker = WorkerChoiceField(
        queryset=None, label="Name of social worker", empty_label="Choose the worker you observed",
        error_messages={"required": "Choose the worker you observed",
                        "invalid_choice": "Choose a worker in your organisation from the list"},
    )  # fmt: skip
    observed_on = DateField(
        what="the date of the observation", label="Date of the observation", required=False,
        help_text="For example, 27 3 2025",
    )  # fmt: skip
    practice_type = forms.ChoiceField(
        label="Type of practice observed", required=False,
        choices=PracticeType.choices, widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose a type of practice from the list"},
    )  # fmt: skip
    practice_type_other = forms.CharField(
        label="If other, what was observed", required=False, max_length=200,
        error_messages={"max_length": "The type of practice must be 200 characters or fewer"},
    )  # fmt: skip
    rating = forms.TypedChoiceField(
        label="Rate the practice observed", required=False, coerce=int, empty_value=None,
        choices=RATING_CHOICES, widget=forms.RadioSelect,
        help_text="The observed practice should score 3 or above for the purposes of career "
        "progression.",
        error_messages={"invalid_choice": "Choose a rating from 1 to 4"},
    )  # fmt: skip
    assessment = _text(
        "Holistic assessment of the worker's capability demonstrated in the observation",
        f"Up to {MAX_WORDS} words. Link your comments to the Post Qualifying Social Work "
        "Standards and tick the statements below.",
        rows=12,
    )
    standards = StandardChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
        label="Knowledge and Skills Statements the assessment links to",
        error_messages={"invalid_choice": "Choose statements from the list",
                        "invalid_pk_value": "Choose statements from the list"},
    )  # fmt: skip
    short_term_targets = _text(
        "Short-term targets", "Areas of development or learning needs to address in "
        "supervision soon, with the actions and when progress will be reviewed.", rows=3,
    )  # fmt: skip
    medium_term_targets = _text("Medium-term targets", rows=3)
    long_term_targets = _text(
        "Long-term targets", "For example, for the worker's annual review.", rows=3
    )
    feedback = _text("Feedback from the parent, carer, child or young person", rows=5)
    # When the draft was last saved, as the observer saw it: an older copy is refused.
    saved_version = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, workers, standards, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = workers
        self.fields["standards"].queryset = standards
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.select("worker"),
            Field("observed_on"),
            Field.radios("practice_type", legend_size=Size.SMALL, small=True),
            Field.text("practice_type_other", field_width=Fluid.TWO_THIRDS),
            Field.radios("rating", legend_size=Size.SMALL),
            Field.textarea("assessment", rows=12, max_words=MAX_WORDS),
            Field.checkboxes("standards", legend_size=Size.SMALL, small=True),
            Fieldset(
                Field.textarea("short_term_targets", rows=3),
                Field.textarea("medium_term_targets", rows=3),
                Field.textarea("long_term_targets", rows=3),
                legend="Action plan following the observation (if applicable)",
                legend_size=Size.SMALL,
            ),
            Field.textarea("feedback", rows=5),
            Field("saved_version"),
        )

    def clean_observed_on(self):
        day = self.cleaned_data["observed_on"]
        if day and day > timezone.localdate():
            raise ValidationError("The date of the observation must be today or in the past")
        return day

    def clean_assessment(self):
        text = self.cleaned_data["assessment"]
        words = count_words(text)
        if words > MAX_WORDS:
            raise ValidationError(
                f"The holistic assessment must be {MAX_WORDS} words or fewer: it has {words}"
            )
        return text

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("practice_type") != PracticeType.OTHER:
            cleaned["practice_type_other"] = ""
        return cleaned

    def values(self):
        return {name: self.cleaned_data.get(name) for name in FIELDS}


class SignForm(forms.Form):
    confirm = forms.BooleanField(
        label="I observed this practice and this is my assessment of it",
        error_messages={"required": "Confirm that you observed this practice and that this is "
                        "your assessment of it"},
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field.checkbox("confirm"))
