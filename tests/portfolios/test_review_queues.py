"""The reviewers' queue, their home page lines, the worker's "where is it", and the progression
coordinator's stuck reviews and reassignment.

Medway's routes are decided by the applicant's line manager, so a submitted Medway application
waits for one person by name: the "decide" step of medway.line-manager (who is also a practice
supervisor: two reviewing roles, each application once on the home page)."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from careerpath.models import AuditEvent, Organisation, User
from careerpath.services import delegation_create
from frameworks.models import FrameworkStatus, ProgressionRoute
from portfolios.applications import permissions as can
from portfolios.applications.queues import review_queue, stuck_reviews
from portfolios.applications.reviews import application_return
from portfolios.applications.steps import step_at
from portfolios.applications.workflow import ApplicationError
from portfolios.models import Application

pytestmark = pytest.mark.django_db

LIST = reverse("portfolios:review-list")
HOME = reverse("careerpath:home")


@pytest.fixture
def medway():
    return Organisation.objects.get(slug="medway")


@pytest.fixture
def route(medway):
    """A Medway route the line manager decides."""
    return next(
        route
        for route in ProgressionRoute.objects.filter(
            framework__organisation=medway, framework__status=FrameworkStatus.PUBLISHED
        ).select_related("framework")
        if step_at(route, "submitted") == "decide"
    )


@pytest.fixture
def line_manager(personas):
    return personas["line_manager"]


@pytest.fixture
def coordinator(personas):
    return personas["progression_coordinator"]


def waiting(route, count, *, line_manager, days_ago=2, prefix="queued"):
    """`count` submitted applications of newcomers managed by `line_manager`, each at the
    decision for `days_ago` calendar days (made directly, in bulk, for the sizes the query
    budget needs)."""
    organisation = route.framework.organisation
    start = User.objects.count()
    people = User.objects.bulk_create(
        [
            User(
                username=f"{prefix}-{start + n}", first_name="Applicant",
                last_name=f"{start + n:04d}",
                organisation=organisation, line_manager=line_manager,
            )
            for n in range(count)
        ]
    )  # fmt: skip
    now = timezone.now()
    applications = Application.objects.bulk_create(
        [
            Application(applicant=person, organisation=organisation, route=route,
                        state="submitted", submitted_at=now)
            for person in people
        ]
    )  # fmt: skip
    # state_changed_at is set on creation: move it back to when the step began.
    Application.objects.filter(pk__in=[a.pk for a in applications]).update(
        state_changed_at=now - datetime.timedelta(days=days_ago)
    )
    return list(Application.objects.filter(pk__in=[a.pk for a in applications]).order_by("pk"))


def mine(rows, applications):
    ids = {application.pk for application in applications}
    return [row for row in rows if row.application.pk in ids]


# --- The queue --------------------------------------------------------------------------------


def test_the_queue_lists_what_waits_oldest_first_and_marks_the_overdue(client, route, line_manager):
    recent = waiting(route, 1, line_manager=line_manager, days_ago=2)[0]
    old = waiting(route, 1, line_manager=line_manager, days_ago=40)[0]
    middle = waiting(route, 1, line_manager=line_manager, days_ago=7)[0]

    rows = mine(review_queue(user=line_manager), [recent, old, middle])

    assert [row.application for row in rows] == [old, middle, recent]
    assert [row.overdue for row in rows] == [True, False, False]
    assert rows[0].action == "Decide"
    assert rows[0].service_level == 10
    client.force_login(line_manager)
    page = client.get(LIST).content.decode()
    urls = [reverse("portfolios:review-detail", args=[r.application.pk]) for r in rows]
    positions = [page.index(url) for url in urls]
    assert positions == sorted(positions)
    assert page.count('govuk-tag--red">Overdue') >= 1
    assert rows[0].waited_text in page


@pytest.mark.parametrize("persona", ["worker", "panel_member", "hr", "framework_editor"])
def test_only_people_with_a_reviewing_role_reach_the_queue(client, personas, persona):
    client.force_login(personas[persona])
    assert client.get(LIST).status_code == 403


def test_the_queue_shows_whom_a_delegate_acts_for_and_records_it(
    client, route, line_manager, personas
):
    delegate = personas["practice_supervisor"]
    application = waiting(route, 1, line_manager=line_manager)[0]
    today = timezone.localdate()
    delegation_create(
        delegator=line_manager, delegate=delegate, starts_on=today,
        ends_on=today + datetime.timedelta(days=5), reason="Annual leave",
        created_by=line_manager,
    )  # fmt: skip

    [row] = mine(review_queue(user=delegate), [application])
    assert row.acting_for == line_manager.pk
    client.force_login(delegate)
    name = line_manager.get_full_name()
    assert f"for {name}" in client.get(LIST).content.decode()
    assert f"for {name}" in client.get(HOME).content.decode()

    # What the delegate does is recorded by them, for the line manager.
    application_return(application=application, actor=delegate, comment="Add a case example")
    event = AuditEvent.objects.get(action="application.return", target_id=str(application.pk))
    assert event.actor == delegate
    assert event.details["for"] == line_manager.pk


def test_people_without_a_reviewing_role_have_no_reviews_link(client, personas, line_manager):
    client.force_login(personas["worker"])
    assert f'href="{LIST}"' not in client.get(HOME).content.decode()
    client.force_login(line_manager)
    assert f'href="{LIST}"' in client.get(HOME).content.decode()


# --- The home page ----------------------------------------------------------------------------


def test_the_home_page_lists_five_then_links_to_the_rest_once_per_application(
    client, route, line_manager
):
    applications = waiting(route, 7, line_manager=line_manager, days_ago=30)
    client.force_login(line_manager)
    page = client.get(HOME).content.decode()

    total = len(review_queue(user=line_manager))
    assert f"See all {total} reviews waiting for you" in page
    details = re.findall(r'href="/[^"]*reviews/(\d+)/"', page)
    assert len(details) == 5  # five, although he is both line manager and practice supervisor
    assert len(set(details)) == 5
    assert applications[0].applicant.get_full_name() + ": Decide" in page
    assert "Overdue. Waiting" in page


def test_the_worker_sees_who_holds_their_submitted_application(client, demo_people):
    worker = demo_people["medway.adult-worker"]
    application = Application.objects.get(applicant=worker, state="submitted")
    client.force_login(worker)
    page = client.get(HOME).content.decode()
    manager = application.applicant.line_manager.get_full_name()
    status = application.get_state_display()
    assert f"{status}. With {manager} (line manager) to decide." in page


# --- Stuck reviews and reassignment -----------------------------------------------------------


def test_the_coordinator_sees_stuck_reviews_with_who_holds_them(
    client, route, line_manager, coordinator
):
    overdue = waiting(route, 1, line_manager=line_manager, days_ago=40)[0]
    nobody = waiting(route, 1, line_manager=None, days_ago=1)[0]
    on_time = waiting(route, 1, line_manager=line_manager, days_ago=1)[0]

    stuck = mine(stuck_reviews(user=coordinator), [overdue, nobody, on_time])
    assert [row.application for row in stuck] == [overdue, nobody]
    client.force_login(coordinator)
    page = client.get(LIST).content.decode()
    assert "Stuck reviews" in page
    assert "No one: the applicant has no line manager on record" in page
    assert line_manager.get_full_name() in page
    assert reverse("portfolios:review-reassign", args=[nobody.pk]) in page
    assert reverse("portfolios:review-reassign", args=[on_time.pk]) not in page


def test_managers_see_no_stuck_reviews(client, route, line_manager):
    waiting(route, 1, line_manager=line_manager, days_ago=40)
    client.force_login(line_manager)
    assert "Stuck reviews" not in client.get(LIST).content.decode()


def test_only_the_coordinator_reassigns(client, route, line_manager):
    application = waiting(route, 1, line_manager=line_manager)[0]
    client.force_login(line_manager)
    url = reverse("portfolios:review-reassign", args=[application.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": "x"}).status_code == 403


def test_the_reassign_page_offers_the_councils_managers_but_never_the_applicant(
    client, route, line_manager, coordinator, personas, demo_people
):
    application = waiting(route, 1, line_manager=line_manager)[0]
    client.force_login(coordinator)
    page = client.get(reverse("portfolios:review-reassign", args=[application.pk]))
    assert page.status_code == 200
    choices = set(page.context["form"].fields["person"].queryset)
    assert personas["team_manager"] in choices
    assert coordinator in choices
    assert application.applicant not in choices
    assert personas["worker"] not in choices  # a worker holds no reviewing role
    assert demo_people["lincolnshire.worker"] not in choices


@pytest.mark.parametrize("whom", ["other_council", "applicant", "worker", "missing"])
def test_reassigning_to_someone_not_allowed_is_refused_and_keeps_what_was_typed(
    client, route, line_manager, coordinator, personas, demo_people, whom
):
    application = waiting(route, 1, line_manager=line_manager)[0]
    other_council_manager = next(
        person
        for person in demo_people.values()
        if person.organisation.slug != "medway"
        and person.role_memberships.filter(role="line_manager").exists()
    )
    person_id = {
        "other_council": other_council_manager.pk,
        "applicant": application.applicant_id,
        "worker": personas["worker"].pk,
        "missing": 10**9,
    }[whom]
    client.force_login(coordinator)
    url = reverse("portfolios:review-reassign", args=[application.pk])

    response = client.post(url, {"person": person_id, "reason": "Tom is on long-term leave"})

    assert response.status_code == 200
    assert "Choose a manager or coordinator of your council" in response.content.decode()
    assert "Tom is on long-term leave" in response.content.decode()
    application.refresh_from_db()
    assert application.reassigned_to_id is None
    assert not AuditEvent.objects.filter(
        action="application.reassign", target_id=str(application.pk)
    ).exists()


def test_a_reassignment_needs_a_reason(client, route, line_manager, coordinator, personas):
    application = waiting(route, 1, line_manager=line_manager)[0]
    client.force_login(coordinator)
    response = client.post(
        reverse("portfolios:review-reassign", args=[application.pk]),
        {"person": personas["team_manager"].pk, "reason": "  "},
    )
    assert response.status_code == 200
    assert "Say why the review is reassigned" in response.content.decode()
    application.refresh_from_db()
    assert application.reassigned_to_id is None


def test_the_new_holder_takes_the_step_and_the_old_one_cannot(
    client, route, line_manager, coordinator, personas
):
    application = waiting(route, 1, line_manager=line_manager, days_ago=40)[0]
    new_holder = personas["practice_supervisor"]
    client.force_login(coordinator)

    response = client.post(
        reverse("portfolios:review-reassign", args=[application.pk]),
        {"person": new_holder.pk, "reason": "Tom is on long-term leave"},
    )

    assert response.status_code == 302
    assert response["Location"] == LIST
    application = Application.objects.select_related("applicant", "route__framework").get(
        pk=application.pk
    )
    assert application.reassigned_to == new_holder
    event = AuditEvent.objects.get(action="application.reassign", target_id=str(application.pk))
    assert event.actor == coordinator
    assert event.details["to"] == new_holder.pk
    assert event.details["from"] == [line_manager.pk]
    assert event.details["reason"] == "Tom is on long-term leave"
    # It leaves the old holder's queue for the new holder's.
    assert mine(review_queue(user=line_manager), [application]) == []
    assert mine(review_queue(user=new_holder), [application])
    assert not can.holds_current_step(line_manager, application)
    with pytest.raises(ApplicationError):
        application_return(application=application, actor=line_manager, comment="Not mine now")
    application_return(application=application, actor=new_holder, comment="Add a case example")
    application.refresh_from_db()
    assert application.state == "returned"
    returned = AuditEvent.objects.get(action="application.return", target_id=str(application.pk))
    assert returned.actor == new_holder
    assert "for" not in returned.details  # they act as themselves, not for the line manager


def test_a_review_not_waiting_cannot_be_reassigned(client, route, line_manager, coordinator):
    application = waiting(route, 1, line_manager=line_manager)[0]
    application_return(application=application, actor=line_manager, comment="Add a case example")
    client.force_login(coordinator)
    response = client.get(reverse("portfolios:review-reassign", args=[application.pk]))
    assert response.status_code == 302
    assert response["Location"] == LIST


def test_another_councils_review_is_not_found(client, coordinator, demo_people):
    lincolnshire = Organisation.objects.get(slug="lincolnshire")
    route = next(
        route
        for route in ProgressionRoute.objects.filter(
            framework__organisation=lincolnshire, framework__status=FrameworkStatus.PUBLISHED
        ).select_related("framework")
        if step_at(route, "submitted") not in (None, "hear")
    )
    application = waiting(route, 1, line_manager=None, prefix="lincs")[0]
    client.force_login(coordinator)
    url = reverse("portfolios:review-reassign", args=[application.pk])
    assert client.get(url).status_code == 404


# --- Query budgets: a queue of 3 costs what a queue of 300 costs ---------------------------------


def _queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


# The queue page: the session, the user, their roles, whom they cover for today, the applications
# with their applicant, route, framework and council (one query), the header's council; the
# coordinator adds the stuck reviews (one query) and the names of who holds them (one).
QUEUE_QUERIES = {"line_manager": 6, "progression_coordinator": 8}


@pytest.mark.parametrize("persona", ["line_manager", "progression_coordinator"])
@pytest.mark.parametrize("url", [LIST, HOME])
def test_the_queue_and_the_home_page_cost_the_same_at_3_and_300(
    client, route, line_manager, personas, persona, url
):
    """The home page adds its other sections' own reads to the queue's; neither grows with
    the number of applications waiting."""
    waiting(route, 3, line_manager=line_manager, days_ago=40)
    client.force_login(personas[persona])
    client.get(url)  # warm the content type and session caches
    small = _queries(client, url)
    waiting(route, 297, line_manager=line_manager, days_ago=40)
    large = _queries(client, url)
    assert large == small
    page = client.get(url).content.decode()
    if url == LIST:
        assert small == QUEUE_QUERIES[persona]
        assert page.count("Overdue</strong>") >= 300


def test_the_reassign_page_costs_the_same_with_3_and_33_people_to_choose_from(
    client, route, line_manager, coordinator, medway
):
    """The session, the user, their roles, whom they cover for, the application (with its
    applicant, route, framework and council), the current holder's name (for the coordinator's
    line, and again for where_is's), the people to choose from, the header's council: the same
    however many managers the council has."""
    from careerpath.models import RoleMembership

    application = waiting(route, 1, line_manager=line_manager)[0]
    url = reverse("portfolios:review-reassign", args=[application.pk])
    client.force_login(coordinator)
    client.get(url)
    small = _queries(client, url)
    managers = User.objects.bulk_create(
        [User(username=f"manager-{n}", organisation=medway) for n in range(30)]
    )
    RoleMembership.objects.bulk_create(
        [RoleMembership(user=m, organisation=medway, role="line_manager") for m in managers]
    )
    large = _queries(client, url)
    assert small == large == 9
    assert "manager-29" in client.get(url).content.decode()
