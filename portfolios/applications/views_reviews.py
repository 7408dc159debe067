"""The reviewer's page for one application: the frozen submission (never the worker's live
library), what changed since the last submission, the step the reader holds (the manager's
report, the endorsement, the coordinator's check), returning it to the worker, the comment thread
and the timeline. Thin views over reviews.py and queues.py."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from careerpath.models import User
from careerpath.permissions import has_role, require_staff
from careerpath.services import COVERING_ROLES
from frameworks.rules import JUDGEMENT, MET, NOT_MET
from portfolios.applications import permissions as can
from portfolios.applications import queues, reviews
from portfolios.applications.changes import submission_changes
from portfolios.applications.forms_engine import application_sections
from portfolios.applications.forms_reviews import CommentForm, ReturnForm, StepValuesForm
from portfolios.applications.pdf import portfolio_context
from portfolios.applications.readiness import application_readiness
from portfolios.applications.readiness.report import STATUS_LABELS
from portfolios.applications.steps import (
    UNDER_REVIEW,
    WITH_THE_WORKER,
    current_holder,
    route_workflow,
)
from portfolios.applications.workflow import ApplicationError
from portfolios.models import ApplicationAnswer, Attestation

# The steps whose part of the council's form a reviewer writes on this page, and the main
# button of each.
FORM_STEPS = {"review": "Complete the report", "endorse": "Endorse attendance at panel"}
CONFIRM_BUTTON = "Confirm the criteria are met"
# The steps a route may use before the panel, in order, with what their part is called.
REPORT_PARTS = {"review": "The manager's report", "endorse": "The endorsement"}
# Keys a snapshot may lack (an early or minimal one): the page reads it all the same.
EMPTY_SNAPSHOT = {
    "items": [],
    "links": [],
    "sections": [],
    "layout": [],
    "readiness": {},
    "route": {},
    "framework": {},
    "application": {},
}


def _get_application(user, pk):
    """Reviewers only (403 for anyone who reviews nothing: the worker, HR, the panel), then the
    application if it is, or was, theirs to review (404 otherwise, the applicant included)."""
    require_staff(user)
    if not has_role(user, *COVERING_ROLES):
        raise PermissionDenied
    return can.get_application_to_review(user, pk)


def _name(user):
    return (user.get_full_name() or str(user)) if user is not None else ""


def _step_parts(application, sections):
    """(step, StepForm, saved answers of its sections, verified standards) for the steps of the
    route whose part of the form a reviewer writes: two queries, whatever the form's size."""
    workflow = route_workflow(application.route)
    steps = [
        step
        for step, key in (("review", "manager_report"), ("endorse", "endorsement_by"))
        if workflow.get(key)
    ]
    if not steps:
        return []
    saved = {
        answer.section: answer.values or {}
        for answer in ApplicationAnswer.objects.filter(application=application)
    }
    verified = {
        attestation.role: frozenset(attestation.standards or ())
        for attestation in Attestation.objects.filter(
            application=application, purpose=Attestation.Purpose.STANDARDS
        )
    }
    parts = []
    for step in steps:
        form = reviews.step_form(application, step, sections=sections)
        if form.fields:
            is_verified = bool(form.verifies) and set(form.verifies) <= verified.get(
                form.role, frozenset()
            )
            parts.append((step, form, saved, is_verified))
    return parts


def _report(step, form, saved, verified):
    """A reviewer's part as written, for those who read it; None while nothing is written."""
    written = _written(form, saved)
    if not (any(answer for _, answer in written) or verified):
        return None
    return {
        "title": REPORT_PARTS[step],
        "role": form.role,
        "rows": written,
        "verified": form.verifies if verified else (),
    }


def written_reports(application):
    """The manager's report and the endorsement as written. Once a step is taken its part no
    longer changes (only its holder writes it, before taking it), so the panel pack reads
    them as they stood when the review ended."""
    sections = application_sections(application=application)
    parts = _step_parts(application, sections)
    return [report for report in (_report(*part) for part in parts) if report]


def _written(form, saved):
    """(label, answer) of a step's part as written so far, for those who read it."""
    rows = []
    for section, fields in form.sections:
        values = saved.get(section.key) or {}
        for spec in fields:
            rows.append((spec.label, str(values.get(spec.key) or "")))
    return rows


def _page(
    request, application, *, step_values=None, return_form=None, comment_form=None, refusal=""
):
    """Everything the page shows. `step_values` is a bound StepValuesForm to show again with
    what was typed (after a refused save), and likewise the other forms."""
    user = request.user
    submissions = list(application.submissions.order_by("-number")[:2])
    latest = submissions[0] if submissions else None
    snapshot = {**EMPTY_SNAPSHOT, **(latest.snapshot if latest else {})}
    changes = (
        submission_changes(submissions[1].snapshot, latest.snapshot)
        if len(submissions) == 2
        else None
    )
    holder = current_holder(application)
    step = holder.step if holder is not None else None
    acting = can.acting_for(user, holder, application)
    holds = acting is not None
    sections = application_sections(application=application)
    parts = _step_parts(application, sections)
    form = None
    reports = []
    for part_step, part_form, saved, verified in parts:
        if holds and part_step == step:
            form = step_values or StepValuesForm(
                step_form=part_form, saved=saved, verified=verified
            )
            continue
        report = _report(part_step, part_form, saved, verified)
        if report:
            reports.append(report)
    # The live eligibility checks, with their numbers: what the coordinator confirms, and where
    # a manager's declaration turns "for a person to judge" into met or not met.
    eligibility = None
    if application.state in UNDER_REVIEW:
        readiness = application_readiness(application=application)
        eligibility = next(
            (group.lines for group in readiness.groups if group.key == "eligibility"), ()
        )
    return {
        "application": application,
        "applicant_name": _name(application.applicant),
        "where": _where(application),
        "submission": latest,
        "portfolio": portfolio_context(snapshot),
        "frozen_readiness": _frozen_readiness(snapshot["readiness"]),
        "changes": changes,
        "previous_submission": submissions[1] if len(submissions) == 2 else None,
        "step": step if holds else None,
        "step_name": reviews.STEP_NAMES.get(step, ""),
        "step_form": form,
        "step_button": FORM_STEPS.get(step, ""),
        "confirm_button": CONFIRM_BUTTON,
        "acting_for": (
            _name(User.objects.filter(pk=acting).first()) if holds and acting != user.pk else ""
        ),
        "reports": reports,
        "eligibility": eligibility,
        # Once returned it is with the worker: nothing more to return.
        "can_return": application.state in UNDER_REVIEW and can.is_reviewer(user, application),
        "return_form": return_form or ReturnForm(),
        "comments": reviews.comments_for(application, user),
        "timeline": queues.timeline(application=application, viewer=user),
        "comment_form_url": reverse("portfolios:review-comment", args=[application.pk]),
        "can_mark_reviewers_only": True,
        **_comment_context(comment_form),
        "errors": ([(refusal, "")] if refusal else [])
        + _errors(step_values, return_form, comment_form),
    }


def _where(application):
    """Where the application is, in words for a reviewer (where_is speaks to the worker)."""
    where = queues.where_is(application)
    if application.state in WITH_THE_WORKER:
        name = _name(application.applicant)
        return queues.Whereabouts(where.status, f"With {name} to change it and submit it again.")
    return where


def _frozen_readiness(data):
    """The readiness report as the snapshot froze it, with its statuses in words."""
    groups = [
        {
            "title": group.get("title", ""),
            "lines": [
                {**line, "status_label": STATUS_LABELS.get(line.get("status"), "")}
                for line in group.get("lines") or ()
            ],
        }
        for group in (data or {}).get("groups") or ()
    ]
    counts = (data or {}).get("counts") or {}
    return {
        "groups": groups,
        "met": counts.get(MET, 0),
        "not_met": counts.get(NOT_MET, 0),
        "to_judge": counts.get(JUDGEMENT, 0),
    }


def _errors(step_values, return_form, comment_form):
    """(message, link) for the page's error summary, from whichever form was refused."""
    errors = []
    for form, anchor in ((step_values, ""), (return_form, "#id_comment")):
        if form is None or not form.is_bound:
            continue
        for name, messages_ in form.errors.items():
            field = form.fields.get(name)
            # The first input of a date (day) or of radios, which the link should focus.
            suffix = ""
            if field is not None and hasattr(field, "fields"):
                suffix = "_0"
            elif field is not None and isinstance(field.widget, forms.RadioSelect):
                suffix = "_1"
            href = f"#id_{name}{suffix}" if name != "__all__" else anchor
            errors += [(message, href) for message in messages_]
    if comment_form is not None and comment_form.is_bound:
        errors += [(message, "#comment-body") for message in comment_form.errors.get("body", ())]
    return errors


def _comment_context(form):
    if form is None or not form.is_bound:
        return {}
    errors = form.errors.get("body") or form.non_field_errors()
    return {
        "comment_error": errors[0] if errors else "",
        "comment_body": form.data.get("body", ""),
        "comment_reviewers_only": bool(form.data.get("reviewers_only")),
    }


def _render(request, application, **bound):
    context = _page(request, application, **bound)
    return render(request, "portfolios/review_detail.html", context)


def review_detail(request, pk):
    application = _get_application(request.user, pk)
    if request.method != "POST":
        return _render(request, application)
    holder = current_holder(application)
    step = holder.step if holder is not None else None
    try:
        if step == "confirm_eligibility" and "confirm" in request.POST:
            result = reviews.step_complete(application=application, actor=request.user, step=step)
            return _done(request, application, result)
        if step not in FORM_STEPS or not can.holds_current_step(request.user, application):
            raise ApplicationError("There is nothing for you to complete on this application now")
    except ApplicationError as refused:
        return _render(request, application, refusal=str(refused))
    form = StepValuesForm(request.POST, step_form=reviews.step_form(application, step))
    if form.is_valid():
        try:
            if "complete" in request.POST:
                result = reviews.step_complete(
                    application=application, actor=request.user, step=step,
                    values=form.values(), verify=form.verify,
                )  # fmt: skip
                return _done(request, application, result)
            changed = reviews.step_form_save(
                application=application, actor=request.user, step=step,
                values=form.values(), verify=form.verify,
            )  # fmt: skip
        except ApplicationError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "Draft saved" if changed else "Nothing had changed")
            return redirect("portfolios:review-detail", pk=application.pk)
    return _render(request, application, step_values=form)


def _done(request, application, result):
    if result.changed:
        messages.success(request, result.message or "Done")
    else:
        messages.info(request, result.message)
    return redirect("portfolios:review-detail", pk=application.pk)


@require_POST
def review_return(request, pk):
    application = _get_application(request.user, pk)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            result = reviews.application_return(
                application=application, actor=request.user, comment=form.cleaned_data["comment"]
            )
        except ApplicationError as refused:
            form.add_error("comment", str(refused))
        else:
            return _done(request, application, result)
    return _render(request, application, return_form=form)


@require_POST
def review_comment(request, pk):
    application = _get_application(request.user, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            reviews.comment_add(
                application=application, author=request.user, body=form.cleaned_data["body"],
                reviewers_only=form.cleaned_data["reviewers_only"],
            )  # fmt: skip
        except ApplicationError as refused:
            form.add_error("body", str(refused))
        else:
            messages.success(request, "Your comment has been added")
            detail = reverse("portfolios:review-detail", args=[application.pk])
            return redirect(f"{detail}#comments")
    return _render(request, application, comment_form=form)
