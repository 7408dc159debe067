"""What a panel booking writes onto an application: the allocated standards (with the seed that
reproduces the draw, who drew them and when), the panel date and the submission deadline.

The panels app owns sessions and bookings and calls these services; portfolios never imports
panels. Which routes let the worker book is data on the route (booking_mode)."""

from django.db import transaction
from django.utils import timezone

from careerpath.services import audit_record
from portfolios.models import CLOSED_STATES, Application

WORKER_BOOKS = "worker_books_after_agreement"
COORDINATOR_BOOKS = "coordinator_books_after_referral"


class BookingError(Exception):
    """A booking that cannot be made, with a message for the person who tried; `field` names
    the form field it is about, when there is one."""

    def __init__(self, message, *, field=None):
        super().__init__(message)
        self.field = field


def booking_mode(route):
    """How a place on the route's panel is booked: WORKER_BOOKS, COORDINATOR_BOOKS or None (no
    panel). Read from the route's workflow data; a route without it is read from its panel and
    standards policy (dated months and standards allocated at booking mean the worker books)."""
    workflow = getattr(route, "workflow", None)
    if isinstance(workflow, dict) and "booking" in workflow:
        return workflow["booking"] or None
    panel, policy = route.panel or {}, route.standards_policy or {}
    if not panel:
        return None
    if panel.get("months") and policy.get("mode") == "allocated":
        return WORKER_BOOKS
    return COORDINATOR_BOOKS


def worker_books(route):
    return booking_mode(route) == WORKER_BOOKS


def _locked(application):
    return Application.objects.select_for_update(of=("self",)).get(pk=application.pk)


@transaction.atomic
def application_record_booking(
    *, application, panel_date, submission_deadline, standards, seed, actor
):
    """Write a booking onto the application. The first booking's allocation stands: booking
    again (another session after a cancellation) keeps the standards already drawn, so the
    worker can never redraw them. Returns the application as saved."""
    application = _locked(application)
    if application.state in CLOSED_STATES:
        raise BookingError(
            f"This application is {application.get_state_display().lower()}: "
            "it cannot be booked on a panel"
        )
    fields = ["panel_date", "submission_deadline"]
    application.panel_date = panel_date
    application.submission_deadline = submission_deadline
    first_allocation = application.allocated_at is None
    if first_allocation:
        application.allocated_standards = sorted(int(number) for number in standards)
        application.allocation_seed = str(seed)
        application.allocated_by = actor
        application.allocated_at = timezone.now()
        fields += ["allocated_standards", "allocation_seed", "allocated_by", "allocated_at"]
    application.save(update_fields=fields)
    audit_record(
        actor=actor, action="application_booked", target=application,
        details={
            "panel_date": panel_date.isoformat(),
            "submission_deadline": submission_deadline.isoformat(),
            "standards": application.allocated_standards,
            "seed": application.allocation_seed,
            "allocated_now": first_allocation,
        },
    )  # fmt: skip
    return application


@transaction.atomic
def application_record_booking_cancelled(*, application, actor):
    """The place was given up: no panel date or deadline until the next booking. The allocated
    standards stay (a new booking keeps them)."""
    application = _locked(application)
    if application.panel_date is None and application.submission_deadline is None:
        return application
    old = {
        "panel_date": application.panel_date.isoformat() if application.panel_date else None,
        "submission_deadline": application.submission_deadline.isoformat()
        if application.submission_deadline
        else None,
    }
    application.panel_date = application.submission_deadline = None
    application.save(update_fields=["panel_date", "submission_deadline"])
    audit_record(
        actor=actor, action="application_booking_cancelled", target=application, details=old
    )
    return application


# --- Where the worker books: panels registers its pages (portfolios never imports panels) ------

_booking_pages = {}


def register_booking_pages(*, book, booked):
    """panels registers two functions of an application's pk returning the URLs of the page
    that books a place and the page that shows the booked place."""
    _booking_pages.update(book=book, booked=booked)


def booking_link(application):
    """(label, url) for the application overview on routes where the worker books, else None.
    Reads only the application and its route: no queries."""
    if not _booking_pages or not worker_books(application.route):
        return None
    if application.state in CLOSED_STATES:
        return None
    if application.panel_date is not None:
        return "Your panel place", _booking_pages["booked"](application.pk)
    return "Book your panel place", _booking_pages["book"](application.pk)
