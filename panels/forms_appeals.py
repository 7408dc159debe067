"""Forms for appeals. They check input only; panels.appeals checks the rules again (who, the
window, the state)."""

from crispy_forms_gds.layout import Field, Size
from django import forms

from careerpath.forms import form_helper


class AppealLodgeForm(forms.Form):
    grounds = forms.CharField(
        label="Where did the panel not follow procedure?",
        help_text="An appeal is about how the panel reached its decision. Say what happened and "
        "which part of the procedure was not followed.",
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Say where the panel did not follow procedure"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Field.textarea("grounds", label_size=Size.MEDIUM))


class AppealDecideForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label="Your decision on the appeal",
        choices=[("yes", "Upheld: the application is heard again at a later panel"),
                 ("no", "Dismissed: the panel's decision stands")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the appeal is upheld or dismissed"},
    )  # fmt: skip
    reasons = forms.CharField(
        label="Reasons",
        help_text="The worker reads these. Your decision is final.",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Give the reasons for your decision"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.radios("upheld", legend_size=Size.MEDIUM),
            Field.textarea("reasons", label_size=Size.MEDIUM),
        )
