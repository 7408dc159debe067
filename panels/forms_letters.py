"""Forms for outcome letters: HR's re-issue (a reason), and the admin's form for a letter
template, which refuses unknown placeholders and template tags when the template is saved."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from panels.letters import PLACEHOLDERS, body_sanitise, template_problems
from panels.models import LetterTemplate


class LetterReissueForm(forms.Form):
    reason = forms.CharField(
        label="Why is the letter re-issued?",
        help_text="The worker is sent the corrected letter; earlier versions are kept. Your "
        "reason is recorded with the new version.",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=2000,
        error_messages={"required": "Say why the letter is re-issued"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's form carries the token
        self.helper.layout = Layout(Field.textarea("reason", label_size=Size.MEDIUM))


class LetterTemplateForm(forms.ModelForm):
    """HR writes the letter as HTML with placeholders only: checked here, so a template that
    could not be filled in is never saved. The body is kept sanitised (simple formatting)."""

    class Meta:
        model = LetterTemplate
        fields = ["organisation", "kind", "route_code", "subject", "body",
                  "signatory_name", "signatory_title"]  # fmt: skip
        help_texts = {
            "body": "HTML with placeholders only: "
            + ", ".join(f"{{{{ {name} }}}}" for name in PLACEHOLDERS)
            + ". Paragraphs, lists, headings and tables are kept; anything else is removed.",
        }

    def clean(self):
        cleaned = super().clean()
        problems = template_problems(cleaned.get("body", ""), cleaned.get("subject", ""))
        if problems:
            raise forms.ValidationError(problems)
        if cleaned.get("body"):
            cleaned["body"] = body_sanitise(cleaned["body"])
        return cleaned
