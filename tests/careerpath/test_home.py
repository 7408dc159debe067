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
    "careerpath:home": 5,  # session, user, organisation (header), roles, unread count
    "careerpath:notification-list": 4,  # session, user, organisation (header), notifications
}


@pytest.mark.parametrize("url_name", list(QUERY_BUDGETS))
@pytest.mark.parametrize("notifications", [1, 30])
def test_page_query_budget(client, worker, django_assert_num_queries, url_name, notifications):
    for number in range(notifications):
        Notification.objects.create(recipient=worker, subject=f"S{number}", body="B")
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
    with django_assert_num_queries(6):
        client.get(reverse("careerpath:notification-open", args=[notification.pk]))
