"""The reviewers' forms: their part of the council's form (the manager's report, the team
manager's endorsement), returning the application to the worker, and a comment. They check input
only; whether the person may take the step, and the state, are the services' to check."""

from types import SimpleNamespace

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from portfolios.applications.forms import SpecForm, initial_for

MAX_COMMENT = 5000


class StepValuesForm(SpecForm):
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
        layout = self.spec_layout(step_form.fields)
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
