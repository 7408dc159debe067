"""The reviewers' queue (what waits for each person, oldest first; the coordinator's stuck
reviews) and the coordinator's reassignment of a stuck review."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from careerpath.models import Role, User
from careerpath.permissions import has_role
from portfolios.applications.home_reviews import covered_names, full_name, holds_reviewing_role
from portfolios.applications.permissions import get_application_to_review
from portfolios.applications.queues import holder_names, review_queue, stuck_reviews, where_is
from portfolios.applications.reviews import STEP_NAMES, review_reassign
from portfolios.applications.steps import MANAGER_FIELDS, UNDER_REVIEW, current_holder
from portfolios.applications.workflow import ApplicationError

# Who a review may be handed to: the council's managers and progression coordinators (the
# service checks the same again).
REASSIGNABLE_ROLES = (*MANAGER_FIELDS, Role.PROGRESSION_COORDINATOR)


def review_list(request):
    if not holds_reviewing_role(request.user):
        raise PermissionDenied
    waiting = review_queue(user=request.user)
    names = covered_names(waiting)
    stuck = []
    if has_role(request.user, Role.PROGRESSION_COORDINATOR):
        stuck_rows = stuck_reviews(user=request.user)
        people = holder_names([row.holder for row in stuck_rows])
        stuck = [(row, _held_by(row.holder, people)) for row in stuck_rows]
    return render(request, "portfolios/review_list.html", {
        "waiting": [(row, names.get(row.acting_for, "")) for row in waiting],
        "stuck": stuck,
        "is_coordinator": has_role(request.user, Role.PROGRESSION_COORDINATOR),
        # Team managers refer (Dudley); the referral page says who else may.
        "can_refer": has_role(request.user, Role.TEAM_MANAGER),
    })  # fmt: skip


def _held_by(holder, people):
    """Who holds a step, in words for the coordinator."""
    names = [full_name(people[pk]) for pk in holder.person_ids if pk in people]
    if names:
        return " and ".join(names) + (" (reassigned)" if holder.reassigned else "")
    if holder.by_name:
        return f"No one: the applicant has no {holder.role_label} on record"
    return f"Any {holder.role_label}"


class ReassignForm(forms.Form):
    person = forms.ModelChoiceField(
        queryset=User.objects.none(), label="Who should take the review?",
        empty_label="Choose a person",
        error_messages={"required": "Choose who should take the review",
                        "invalid_choice": "Choose a manager or coordinator of your council"},
    )  # fmt: skip
    reason = forms.CharField(
        label="Why are you reassigning it?", max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The person you choose reads this, and it stays on the application's record.",
        error_messages={"required": "Say why the review is reassigned",
                        "max_length": "The reason must be 500 characters or fewer"},
    )  # fmt: skip

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        # The choices are the application's council's people only: a posted id from anywhere
        # else is an invalid choice.
        self.fields["person"].queryset = (
            User.objects.filter(
                organisation_id=application.organisation_id,
                is_active=True,
                role_memberships__organisation_id=application.organisation_id,
                role_memberships__role__in=REASSIGNABLE_ROLES,
            )
            .exclude(pk=application.applicant_id)
            .distinct()
            .order_by("last_name", "first_name", "pk")
        )
        self.fields["person"].label_from_instance = full_name
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.select("person", legend_size=Size.SMALL),
            Field.textarea("reason", rows=3),
        )


def review_reassign_view(request, pk):
    if not has_role(request.user, Role.PROGRESSION_COORDINATOR):
        raise PermissionDenied
    application = get_application_to_review(request.user, pk)
    holder = current_holder(application) if application.state in UNDER_REVIEW else None
    if holder is None or holder.at_panel:
        messages.info(request, "This application is not waiting for a review to reassign")
        return redirect("portfolios:review-list")
    form = ReassignForm(request.POST if request.method == "POST" else None, application=application)
    if form.is_valid():
        try:
            review_reassign(
                application=application, actor=request.user,
                to=form.cleaned_data["person"], reason=form.cleaned_data["reason"],
            )  # fmt: skip
        except ApplicationError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request,
                f"{full_name(form.cleaned_data['person'])} now holds the review of "
                f"{full_name(application.applicant)}'s application",
            )
            return redirect("portfolios:review-list")
    return render(request, "portfolios/review_reassign.html", {
        "application": application, "form": form, "where": where_is(application),
        "held_by": _held_by(holder, holder_names([holder])), "step": STEP_NAMES[holder.step],
    })  # fmt: skip
