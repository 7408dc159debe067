"""The progression coordinator's bookings (routes whose coordinator books after referral, and
new hearings after an upheld appeal) and the session's agenda."""

from django.contrib import messages
from django.shortcuts import redirect, render

from panels import coordinator_bookings as queue
from panels import selectors, services
from panels.agenda import agenda_for, get_agenda_session_for
from panels.forms_bookings import CoordinatorBookingForm
from panels.permissions import can_manage_session, require_coordinator
from panels.scheduling import lead_days
from portfolios.applications.booking import BookingError


def booking_queue(request):
    require_coordinator(request.user)
    return render(request, "panels/booking_queue.html", {
        "applications": queue.applications_to_book(request.user),
    })  # fmt: skip


def coordinator_book(request, pk):
    """Book a waiting application onto a session of its route with a place left, at least the
    route's lead time away. The service checks the council, the state and the session again."""
    application = queue.get_application_to_book_for(request.user, pk)
    live = selectors.live_booking_for(application=application)
    refusal = queue.refusal(application)
    offers = form = None
    if live is None and refusal is None:
        offers = queue.session_offers(application)
        form = CoordinatorBookingForm(
            request.POST if request.method == "POST" else None, offers=offers
        )
    if form is not None and form.is_valid():
        try:
            booking = services.booking_create(
                application=application,
                actor=request.user,
                session=int(form.cleaned_data["session"]),
            )
        except BookingError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            name = application.applicant.get_full_name() or str(application.applicant)
            messages.success(request, f"{name} is booked on the panel: they have been told")
            return redirect("panels:agenda", booking.session_id)
    return render(request, "panels/coordinator_book.html", {
        "application": application, "live": live, "refusal": refusal, "offers": offers,
        "form": form, "lead_days": lead_days(application.route.panel)[0],
    })  # fmt: skip


def agenda(request, pk):
    session = get_agenda_session_for(request.user, pk)
    return render(request, "panels/agenda.html", {
        "agenda": agenda_for(session), "session": session,
        "can_manage": can_manage_session(request.user, session),
    })  # fmt: skip
