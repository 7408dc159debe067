"""The coordinator's pages for late portfolios and moving a booking to a later session."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render

from panels.forms_moves import BookingMoveForm
from panels.models import Booking
from panels.permissions import can_manage_session, get_session_for, require_coordinator
from panels.selectors_moves import (
    deadline_passed,
    late_bookings_of,
    later_sessions_for,
    with_space,
)
from panels.services_moves import booking_move
from portfolios.applications.booking import BookingError
from portfolios.applications.readiness import application_readiness


def session_late(request, pk):
    """The session's late portfolios, once its deadline has passed, each with a way to move it."""
    session = get_session_for(request.user, pk)
    later = with_space(later_sessions_for(session=session))
    return render(request, "panels/session_late.html", {
        "session": session, "bookings": late_bookings_of(session=session),
        "deadline_passed": deadline_passed(session), "can_move": bool(later),
    })  # fmt: skip


def get_booking_to_move(user, pk):
    """A live booking on one of the coordinator's sessions (404 otherwise), with its session,
    application and applicant."""
    require_coordinator(user)
    booking = (
        Booking.objects.select_related(
            "session__route__framework", "session__organisation", "application__applicant",
            "application__route",
        )
        .filter(pk=pk, cancelled_at__isnull=True)
        .first()
    )  # fmt: skip
    if booking is None or not can_manage_session(user, booking.session):
        raise Http404
    return booking


def booking_move_view(request, pk):
    booking = get_booking_to_move(request.user, pk)
    sessions = later_sessions_for(session=booking.session)
    form = BookingMoveForm(request.POST if request.method == "POST" else None, sessions=sessions)
    if form.is_valid():
        try:
            moved = booking_move(booking=booking, actor=request.user,
                                 session=int(form.cleaned_data["session"]),
                                 reason=form.cleaned_data["reason"])  # fmt: skip
        except BookingError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            messages.success(request, f"{booking.application.applicant} moved to {moved.session}")
            return redirect("panels:session-late", booking.session_id)
    return render(request, "panels/booking_move.html", {
        "booking": booking, "session": booking.session, "form": form,
        "offered": with_space(sessions),
        "readiness": application_readiness(application=booking.application),
    })  # fmt: skip
