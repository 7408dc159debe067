"""The coordinator's booking form. It checks input only; the booking service checks the route,
the state, the places left and the lead time again."""

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Field
from django import forms
from django.utils import dateformat, timezone

from careerpath.forms import form_helper
from panels.forms import SessionChoiceField, places_left_text


class CoordinatorBookingForm(forms.Form):
    session = SessionChoiceField(
        label="Choose a panel session",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the panel session to book",
            "invalid_choice": "Choose one of the sessions offered for this route",
        },
    )

    def __init__(self, *args, offers, **kwargs):
        """Offers the sessions with a place left and outside the lead time; accepts any shown
        on the page, so one that filled up meanwhile gets the service's own message."""
        super().__init__(*args, **kwargs)
        field = self.fields["session"]
        field.choices = [
            Choice(
                str(offer.session.pk),
                dateformat.format(timezone.localtime(offer.session.starts_at), "l j F Y, H:i"),
                hint=f"{places_left_text(offer.places_left)}.",
            )
            for offer in offers
            if offer.can_book
        ]
        field.accepted = {str(offer.session.pk) for offer in offers}
        self.helper = form_helper(Field.radios("session", legend_size="m"))
