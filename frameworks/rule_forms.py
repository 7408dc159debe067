"""Rules as typed fields. For each rule type in the closed list (frameworks.rules.RULE_TYPES) a
form with only that type's parameters: months as a number, evidence kinds and procedures as
check boxes, the roles that attest as check boxes, a rating as a choice, recency windows as
numbers. A form starts from a rule's parameters and gives them back unchanged when nothing was
changed, so every existing rule can be edited without loss."""

from crispy_forms_gds.layout import Field
from django import forms

from careerpath.forms import form_helper
from frameworks.rule_text import describe_rule
from frameworks.rules import (
    EVIDENCE_KINDS,
    KIND_NAMES,
    PROCEDURE_NAMES,
    ROLES,
    RULE_TYPES,
    SINCE,
    validate_rule,
)

# Each type as an editor chooses it: a name and a hint.
TYPE_NAMES = {
    "min_evidence": ("A number of pieces of evidence", "For example, at least 2 case examples"),
    "min_months_at_level": ("Time at the current level", "For example, 18 months"),
    "min_months_since": (
        "Time since qualifying or registering",
        "For example, 24 months since registration with Social Work England",
    ),
    "permanent_contract": ("A permanent contract", "Only staff on permanent contracts"),
    "no_formal_procedures": (
        "Not subject to formal procedures",
        "Declared by a manager: capability, disciplinary, sickness, performance",
    ),
    "max_words": ("A word limit", "For the statement written for this criterion or route"),
    "recency": ("Recent evidence", "For example, one within the last 6 months and one within 9"),
    "min_rating": ("A minimum rating", "For example, a practice observation rated 3 of 4"),
    "attestation": ("Verified by named roles", "For example, the practice supervisor"),
    "certificate_required": ("A certificate", "For example, the ASYE certificate"),
    "asye_completed": ("ASYE completed", "The Assessed and Supported Year in Employment"),
}

ROLE_LABELS = {
    "worker": "The worker",
    "practice_supervisor": "Practice supervisor",
    "line_manager": "Line manager",
    "team_manager": "Team manager",
    "progression_coordinator": "Progression coordinator",
    "panel_member": "A panel member",
    "appeal_authority": "Appeal authority",
    "hr": "HR",
}
KIND_CHOICES = [(kind, KIND_NAMES[kind][0].capitalize()) for kind in EVIDENCE_KINDS]
KINDS_CHOICES = [(kind, KIND_NAMES[kind][1].capitalize()) for kind in EVIDENCE_KINDS]
ROLE_CHOICES = [(role, ROLE_LABELS[role]) for role in ROLES]
PROCEDURE_CHOICES = [(name, label.capitalize()) for name, label in PROCEDURE_NAMES.items()]
SINCE_CHOICES = [(name, label[0].upper() + label[1:]) for name, label in SINCE.items()]
RATING_CHOICES = [(n, str(n)) for n in range(1, 11)]
# Recency rules have one window per item they ask for; the fixtures ask for two at most.
RECENCY_WINDOWS = 4


def _number(label, what, *, hint="", required=True):
    return forms.IntegerField(
        label=label, help_text=hint, required=required, min_value=1, max_value=10000,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "required": f"Enter {what}",
            "invalid": f"{what[0].upper()}{what[1:]} must be a whole number, like 6",
            "min_value": f"{what[0].upper()}{what[1:]} must be 1 or more",
            "max_value": f"{what[0].upper()}{what[1:]} must be 10,000 or fewer",
        },
    )  # fmt: skip


def _checkboxes(label, choices, *, required, what, hint=""):
    return forms.MultipleChoiceField(
        label=label, choices=choices, required=required, help_text=hint,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": f"Choose at least one {what}",
                        "invalid_choice": f"Choose {what}s from the list"},
    )  # fmt: skip


def _choice(label, choices, *, what, widget=forms.RadioSelect, coerce=str):
    return forms.TypedChoiceField(
        label=label, choices=choices, widget=widget, coerce=coerce,
        error_messages={"required": f"Choose {what}",
                        "invalid_choice": f"Choose {what} from the list"},
    )  # fmt: skip


def _in_order(chosen, before):
    """Ticked values in the order the rule had them, new ones after (check boxes lose order;
    the sentence a worker reads keeps it)."""
    chosen = list(dict.fromkeys(chosen))
    before = list(before or ())
    return [value for value in before if value in chosen] + [
        value for value in chosen if value not in before
    ]


class RuleForm(forms.Form):
    """One rule type's parameters. Subclasses name their fields after the parameters; `lists`
    are the check box parameters whose order is kept."""

    rule_type = None
    lists = ()
    note = forms.CharField(
        label="Note (optional)", required=False, max_length=500,
        help_text="For the people who edit the framework, such as where the rule comes from.",
        error_messages={"max_length": "The note must be 500 characters or fewer"},
    )  # fmt: skip

    def __init__(self, data=None, *, rule=None, **kwargs):
        self.original = {key: value for key, value in (rule or {}).items() if key != "type"}
        kwargs.setdefault("initial", self.initial_from(self.original))
        super().__init__(data, **kwargs)
        self.helper = form_helper(*self.layout(), Field.text("note"))

    def layout(self):
        return [Field(name) for name in self.fields if name != "note"]

    @classmethod
    def initial_from(cls, params):
        return dict(params)

    def parameters_from(self, data):
        """The parameters from cleaned data, without note and source."""
        return {name: data[name] for name in RULE_TYPES[self.rule_type] if name in data}

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        problems = validate_rule(self.rule())
        for problem in problems:
            self.add_error(None, problem)
        return data

    def rule(self):
        """The rule dict (with its type) from the cleaned data."""
        params = self.parameters_from(self.cleaned_data)
        for name in self.lists:
            if name in params:
                params[name] = _in_order(params[name], self.original.get(name))
        note = (self.cleaned_data.get("note") or "").strip()
        if note:
            params["note"] = note
        if "source" in self.original:  # the seed line it was read from: kept as it was
            params["source"] = self.original["source"]
        return {"type": self.rule_type, **params}

    def parameters(self):
        return {key: value for key, value in self.rule().items() if key != "type"}

    def reading(self):
        """The sentence a worker reads for this rule (only for a valid form)."""
        return describe_rule(self.rule())


class MinEvidenceForm(RuleForm):
    rule_type = "min_evidence"
    lists = ("kinds",)
    count = _number("How many?", "how many pieces of evidence are needed")
    kinds = _checkboxes(
        "Which kinds of evidence count?", KINDS_CHOICES, required=False, what="kind of evidence",
        hint="Leave them all unticked for any kind of evidence.",
    )  # fmt: skip

    def layout(self):
        return [Field.text("count", field_width=3), Field.checkboxes("kinds", small=True)]

    def parameters_from(self, data):
        params = {"count": data["count"]}
        if data.get("kinds"):
            params["kinds"] = list(data["kinds"])
        return params


class MinMonthsAtLevelForm(RuleForm):
    rule_type = "min_months_at_level"
    months = _number("Months at the current level", "the number of months")

    def layout(self):
        return [Field.text("months", field_width=3)]


class MinMonthsSinceForm(RuleForm):
    rule_type = "min_months_since"
    months = _number("Months", "the number of months")
    since = _choice("Counted from", SINCE_CHOICES, what="the date the months count from")

    def layout(self):
        return [Field.text("months", field_width=3), Field.radios("since", legend_size="s")]


class NoFieldsForm(RuleForm):
    """Types with no parameters: the type says it all."""


class PermanentContractForm(NoFieldsForm):
    rule_type = "permanent_contract"


class AsyeCompletedForm(NoFieldsForm):
    rule_type = "asye_completed"


class NoFormalProceduresForm(RuleForm):
    rule_type = "no_formal_procedures"
    lists = ("procedures",)
    procedures = _checkboxes(
        "Which formal procedures?", PROCEDURE_CHOICES, required=True, what="procedure"
    )
    declared_by = _choice("Who declares it?", ROLE_CHOICES, what="who declares it")

    def layout(self):
        return [
            Field.checkboxes("procedures", small=True),
            Field.radios("declared_by", legend_size="s", small=True),
        ]


class MaxWordsForm(RuleForm):
    rule_type = "max_words"
    words = _number("Word limit", "the word limit")

    def layout(self):
        return [Field.text("words", field_width=4)]


class RecencyForm(RuleForm):
    """One window per item asked for: "one within the last 6 months and one within the last
    9 months" is two windows, 6 and 9."""

    rule_type = "recency"
    kind = _choice(
        "Which kind of evidence?", [("", "Choose a kind"), *KIND_CHOICES],
        what="a kind of evidence", widget=forms.Select,
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, RECENCY_WINDOWS + 1):
            self.fields[f"window_{n}"] = _number(
                f"Item {n}: within the last how many months?" + ("" if n == 1 else " (optional)"),
                f"the months for item {n}",
                hint="One item for each window; leave the ones not needed empty." if n == 1 else "",
                required=n == 1,
            )  # fmt: skip
        self.fields["note"] = self.fields.pop("note")  # the note stays last

    def layout(self):
        return [Field.select("kind")] + [
            Field.text(f"window_{n}", field_width=3) for n in range(1, RECENCY_WINDOWS + 1)
        ]

    @classmethod
    def initial_from(cls, params):
        initial = {key: value for key, value in params.items() if key != "within_months"}
        for n, months in enumerate(params.get("within_months") or (), start=1):
            initial[f"window_{n}"] = months
        return initial

    def clean(self):
        windows = [key for key in self.data if key.startswith("window_")]
        extra = [key for key in windows if key not in self.fields and self.data.get(key)]
        if extra:  # more windows than the page offers: refuse rather than drop them
            self.add_error(None, f"A recency rule here has at most {RECENCY_WINDOWS} items")
        return super().clean()

    def parameters_from(self, data):
        windows = [data.get(f"window_{n}") for n in range(1, RECENCY_WINDOWS + 1)]
        return {"kind": data["kind"], "within_months": [w for w in windows if w]}


class MinRatingForm(RuleForm):
    rule_type = "min_rating"
    kind = _choice(
        "Which kind of evidence is rated?", [("", "Choose a kind"), *KIND_CHOICES],
        what="a kind of evidence", widget=forms.Select,
    )  # fmt: skip
    rating = _choice(
        "Lowest rating that passes", [("", "Choose a rating"), *RATING_CHOICES],
        what="the lowest rating", widget=forms.Select, coerce=int,
    )  # fmt: skip
    scale = _number("Top of the scale", "the top of the scale", hint="Practice observations: 4")

    def layout(self):
        return [
            Field.select("kind"), Field.select("rating"), Field.text("scale", field_width=2),
        ]  # fmt: skip

    def clean(self):
        rating, scale = self.cleaned_data.get("rating"), self.cleaned_data.get("scale")
        if rating and scale and rating > scale:
            self.add_error("rating", f"The rating must be {scale} or lower: the top of the scale")
        return super().clean()


class AttestationForm(RuleForm):
    rule_type = "attestation"
    lists = ("by",)
    by = _checkboxes("Verified by", ROLE_CHOICES, required=True, what="role")

    def layout(self):
        return [Field.checkboxes("by", small=True)]


class CertificateRequiredForm(RuleForm):
    rule_type = "certificate_required"
    what = forms.CharField(
        label="Which certificate?", max_length=300,
        help_text="As the worker will read it, for example: ASYE certificate",
        error_messages={"required": "Enter which certificate is needed",
                        "max_length": "The certificate must be 300 characters or fewer"},
    )  # fmt: skip

    def layout(self):
        return [Field.text("what")]

    def parameters_from(self, data):
        return {"what": data["what"].strip()}


RULE_FORMS = {
    form.rule_type: form
    for form in (
        MinEvidenceForm, MinMonthsAtLevelForm, MinMonthsSinceForm, PermanentContractForm,
        NoFormalProceduresForm, MaxWordsForm, RecencyForm, MinRatingForm, AttestationForm,
        CertificateRequiredForm, AsyeCompletedForm,
    )
}  # fmt: skip


def rule_form(rule_type, data=None, *, rule=None):
    """The form for one rule type; KeyError for a type outside the closed list."""
    return RULE_FORMS[rule_type](data, rule=rule)


class RuleTypeForm(forms.Form):
    """The first question when adding a rule: which type, from the closed list."""

    type = forms.ChoiceField(
        label="What kind of rule is it?",
        choices=[(name, TYPE_NAMES[name][0]) for name in RULE_TYPES],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what kind of rule it is",
                        "invalid_choice": "Choose a kind of rule from the list"},
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Field.radios("type", legend_size="m"))
