from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from careerpath import sign_in


def form_helper(*fields):
    """The crispy helper for a form whose template writes the <form> tag and its CSRF token:
    lays out `fields` in order (each field as it is, with its error summary)."""
    helper = FormHelper()
    helper.form_tag = False
    if fields:
        helper.layout = Layout(*fields)
    return helper


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account has been closed. Ask your organisation's administrator.",
        "single_sign_on": (
            "%(organisation)s staff sign in with their council's Microsoft account, "
            "not a password. Use the button above."
        ),
        "throttled": (
            "Too many failed attempts to sign in. Wait %(minutes)s minutes, then try again."
        ),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.fields["username"].widget.attrs.pop("autofocus", None)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("username", field_width=20, autocomplete="username", spellcheck="false"),
            Field.text("password", field_width=20, autocomplete="current-password"),
            Button("submit", "Sign in", data_prevent_double_click="true"),
        )
        self.helper.label_size = Size.SMALL

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        # A council with single sign-on signs its staff in through its own identity provider.
        if sign_in.uses_single_sign_on(user):
            raise forms.ValidationError(
                self.error_messages["single_sign_on"],
                code="single_sign_on",
                params={"organisation": user.organisation},
            )

    def _address(self):
        return self.request.META.get("REMOTE_ADDR") if self.request else None

    def clean(self):
        username = self.cleaned_data.get("username")
        if username and sign_in.is_throttled(username=username, address=self._address()):
            raise forms.ValidationError(
                self.error_messages["throttled"],
                code="throttled",
                params={"minutes": sign_in.minutes_to_wait()},
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if username:
                sign_in.record_failure(username=username, address=self._address())
            raise
        sign_in.clear_failures(username=username)
        return cleaned


class DateField(DateInputField):
    """The Design System's day, month and year, with messages that say what to fix."""

    def __init__(self, *, what, **kwargs):
        super().__init__(**kwargs)
        self.what = what
        self.error_messages["required"] = f"Enter {what}"
        what_ = what.capitalize()
        self.error_messages["incomplete"] = f"{what_} must include a day, month and year"
        for field in self.fields:
            field.validators[0].message = f"{what.capitalize()} must be a real date"

    def compress(self, data_list):
        try:
            value = super().compress(data_list)
        except ValidationError as error:
            raise ValidationError(f"{self.what.capitalize()} must be a real date") from error
        if value is not None and value.year < 1950:
            raise ValidationError(f"{self.what.capitalize()} must be after 1950")
        return value


class PersonChoiceField(forms.ModelChoiceField):
    """A person, by name and job title, as colleagues know them."""

    def label_from_instance(self, person):
        name = person.get_full_name() or person.username
        return f"{name} ({person.job_title})" if person.job_title else name
