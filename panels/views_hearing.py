"""The chair's hearing page: for one application on the session's released pack, record who
sat, a judgement per allocated standard (or criterion), the outcome the route allows, reasons,
further work and a later session with a deferral, and targets. One save is one decision
(panels.decisions.decision_record); a second chair saving the same hearing is told it is done."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone

from panels.decisions import (
    DecisionError,
    decision_for,
    decision_record,
    judgeable_criteria,
    judged_by_standard,
    later_sessions_for,
)
from panels.forms_decisions import DecisionForm
from panels.membership import JUDGING_ROLES, conflicts_by_application, members_of
from panels.models import MemberRole
from panels.pack import get_pack_application_for
from panels.selectors import allocated_standards_of
from portfolios.applications.steps import step_at


def _name(person):
    return person.get_full_name() or person.username


def seats_that_may_sit(session, application):
    """The session's members who may sit on this hearing: everyone seated, less those who
    cannot judge this application (an observer sits but never judges)."""
    seats = members_of(session)
    return [
        seat
        for seat in seats
        if seat.role not in JUDGING_ROLES
        or not conflicts_by_application(seat.person, [application])[application.pk]
    ]


def hearing(request, pk, application_pk):
    seat, application = get_pack_application_for(request.user, pk, application_pk)
    if seat.role != MemberRole.CHAIR:
        raise PermissionDenied  # members read the pack; the chair records the decision
    session = seat.session
    context = {
        "session": session, "application": application,
        "applicant_name": _name(application.applicant),
    }  # fmt: skip
    if step_at(application.route, application.state) != "decide":
        context["decision"] = decision_for(application)
        return render(request, "panels/hearing_decided.html", context)
    conflicts = conflicts_by_application(request.user, [application])[application.pk]
    if conflicts:
        context["conflicts"] = conflicts
        return render(request, "panels/hearing_conflicted.html", context, status=403)
    session_day = timezone.localdate(session.starts_at)
    if session_day > timezone.localdate():
        # The decision is recorded as it is made, at the hearing: not before the panel sits.
        context["panel_day"] = session_day
        return render(request, "panels/hearing_not_yet.html", context)
    form = DecisionForm(
        request.POST if request.method == "POST" else None,
        application=application,
        criteria=[] if judged_by_standard(application) else judgeable_criteria(application),
        standards=allocated_standards_of(application=application),
        members=seats_that_may_sit(session, application),
        later_sessions=later_sessions_for(application, after=session_day),
        heard_on=session_day,
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            decision_record(
                application=application, actor=request.user, outcome=data["outcome"],
                heard_on=data["heard_on"], sat=form.sat(), judgements=form.judgements(),
                targets=form.targets(), reasons=data["reasons"],
                further_work=data["further_work"], suggested_session=form.suggested_session(),
                session=session,
            )  # fmt: skip
        except DecisionError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            messages.success(
                request, f"Decision recorded for {context['applicant_name']}: they have been told"
            )
            return redirect("panels:pack", pk=session.pk)
    context["form"] = form
    return render(request, "panels/hearing.html", context)
