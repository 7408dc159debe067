"""Outcome letters: the PDF for the worker, their team manager and HR; HR's re-issue."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render

from careerpath.permissions import require_staff
from panels import letters
from panels.forms_letters import LetterReissueForm
from panels.permissions import is_hr


def letter_pdf(request, pk):
    require_staff(request.user)
    letter = letters.get_letter_for(request.user, pk)
    if not letter.pdf_key or not default_storage.exists(letter.pdf_key):
        raise Http404  # not rendered yet
    filename = f"{letter.kind.replace('_', '-')}-letter-v{letter.version}.pdf"
    return FileResponse(
        default_storage.open(letter.pdf_key), content_type="application/pdf",
        as_attachment=True, filename=filename,
    )  # fmt: skip


def letter_reissue(request, pk):
    require_staff(request.user)
    if not is_hr(request.user):
        raise PermissionDenied  # HR's page; a letter of another council is 404 below
    letter = letters.get_letter_for(request.user, pk, "reissue")
    form = LetterReissueForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            new = letters.letter_reissue(
                letter=letter, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except letters.LetterError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            messages.success(request, f"Version {new.version} of the letter is being sent.")
            return redirect("panels:letter-reissue", pk=new.pk)
    application = letter.decision.application
    return render(request, "panels/letter_reissue.html", {
        "letter": letter, "application": application, "form": form,
        "versions": letters.letter_versions(letter),
        "worker_name": application.applicant.get_full_name() or str(application.applicant),
    })  # fmt: skip
