"""Managers agree, in one click, that a worker may book a panel place (the route's attestation
rule): only the applicant's own practice supervisor and team manager, in their own council."""

import pytest
from django.urls import reverse

from careerpath.models import AuditEvent
from portfolios.applications.agreement import (
    AgreementError,
    agreement_complete,
    applications_awaiting_agreement,
    attestation_record,
)
from portfolios.applications.services import application_start
from portfolios.models import Attestation
from tests.panels.booking_factories import new_worker
from tests.portfolios.application_factories import start


@pytest.fixture
def worker(demo_people):
    return new_worker(demo_people["lincolnshire.worker"], "sam")


@pytest.fixture
def application(worker, lincolnshire_route):
    return application_start(applicant=worker, route=lincolnshire_route)


@pytest.fixture
def lincolnshire_route(db):
    from frameworks.models import ProgressionRoute

    return ProgressionRoute.objects.select_related("framework").get(
        framework__organisation__slug="lincolnshire", framework__status="published", code="L1-L2"
    )


def test_the_applicants_own_supervisor_and_team_manager_agree(application, worker):
    supervisor, manager = worker.practice_supervisor, worker.team_manager
    attestation, created = attestation_record(
        application=application, role="practice_supervisor", person=supervisor
    )
    assert created and attestation.person == supervisor
    assert not agreement_complete(application)
    attestation_record(application=application, role="team_manager", person=manager)
    application.refresh_from_db()
    assert agreement_complete(application)
    assert (
        AuditEvent.objects.filter(
            action="application_agreed", target_id=str(application.pk)
        ).count()
        == 2
    )


def test_agreeing_again_changes_nothing(application, worker):
    supervisor = worker.practice_supervisor
    attestation_record(application=application, role="practice_supervisor", person=supervisor)
    again, created = attestation_record(
        application=application, role="practice_supervisor", person=supervisor
    )
    assert not created
    assert Attestation.objects.filter(application=application).count() == 1


@pytest.mark.parametrize(
    "who, role",
    [
        ("lincolnshire.team-manager", "practice_supervisor"),  # not their role
        ("lincolnshire.practice-supervisor", "team_manager"),
        ("lincolnshire.coordinator", "practice_supervisor"),
        ("dudley.practice-supervisor", "practice_supervisor"),  # another council
        ("dudley.team-manager", "team_manager"),
        ("lincolnshire.worker", "practice_supervisor"),  # a peer
    ],
)
def test_nobody_else_agrees(application, demo_people, who, role):
    with pytest.raises(AgreementError):
        attestation_record(application=application, role=role, person=demo_people[who])
    assert not Attestation.objects.filter(application=application).exists()


def test_a_supervisor_of_someone_else_cannot_agree(application, worker, demo_people):
    other = new_worker(worker, "other-supervisor")
    other.role_memberships.create(organisation=worker.organisation, role="practice_supervisor")
    with pytest.raises(AgreementError, match="own practice supervisor"):
        attestation_record(application=application, role="practice_supervisor", person=other)


def test_the_list_shows_only_ones_own_people_waiting(client, application, worker, demo_people):
    supervisor = worker.practice_supervisor
    waiting = applications_awaiting_agreement(user=supervisor)
    assert application in [item.application for item in waiting]
    client.force_login(demo_people["dudley.practice-supervisor"])
    html = client.get(reverse("portfolios:agreement-list")).content.decode()
    assert str(worker) not in html
    # A worker who agrees for nobody is refused; another council's manager cannot post.
    response = client.post(reverse("portfolios:application-agree", args=[application.pk]))
    assert response.status_code == 404


def test_one_click_records_the_agreement_and_tells_the_worker(
    client, application, worker, django_capture_on_commit_callbacks
):
    from careerpath.models import Notification

    client.force_login(worker.team_manager)
    html = client.get(reverse("portfolios:agreement-list")).content.decode()
    assert str(worker) in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portfolios:application-agree", args=[application.pk]))
    assert response.status_code == 302
    assert Attestation.objects.filter(application=application, role="team_manager").exists()
    assert Notification.objects.filter(recipient=worker, subject__contains="agreed").exists()
    waiting = applications_awaiting_agreement(user=worker.team_manager)
    assert application not in [item.application for item in waiting]


@pytest.mark.parametrize("people", [1, 10])
def test_agreement_list_query_budget(
    client, worker, lincolnshire_route, people, django_assert_num_queries
):
    for number in range(people):
        application_start(applicant=new_worker(worker, f"w{number}"), route=lincolnshire_route)
    client.force_login(worker.practice_supervisor)
    # session, user, roles; the applications with applicants, routes and frameworks; the
    # routes' rules; the attestations; the organisation (header)
    with django_assert_num_queries(7):
        response = client.get(reverse("portfolios:agreement-list"))
    assert response.content.decode().count("Agree<span") >= people


def test_where_the_coordinator_books_the_agreement_is_support_not_a_panel_place(
    demo_people, client
):
    from frameworks.models import ProgressionRoute

    route = ProgressionRoute.objects.select_related("framework").get(
        framework__organisation__slug="dudley", framework__status="published", code="SW-SSW"
    )
    worker = new_worker(demo_people["dudley.worker"], "dudley-sam")
    application = start(applicant=worker, route=route)
    [item] = [
        item
        for item in applications_awaiting_agreement(user=worker.team_manager)
        if item.application == application
    ]
    assert item.purpose.startswith("has your support") and "panel" not in item.purpose
    client.force_login(worker.team_manager)
    html = client.get(reverse("portfolios:agreement-list")).content.decode()
    assert f"That {worker} has your support" in html
