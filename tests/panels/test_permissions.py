import pytest

from careerpath.models import Role
from panels.models import PanelSession
from panels.permissions import (
    can_edit_session,
    can_manage_session,
    can_view_session,
    routes_for_sessions,
    sessions_managed_by,
)

from .conftest import at

ROLES = [role.value.replace("_", "-") for role in Role]
USERNAME = {"progression-coordinator": "coordinator", "organisation-admin": "admin"}


def session_in(route):
    return PanelSession.objects.create(
        organisation_id=route.framework.organisation_id, route=route,
        framework_slug=route.framework.slug, route_code=route.code, starts_at=at(30),
        ends_at=at(30, 12), location="Room", capacity=4,
        submission_deadline=at(10).date(),
    )  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("organisation", ["lincolnshire", "dudley"])
def test_only_the_councils_own_coordinator_manages_its_sessions(
    demo_people, lincolnshire_route, role, organisation
):
    person = demo_people.get(f"{organisation}.{USERNAME.get(role, role)}")
    if person is None:
        pytest.skip(f"no demo {role} in {organisation}")
    session = session_in(lincolnshire_route)
    own = organisation == "lincolnshire"
    coordinator = role == "progression-coordinator"
    assert can_manage_session(person, session) is (own and coordinator)
    assert can_edit_session(person, session) is (own and coordinator)
    assert (session in sessions_managed_by(person)) is (own and coordinator)
    assert can_view_session(person, session) is own
    assert routes_for_sessions(person).exists() is coordinator


def test_a_cancelled_session_is_managed_but_not_edited(coordinator, lincolnshire_route):
    session = session_in(lincolnshire_route)
    session.status = "cancelled"
    assert can_manage_session(coordinator, session)
    assert not can_edit_session(coordinator, session)


def test_coordinators_arrange_sessions_only_for_published_routes_with_a_panel(demo_people):
    routes = routes_for_sessions(demo_people["dudley.coordinator"])
    assert sorted(routes.values_list("code", flat=True)) == ["ENTRY-RSW", "ENTRY-SWA", "SW-SSW"]
    assert not routes_for_sessions(demo_people["medway.coordinator"]).exists()
    assert list(routes_for_sessions(demo_people["lincolnshire.coordinator"]).values_list(
        "code", flat=True)) == ["L1-L2"]  # fmt: skip


def test_the_service_administrators_do_not_arrange_councils_panels(personas, lincolnshire_route):
    superuser = personas["superuser"]
    session = session_in(lincolnshire_route)
    assert not can_manage_session(superuser, session)
    assert not can_view_session(superuser, session)
    assert not sessions_managed_by(superuser).exists()
    assert not routes_for_sessions(superuser).exists()
