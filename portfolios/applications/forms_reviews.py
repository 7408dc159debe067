"""The reviewers' forms: their part of the council's form (the manager's report, the team
manager's endorsement), returning the application to the worker, and a comment. They check input
only; whether the person may take the step, and the state, are the services' to check."""

import datetime
from types import SimpleNamespace

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fluid, Layout, Size
from django import forms

from portfolios.applications.forms import _field, initial_for
from portfolios.applications.forms_engine import field_problems

MAX_COMMENT = 5000


class StepValuesForm(forms.Form):
    """The fields of reviews.StepForm, built as the worker's section form builds its fields,
    plus the verification of standards where the route asks the role for it. Everything is
    optional for a draft: the step's guard says what is still missing when it is taken."""

    def __init__(self, *args, step_form, saved=None, verified=False, **kwargs):
        self.step_form = step_form
        saved = saved or {}
        initial = {}
        for section, fields in step_form.sections:
            initial.update(
                initial_for(SimpleNamespace(fields=fields), saved.get(section.key) or {})
            )
        initial["verify"] = verified
        super().__init__(*args, initial=initial, **kwargs)
        layout = []
        for spec in step_form.fields:
            self.fields[spec.key] = _field(spec)
            if spec.kind == "date":
                layout.append(Field(spec.key))
            elif spec.kind == "choice" and spec.options:
                layout.append(Field.radios(spec.key, legend_size=Size.SMALL, small=True))
            elif spec.kind == "declaration":
                layout.append(Field.checkbox(spec.key))
            elif spec.long:
                layout.append(Field.textarea(spec.key, rows=8, max_words=spec.max_words))
            else:
                layout.append(Field.text(spec.key, field_width=Fluid.TWO_THIRDS))
        if step_form.verifies:
            numbers = " and ".join(str(number) for number in step_form.verifies)
            self.fields["verify"] = forms.BooleanField(
                label=f"I verify KSS {numbers}",
                required=False,
                help_text=(
                    f"KSS {numbers} are verified by you rather than evidenced in the portfolio."
                ),
            )
            layout.append(Field.checkbox("verify"))
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the page's form carries the token
        self.helper.layout = Layout(*layout)

    def clean(self):
        cleaned = super().clean()
        for spec in self.step_form.fields:
            value = cleaned.get(spec.key)
            if isinstance(value, str) and (problem := field_problems(spec, value)):
                self.add_error(spec.key, problem)
        return cleaned

    def values(self):
        """Field key -> text, as reviews.step_form_save stores it."""
        values = {}
        for spec in self.step_form.fields:
            value = self.cleaned_data.get(spec.key)
            if isinstance(value, datetime.date):
                value = value.isoformat()
            elif isinstance(value, bool):
                value = "yes" if value else ""
            values[spec.key] = value or ""
        return values

    @property
    def verify(self):
        return bool(self.cleaned_data.get("verify"))


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label="What needs to change",
        help_text="The worker reads this with their application.",
        max_length=MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "Say what needs to change: a return needs a comment for the worker",
            "max_length": f"The comment must be {MAX_COMMENT:,} characters or fewer",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the page's form carries the token
        self.helper.layout = Layout(
            Field.textarea("comment", rows=5, label_size=Size.SMALL),
        )


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Add a comment",
        max_length=MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Write your comment",
            "max_length": f"The comment must be {MAX_COMMENT:,} characters or fewer",
        },
    )
    reviewers_only = forms.BooleanField(label="Only reviewers can see this", required=False)
