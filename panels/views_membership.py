"""The coordinator's page of who sits on a session, and the members' panel pack."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render

from careerpath.models import User
from panels import services_membership as services
from panels.membership import conflicts_for, members_of
from panels.models import MemberRole, SessionMember, SessionStatus
from panels.pack import (
    get_pack_application_for,
    get_pack_seat_for,
    latest_submission_of,
    pack_for,
)
from panels.permissions import get_session_for
from panels.services import PanelSessionError
from portfolios.applications.pdf import portfolio_context
from portfolios.applications.views_reviews import written_reports


def council_staff(organisation_id):
    """The people a coordinator may seat: active staff of the council, by name."""
    return (
        User.objects.filter(
            organisation_id=organisation_id, is_active=True, role_memberships__isnull=False
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


class MemberAddForm(forms.Form):
    person = forms.ModelChoiceField(
        queryset=User.objects.none(),
        error_messages={
            "required": "Choose who will sit on the panel",
            "invalid_choice": "Choose someone on your council's staff",
        },
    )
    role = forms.ChoiceField(
        choices=MemberRole.choices, error_messages={"required": "Choose their role"}
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people


class ConflictForm(forms.Form):
    reason = forms.CharField(
        max_length=2000,
        error_messages={"required": "Say why you cannot judge this application"},
    )


def _name(person):
    return person.get_full_name() or person.username


def session_members(request, pk):
    session = get_session_for(request.user, pk)
    people = council_staff(session.organisation_id)
    form = MemberAddForm(people=people)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "add":
                form = MemberAddForm(request.POST, people=people)
                if form.is_valid():
                    member = services.member_add(
                        session=session, person=form.cleaned_data["person"],
                        role=form.cleaned_data["role"], actor=request.user,
                    )  # fmt: skip
                    messages.success(request, f"{_name(member.person)} added to the panel")
                    return redirect("panels:session-members", pk=session.pk)
            elif action == "remove":
                member = SessionMember.objects.filter(
                    session=session, pk=request.POST.get("member") or 0
                ).first()
                if member is None:
                    raise PanelSessionError("That person no longer sits on this panel")
                services.member_remove(member=member, actor=request.user)
                messages.success(request, f"{_name(member.person)} removed from the panel")
                return redirect("panels:session-members", pk=session.pk)
            elif action == "release":
                if services.pack_release(session=session, actor=request.user):
                    messages.success(request, "Pack released: the members have been told")
                else:
                    messages.info(request, "The pack had already been released")
                return redirect("panels:session-members", pk=session.pk)
        except PanelSessionError as error:
            field = error.field if error.field in form.fields else None
            if action == "add":
                form.add_error(field, str(error))
            else:
                form = MemberAddForm(people=people)
                form.add_error(None, str(error))
    return render(request, "panels/session_members.html", {
        "session": session, "members": members_of(session), "form": form,
        "people": people, "roles": MemberRole.choices,
        "can_change": session.status != SessionStatus.CANCELLED,
    })  # fmt: skip


def pack(request, pk):
    seat = get_pack_seat_for(request.user, pk)
    released = seat.session.pack_released_at is not None
    return render(request, "panels/pack.html", {
        "seat": seat, "session": seat.session, "released": released,
        "entries": pack_for(seat=seat) if released else [],
    })  # fmt: skip


def pack_application(request, pk, application_pk):
    seat, application = get_pack_application_for(request.user, pk, application_pk)
    form = ConflictForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            services.conflict_declare(
                member=seat, application=application,
                reason=form.cleaned_data["reason"], actor=request.user,
            )  # fmt: skip
        except PanelSessionError as error:
            form.add_error("reason" if error.field == "reason" else None, str(error))
        else:
            messages.success(request, "Conflict declared: you will not judge this application")
            return redirect("panels:pack-application", pk=seat.session_id,
                            application_pk=application.pk)  # fmt: skip
    if not form.is_bound:
        services.pack_opened(member=seat, application=application)
    submission = latest_submission_of(application)
    return render(request, "panels/pack_application.html", {
        "seat": seat, "session": seat.session, "application": application,
        "applicant_name": _name(application.applicant),
        "conflicts": conflicts_for(request.user, application),
        "submission": submission,
        "portfolio": portfolio_context(submission.snapshot) if submission else None,
        "reports": written_reports(application),
        "form": form,
    })  # fmt: skip
