"""The coordinator moves a booking to a later session. The form checks input only; the move
service checks the council, the route, the date, the space and the deadline again."""

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Field
from django import forms
from django.utils import dateformat, timezone

from careerpath.forms import form_helper
from panels.forms import SessionChoiceField, places_left_text
from panels.selectors import long_date


class BookingMoveForm(forms.Form):
    session = SessionChoiceField(
        label="Move the booking to",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the session to move the booking to",
            "invalid_choice": "Choose one of the later sessions of this route",
        },
    )
    reason = forms.CharField(
        label="Reason for the move",
        help_text="The worker is told this with the new date.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Give the reason for moving the booking",
            "max_length": "The reason must be 2000 characters or fewer",
        },
    )

    def __init__(self, *args, sessions, **kwargs):
        """`sessions`: the route's later sessions still open, with places_taken. Those with a
        place left are offered; a full one is still accepted, for the service's own message."""
        super().__init__(*args, **kwargs)
        field = self.fields["session"]
        field.choices = [
            Choice(
                str(session.pk),
                dateformat.format(timezone.localtime(session.starts_at), "l j F Y, H:i"),
                hint=f"Portfolios due {long_date(session.submission_deadline)}. "
                f"{places_left_text(session.capacity - session.places_taken)}.",
            )
            for session in sessions
            if session.places_taken < session.capacity
        ]
        field.accepted = {str(session.pk) for session in sessions}
        self.helper = form_helper(
            Field.radios("session", legend_size="m"), Field.textarea("reason")
        )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Give the reason for moving the booking")
        return reason
