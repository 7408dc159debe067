from crispy_forms_gds.layout import Field, Size
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from careerpath.forms import DateField, form_helper
from portfolios.models import KIND_CHOICES
from portfolios.selectors import LibraryFilters
from portfolios.services import StagedFile
from portfolios.uploads import ACCEPTED


class ClearableFileInput(forms.ClearableFileInput):
    """Several files at once. Named as Django's widget, which crispy-forms-gds recognises by
    name and styles as the Design System's file upload (with its error state)."""

    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Zero or more files. Their checks (type from the content, size) are the upload service's:
    the view reports its refusals on this field."""

    widget = ClearableFileInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def clean(self, data, initial=None):
        return [item for item in (data or []) if item]


class EvidenceItemForm(forms.Form):
    kind = forms.ChoiceField(
        label="What kind of evidence is it?",
        choices=[("", "Choose a kind"), *KIND_CHOICES],
        error_messages={"required": "Choose what kind of evidence it is",
                        "invalid_choice": "Choose a kind from the list"},
    )  # fmt: skip
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="A short name you will recognise, such as “Direct work with a sibling group”.",
        error_messages={"required": "Enter a title",
                        "max_length": "Title must be 200 characters or fewer"},
    )  # fmt: skip
    dated = DateField(
        what="the date of the work or event",
        label="Date of the work or event",
        help_text="Recency rules count from this date. For example, 27 3 2025",
    )
    reflection = forms.CharField(
        label="Your reflection",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="What you did, why, what changed and what you learned. Leave a blank line "
        "between paragraphs. Do not name children, families or carers.",
        error_messages={"max_length": "Your reflection must be 20,000 characters or fewer"},
    )
    case_reference = forms.CharField(
        label="Case reference (optional)",
        required=False,
        max_length=40,
        help_text="A Mosaic number instead of a family's details.",
        error_messages={"max_length": "Case reference must be 40 characters or fewer"},
    )
    is_certificate = forms.BooleanField(label="This is, or includes, a certificate", required=False)
    files = MultipleFileField(label="Add files (optional)")  # hint set in __init__
    # When the item was last saved, as the person saw it: an older copy is refused.
    saved_version = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.fields["files"].help_text = (
            f"{ACCEPTED[0].upper()}{ACCEPTED[1:]}, up to {settings.EVIDENCE_MAX_UPLOAD_MB} MB "
            "each. You can choose several."
        )
        self.staged = []
        self.personal_data = []
        self.helper = form_helper(
            Field.select("kind"),
            Field.text("title"),
            Field("dated"),
            Field.textarea("reflection", rows=10),
            Field.text("case_reference", field_width=20),
            Field.checkbox("is_certificate"),
            Field("files"),
            Field("saved_version"),
        )
        # Files accepted on an earlier try, kept ticked so nothing chosen is lost.
        for token in self.data.getlist("staged") if self.is_bound else []:
            staged = StagedFile.from_token(token, owner=owner)
            if staged is not None and staged not in self.staged:
                self.staged.append(staged)

    def clean_dated(self):
        dated = self.cleaned_data["dated"]
        if dated and dated > timezone.localdate():
            raise ValidationError("The date of the work or event must be today or in the past")
        return dated

    def clean_title(self):
        return " ".join(self.cleaned_data["title"].split())

    def clean_case_reference(self):
        return self.cleaned_data["case_reference"].strip()

    def add_staged(self, staged):
        for each in staged:
            if each not in self.staged:
                self.staged.append(each)

    def staged_tokens(self):
        return [(staged, staged.token(owner=self.owner)) for staged in self.staged]

    def add_refusals(self, refusals):
        for refusal in refusals:
            self.add_error("files", refusal)

    @property
    def keeps_personal_data(self):
        return self.data.get("personal_data") == "keep"

    def item_values(self):
        return {
            name: self.cleaned_data[name]
            for name in ("kind", "title", "dated", "reflection", "case_reference", "is_certificate")
        }


class FileReplaceForm(forms.Form):
    file = forms.FileField(
        label="Choose the new version",
        error_messages={"required": "Choose a file", "empty": "The selected file is empty"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Field("file"))


USED_CHOICES = [("", "Used or not"), ("used", "Used in an application"),
                ("unused", "Not used yet")]  # fmt: skip


class LibraryFilterForm(forms.Form):
    q = forms.CharField(
        label="Search", required=False, max_length=200,
        help_text="Words in the title, reflection or case reference",
    )  # fmt: skip
    kind = forms.ChoiceField(
        label="Kind", required=False, choices=[("", "All kinds"), *KIND_CHOICES],
        error_messages={"invalid_choice": "Choose a kind from the list"},
    )  # fmt: skip
    used = forms.ChoiceField(
        label="Applications", required=False, choices=USED_CHOICES,
        error_messages={"invalid_choice": "Choose from the list"},
    )  # fmt: skip
    date_from = DateField(what="the from date", label="From", required=False)
    date_to = DateField(what="the to date", label="To", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.text("q", label_size=Size.SMALL),
            Field.select("kind", label_size=Size.SMALL),
            Field.select("used", label_size=Size.SMALL),
            Field("date_from"),
            Field("date_to"),
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The to date must be the same as or after the from date")
        return cleaned

    def filters(self):
        """The filters to apply: the parts that are valid (errors are shown beside the rest)."""
        if not self.is_bound:
            return LibraryFilters()
        self.is_valid()
        data = self.cleaned_data
        return LibraryFilters(
            query=data.get("q", "").strip(),
            kind=data.get("kind", ""),
            used=data.get("used", ""),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
