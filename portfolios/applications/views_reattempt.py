"""The worker starts their next attempt from a deferred application, in one click."""

from django.contrib import messages
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from portfolios.applications.permissions import get_application_for
from portfolios.applications.reattempt import next_attempt_start
from portfolios.applications.workflow import ApplicationError


@require_POST
def application_next_attempt(request, pk):
    """Start it (or go to it, when started already); a refusal goes back to the deferred
    application with the reason. The service re-checks the applicant and the state."""
    application = get_application_for(request.user, pk)
    try:
        result = next_attempt_start(
            application=application,
            actor=request.user,
            repin=request.POST.get("latest_version") == "yes",
        )
    except ApplicationError as refused:
        messages.error(request, str(refused))
        return redirect("portfolios:application-detail", pk=application.pk)
    if result.started:
        messages.success(request, result.message)
    else:
        messages.info(request, result.message)
    return redirect("portfolios:application-detail", pk=result.application.pk)
