"""The decision form: the outcome the route allows, the date decided, reasons, further work (a
deferral), up to three targets and a judgement per allocated standard or, on routes without an
allocation, per criterion of the level applied for; for a panel's chair also who sat and a
later session to suggest. It checks input only; panels.decisions.decision_record
checks the rules again."""

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Layout, Size
from django import forms
from django.utils import timezone

from careerpath.forms import DateField
from panels.decisions import JudgementInput, TargetInput, allowed_terms
from panels.models import TargetTerm
from portfolios.applications.steps import route_outcomes

TARGET_ROWS = 3
MET, NOT_MET = "met", "not_met"
OUTCOME_HINTS = {
    "progressed": "They move to the new level from the date decided.",
    "deferred": "They try again later: say what further work they should do first.",
    "not_progressed": "They stay at their level.",
}


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the outcome",
            "invalid_choice": "Choose an outcome this route allows",
        },
    )
    heard_on = DateField(what="the date decided", label="Date decided",
                         help_text="For example, 27 3 2026")  # fmt: skip
    reasons = forms.CharField(
        label="Reasons",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Give the reasons for the decision"},
    )
    further_work = forms.CharField(
        label="Further work (if deferred)",
        help_text="For example shadowing, training or evidence to gather before trying again.",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def __init__(self, *args, application, criteria, standards=(), members=None,
                 later_sessions=None, heard_on=None, **kwargs):  # fmt: skip
        """A panel's chair also gets: who sat (`members`, the seats that may sit on this
        hearing; all ticked at first), a judgement per allocated standard (`standards`), and
        a later session to suggest with a deferral (`later_sessions`)."""
        kwargs.setdefault("initial", {}).setdefault("heard_on", heard_on or timezone.localdate())
        super().__init__(*args, **kwargs)
        route = application.route
        self.criteria = list(criteria)
        self.standards = list(standards)
        self.members = list(members) if members is not None else None
        self.later_sessions = list(later_sessions) if later_sessions is not None else None
        labels = dict(TargetTerm.choices)
        self.fields["outcome"].choices = [
            Choice(outcome.value, outcome.label, hint=OUTCOME_HINTS.get(outcome.value, ""))
            for outcome in route_outcomes(route)
        ]
        terms = [("", "Choose a term")] + [(term, labels[term]) for term in allowed_terms(route)]
        target_fields = []
        for row in range(1, TARGET_ROWS + 1):
            self.fields[f"target_{row}_term"] = forms.ChoiceField(
                label="Term", choices=terms, required=False
            )
            self.fields[f"target_{row}_text"] = forms.CharField(
                label="Target", required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
            self.fields[f"target_{row}_due_on"] = DateField(
                what=f"target {row}'s date", label="To be met by", required=False
            )
            target_fields.append(
                Fieldset(
                    Field.select(f"target_{row}_term"),
                    Field.textarea(f"target_{row}_text"),
                    Field(f"target_{row}_due_on"),
                    legend=f"Target {row}",
                    legend_size=Size.SMALL,
                )
            )
        # One judgement (met or not yet, with a note) per allocated standard or criterion.
        judgements = [
            (f"standard_{standard.number}", f"KSS {standard.number}: {standard.title}",
             f"KSS {standard.number}")
            for standard in self.standards
        ] + [
            (f"criterion_{criterion.pk}", f"{number}. {criterion.text}", f"criterion {number}")
            for number, criterion in enumerate(self.criteria, start=1)
        ]  # fmt: skip
        judgement_fields = []
        for name, label, what in judgements:
            self.fields[name] = forms.ChoiceField(
                label=label,
                choices=[(MET, "Met"), (NOT_MET, "Not yet met")],
                widget=forms.RadioSelect,
                error_messages={"required": f"Say whether {what} is met"},
            )
            self.fields[f"{name}_note"] = forms.CharField(
                label=f"Note on {what} (optional)", required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )  # fmt: skip
            judgement_fields += [
                Field.radios(name, legend_size=Size.SMALL, inline=True),
                Field.textarea(f"{name}_note"),
            ]
        panel_fields = []
        if self.members is not None:
            self.fields["sat"] = forms.MultipleChoiceField(
                label="Who sat",
                help_text="Members who cannot judge this application are not listed.",
                choices=[
                    (
                        str(seat.person_id),
                        f"{seat.person.get_full_name() or seat.person.username}"
                        f" ({seat.get_role_display().lower()})",
                    )
                    for seat in self.members
                ],  # fmt: skip
                widget=forms.CheckboxSelectMultiple,
                error_messages={
                    "required": "Tick who sat on the panel for this hearing",
                    "invalid_choice": "Tick only members of this panel who may judge it",
                },
            )
            self.initial.setdefault("sat", [str(seat.person_id) for seat in self.members])
            panel_fields.append(Field.checkboxes("sat", legend_size=Size.MEDIUM))
        if self.later_sessions is not None:
            self.fields["suggested_session"] = forms.ChoiceField(
                label="Suggested later session (if deferred)",
                choices=[("", "No suggestion")] + [
                    (str(session.pk), f"{session.starts_at:%-d %B %Y}")
                    for session in self.later_sessions
                ],
                required=False,
                error_messages={"invalid_choice": "Choose one of the later sessions offered"},
            )  # fmt: skip
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's form carries the token
        judgements_legend = "Standards" if self.standards else "Criteria"
        self.helper.layout = Layout(
            *panel_fields,
            *(
                [Fieldset(*judgement_fields, legend=judgements_legend, legend_size=Size.MEDIUM)]
                if judgement_fields and self.standards
                else []
            ),
            Field.radios("outcome", legend_size=Size.MEDIUM),
            Field("heard_on"),
            Field.textarea("reasons"),
            Field.textarea("further_work"),
            *([Field.select("suggested_session")] if self.later_sessions is not None else []),
            Fieldset(
                *target_fields,
                legend="Targets (optional)",
                legend_size=Size.MEDIUM,
            ),
            *(
                [Fieldset(*judgement_fields, legend="Criteria", legend_size=Size.MEDIUM)]
                if judgement_fields and not self.standards
                else []
            ),
        )

    def clean(self):
        data = super().clean()
        if data.get("outcome") == "deferred" and not (data.get("further_work") or "").strip():
            self.add_error(
                "further_work", "Say what further work they should do before trying again"
            )
        for row in range(1, TARGET_ROWS + 1):
            term = data.get(f"target_{row}_term")
            text = (data.get(f"target_{row}_text") or "").strip()
            due_on = data.get(f"target_{row}_due_on")
            if f"target_{row}_due_on" in self.errors or not (term or text or due_on):
                continue
            if not term and f"target_{row}_term" not in self.errors:
                self.add_error(f"target_{row}_term", f"Choose target {row}'s term")
            if not text:
                self.add_error(f"target_{row}_text", f"Say what target {row} is")
            if not due_on:
                self.add_error(f"target_{row}_due_on", f"Enter target {row}'s date")
        return data

    def sat(self):
        """The members ticked as sitting (people), in the order offered."""
        ticked = set(self.cleaned_data.get("sat") or ())
        return [seat.person for seat in self.members or () if str(seat.person_id) in ticked]

    def suggested_session(self):
        chosen = self.cleaned_data.get("suggested_session")
        return next(
            (session for session in self.later_sessions or () if str(session.pk) == chosen), None
        )

    def targets(self):
        data = self.cleaned_data
        return [
            TargetInput(
                term=data[f"target_{row}_term"],
                text=data[f"target_{row}_text"],
                due_on=data[f"target_{row}_due_on"],
            )
            for row in range(1, TARGET_ROWS + 1)
            if data.get(f"target_{row}_term")
        ]

    def judgements(self):
        data = self.cleaned_data
        return [
            JudgementInput(
                standard_number=standard.number,
                met=data[f"standard_{standard.number}"] == MET,
                note=data.get(f"standard_{standard.number}_note") or "",
            )
            for standard in self.standards
        ] + [
            JudgementInput(
                criterion_id=criterion.pk,
                met=data[f"criterion_{criterion.pk}"] == MET,
                note=data.get(f"criterion_{criterion.pk}_note") or "",
            )
            for criterion in self.criteria
        ]
