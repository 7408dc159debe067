import contextlib
import datetime

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from careerpath.permissions import require_staff
from panels import selectors, services
from panels.calendar import booking_invitation_ics
from panels.capacity import extra_session_offers
from panels.forms import BookingForm, ProposalsForm, SessionForm
from panels.permissions import (
    can_edit_session,
    get_application_to_book,
    get_route_for_sessions,
    get_session_for,
    require_coordinator,
)
from panels.scheduling import has_regular_cadence, lead_days, propose_sessions
from panels.selectors_moves import late_flags_for
from portfolios.applications.agreement import agreement_missing, agreement_status
from portfolios.applications.booking import (
    COORDINATOR_BOOKS,
    WORKER_BOOKS,
    BookingError,
    booking_mode,
)


def _report(form, error):
    """A service's refusal shown on the form, on its field when it names one."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error))


def session_list(request):
    require_coordinator(request.user)
    groups = selectors.session_list_for(user=request.user)
    sessions = [session for group in groups for session in group["sessions"]]
    late = late_flags_for(user=request.user)
    for session in sessions:
        session.late_count = late.get(session.pk, 0)
    return render(request, "panels/session_list.html", {
        "groups": groups, "now": timezone.now(),
        "offers": extra_session_offers(user=request.user, sessions=sessions),
    })  # fmt: skip


def _create_initial(request, routes):
    """What the create form starts with: the usual times, and the route and date an extra
    session offer (panels.capacity) links with, when they are one of the coordinator's routes
    and a real date."""
    initial = {"start_time": "10:00", "end_time": "13:00"}
    route = request.GET.get("route", "")
    if route.isdigit() and routes.filter(pk=route).exists():
        initial["route"] = int(route)
    with contextlib.suppress(ValueError):
        initial["date"] = datetime.date.fromisoformat(request.GET.get("date", ""))
    return initial


def session_create(request):
    require_coordinator(request.user)
    routes = selectors.session_routes_for(user=request.user)
    form = SessionForm(request.POST if request.method == "POST" else None, routes=routes,
                       initial=_create_initial(request, routes))  # fmt: skip
    if form.is_valid():
        data = form.cleaned_data
        try:
            session = services.panel_session_create(
                actor=request.user, route=data["route"],
                starts_at=services.local_datetime(data["date"], data["start_time"]),
                ends_at=services.local_datetime(data["date"], data["end_time"]),
                capacity=data["capacity"], meeting_url=data["meeting_url"],
                location=data["location"], submission_deadline=data["submission_deadline"],
                notes=data["notes"],
            )  # fmt: skip
        except services.PanelSessionError as error:
            _report(form, error)
        else:
            messages.success(request, f"Panel session added: {session}")
            return redirect("panels:session-list")
    return render(request, "panels/session_create.html", {"form": form, "routes": routes})


def session_edit(request, pk):
    session = get_session_for(request.user, pk)
    form = SessionForm(request.POST if request.method == "POST" else None, session=session,
                       initial=selectors.session_initial(session=session))  # fmt: skip
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.panel_session_update(
                session=session, actor=request.user, seen_version=data["saved_version"],
                starts_at=services.local_datetime(data["date"], data["start_time"]),
                ends_at=services.local_datetime(data["date"], data["end_time"]),
                capacity=data["capacity"], meeting_url=data["meeting_url"],
                location=data["location"], submission_deadline=data["submission_deadline"],
                notes=data["notes"],
            )  # fmt: skip
        except services.PanelSessionError as error:
            _report(form, error)
            if error.code == "stale":  # show the session as it is now; saving again may go ahead
                session.refresh_from_db()
                form.data = form.data.copy()
                form.data["saved_version"] = services.session_version(session)
        else:
            messages.success(request, f"Panel session saved: {session}")
            return redirect("panels:session-list")
    bookings = selectors.live_bookings_of(session=session)
    return render(request, "panels/session_edit.html", {
        "form": form, "session": session, "bookings": bookings, "places_taken": len(bookings),
        "can_edit": can_edit_session(request.user, session),
    })  # fmt: skip


@require_POST
def session_cancel(request, pk):
    session = get_session_for(request.user, pk)
    try:
        services.panel_session_cancel(session=session, actor=request.user)
    except services.PanelSessionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Panel session cancelled: {session}")
    return redirect("panels:session-list")


def session_propose(request):
    require_coordinator(request.user)
    if "route" not in request.GET:
        return render(request, "panels/session_propose.html", {
            "routes": selectors.session_routes_for(user=request.user),
        })  # fmt: skip
    route = get_route_for_sessions(request.user, request.GET["route"])
    proposed = propose_sessions(panel=route.panel, year_start=timezone.localdate())
    arranged = selectors.arranged_dates(route=route)
    proposals = [proposal for proposal in proposed if proposal.date not in arranged]
    form = ProposalsForm(request.POST if request.method == "POST" else None, proposals=proposals)
    if proposals and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.panel_sessions_create_from_proposals(
                actor=request.user, route=route, dates=form.chosen_dates(),
                start_time=data["start_time"], end_time=data["end_time"],
                capacity=data["capacity"], meeting_url=data["meeting_url"],
                location=data["location"],
            )  # fmt: skip
        except services.PanelSessionError as error:
            _report(form, error)
        else:
            count = f"{len(created)} panel session{'' if len(created) == 1 else 's'}"
            messages.success(request, f"{count} added for {route.title}")
            return redirect("panels:session-list")
    return render(request, "panels/session_propose.html", {
        "route": route, "form": form, "proposals": proposals,
        "arranged": sorted(day for day in arranged if day >= timezone.localdate()),
        "regular": has_regular_cadence(route.panel), "lead_days": lead_days(route.panel),
    })  # fmt: skip


def session_upcoming(request):
    require_staff(request.user)
    return render(request, "panels/session_upcoming.html", {
        "groups": selectors.upcoming_sessions_for(user=request.user),
    })  # fmt: skip


# --- The worker's booking ---------------------------------------------------------------------


def booking_create(request, pk):
    """Book a place on the route's panel: offered once the managers have agreed, listing the
    sessions open for portfolios, with places left and when the worker will be eligible."""
    application = get_application_to_book(request.user, pk)
    mode = booking_mode(application.route)
    if mode == WORKER_BOOKS and selectors.live_booking_for(application=application):
        return redirect("panels:booking-detail", application.pk)
    missing = agreement_missing(application) if mode == WORKER_BOOKS else []
    choices = form = None
    if mode == WORKER_BOOKS and not missing:
        choices = selectors.booking_choices_for(application=application)
        form = BookingForm(request.POST if request.method == "POST" else None, choices=choices)
    if form is not None and form.is_valid():
        try:
            services.booking_create(application=application, actor=request.user,
                                    session=int(form.cleaned_data["session"]))  # fmt: skip
        except BookingError as error:
            _report(form, error)
        else:
            messages.success(request, "Your place on the panel is booked")
            return redirect("panels:booking-detail", application.pk)
    return render(request, "panels/booking_create.html", {
        "application": application, "worker_books": mode == WORKER_BOOKS,
        "coordinator_books": mode == COORDINATOR_BOOKS, "missing": missing,
        "agreed": agreement_status(application), "choices": choices, "form": form,
    })  # fmt: skip


def booking_detail(request, pk):
    """The worker's place: the session, the standards allocated to them, the deadline."""
    application = get_application_to_book(request.user, pk)
    booking = selectors.live_booking_for(application=application)
    if booking is None:
        return redirect("panels:application-book", application.pk)
    return render(request, "panels/booking_detail.html", {
        "application": application, "booking": booking, "session": booking.session,
        "standards": selectors.allocated_standards_of(application=application),
        "can_cancel": booking.session.starts_at > timezone.now(),
    })  # fmt: skip


@require_POST
def booking_cancel(request, pk):
    application = get_application_to_book(request.user, pk)
    booking = selectors.live_booking_for(application=application)
    if booking is None:
        messages.info(request, "You have no panel place booked")
        return redirect("panels:application-book", application.pk)
    try:
        services.booking_cancel(booking=booking, actor=request.user)
    except BookingError as error:
        messages.error(request, str(error))
        return redirect("panels:booking-detail", application.pk)
    messages.success(request, "You gave up your place. Your standards stay the same.")
    return redirect("panels:application-book", application.pk)


def booking_calendar(request, pk):
    """The calendar invitation for the worker's session, to download."""
    application = get_application_to_book(request.user, pk)
    booking = selectors.live_booking_for(application=application)
    if booking is None:
        raise Http404
    response = HttpResponse(
        booking_invitation_ics(booking=booking),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="panel-session.ics"'
    return response
