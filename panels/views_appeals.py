"""Appeals: the worker lodges one against a decision; the council's appeal authority decides it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone

from careerpath.permissions import require_staff
from panels import appeals
from panels.forms_appeals import AppealDecideForm, AppealLodgeForm


def _report(form, error):
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error))


def appeal_list(request):
    require_staff(request.user)
    rows = list(appeals.appeals_for(request.user))
    return render(request, "panels/appeal_list.html", {
        "open": [a for a in rows if a.decided_at is None],
        "decided": [a for a in rows if a.decided_at is not None],
        "is_authority": appeals.is_appeal_authority_of_council(request.user),
    })  # fmt: skip


def appeal_lodge(request, pk):
    require_staff(request.user)
    decision = appeals.get_decision_to_appeal(request.user, pk)
    existing = appeals.appeal_of(decision)
    form = AppealLodgeForm(request.POST if request.method == "POST" and not existing else None)
    if form.is_valid():
        try:
            appeal = appeals.appeal_lodge(
                decision=decision, actor=request.user, grounds=form.cleaned_data["grounds"]
            )
        except appeals.AppealError as error:
            _report(form, error)
        else:
            messages.success(request, "Your appeal is lodged. The appeal authority will decide it.")
            return redirect("panels:appeal-detail", pk=appeal.pk)
    last_day = appeals.decision_appeal_last_day(decision)
    return render(request, "panels/appeal_lodge.html", {
        "decision": decision, "application": decision.application, "form": form,
        "existing": existing, "last_day": last_day,
        "counted_from": appeals.counted_from(decision),
        "window_days": appeals.appeal_window_days(decision.application.route),
        "late": last_day is not None and timezone.localdate() > last_day,
        "can_appeal": appeals.can_lodge(request.user, decision),
    })  # fmt: skip


def appeal_detail(request, pk):
    require_staff(request.user)
    appeal = appeals.get_appeal_for(request.user, pk)
    may_decide = appeals.can_decide_appeal(request.user, appeal)
    if request.method == "POST" and not may_decide:
        raise PermissionDenied
    form = AppealDecideForm(request.POST if request.method == "POST" and may_decide else None)
    if form.is_valid():
        try:
            appeals.appeal_decide(
                appeal=appeal, actor=request.user, upheld=form.cleaned_data["upheld"],
                reasons=form.cleaned_data["reasons"],
            )  # fmt: skip
        except appeals.AppealError as error:
            _report(form, error)
        else:
            messages.success(request, "Your decision on the appeal is recorded.")
            return redirect("panels:appeal-list")
    return render(request, "panels/appeal_detail.html", {
        "appeal": appeal, "decision": appeal.decision, "application": appeal.decision.application,
        "form": form, "may_decide": may_decide,
        "last_day": appeals.decision_appeal_last_day(appeal.decision),
    })  # fmt: skip
