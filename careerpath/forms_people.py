"""The organisation administrator's forms: the people's filters, granting and removing a role,
and the audit trail's filters. They check input only; careerpath.people_admin scopes
everything to the administrator's council again."""

from crispy_forms_gds.layout import Field, Size
from django import forms

from careerpath.forms import DateField, form_helper
from careerpath.models import ContractType, Role, Team
from careerpath.people_admin import (
    ACTIVE,
    LEAVER,
    NO_LINE_MANAGER,
    NO_TEAM,
    AuditFilters,
    PeopleFilters,
)

REASON_HELP = "It is kept in the audit trail with the change"


class PeopleFilterForm(forms.Form):
    q = forms.CharField(
        label="Name, e-mail or employee number", required=False, max_length=200,
        error_messages={"max_length": "The search must be 200 characters or fewer"},
    )  # fmt: skip
    team = forms.TypedChoiceField(
        label="Team", required=False, coerce=int, empty_value=None,
        error_messages={"invalid_choice": "Choose a team from the list"},
    )  # fmt: skip
    role = forms.ChoiceField(
        label="Role", required=False, choices=[("", "All roles"), *Role.choices],
        error_messages={"invalid_choice": "Choose a role from the list"},
    )  # fmt: skip
    status = forms.ChoiceField(
        label="Active or left", required=False,
        choices=[("", "Everyone"), (ACTIVE, "Active"), (LEAVER, "Leavers")],
        error_messages={"invalid_choice": "Choose active, leavers or everyone"},
    )  # fmt: skip
    contract_type = forms.ChoiceField(
        label="Contract type", required=False,
        choices=[("", "All contract types"), *ContractType.choices],
        error_messages={"invalid_choice": "Choose a contract type from the list"},
    )  # fmt: skip
    missing = forms.ChoiceField(
        label="Without", required=False,
        choices=[("", "No matter"), (NO_LINE_MANAGER, "A line manager"), (NO_TEAM, "A team")],
        error_messages={"invalid_choice": "Choose from the list"},
    )  # fmt: skip

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        teams = Team.objects.filter(organisation=organisation).order_by("name")
        self.fields["team"].choices = [("", "All teams"), *teams.values_list("pk", "name")]
        self.helper = form_helper(
            Field.text("q", label_size=Size.SMALL, field_width=20),
            *(
                Field.select(name, label_size=Size.SMALL)
                for name in ("team", "role", "status", "contract_type", "missing")
            ),
        )

    def filters(self):
        """The filters to apply: the parts that are valid (errors are shown beside the rest)."""
        if not self.is_bound:
            return PeopleFilters()
        self.is_valid()
        data = self.cleaned_data
        return PeopleFilters(
            search=(data.get("q") or "").strip(),
            team_id=data.get("team"),
            role=data.get("role") or "",
            status=data.get("status") or "",
            contract_type=data.get("contract_type") or "",
            missing=data.get("missing") or "",
        )


class RoleGrantForm(forms.Form):
    role = forms.ChoiceField(
        label="Role to give",
        error_messages={
            "required": "Choose the role to give",
            "invalid_choice": "Choose a role from the list",
        },
    )
    reason = forms.CharField(
        label="Reason", help_text=REASON_HELP, max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give the reason for giving the role",
                        "max_length": "The reason must be 300 characters or fewer"},
    )  # fmt: skip

    def __init__(self, *args, choices, **kwargs):
        """`choices`: the roles the person does not hold yet (the service checks again)."""
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", "Choose a role"), *choices]
        self.helper = form_helper(
            Field.select("role", label_size=Size.SMALL),
            Field.textarea("reason", label_size=Size.SMALL),
        )

    def clean_reason(self):
        reason = " ".join(self.cleaned_data["reason"].split())
        if not reason:
            raise forms.ValidationError("Give the reason for giving the role")
        return reason


class RoleRemoveForm(forms.Form):
    reason = forms.CharField(
        label="Reason", help_text=REASON_HELP, max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give the reason for removing the role",
                        "max_length": "The reason must be 300 characters or fewer"},
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Field.textarea("reason", label_size=Size.SMALL))

    def clean_reason(self):
        reason = " ".join(self.cleaned_data["reason"].split())
        if not reason:
            raise forms.ValidationError("Give the reason for removing the role")
        return reason


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        label="Action", required=False,
        error_messages={"invalid_choice": "Choose an action from the list"},
    )  # fmt: skip
    person = forms.CharField(
        label="Person", required=False, max_length=200,
        help_text="Who did it, or whom it was about: a name or username",
    )  # fmt: skip
    date_from = DateField(what="the first day", label="From", required=False,
                          help_text="For example, 1 4 2027")  # fmt: skip
    date_to = DateField(what="the last day", label="To", required=False,
                        help_text="For example, 30 4 2027")  # fmt: skip

    def __init__(self, *args, actions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", "All actions"), *((a, a) for a in actions)]
        self.helper = form_helper(
            Field.select("action", label_size=Size.SMALL),
            Field.text("person", label_size=Size.SMALL, field_width=20),
            Field("date_from"),
            Field("date_to"),
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The last day must be on or after the first day")
        return cleaned

    def filters(self):
        if not self.is_bound:
            return AuditFilters()
        self.is_valid()
        data = self.cleaned_data
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            end = None
        return AuditFilters(
            action=data.get("action") or "",
            person=(data.get("person") or "").strip(),
            date_from=start,
            date_to=end,
        )
