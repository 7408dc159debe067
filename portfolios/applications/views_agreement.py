"""Managers agreeing, in one click, to applications of the people they supervise or manage (where
the worker books, that they may book a panel place)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from portfolios.applications.agreement import (
    AgreementError,
    agreement_purpose,
    applications_awaiting_agreement,
    attestation_record,
    get_application_to_agree,
    is_agreement_giver,
    role_name,
    roles_to_agree,
)


def agreement_list(request):
    if not is_agreement_giver(request.user):
        raise PermissionDenied
    return render(request, "portfolios/agreement_list.html", {
        "waiting": applications_awaiting_agreement(user=request.user),
    })  # fmt: skip


@require_POST
def application_agree(request, pk):
    if not is_agreement_giver(request.user):
        raise PermissionDenied
    application = get_application_to_agree(request.user, pk)
    roles = roles_to_agree(request.user, application)
    if not roles:
        messages.info(request, f"There is nothing for you to agree for {application.applicant}")
        return redirect("portfolios:agreement-list")
    try:
        for role in roles:
            attestation_record(application=application, role=role, person=request.user)
    except AgreementError as error:
        messages.error(request, str(error))
    else:
        as_roles = " and ".join(role_name(role) for role in roles)
        messages.success(
            request, f"You agreed, as {application.applicant}'s {as_roles}, that "
            f"{application.applicant} {agreement_purpose(application)}",
        )  # fmt: skip
    return redirect("portfolios:agreement-list")
