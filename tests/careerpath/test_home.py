import pytest
from django.urls import reverse

from careerpath.models import Notification


def test_the_home_page_has_a_section_for_each_role_the_person_holds(client, demo_people):
    client.force_login(demo_people["medway.team-manager"])
    html = client.get(reverse("careerpath:home")).content.decode()
    assert "Applications to endorse" in html
    assert "Reports to write" in html
    assert "Appeals to decide" not in html
    # Empty states say what will appear there.
    assert "waiting for your endorsement to attend panel appear here" in html


def test_the_header_names_the_persons_council_not_gov_uk(client, demo_people):
    client.force_login(demo_people["dudley.hr"])
    html = client.get(reverse("careerpath:home")).content.decode()
    assert "Dudley Council" in html
    assert "GOV.UK" not in html
    assert "govuk-header__logotype" not in html


def test_someone_without_a_role_is_told_to_ask_for_one(client, demo_people):
    person = demo_people["medway.worker"]
    person.role_memberships.all().delete()
    client.force_login(person)
    html = client.get(reverse("careerpath:home")).content.decode()
    assert "You have no roles" in html


# Query budgets: the same number of queries whatever the amount of data.
QUERY_BUDGETS = {
    # session, user, organisation (header), roles, unread count; as a worker: the current level,
    # the matching framework level, the routes from it and their rules, the plans; the evidence
    # library count; the signed observations of their practice; their open applications (to
    # book a panel place; none here); their open applications with routes (a line each); the
    # decisions they may still appeal; for everyone: their line manager and practice
    # supervisor, the council's published frameworks
    "careerpath:home": 5 + 5 + 1 + 1 + 1 + 1 + 1 + 1 + 1,
    # session, user, organisation and roles (header: the Reviews link), notifications
    "careerpath:notification-list": 5,
}


@pytest.mark.parametrize("url_name", list(QUERY_BUDGETS))
@pytest.mark.parametrize("notifications", [1, 30])
def test_page_query_budget(client, worker, django_assert_num_queries, url_name, notifications):
    from frameworks.models import DevelopmentPlan, Level

    level = Level.objects.get(role__framework__slug="asc-social-workers", code="SW2B")
    for number in range(notifications):
        Notification.objects.create(recipient=worker, subject=f"S{number}", body="B")
        if number < 10:  # 1 plan or 10
            DevelopmentPlan.objects.create(person=worker, target_level=level)
    client.force_login(worker)
    with django_assert_num_queries(QUERY_BUDGETS[url_name]):
        client.get(reverse(url_name))


def test_the_500_page_needs_nothing_from_the_database(rf):
    from careerpath.views import error_500

    # No database fixture: any query here would fail the test.
    response = error_500(rf.get("/"))
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()


def test_every_page_has_a_content_security_policy_without_inline_script(client, db):
    policy = client.get(reverse("careerpath:login"))["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


# notification detail: session, user, the notification, mark it read, re-read when it was read,
# organisation (header).
@pytest.mark.parametrize("notifications", [1, 30])
def test_notification_detail_query_budget(client, worker, django_assert_num_queries, notifications):
    for number in range(notifications):
        Notification.objects.create(recipient=worker, subject=f"S{number}", body="B")
    notification = Notification.objects.filter(recipient=worker).first()
    client.force_login(worker)
    # One of them the roles, for the header's Reviews link.
    with django_assert_num_queries(7):
        client.get(reverse("careerpath:notification-open", args=[notification.pk]))


# What each home page leads with.


def home_text(client, person):
    client.force_login(person)
    html = client.get(reverse("careerpath:home")).content.decode()
    return html[html.index("<main") : html.index("</main>")]


def test_a_worker_sees_their_level_the_next_one_their_eligibility_plans_and_self_assessment(
    client, demo_people
):
    from frameworks.models import DevelopmentPlan, Level, ProgressionRoute

    worker = demo_people["medway.worker"]
    target = Level.objects.get(role__framework__slug="asc-social-workers", code="SW2B")
    plan = DevelopmentPlan.objects.create(person=worker, target_level=target)
    route = ProgressionRoute.objects.get(framework__slug="asc-social-workers", code="SW2A-SW2B")
    html = home_text(client, worker)
    assert "Your current level: Social Worker (including Newly Qualified), SW2A" in html
    assert "Since 1 September 2023" in html
    assert reverse("frameworks:route-detail", args=[route.pk]) in html
    assert "Next: Social Worker (including Newly Qualified), SW2B" in html
    assert reverse("frameworks:plan-detail", args=[plan.pk]) in html
    assert reverse("frameworks:self-assessment-start") in html
    assert "Nothing needs your attention" not in html


def test_a_worker_not_eligible_yet_sees_the_date_they_will_be(client, demo_people):
    import datetime

    from django.utils import timezone

    from careerpath.models import LevelHistory

    worker = demo_people["medway.worker"]
    started = timezone.localdate() - datetime.timedelta(days=100)
    LevelHistory.objects.filter(user=worker, ended_on__isnull=True).update(started_on=started)
    from frameworks.rules import add_months

    html = home_text(client, worker)
    day = add_months(started, 24)  # SW2A to SW2B: 24 months at level
    assert f"Eligible from {day.day} {day:%B %Y}" in html


def test_the_family_worker_level_code_is_matched_to_the_framework(client, demo_people):
    html = home_text(client, demo_people["medway.family-worker"])  # recorded as "A"
    assert "Your current level: Family Worker, FWA" in html
    assert "Next: Family Worker, FWB" in html


def test_a_framework_editor_sees_drafts_and_how_to_start_one(client, demo_people):
    html = home_text(client, demo_people["medway.framework-editor"])
    assert "Start a new version of a framework" in html
    assert reverse("frameworks:framework-list") in html


@pytest.mark.parametrize(
    "username, caption",
    [
        ("medway.hr", "As HR"),
        ("medway.practice-supervisor", "As a practice supervisor"),
        ("medway.appeal-authority", "As an appeal authority"),
        ("medway.worker", "As a worker"),
    ],
)
def test_role_names_read_as_words(client, demo_people, username, caption):
    html = home_text(client, demo_people[username])
    assert caption in html
    assert "As hr" not in html


def test_other_roles_see_the_frameworks_and_what_will_appear(client, demo_people):
    from frameworks.models import Framework

    # The organisation administrator: the demo's people without a team (the administrator, for
    # one), linked to the people list filtered to them.
    html = home_text(client, demo_people["medway.admin"])
    for framework in Framework.objects.filter(organisation__slug="medway", status="published"):
        assert reverse("frameworks:framework-detail", args=[framework.pk]) in html
    assert f"{reverse('careerpath:people')}?status=active&amp;missing=team" in html
    assert "Nothing needs your attention" not in html


def test_every_demo_persons_home_page_has_something_to_do(client, demo_people):
    import re

    for username, person in demo_people.items():
        links = re.findall(r'<a class="govuk-link" href="([^"]+)"', home_text(client, person))
        assert links, username
