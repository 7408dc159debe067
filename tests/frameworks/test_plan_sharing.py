"""A worker shares a development plan with their line manager or practice supervisor: those
people read it (home page and a read-only page), and nobody else sees anything."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from careerpath.models import AuditEvent, Notification, Organisation, User
from frameworks.models import Criterion, DevelopmentPlan, Framework, Level, Rule
from frameworks.permissions import can_view_shared_plan
from frameworks.services import development_plan_share


def medway_level():
    framework = Framework.objects.get(organisation__slug="medway", slug="family-worker", version=1)
    return Level.objects.filter(role__framework=framework).order_by("order").first()


@pytest.fixture
def plan(demo_people):
    worker = demo_people["medway.worker"]
    level = medway_level()
    plan = DevelopmentPlan.objects.create(person=worker, target_level=level)
    first = level.criteria.first()
    plan.actions = {str(first.pk): {"route": "acting_up", "note": "Cover the senior's leave"}}
    plan.save()
    return plan


def share(client, plan, **choices):
    client.force_login(plan.person)
    data = {name: "on" for name, chosen in choices.items() if chosen}
    return client.post(reverse("frameworks:plan-share", args=[plan.pk]), data)


def shared_url(plan):
    return reverse("frameworks:shared-plan-detail", args=[plan.pk])


def test_the_worker_shares_a_plan_with_their_line_manager_who_reads_it(client, demo_people, plan):
    line_manager = demo_people["medway.line-manager"]
    opened = plan.updated_at
    response = share(client, plan, line_manager=True)
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.shared_with_line_manager and not plan.shared_with_practice_supervisor
    assert plan.updated_at == opened  # sharing is not an edit: an open tab's save still works
    assert AuditEvent.objects.filter(action="development_plan_sharing_changed").exists()
    # The demo gives the line manager other notifications (reviews): this is the newest.
    told = Notification.objects.filter(recipient=line_manager).latest("pk")
    assert told.url == shared_url(plan)

    client.force_login(line_manager)
    home = client.get(reverse("careerpath:home")).content.decode()
    assert "Amara Okafor shared their development plan" in home
    assert shared_url(plan) in home
    page = client.get(shared_url(plan)).content.decode()
    assert "Cover the senior&#x27;s leave" in page and "Acting up" in page
    assert "<form" not in page.split("<main", 1)[1].split("</main>")[0]  # read-only
    assert "Update this plan" not in page


def test_the_practice_supervisor_sees_nothing_until_it_is_shared_with_them(
    client, demo_people, plan
):
    supervisor = demo_people["medway.practice-supervisor"]
    client.force_login(supervisor)
    assert client.get(shared_url(plan)).status_code == 404
    share(client, plan, line_manager=True)
    client.force_login(supervisor)
    assert client.get(shared_url(plan)).status_code == 404  # shared with the line manager only
    assert (
        "shared their development plan"
        not in client.get(reverse("careerpath:home")).content.decode()
    )
    share(client, plan, practice_supervisor=True)
    client.force_login(supervisor)
    assert client.get(shared_url(plan)).status_code == 200


def test_unsharing_hides_the_plan_again(client, demo_people, plan):
    share(client, plan, line_manager=True, practice_supervisor=True)
    share(client, plan)
    plan.refresh_from_db()
    assert not plan.is_shared
    client.force_login(demo_people["medway.line-manager"])
    assert client.get(shared_url(plan)).status_code == 404


def test_sharing_the_same_way_twice_changes_nothing_and_tells_nobody_again(demo_people, plan):
    worker = plan.person
    before = Notification.objects.filter(recipient=demo_people["medway.line-manager"]).count()
    told = development_plan_share(plan=plan, actor=worker, line_manager=True,
                                  practice_supervisor=False)  # fmt: skip
    assert told == [demo_people["medway.line-manager"]]
    events = AuditEvent.objects.count()
    assert development_plan_share(plan=plan, actor=worker, line_manager=True,
                                  practice_supervisor=False) == []  # fmt: skip
    assert AuditEvent.objects.count() == events
    told_now = Notification.objects.filter(recipient=demo_people["medway.line-manager"]).count()
    assert told_now == before + 1


def test_only_the_people_named_on_the_workers_record_can_read_it(demo_people, plan):
    development_plan_share(plan=plan, actor=plan.person, line_manager=True,
                           practice_supervisor=True)  # fmt: skip
    plan.refresh_from_db()
    readers = {name for name, person in demo_people.items() if can_view_shared_plan(person, plan)}
    assert readers == {"medway.line-manager", "medway.practice-supervisor"}


def test_a_manager_of_someone_else_and_another_councils_manager_get_404(client, demo_people, plan):
    share(client, plan, line_manager=True, practice_supervisor=True)
    for username in ("medway.team-manager", "lincolnshire.practice-supervisor"):
        client.force_login(demo_people[username])
        assert client.get(shared_url(plan)).status_code == 404, username
    client.force_login(demo_people["medway.family-worker"])
    assert client.get(shared_url(plan)).status_code == 403  # no managing role at all


def test_nobody_but_the_worker_can_share_their_plan(client, demo_people, plan):
    client.force_login(demo_people["medway.line-manager"])
    response = client.post(reverse("frameworks:plan-share", args=[plan.pk]),
                           {"line_manager": "on"})  # fmt: skip
    assert response.status_code == 404
    plan.refresh_from_db()
    assert not plan.is_shared


def test_a_worker_with_no_managers_on_record_is_told_so_and_shares_with_nobody(client, plan):
    worker = plan.person
    User.objects.filter(pk=worker.pk).update(line_manager=None, practice_supervisor=None)
    client.force_login(worker)
    html = client.get(reverse("frameworks:plan-detail", args=[plan.pk])).content.decode()
    assert "Your record names no line manager or practice supervisor" in html
    share(client, plan, line_manager=True, practice_supervisor=True)
    plan.refresh_from_db()
    assert not plan.is_shared


def test_the_plan_page_offers_sharing_with_the_managers_by_name(client, plan):
    client.force_login(plan.person)
    html = client.get(reverse("frameworks:plan-detail", args=[plan.pk])).content.decode()
    assert "Your line manager, Tom Bradley" in html
    assert "Your practice supervisor, Priya Shah" in html


def grow(level, extra):
    for number in range(extra):
        criterion = Criterion.objects.create(
            level=level, category="skills", order=100 + number, text=f"Extra {number}"
        )
        Rule.objects.create(criterion=criterion, type="max_words", parameters={"words": 500})


@pytest.mark.parametrize("size", [2, 20])
def test_shared_plan_query_budget(client, demo_people, django_assert_num_queries, plan, size):
    grow(plan.target_level, size)
    development_plan_share(plan=plan, actor=plan.person, line_manager=True,
                           practice_supervisor=False)  # fmt: skip
    client.force_login(demo_people["medway.line-manager"])
    # session, user, roles, organisation (every page); the plan with its person and level;
    # the criteria; their rules; what the worker has.
    with django_assert_num_queries(4 + 4):
        assert client.get(shared_url(plan)).status_code == 200


def test_home_page_lists_shared_plans_in_a_fixed_number_of_queries(client, demo_people):
    line_manager = demo_people["medway.line-manager"]
    medway = Organisation.objects.get(slug="medway")

    def add_shared_plans(n):
        for _ in range(n):
            person = User.objects.create(
                username=f"report-{User.objects.count()}", organisation=medway,
                line_manager=line_manager,
            )  # fmt: skip
            plan = DevelopmentPlan.objects.create(person=person, target_level=medway_level())
            development_plan_share(plan=plan, actor=person, line_manager=True,
                                   practice_supervisor=False)  # fmt: skip

    def home_queries():
        with CaptureQueriesContext(connection) as captured:
            html = client.get(reverse("careerpath:home")).content.decode()
        return len(captured), html.count("shared their development plan")

    client.force_login(line_manager)
    add_shared_plans(1)
    small, shown = home_queries()
    assert shown == 1
    add_shared_plans(9)
    assert home_queries() == (small, 10)
