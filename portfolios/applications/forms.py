"""Application forms: they check input only. A section's form is built from its SectionSpec
(portfolios.applications.forms_engine); what may be saved, linked or taken is the services'."""

import datetime

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fluid, Layout, Size
from django import forms

from careerpath.forms import DateField
from portfolios.applications.forms_engine import field_problems

MAX_CHARACTERS = 20000


def _text(spec):
    help_text = spec.help
    if spec.condition:
        help_text = f"{help_text} Answer if: {spec.condition}".strip()
    if spec.max_words:
        help_text = f"{help_text} Up to {spec.max_words} words.".strip()
    return forms.CharField(
        label=spec.label + (" (type your full name)" if spec.kind == "signature" else ""),
        required=False, help_text=help_text, max_length=MAX_CHARACTERS,
        widget=forms.Textarea(attrs={"rows": 8}) if spec.long else forms.TextInput,
        error_messages={"max_length": f"{spec.label} must be {MAX_CHARACTERS:,} characters or "
                        "fewer"},
    )  # fmt: skip


def _field(spec):
    if spec.kind == "date":
        return DateField(
            what=spec.label.rstrip(":.").lower(), label=spec.label, required=False,
            help_text="For example, 27 3 2025",
        )  # fmt: skip
    if spec.kind == "choice" and spec.options:
        return forms.ChoiceField(
            label=spec.label, required=False, widget=forms.RadioSelect,
            choices=[(option, option) for option in spec.options],
            error_messages={"invalid_choice": f"Choose one of the answers for: {spec.label}"},
        )  # fmt: skip
    if spec.kind == "declaration":
        return forms.BooleanField(label=spec.label, required=False)
    return _text(spec)


class SpecForm(forms.Form):
    """A form built from FieldSpecs of the council's form (a worker's section, a reviewer's part
    of it): each spec's field and layout, word limits checked, and the values as stored."""

    specs = ()

    def spec_layout(self, specs):
        """Add a field per spec; returns their layout."""
        self.specs = tuple(specs)
        layout = []
        for spec in self.specs:
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
        return layout

    def clean(self):
        cleaned = super().clean()
        for spec in self.specs:
            value = cleaned.get(spec.key)
            if isinstance(value, str) and (problem := field_problems(spec, value)):
                self.add_error(spec.key, problem)
        return cleaned

    def values(self):
        """Field key -> text, as stored."""
        values = {}
        for spec in self.specs:
            value = self.cleaned_data.get(spec.key)
            if isinstance(value, datetime.date):
                value = value.isoformat()
            elif isinstance(value, bool):
                value = "yes" if value else ""
            values[spec.key] = value or ""
        return values


class SectionForm(SpecForm):
    """One section of the application's form. Everything is optional while drafting (the
    readiness check says what is still missing); word limits are enforced here."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def __init__(self, *args, section, **kwargs):
        self.section = section
        super().__init__(*args, **kwargs)
        layout = self.spec_layout(section.fields)
        layout.append(Field("revision"))
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*layout)


def initial_for(section, values):
    """Stored text back into the form's initial values (dates as dates, ticks as booleans)."""
    initial = {}
    for spec in section.fields:
        value = values.get(spec.key, "")
        if spec.kind == "date" and value:
            try:
                value = datetime.date.fromisoformat(value)
            except ValueError:
                value = None
        elif spec.kind == "declaration":
            value = value == "yes"
        initial[spec.key] = value
    return initial


def item_choices(items):
    """(pk, label) for library items, made once per page and shared by its forms."""
    return [
        (item.pk, f"{item.title} ({item.get_kind_display().lower()}, {item.dated:%-d %B %Y})")
        for item in items
    ]


class LinkForm(forms.Form):
    """Link items from the library to one criterion or standard, with a note. The choices are
    the person's own library; the service checks them again when it links."""

    items = forms.TypedMultipleChoiceField(
        coerce=int, widget=forms.CheckboxSelectMultiple,
        label="Evidence from your library",
        error_messages={"required": "Choose at least one item from your library",
                        "invalid_choice": "Choose items from your own library that do not "
                                          "support this yet"},
    )  # fmt: skip
    note = forms.CharField(
        label="How does this meet it?", required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="A sentence or two for your reviewers and the panel.",
        error_messages={"max_length": "The note must be 1,000 characters or fewer"},
    )  # fmt: skip

    def __init__(self, *args, choices, prefix=None, **kwargs):
        super().__init__(*args, prefix=prefix, **kwargs)
        self.fields["items"].choices = choices
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.checkboxes("items", legend_size=Size.SMALL, small=True),
            Field.textarea("note", rows=3),
        )


class WithdrawForm(forms.Form):
    confirm = forms.BooleanField(
        label="I want to withdraw this application",
        error_messages={"required": "Confirm that you want to withdraw the application"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field.checkbox("confirm"))


class DeclarationForm(forms.Form):
    """The declaration on the check your answers page; it posts to the submit view."""

    declaration = forms.BooleanField(
        label="I confirm that the information in this application is true and complete, and "
        "that the evidence I have linked is my own work",
        error_messages={"required": "Confirm the declaration before you submit"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field.checkbox("declaration"))
