"""Sessions with members, booked submitted applications and released packs, for the pack tests
and the permission matrix (made directly: Medway's routes name no panel, so the coordinator's
pages would not offer them)."""

from django.utils import timezone

from careerpath.models import Organisation, Role
from careerpath.permissions import has_role
from frameworks.models import FrameworkStatus, ProgressionRoute
from panels.models import Booking, MemberRole, SessionMember
from portfolios.applications.steps import route_workflow
from tests.panels.booking_factories import session_on
from tests.portfolios.review_factories import managed_worker, submitted_application


def plain_route(organisation):
    """A published route of the council that the worker starts themselves (no referral)."""
    routes = (
        ProgressionRoute.objects.filter(
            framework__organisation=organisation, framework__status=FrameworkStatus.PUBLISHED
        )
        .select_related("framework", "to_level")
        .order_by("framework__slug", "order")
    )
    return next(route for route in routes if not route_workflow(route)["referral_by"])


def booked_application(session, *, booked_by, **managers):
    """A new worker's application on the session's route, submitted and booked on it."""
    worker = managed_worker(session.organisation, **managers)
    application = submitted_application(worker, session.route)
    Booking.objects.create(application=application, session=session, booked_by=booked_by)
    return application


def seat(session, person, role=MemberRole.MEMBER):
    return SessionMember.objects.create(session=session, person=person, role=role, added_by=person)


def pack_session(owner, *, released=True):
    """A session of the owner's council with one booked application; the owner sits on it when
    they are a panel member."""
    organisation = owner.organisation or Organisation.objects.get(slug="medway")
    session = session_on(plain_route(organisation), days=30)
    application = booked_application(session, booked_by=owner)
    if released:
        session.pack_released_at = timezone.now()
        session.save(update_fields=["pack_released_at"])
    if owner.organisation_id and has_role(owner, Role.PANEL_MEMBER):
        seat(session, owner)
    return session, application


def own_pack(owner):
    session, _ = pack_session(owner)
    return {"pk": session.pk}


def own_pack_application(owner):
    session, application = pack_session(owner)
    return {"pk": session.pk, "application_pk": application.pk}


def own_hearing(owner):
    """For the permission matrix: the owner chairs a session with a released pack and one
    application waiting for its decision."""
    session, application = pack_session(owner)
    SessionMember.objects.filter(session=session, person=owner).update(role=MemberRole.CHAIR)
    return {"pk": session.pk, "application_pk": application.pk}
