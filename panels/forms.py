"""Forms for arranging panel sessions. They check input only; the services check the rules
again (the route's council and state, the deadline, the capacity)."""

import datetime

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Field
from django import forms
from django.core.exceptions import ValidationError
from django.utils import dateformat, timezone

from careerpath.forms import DateField, form_helper
from panels.selectors import long_date


class TextInput(forms.TextInput):
    """A text input showing a time as 10:00. Named TextInput because crispy-forms-gds styles
    widgets, and marks their errors, by class name."""

    def format_value(self, value):
        if isinstance(value, datetime.time):
            return value.strftime("%H:%M")
        return super().format_value(value)


class TimeField(forms.TimeField):
    def __init__(self, *, what, **kwargs):
        super().__init__(
            input_formats=["%H:%M", "%H.%M", "%H%M"],
            help_text="Use the 24-hour clock, for example 10:00 or 14:30",
            error_messages={
                "required": f"Enter {what}",
                "invalid": f"Enter {what} as hours and minutes, for example 10:00",
            },
            widget=TextInput,  # the Design System has no time component
            **kwargs,
        )


class RouteChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, route):
        return f"{route.title} ({route.framework.title})"


class SessionDetailsForm(forms.Form):
    """What every session needs: when, where, how many."""

    start_time = TimeField(what="the start time", label="Start time")
    end_time = TimeField(what="the end time", label="End time")
    meeting_url = forms.URLField(
        label="Online meeting link",
        required=False,
        max_length=500,
        assume_scheme="https",
        widget=forms.TextInput(attrs={"input_type": "url", "spellcheck": "false"}),
        help_text="For example, the Microsoft Teams link. Give a link, a room, or both.",
        error_messages={
            "invalid": "Enter the meeting link as a web address, like https://teams.microsoft.com/...",
            "max_length": "The meeting link must be 500 characters or fewer",
        },
    )
    location = forms.CharField(
        label="Room",
        required=False,
        max_length=300,
        error_messages={"max_length": "The room must be 300 characters or fewer"},
    )
    capacity = forms.IntegerField(
        label="Places",
        help_text="How many people the panel can hear in this session.",
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": "Enter how many places the session has",
            "invalid": "Places must be a whole number, like 6",
        },
    )

    def clean_location(self):
        return " ".join(self.cleaned_data["location"].split())

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        if capacity < 1:
            raise ValidationError("Places must be 1 or more")
        if capacity > 200:
            raise ValidationError("Places must be 200 or fewer")
        return capacity

    def clean(self):
        cleaned = super().clean()
        if (
            "meeting_url" in cleaned
            and "location" in cleaned
            and not cleaned["meeting_url"]
            and not cleaned["location"]
        ):
            self.add_error("location", "Give an online meeting link or a room, or both")
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", "The end time must be after the start time")
        return cleaned


class SessionForm(SessionDetailsForm):
    """One session, created for a route or edited. On creation the deadline may be left blank:
    it is then the route's lead time before the session."""

    route = RouteChoiceField(
        queryset=None,
        label="Progression route",
        empty_label="Choose a route",
        error_messages={
            "required": "Choose the route the panel is for",
            "invalid_choice": "Choose a route from the list",
        },
    )
    date = DateField(what="the date of the session", label="Date of the session",
                     help_text="For example, 14 4 2027")  # fmt: skip
    submission_deadline = DateField(
        what="the submission deadline",
        label="Submission deadline",
        required=False,
        require_all_fields=False,
        help_text="The last day portfolios can be submitted for this session.",
    )
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Notes must be 2000 characters or fewer"},
    )
    # When the session was last saved, as the coordinator saw it: an older copy is refused.
    saved_version = forms.CharField(required=False, widget=forms.HiddenInput)

    field_order = ["route", "date", "start_time", "end_time", "meeting_url", "location",
                   "capacity", "submission_deadline", "notes"]  # fmt: skip

    def __init__(self, *args, routes=None, session=None, **kwargs):
        super().__init__(*args, **kwargs)
        if session is None:
            self.fields["route"].queryset = routes
            self.fields[
                "submission_deadline"
            ].help_text += " Leave it blank to set it from the route's lead time."
        else:
            del self.fields["route"]
            self.fields["submission_deadline"].required = True
        if session is None:
            del self.fields["saved_version"]
        fields = [
            Field.select("route") if session is None else None,
            Field("date"),
            Field.text("start_time", field_width=5),
            Field.text("end_time", field_width=5),
            Field.text("meeting_url"),
            Field.text("location", field_width=20),
            Field.text("capacity", field_width=3),
            Field("submission_deadline"),
            Field.textarea("notes", rows=3),
            Field("saved_version") if session is not None else None,
        ]
        self.helper = form_helper(*[field for field in fields if field is not None])

    def clean(self):
        cleaned = super().clean()
        day, deadline = cleaned.get("date"), cleaned.get("submission_deadline")
        if day and deadline and deadline >= day:
            self.add_error(
                "submission_deadline", "The submission deadline must be before the session"
            )
        return cleaned


class ProposalsForm(SessionDetailsForm):
    """The proposed dates the coordinator keeps, with what all of them share."""

    dates = forms.MultipleChoiceField(
        label="Sessions to create",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one session to create",
            "invalid_choice": "Choose sessions from the proposed dates",
        },
    )

    field_order = ["dates", "start_time", "end_time", "meeting_url", "location", "capacity"]

    def __init__(self, *args, proposals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dates"].choices = [
            (proposal.date.isoformat(), proposal_label(proposal)) for proposal in proposals
        ]
        self.fields["dates"].initial = [proposal.date.isoformat() for proposal in proposals]
        self.fields["start_time"].initial = datetime.time(10, 0)
        self.fields["end_time"].initial = datetime.time(13, 0)
        self.helper = form_helper(
            Field.checkboxes("dates", small=True),
            Field.text("start_time", field_width=5),
            Field.text("end_time", field_width=5),
            Field.text("meeting_url"),
            Field.text("location", field_width=20),
            Field.text("capacity", field_width=3),
        )

    def chosen_dates(self):
        return [datetime.date.fromisoformat(value) for value in self.cleaned_data["dates"]]


def proposal_label(proposal):
    day = dateformat.format(proposal.date, "l j F Y")
    return f"{day} (portfolios due {long_date(proposal.submission_deadline)})"


class SessionChoiceField(forms.ChoiceField):
    """Offers the sessions open to the worker, and accepts any of the route's sessions shown on
    the page, so one that filled up meanwhile gets the booking service's own message."""

    def __init__(self, *, accepted=(), **kwargs):
        super().__init__(**kwargs)
        self.accepted = {str(value) for value in accepted}

    def valid_value(self, value):
        return str(value) in self.accepted or super().valid_value(value)


class BookingForm(forms.Form):
    session = SessionChoiceField(
        label="Choose a panel session",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the panel session you want to attend",
            "invalid_choice": "Choose one of the sessions offered for your route",
        },
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["session"]
        field.choices = [
            Choice(
                str(option.session.pk),
                dateformat.format(timezone.localtime(option.session.starts_at), "l j F Y, H:i"),
                hint=session_hint(option),
            )
            for option in choices.bookable
        ]
        field.accepted = {str(option.session.pk) for option in choices.options}
        self.helper = form_helper(Field.radios("session", legend_size="m"))


def session_hint(option):
    deadline = long_date(option.session.submission_deadline)
    return f"Portfolios due {deadline}. {places_left_text(option.places_left)}."


def places_left_text(count):
    return "1 place left" if count == 1 else f"{count} places left"
