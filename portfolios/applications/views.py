"""Application pages for the applicant: the list, starting on a route (eligibility first),
the task list, each section, linking evidence, check your answers, and withdrawing."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from careerpath.models import Role
from careerpath.permissions import require_staff
from portfolios.applications import queues, reviews, selectors, services
from portfolios.applications.forms import (
    DeclarationForm,
    LinkForm,
    SectionForm,
    WithdrawForm,
    initial_for,
    item_choices,
)
from portfolios.applications.forms_engine import initial_values
from portfolios.applications.permissions import (
    applications_visible_to,
    can_change_application,
    get_application_for,
)
from portfolios.applications.readiness import application_readiness
from portfolios.applications.reattempt import next_attempt_context
from portfolios.applications.steps import route_workflow
from portfolios.applications.workflow import ApplicationError, can_take, route_steps
from portfolios.models import CLOSED_STATES, ApplicationState, EvidenceLink


def application_list(request):
    require_staff(request.user)
    open_, earlier = selectors.applications_for(user=request.user)
    return render(request, "portfolios/application_list.html", {
        "open_applications": open_, "earlier_applications": earlier,
    })  # fmt: skip


def _referred_by(route):
    """On a route that opens by referral, who refers the worker, in words; else ""."""
    by = route_workflow(route)["referral_by"]
    return f"Your {Role(by).label.lower()} refers you for this route" if by else ""


def application_start_choose(request):
    require_staff(request.user)
    routes = selectors.startable_routes_for(user=request.user)
    # A referral opens the application: the worker carries on with it rather than starting one.
    opened = {
        (application.route.framework.slug, application.route.code): application
        for application in applications_visible_to(request.user)
        .exclude(state__in=CLOSED_STATES)
        .select_related("route__framework")
    }
    return render(request, "portfolios/application_start_choose.html", {
        "entries": [
            (route, _referred_by(route), opened.get((route.framework.slug, route.code)))
            for route in routes
        ],
    })  # fmt: skip


def application_start(request, route_pk):
    require_staff(request.user)
    route = selectors.get_startable_route_for(request.user, route_pk)
    if route is None:
        raise Http404
    error = ""
    if request.method == "POST":
        try:
            application = services.application_start(applicant=request.user, route=route)
        except ApplicationError as refused:
            error = str(refused)
        else:
            messages.success(request, "Your application is started: it saves as you write")
            return redirect("portfolios:application-detail", pk=application.pk)
    return render(request, "portfolios/application_start.html", {
        "route": route, "error": error,
        "existing": selectors.open_application_on(user=request.user, route=route),
        "referred_by": _referred_by(route),
        "steps": route_steps(route),
        "eligibility": selectors.eligibility_for(person=request.user, route=route),
    })  # fmt: skip


def application_detail(request, pk):
    application = get_application_for(request.user, pk)
    return render(
        request, "portfolios/application_detail.html", _detail_context(request, application)
    )


def _may_comment(application):
    """The worker writes to their reviewers once the application has been submitted, until it
    is finished."""
    return application.submitted_at is not None and application.state not in CLOSED_STATES


def _detail_context(request, application, **comment):
    overview = selectors.application_overview(application=application)
    readiness = application_readiness(application=application)
    comments = list(reviews.comments_for(application, request.user))
    returns = [c for c in comments if c.step == "return"]
    submitted = application.submitted_at is not None
    decision = selectors.decision_for(application=application)
    return {
        "application": application, "overview": overview, "readiness": readiness,
        "can_change": can_change_application(request.user, application),
        "can_withdraw": can_take(request.user, application, "withdraw"),
        "steps": route_steps(application.route),
        "eligibility": selectors.eligibility_for(
            person=application.applicant, route=application.route, application=application
        ),
        # Once submitted, the portfolio PDF is where the worker lands; a draft has none to list.
        "submissions": (
            application.submissions.only("pk", "number", "submitted_at")
            if application.state != ApplicationState.DRAFTING else ()
        ),
        # Where it is and who holds it, once it has left the worker.
        "whereabouts": queues.where_is(application) if submitted else None,
        "returned": (
            returns[-1] if returns and application.state == ApplicationState.RETURNED else None
        ),
        "comments": comments,
        "comment_form_url": (
            reverse("portfolios:application-comment", args=[application.pk])
            if _may_comment(application) else ""
        ),
        "can_mark_reviewers_only": False,
        "timeline": queues.timeline(application=application, viewer=request.user),
        "decision": decision,
        # After a deferral: the next attempt, in one click; on it, the deferral it follows.
        **next_attempt_context(request.user, application, decision=decision),
        **comment,
    }  # fmt: skip


@require_POST
def application_comment(request, pk):
    """The worker adds a comment to their application's thread; a refused comment shows the
    page again with what they wrote."""
    application = get_application_for(request.user, pk)
    body = request.POST.get("body", "")
    error = ""
    if not _may_comment(application):
        error = "You can comment once you have submitted your application, until it is decided"
    else:
        try:
            reviews.comment_add(application=application, author=request.user, body=body)
        except ApplicationError as refused:
            error = str(refused)
    if error:
        context = _detail_context(request, application, comment_error=error, comment_body=body)
        return render(request, "portfolios/application_detail.html", context)
    messages.success(request, "Your comment is added: the people reviewing it are told")
    return redirect(reverse("portfolios:application-detail", args=[application.pk]) + "#comments")


def _wants_json(request):
    return request.headers.get("X-Autosave") == "1"


def application_section(request, pk, section):
    application = get_application_for(request.user, pk)
    state = selectors.section_state(application=application, key=section)
    if state is None or not state.section.is_workers:
        raise Http404
    if state.section.blocked:
        messages.info(request, f"{state.section.title}: {state.section.blocked}")
        return redirect("portfolios:application-detail", pk=application.pk)
    if request.method == "POST" and not can_change_application(request.user, application):
        raise PermissionDenied
    spec = state.section
    values = state.values or initial_values(spec, person=application.applicant)
    form = SectionForm(
        request.POST if request.method == "POST" else None, section=spec,
        initial={**initial_for(spec, values), "revision": state.revision},
    )  # fmt: skip
    stale = None
    if form.is_valid():
        try:
            services.application_answer_save(
                application=application, section=spec, actor=request.user,
                values=form.values(), revision=form.cleaned_data.get("revision") or 0,
            )  # fmt: skip
        except services.StaleSave as refused:
            stale = refused
            # The person has now seen the saved version: their next save is made against it.
            data = request.POST.copy()
            data["revision"] = refused.revision
            form = SectionForm(data, section=spec)
            form.is_valid()
            form.add_error(None, str(refused))
        except ApplicationError as refused:
            form.add_error(None, str(refused))
        else:
            if _wants_json(request):
                saved = selectors.section_state(application=application, key=section)
                return JsonResponse({"saved": True, "revision": saved.revision})
            messages.success(request, f"{spec.title}: saved")
            if "continue" in request.POST:
                return redirect("portfolios:application-detail", pk=application.pk)
            return redirect("portfolios:application-section", pk=application.pk, section=section)
    if request.method == "POST" and _wants_json(request):
        return JsonResponse(
            {"saved": False, "stale": stale is not None,
             "errors": [str(e) for errors in form.errors.values() for e in errors]},
            status=409 if stale else 400,
        )  # fmt: skip
    return render(request, "portfolios/application_section.html", {
        "application": application, "section": spec, "form": form,
        "can_change": can_change_application(request.user, application),
        "stale": stale, "saved_values": _side_by_side(spec, stale, form),
    })  # fmt: skip


def _side_by_side(spec, stale, form):
    """For a stale save: (label, what was saved, what you typed) per field that differs."""
    if stale is None:
        return []
    rows = []
    for field in spec.fields:
        saved = str(stale.values.get(field.key) or "")
        typed = str(form.data.get(field.key) or "")
        if saved != typed:
            rows.append((field.label, saved, typed))
    return rows


def application_links(request, pk, key):
    application = get_application_for(request.user, pk)
    section, targets = selectors.targets_for(application=application, key=key)
    if not targets:
        raise Http404
    can_change = can_change_application(request.user, application)
    items = selectors.library_items_for(application=application)
    if section.observation:  # the observation form's task links signed observations only
        items = items.filter(kind="practice_observation")
    choices = item_choices(items)
    posted = request.POST.get("target") if request.method == "POST" else None
    if posted is not None and not can_change:
        raise PermissionDenied
    blocks = []
    links = selectors.application_links(application=application)
    overview_keys = selectors.link_keys(application=application, links=links)
    for target in targets:
        bound = request.POST if posted == target.key else None
        here = [link for link in links if overview_keys[link.pk] == target.key]
        # What already supports it is listed above, not offered again.
        linked = {link.item_id for link in here}
        offered = [choice for choice in choices if choice[0] not in linked]
        form = LinkForm(bound, choices=offered, prefix=target.key)
        if bound is not None and form.is_valid():
            criterion_id, standard_id = selectors.resolve_target(
                application=application, target=target
            )
            try:
                added = services.evidence_links_add(
                    application=application, actor=request.user, criterion_id=criterion_id,
                    standard_id=standard_id, items=form.cleaned_data["items"],
                    note=form.cleaned_data["note"],
                )  # fmt: skip
            except ApplicationError as refused:
                form.add_error(None, str(refused))
            else:
                messages.success(request, _added_message(added, target.label))
                return redirect("portfolios:application-links", pk=application.pk, key=key)
        blocks.append({"target": target, "form": form, "links": here, "offered": offered})
    return render(request, "portfolios/application_links.html", {
        "application": application, "section": section, "blocks": blocks, "key": key,
        "can_change": can_change, "library_empty": not choices,
    })  # fmt: skip


def _added_message(added, label):
    if not added:
        return f"Those items already support {label}: nothing changed"
    return f"{added} item{'s' if added != 1 else ''} linked to {label}"


@require_POST
def application_link_remove(request, pk, link_pk):
    application = get_application_for(request.user, pk, for_change=True)
    link = EvidenceLink.objects.filter(pk=link_pk, application=application).first()
    if link is None:
        raise Http404
    try:
        services.evidence_link_remove(application=application, actor=request.user, link=link)
    except ApplicationError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"'{link.item.title}' is no longer linked there")
    detail = reverse("portfolios:application-detail", args=[application.pk])
    next_url = request.POST.get("next") or ""
    # Back to the page it was removed from, when that is a page of this application.
    return redirect(next_url if next_url.startswith(detail) else detail)


def application_check(request, pk):
    application = get_application_for(request.user, pk)
    overview = selectors.application_overview(application=application)
    readiness = application_readiness(application=application)
    can_change = can_change_application(request.user, application)
    submit_url = reverse("portfolios:application-submit", args=[application.pk])
    return render(request, "portfolios/application_check.html", {
        "application": application, "overview": overview, "readiness": readiness,
        "can_change": can_change,
        # Every machine rule met, and still the worker's to send.
        "can_submit": not readiness.missing and can_change,
        "submit_url": submit_url, "form": DeclarationForm(),
    })  # fmt: skip


def application_withdraw(request, pk):
    application = get_application_for(request.user, pk)
    if not can_take(request.user, application, "withdraw"):
        messages.info(request, "This application can no longer be withdrawn")
        return redirect("portfolios:application-detail", pk=application.pk)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            result = services.application_withdraw(application=application, actor=request.user)
        except ApplicationError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, result.message or "Your application is withdrawn")
            return redirect("portfolios:application-list")
    return render(request, "portfolios/application_withdraw.html", {
        "application": application, "form": form,
    })  # fmt: skip
