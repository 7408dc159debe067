"""The staff import's upload form. It checks the file is there and not too big; reading it and
every rule about its rows belong to careerpath.staff_import."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout
from django import forms

from careerpath.staff_import import MAX_FILE_BYTES


class StaffFileForm(forms.Form):
    file = forms.FileField(
        label="Staff file",
        help_text="The HR system's staff extract, saved as CSV or Excel (.xlsx)",
        error_messages={"required": "Choose the staff file", "empty": "The selected file is empty"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field("file"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError("The selected file must be smaller than 20 MB")
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError("The selected file must be a CSV or Excel (.xlsx) file")
        return upload
