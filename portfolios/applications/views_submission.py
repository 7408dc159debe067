"""Readiness, submit and the portfolio PDF: thin views over readiness.py, submission.py and
pdf.py."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from careerpath.permissions import require_staff
from portfolios.applications.forms import DeclarationForm
from portfolios.applications.pdf import submission_pdf_render
from portfolios.applications.permissions import get_application_for, get_submission_for
from portfolios.applications.readiness import application_readiness
from portfolios.applications.submission import ApplicationError, application_submit
from portfolios.uploads import file_download_response


def application_readiness_view(request, pk):
    application = get_application_for(request.user, pk)
    readiness = application_readiness(application=application)
    return render(
        request,
        "portfolios/application_readiness.html",
        {
            "application": application,
            "readiness": readiness,
            "on_readiness_page": True,
            "submissions": application.submissions.only("pk", "number", "submitted_at"),
        },
    )


@require_POST
def application_submit_view(request, pk):
    application = get_application_for(request.user, pk)
    form = DeclarationForm(request.POST)
    try:
        result = application_submit(
            application=application, actor=request.user, declaration=form.is_valid()
        )
    except ApplicationError as error:
        messages.error(request, str(error))
        return redirect("portfolios:application-check", pk=application.pk)
    if result.changed:
        messages.success(request, result.message)
    else:
        messages.info(request, result.message)
    return redirect("portfolios:application-detail", pk=application.pk)


def submission_pdf(request, pk):
    require_staff(request.user)
    submission = get_submission_for(request.user, pk)
    # Not rendered yet (the task is queued), or its file lost: render it now rather than make
    # them wait. When it is there, this only finds its key.
    key = submission_pdf_render(submission_id=submission.pk)
    return file_download_response(
        key=key,
        filename=f"portfolio-{submission.application_id}-{submission.number}.pdf",
        content_type="application/pdf",
    )
