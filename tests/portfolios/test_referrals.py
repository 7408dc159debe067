"""Referral (Dudley): the team manager, or whoever covers for them, refers a worker they manage
after supervision confirms the criteria; the referral opens the application for the worker.
Everything posted is checked again on the server."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from careerpath.models import Delegation, Notification, Organisation
from frameworks.models import ProgressionRoute
from portfolios.models import Application, ApplicationState, Referral
from tests.portfolios.review_factories import managed_worker, route_in

pytestmark = pytest.mark.django_db

LIST = reverse("portfolios:referral-list")
CREATE = reverse("portfolios:referral-create")


@pytest.fixture
def dudley(db):
    return Organisation.objects.get(slug="dudley")


@pytest.fixture
def route(db):
    return route_in("dudley", "SW-SSW")


@pytest.fixture
def team_manager(demo_people):
    return demo_people["dudley.team-manager"]


@pytest.fixture
def staff(dudley, team_manager):
    return managed_worker(dudley, line_manager=team_manager, team_manager=team_manager,
                          name="Priya")  # fmt: skip


def _posted(worker, route, **values):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    data = {
        "worker": worker.pk,
        "route": route.pk,
        "supervision_on_0": yesterday.day,
        "supervision_on_1": yesterday.month,
        "supervision_on_2": yesterday.year,
        "decision": "Supervision on 3 November confirmed every criterion for SSW.",
    }
    data.update(values)
    return data


def test_the_team_manager_sees_the_people_they_manage_with_a_refer_link(
    client, team_manager, staff, route
):
    client.force_login(team_manager)
    response = client.get(LIST)
    assert response.status_code == 200
    page = response.content.decode()
    assert staff.get_full_name() in page
    assert f"{CREATE}?worker={staff.pk}&amp;route={route.pk}" in page


def test_the_refer_link_chooses_the_worker_and_route(client, team_manager, staff, route):
    client.force_login(team_manager)
    response = client.get(CREATE, {"worker": staff.pk, "route": route.pk})
    assert response.status_code == 200
    form = response.context["form"]
    assert form["worker"].value() == staff.pk
    assert form["route"].value() == route.pk


def test_a_referral_opens_the_application_for_the_worker(client, team_manager, staff, route):
    client.force_login(team_manager)
    response = client.post(CREATE, _posted(staff, route))
    assert response.status_code == 302
    application = Application.objects.get(applicant=staff, route=route)
    assert application.state == ApplicationState.DRAFTING
    referral = Referral.objects.get(application=application)
    assert referral.referred_by == team_manager
    assert referral.on_behalf_of is None
    assert referral.decision.startswith("Supervision on 3 November")
    assert Notification.objects.filter(recipient=staff, subject__contains="referred").exists()
    # The list now shows the open application and the referral made, with its dates.
    page = client.get(LIST).content.decode()
    assert "Drafting" in page
    assert referral.supervision_on.strftime("%-d %B %Y") in page


def _refused(client, data, message):
    before = Referral.objects.count()
    response = client.post(CREATE, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert Referral.objects.count() == before
    return page


def test_another_councils_worker_is_refused(client, team_manager, route, personas):
    client.force_login(team_manager)
    stranger = personas["other_organisation_worker"]
    _refused(client, _posted(stranger, route), "Choose a worker you manage from the list")


def test_another_councils_route_is_refused(client, team_manager, staff):
    client.force_login(team_manager)
    lincs_route = ProgressionRoute.objects.filter(
        framework__organisation__slug="lincolnshire", framework__status="published"
    ).first()
    _refused(client, _posted(staff, lincs_route),
             "Choose a route that opens by referral from the list")  # fmt: skip


def test_a_route_that_does_not_open_by_referral_is_refused(client, team_manager, staff):
    client.force_login(team_manager)
    _refused(client, _posted(staff, route_in("dudley", "ENTRY-SWA")),
             "Choose a route that opens by referral from the list")  # fmt: skip


def test_a_worker_someone_else_manages_is_refused(client, team_manager, dudley, route, demo_people):
    other_manager = demo_people["dudley.practice-supervisor"]
    not_theirs = managed_worker(dudley, line_manager=other_manager, team_manager=other_manager)
    client.force_login(team_manager)
    _refused(client, _posted(not_theirs, route), "Choose a worker you manage from the list")


def test_a_supervision_date_in_the_future_is_refused_and_what_was_typed_is_kept(
    client, team_manager, staff, route
):
    client.force_login(team_manager)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    page = _refused(
        client,
        _posted(staff, route, supervision_on_0=tomorrow.day, supervision_on_1=tomorrow.month,
                supervision_on_2=tomorrow.year),
        "The date of the supervision must be today or in the past",
    )  # fmt: skip
    assert "Supervision on 3 November confirmed every criterion" in page
    assert not Application.objects.filter(applicant=staff).exists()


def test_an_empty_decision_is_refused(client, team_manager, staff, route):
    client.force_login(team_manager)
    _refused(client, _posted(staff, route, decision="   "),
             "Record your decision: why supervision confirms the criteria")  # fmt: skip


def test_a_worker_with_an_open_application_on_the_route_is_not_referred_twice(
    client, team_manager, staff, route
):
    client.force_login(team_manager)
    assert client.post(CREATE, _posted(staff, route)).status_code == 302
    response = client.post(CREATE, _posted(staff, route))
    assert response.status_code == 200
    assert Referral.objects.filter(application__applicant=staff).count() == 1
    assert response.context["form"].non_field_errors()


def test_whoever_covers_for_the_team_manager_refers_for_them(
    client, team_manager, staff, route, demo_people, dudley
):
    colleague = demo_people["dudley.practice-supervisor"]
    today = timezone.localdate()
    Delegation.objects.create(
        organisation=dudley, delegator=team_manager, delegate=colleague, starts_on=today,
        ends_on=today + datetime.timedelta(days=5), created_by=team_manager,
    )  # fmt: skip
    client.force_login(colleague)
    assert staff.get_full_name() in client.get(LIST).content.decode()
    assert client.post(CREATE, _posted(staff, route)).status_code == 302
    referral = Referral.objects.get(application__applicant=staff)
    assert (referral.referred_by, referral.on_behalf_of) == (colleague, team_manager)


def test_people_who_do_not_refer_are_refused(client, demo_people):
    client.force_login(demo_people["dudley.practice-supervisor"])
    assert client.get(LIST).status_code == 403
    assert client.post(CREATE, {}).status_code == 403


# --- The worker's side ----------------------------------------------------------------------


def test_the_worker_is_told_their_team_manager_refers_them_and_cannot_start(client, staff, route):
    client.force_login(staff)
    page = client.get(reverse("portfolios:application-start-choose")).content.decode()
    assert "Your team manager refers you for this route" in page
    start = reverse("portfolios:application-start", args=[route.pk])
    page = client.get(start).content.decode()
    assert "Your team manager refers you for this route" in page
    assert "Start the application" not in page
    response = client.post(start)
    assert response.status_code == 200
    assert not Application.objects.filter(applicant=staff).exists()


def test_once_referred_the_worker_carries_on_with_the_application(
    client, team_manager, staff, route
):
    client.force_login(team_manager)
    client.post(CREATE, _posted(staff, route))
    application = Application.objects.get(applicant=staff, route=route)
    client.force_login(staff)
    page = client.get(reverse("portfolios:application-start-choose")).content.decode()
    assert reverse("portfolios:application-detail", args=[application.pk]) in page
    assert "Your team manager refers you for this route" not in page


# --- Query budget -----------------------------------------------------------------------------


def _list_queries(client, team_manager, dudley, route, count):
    for n in range(count):
        worker = managed_worker(dudley, line_manager=team_manager, team_manager=team_manager,
                                name=f"Staff{n}")  # fmt: skip
        if n % 2:
            Referral.objects.create(
                application=Application.objects.create(
                    applicant=worker, organisation=dudley, route=route
                ),
                referred_by=team_manager, supervision_on=timezone.localdate(), decision="Yes",
            )  # fmt: skip
    client.force_login(team_manager)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST)
    assert response.status_code == 200
    return len(queries)


def test_the_referral_list_costs_the_same_for_3_and_30_staff(client, team_manager, dudley, route):
    # session, user, roles, cover held, the council's referral routes, the people managed,
    # their open applications, the referrals made with their people, organisation (header).
    few = _list_queries(client, team_manager, dudley, route, 3)
    many = _list_queries(client, team_manager, dudley, route, 27)
    assert few == many == 9


def test_the_service_refuses_a_supervision_date_in_the_future(team_manager, staff, route):
    from portfolios.applications.reviews import referral_create
    from portfolios.applications.workflow import ApplicationError

    with pytest.raises(ApplicationError, match="today or in the past"):
        referral_create(
            referrer=team_manager, worker=staff, route=route,
            supervision_on=timezone.localdate() + datetime.timedelta(days=1), decision="Yes",
        )  # fmt: skip
    assert not Application.objects.filter(applicant=staff).exists()
