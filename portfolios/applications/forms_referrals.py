"""The team manager's referral form. It checks input only: the worker and the route must be among
those offered (the referrer's own or covered staff, the council's referral routes), and
reviews.referral_create checks the rules again."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from careerpath.forms import DateField, PersonChoiceField


class RouteChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, route):
        return f"{route.title} ({route.framework.title})"


class ReferralForm(forms.Form):
    worker = PersonChoiceField(
        queryset=None,
        label="Who you are referring",
        empty_label="Choose the worker",
        error_messages={
            "required": "Choose the worker you are referring",
            "invalid_choice": "Choose a worker you manage from the list",
        },
    )
    route = RouteChoiceField(
        queryset=None,
        label="Progression route",
        empty_label="Choose the route",
        error_messages={
            "required": "Choose the route you are referring them for",
            "invalid_choice": "Choose a route that opens by referral from the list",
        },
    )
    supervision_on = DateField(
        what="the date of the supervision",
        label="Date of the supervision that confirmed the criteria",
        help_text="For example, 14 10 2026",
    )
    decision = forms.CharField(
        label="Your decision",
        help_text="Why supervision confirms they meet the criteria for this route.",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": "Record your decision: why supervision confirms the criteria",
            "max_length": "Your decision must be 5000 characters or fewer",
        },
    )

    def __init__(self, *args, people, routes, pairs, **kwargs):
        """`people` and `routes` are querysets of what may be chosen; `pairs` the (worker id,
        route id) pairs the referrer may refer (a route names the manager who refers)."""
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = people
        self.fields["route"].queryset = routes
        self.pairs = pairs
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's form carries the token
        self.helper.layout = Layout(
            Field.select("worker"),
            Field.select("route"),
            Field("supervision_on"),
            Field.textarea("decision", rows=6),
        )

    def clean_supervision_on(self):
        day = self.cleaned_data["supervision_on"]
        if day > timezone.localdate():
            raise ValidationError("The date of the supervision must be today or in the past")
        return day

    def clean_decision(self):
        decision = self.cleaned_data["decision"].strip()
        if not decision:
            raise ValidationError("Record your decision: why supervision confirms the criteria")
        return decision

    def clean(self):
        cleaned = super().clean()
        worker, route = cleaned.get("worker"), cleaned.get("route")
        if worker and route and (worker.pk, route.pk) not in self.pairs:
            self.add_error("worker", f"You do not refer {worker.get_full_name()} for this route")
        return cleaned
