"""Builders for the late-portfolio and move pages in the permission matrix."""

import datetime

from django.utils import timezone


def own_late_booking(owner):
    """A live booking, on a session of the owner's council whose deadline has passed, of a new
    worker's application still being written (made directly: Medway's routes name no panel)."""
    from careerpath.models import Organisation, User
    from frameworks.models import Framework, FrameworkStatus
    from panels.models import Booking, PanelSession
    from portfolios.models import Application

    organisation = owner.organisation or Organisation.objects.get(slug="medway")
    route = (
        Framework.objects.filter(
            organisation=organisation, status=FrameworkStatus.PUBLISHED, routes__isnull=False
        )
        .first()
        .routes.select_related("framework")
        .first()
    )
    starts_at = timezone.now() + datetime.timedelta(days=10)
    session = PanelSession.objects.create(
        organisation=organisation, route=route, framework_slug=route.framework.slug,
        route_code=route.code, starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=3), location="Room 1", capacity=6,
        submission_deadline=timezone.localdate(starts_at) - datetime.timedelta(days=14),
    )  # fmt: skip
    person = User.objects.create(
        username=f"late-for-{owner.username}-{User.objects.count()}", organisation=organisation
    )
    person.role_memberships.create(organisation=organisation, role="worker")
    application = Application.objects.create(
        applicant=person, organisation=organisation, route=route
    )
    return Booking.objects.create(application=application, session=session, booked_by=person)


def own_session_with_late_booking(owner):
    return {"pk": own_late_booking(owner).session_id}


def own_booking_to_move(owner):
    return {"pk": own_late_booking(owner).pk}
