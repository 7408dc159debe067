"""A development plan, and links, survive a new version of the framework they were made on."""

import pytest
from django.urls import reverse

from frameworks.models import DevelopmentPlan, Framework, FrameworkStatus, Level
from frameworks.permissions import can_view_framework, register_version_work_check
from frameworks.services import framework_copy_to_draft, framework_publish, framework_retire


def family_worker(version=1):
    return Framework.objects.get(organisation__slug="medway", slug="family-worker", version=version)


@pytest.fixture
def plan(demo_people):
    level = Level.objects.get(role__framework=family_worker(), code="FWB")
    return DevelopmentPlan.objects.create(
        person=demo_people["medway.family-worker"], target_level=level
    )


@pytest.fixture
def version_2(demo_people):
    """The editor copies the framework to a draft and publishes it: version 1 is retired."""
    editor = demo_people["medway.framework-editor"]
    draft = framework_copy_to_draft(framework=family_worker(), actor=editor)
    return framework_publish(framework=draft, actor=editor)


def test_a_plan_stays_readable_after_a_new_version_is_published(client, demo_people, plan):
    client.force_login(demo_people["medway.family-worker"])
    editor = demo_people["medway.framework-editor"]
    draft = framework_copy_to_draft(framework=family_worker(), actor=editor)
    framework_publish(framework=draft, actor=editor)

    response = client.get(reverse("frameworks:plan-detail", args=[plan.pk]))
    assert response.status_code == 200  # was 404
    html = response.content.decode()
    assert "Development plan: Family Worker, FWB" in html
    assert "A newer version of" in html
    newer = Level.objects.get(role__framework=draft, code="FWB")
    assert reverse("frameworks:self-assessment", args=[newer.pk]) in html
    # The plan is kept as it was made: no updating it against the retired version.
    assert reverse(
        "frameworks:self-assessment-update", args=[plan.target_level_id, plan.pk]
    ) not in (html)


def test_a_plan_on_the_current_version_says_nothing_about_newer_versions(client, demo_people, plan):
    client.force_login(demo_people["medway.family-worker"])
    html = client.get(reverse("frameworks:plan-detail", args=[plan.pk])).content.decode()
    assert "A newer version of" not in html
    assert "Update this plan" in html


def test_the_retired_versions_pages_stay_readable_to_people_with_plans_on_it(
    client, demo_people, plan, version_2
):
    old = family_worker()
    role = old.roles.get()
    client.force_login(demo_people["medway.family-worker"])
    for url in (
        reverse("frameworks:framework-detail", args=[old.pk]),
        reverse("frameworks:role-detail", args=[role.pk]),
        reverse("frameworks:level-compare", args=[old.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "retired" in html
        assert reverse("frameworks:framework-detail", args=[version_2.pk]) in html


def test_the_retired_version_is_not_shown_to_people_without_work_on_it(
    client, demo_people, plan, version_2
):
    old = family_worker()
    client.force_login(demo_people["medway.worker"])  # no plan on the family worker framework
    assert client.get(reverse("frameworks:framework-detail", args=[old.pk])).status_code == 404
    assert client.get(reverse("frameworks:role-detail", args=[old.roles.get().pk])).status_code == (
        404
    )
    client.force_login(demo_people["lincolnshire.worker"])
    assert client.get(reverse("frameworks:plan-detail", args=[plan.pk])).status_code == 404


def test_a_link_to_a_retired_routes_leads_to_the_same_route_in_the_current_version(
    client, demo_people, version_2
):
    old_route = family_worker().routes.get(code="FWA-FWB")
    new_route = version_2.routes.get(code="FWA-FWB")
    for person in ("medway.family-worker", "medway.worker", "medway.hr"):
        client.force_login(demo_people[person])
        response = client.get(reverse("frameworks:route-detail", args=[old_route.pk]))
        assert response.status_code == 302, person
        assert response["Location"] == reverse("frameworks:route-detail", args=[new_route.pk])


def test_an_editor_reads_the_retired_route_with_a_link_to_the_current_one(
    client, demo_people, version_2
):
    old_route = family_worker().routes.get(code="FWA-FWB")
    new_route = version_2.routes.get(code="FWA-FWB")
    client.force_login(demo_people["medway.framework-editor"])
    response = client.get(reverse("frameworks:route-detail", args=[old_route.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "retired" in html
    assert reverse("frameworks:route-detail", args=[new_route.pk]) in html


def test_a_retired_route_with_no_successor_is_shown_to_those_allowed_else_404(
    client, demo_people, plan
):
    editor = demo_people["medway.framework-editor"]
    framework_retire(framework=family_worker(), actor=editor)  # nothing replaces it
    route = family_worker().routes.get(code="FWA-FWB")
    url = reverse("frameworks:route-detail", args=[route.pk])
    client.force_login(demo_people["medway.family-worker"])  # has a plan on it
    response = client.get(url)
    assert response.status_code == 200
    assert "No version replaces it" in response.content.decode()
    client.force_login(demo_people["medway.worker"])
    assert client.get(url).status_code == 404
    client.force_login(demo_people["lincolnshire.framework-editor"])  # another council
    assert client.get(url).status_code == 404


def test_a_route_of_another_council_is_never_redirected(client, demo_people, version_2):
    old_route = family_worker().routes.get(code="FWA-FWB")
    client.force_login(demo_people["lincolnshire.worker"])
    assert client.get(reverse("frameworks:route-detail", args=[old_route.pk])).status_code == 404


def test_other_apps_can_keep_a_retired_version_readable_to_people_with_work_on_it(
    demo_people, version_2
):
    from frameworks import permissions

    old = family_worker()
    person = demo_people["medway.worker"]
    assert old.status == FrameworkStatus.RETIRED
    assert not can_view_framework(person, old)

    def has_application(user, framework):
        return user.pk == person.pk and framework.pk == old.pk

    register_version_work_check(has_application)
    try:
        assert can_view_framework(person, old)
    finally:
        permissions._version_work_checks.remove(has_application)


# Query budgets for the plan page on a retired version, and the retired route for an editor.


@pytest.mark.parametrize("extra_plans", [0, 10])
def test_plan_on_a_retired_version_query_budget(
    client, demo_people, plan, version_2, django_assert_num_queries, extra_plans
):
    person = demo_people["medway.family-worker"]
    for _ in range(extra_plans):
        DevelopmentPlan.objects.create(person=person, target_level=plan.target_level)
    client.force_login(person)
    # 4 as every page (session, user, roles, organisation); the plan; its level (with role and
    # framework); whether the person has work on the retired version; the published version;
    # the same level in it; the criteria, their rules; what the person has; their line manager
    # and practice supervisor, to share the plan with; the panel's deferrals of the person.
    with django_assert_num_queries(4 + 10):
        client.get(reverse("frameworks:plan-detail", args=[plan.pk]))


@pytest.mark.parametrize("criteria", [0, 10])
def test_retired_route_query_budget(
    client, demo_people, version_2, django_assert_num_queries, criteria
):
    from frameworks.models import Criterion, Rule

    route = family_worker().routes.get(code="FWA-FWB")
    for number in range(criteria):
        criterion = Criterion.objects.create(
            level=route.to_level, category="skills", order=100 + number, text=f"Extra {number}"
        )
        Rule.objects.create(criterion=criterion, type="max_words", parameters={"words": 5})
    client.force_login(demo_people["medway.framework-editor"])
    # 4 as every page; the route with its framework and levels; its rules; the route with the
    # same code in the published version, with its framework.
    with django_assert_num_queries(4 + 3):
        client.get(reverse("frameworks:route-detail", args=[route.pk]))


# The retired version's pages for a plan holder: the published page's queries, plus whether the
# person has work on the version, and the version that replaced it.
RETIRED_PAGE_EXTRA = 2


@pytest.mark.parametrize("page", ["framework", "role", "compare"])
@pytest.mark.parametrize("criteria", [0, 10])
def test_retired_pages_query_budget(client, demo_people, plan, version_2, page, criteria):
    from frameworks.models import Criterion, Rule
    from tests.frameworks.test_pages import BUDGETS, queries

    old = family_worker()
    role = old.roles.get()
    for level in role.levels.all():
        for number in range(criteria):
            criterion = Criterion.objects.create(
                level=level, category="skills", order=100 + number, text=f"Extra {number}"
            )
            Rule.objects.create(criterion=criterion, type="max_words", parameters={"words": 5})
    client.force_login(demo_people["medway.family-worker"])
    url = {
        "framework": reverse("frameworks:framework-detail", args=[old.pk]),
        "role": reverse("frameworks:role-detail", args=[role.pk]),
        "compare": reverse("frameworks:level-compare", args=[old.pk]),
    }[page]
    # The compare page without a choice made runs fewer queries than BUDGETS["compare"]: the
    # framework, and the two select lists (count and rows each).
    published = {"framework": BUDGETS["framework"], "role": BUDGETS["role"], "compare": 4 + 5}
    assert queries(client, url) == published[page] + RETIRED_PAGE_EXTRA
