"""HR's pages: the council's decisions, one decision's checklist, the checklist's items, the
payroll export and the letters' zip."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from careerpath.dates import long_date
from panels import hr
from panels.forms_hr import ChecklistItemForm, HrDecisionFilterForm, month_of
from panels.models import Outcome

PAGE_SIZE = 50


def _filter_form(request):
    return HrDecisionFilterForm(request.GET or None, organisation=request.user.organisation)


def hr_decisions(request):
    hr.require_hr(request.user)
    form = _filter_form(request)
    filters = form.filters()
    decisions = hr.hr_decisions(user=request.user, filters=filters)
    page = Paginator(decisions, PAGE_SIZE).get_page(request.GET.get("page"))
    checklist_total = len(hr.checklist_items_ensure(organisation=request.user.organisation))
    now = timezone.now()
    for decision in page.object_list:
        decision.letter_status = decision.letter_due_by and hr.letter_status(
            decision.letter_sent_at, decision.letter_due_by, now
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "panels/hr_decisions.html", {
        "form": form, "page": page, "checklist_total": checklist_total,
        "query": query.urlencode(), "progressed": Outcome.PROGRESSED,
        "zip_query": _zip_query(filters),
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
    })  # fmt: skip


def _zip_query(filters):
    """The letters' zip for the panel session or the effective month filtered on."""
    if filters.session_id:
        return f"session={filters.session_id}"
    if filters.month:
        return f"month={filters.month:%Y-%m}"
    return ""


def hr_decisions_csv(request):
    hr.require_hr(request.user)
    filters = _filter_form(request).filters()
    total = len(hr.checklist_items_ensure(organisation=request.user.organisation))
    rows = hr.csv_rows(user=request.user, filters=filters, checklist_total=total)
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    name = f"decisions-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _act_on_checklist(request, decision):
    """A tick, or an untick once confirmed. Returns a response, or the item awaiting the
    person's confirmation of an untick."""
    items = {str(item.pk): item for item in hr.checklist_items_ensure(
        organisation=request.user.organisation)}  # fmt: skip
    item = items.get(request.POST.get("item", ""))
    if item is None:
        messages.error(request, "That item is not on the checklist. Nothing was changed.")
        return redirect("panels:hr-decision", pk=decision.pk), None
    action = request.POST.get("action")
    try:
        if action == "tick":
            tick, made = hr.checklist_tick(decision=decision, item=item, actor=request.user)
            if made:
                messages.success(request, f"Ticked: {item.label}")
            else:
                messages.info(request, f"{item.label} was already ticked by "
                              f"{tick.ticked_by} on {long_date(tick.ticked_at)}")  # fmt: skip
        elif action == "untick" and request.POST.get("confirm") != "yes":
            return None, item
        elif action == "untick":
            if hr.checklist_untick(decision=decision, item=item, actor=request.user):
                messages.success(request, f"Unticked: {item.label}")
            else:
                messages.info(request, f"{item.label} was not ticked. Nothing was changed.")
        else:
            messages.error(request, "Choose to tick or untick an item. Nothing was changed.")
    except hr.ChecklistError as error:
        messages.error(request, str(error))
    return redirect("panels:hr-decision", pk=decision.pk), None


def hr_decision(request, pk):
    decision = hr.get_decision_for_hr(request.user, pk)
    progressed = decision.outcome == Outcome.PROGRESSED
    if request.method == "POST":
        response, confirming = _act_on_checklist(request, decision)
        if response is not None:
            return response
        return render(request, "panels/hr_untick_confirm.html", {
            "decision": decision, "item": confirming,
        })  # fmt: skip
    items = hr.checklist_items_ensure(organisation=request.user.organisation)
    checklist = hr.checklist_for(decision, items) if progressed else []
    letters = decision.letters.order_by("kind", "-version")
    return render(request, "panels/hr_decision.html", {
        "decision": decision, "application": decision.application,
        "worker": decision.application.applicant, "progressed": progressed,
        "checklist": checklist, "done": sum(tick is not None for _, tick in checklist),
        "letters": letters,
    })  # fmt: skip


def hr_checklist(request):
    hr.require_hr(request.user)
    organisation = request.user.organisation
    hr.checklist_items_ensure(organisation=organisation)
    form = ChecklistItemForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            item = hr.checklist_item_add(
                organisation=organisation, label=form.cleaned_data["label"], actor=request.user
            )
        except hr.ChecklistError as error:
            form.add_error("label", str(error))
        else:
            messages.success(request, f"Added to the checklist: {item.label}")
            return redirect("panels:hr-checklist")
    return render(request, "panels/hr_checklist.html", {
        "form": form, "items": organisation.hr_checklist_items.order_by("-active", "order", "pk"),
    })  # fmt: skip


@require_POST
def hr_checklist_deactivate(request, pk):
    item = hr.get_checklist_item_for(request.user, pk)
    if hr.checklist_item_deactivate(item=item, actor=request.user):
        messages.success(request, f"Taken off the checklist: {item.label}")
    else:
        messages.info(request, f"{item.label} was already off the checklist.")
    return redirect("panels:hr-checklist")


def hr_letters_zip(request):
    hr.require_hr(request.user)
    session, month = request.GET.get("session", ""), month_of(request.GET.get("month"))
    if session.isdigit():
        letters, what = hr.letters_to_zip(user=request.user, session_id=int(session)), "session"
    elif month is not None:
        letters, what = hr.letters_to_zip(user=request.user, month=month), month.strftime("%Y-%m")
    else:
        messages.error(request, "Choose a panel session or a month (like 2027-04) to download "
                       "its letters.")  # fmt: skip
        return redirect("panels:hr-decisions")
    if not letters.exists():
        messages.info(request, "There are no letters to download for that "
                      f"{'panel session' if what == 'session' else 'month'} yet.")  # fmt: skip
        return redirect("panels:hr-decisions")
    archive, _count = hr.letters_zip_build(letters)
    name = f"letters-{'session-' + session if what == 'session' else what}.zip"
    return FileResponse(archive, as_attachment=True, filename=name,
                        content_type="application/zip")  # fmt: skip
