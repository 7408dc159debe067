"""The line manager's decision page (routes whose line manager decides, such as Medway's): read
the frozen submission, then record the outcome in one go. A panel's decision is recorded by its
chair through the same service (panels.decisions)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render

from careerpath.models import Role
from careerpath.permissions import has_role, require_staff
from careerpath.selectors import people_covered_by
from panels.decisions import DecisionError, decision_record, judgeable_criteria, judged_by_standard
from panels.forms_decisions import DecisionForm
from portfolios.applications.permissions import get_application_to_review, holds_current_step
from portfolios.applications.steps import route_workflow, step_at


def decision_record_view(request, pk):
    require_staff(request.user)
    # Line managers decide, and colleagues covering for one while they are away.
    if not (has_role(request.user, Role.LINE_MANAGER) or people_covered_by(request.user)):
        raise PermissionDenied
    application = get_application_to_review(request.user, pk)  # 404 unless theirs to review
    if route_workflow(application.route)["decided_by"] != "line_manager":
        raise Http404  # a panel's decision is recorded with its session
    if step_at(application.route, application.state) != "decide":
        messages.info(request, "This application is not waiting for a decision")
        return redirect("portfolios:review-detail", pk=application.pk)
    if not holds_current_step(request.user, application):
        raise PermissionDenied
    criteria = [] if judged_by_standard(application) else judgeable_criteria(application)
    form = DecisionForm(
        request.POST if request.method == "POST" else None,
        application=application,
        criteria=criteria,
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            decision_record(
                application=application, actor=request.user, outcome=data["outcome"],
                heard_on=data["heard_on"], judgements=form.judgements(), targets=form.targets(),
                reasons=data["reasons"], further_work=data["further_work"],
            )  # fmt: skip
        except DecisionError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            name = application.applicant.get_full_name() or str(application.applicant)
            messages.success(request, f"Decision recorded: {name} has been told")
            return redirect("portfolios:review-detail", pk=application.pk)
    return render(
        request,
        "panels/decision_record.html",
        {"application": application, "form": form},
    )
