"""The worker's side of the reviews: their application page says where it is and who holds it,
shows a return's comment at the top with the sections open again, the comment thread (without
the reviewers' own notes) with a form to reply, and the timeline."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from careerpath.models import Notification, Organisation
from portfolios.applications import reviews
from portfolios.applications.services import application_start
from portfolios.models import ApplicationState, Comment
from tests.portfolios.review_factories import managed_worker, route_in, submitted_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(demo_people):
    return demo_people["dudley.team-manager"]  # also the line manager who writes the report


@pytest.fixture
def staff(manager):
    dudley = Organisation.objects.get(slug="dudley")
    return managed_worker(dudley, line_manager=manager, team_manager=manager, name="Priya")


@pytest.fixture
def submitted(staff):
    return submitted_application(staff, route_in("dudley", "SW-SSW"))


def _detail(application):
    return reverse("portfolios:application-detail", args=[application.pk])


def _comment_url(application):
    return reverse("portfolios:application-comment", args=[application.pk])


def test_after_submission_the_page_says_where_it_is_and_who_holds_it(
    client, staff, submitted, manager
):
    client.force_login(staff)
    page = client.get(_detail(submitted)).content.decode()
    assert "Where it is" in page
    assert f"With {manager.get_full_name()} (line manager) to write the manager&#x27;s report" in (
        page
    )
    assert "Waiting 0 working days" in page
    assert "Submitted the application" in page  # the timeline


def test_a_draft_says_nothing_of_reviewers(client, staff):
    application = application_start(
        applicant=staff, route=route_in("dudley", "SW-SSW"), referred=True
    )
    client.force_login(staff)
    page = client.get(_detail(application)).content.decode()
    assert "Where it is" not in page
    assert "Add a comment" not in page  # nobody reads it yet
    assert "Started the application" in page


def test_a_return_shows_its_comment_at_the_top_and_opens_the_sections(
    client, staff, submitted, manager
):
    reviews.application_return(
        application=submitted, actor=manager, comment="Link evidence for KSS 3, please."
    )
    client.force_login(staff)
    response = client.get(_detail(submitted))
    page = response.content.decode()
    assert f"Returned for changes by {manager.get_full_name()} on" in page
    assert "Link evidence for KSS 3, please." in page
    assert "Your sections are open again" in page
    assert response.context["can_change"] is True
    # The banner comes before the status list.
    assert page.index("Returned for changes by") < page.index("Where it is")


def test_the_worker_replies_in_the_thread_and_the_holder_is_told(client, staff, submitted, manager):
    client.force_login(staff)
    response = client.post(_comment_url(submitted), {"body": "  Which piece do you mean?  "})
    assert response.status_code == 302
    assert response["Location"].endswith("#comments")
    comment = Comment.objects.get(application=submitted)
    assert (comment.author, comment.body, comment.role) == (
        staff, "Which piece do you mean?", "worker"
    )  # fmt: skip
    assert Notification.objects.filter(recipient=manager, subject__contains="commented").exists()
    assert "Which piece do you mean?" in client.get(_detail(submitted)).content.decode()


def test_an_empty_comment_is_refused(client, staff, submitted):
    client.force_login(staff)
    response = client.post(_comment_url(submitted), {"body": "   "})
    assert response.status_code == 200
    assert "Write your comment" in response.content.decode()
    assert not Comment.objects.filter(application=submitted).exists()


def test_a_comment_on_a_draft_is_refused(client, staff):
    application = application_start(
        applicant=staff, route=route_in("dudley", "SW-SSW"), referred=True
    )
    client.force_login(staff)
    response = client.post(_comment_url(application), {"body": "Hello?"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "You can comment once you have submitted your application" in page
    assert not Comment.objects.filter(application=application).exists()


def test_the_worker_cannot_mark_a_comment_for_reviewers_only(client, staff, submitted):
    client.force_login(staff)
    client.post(_comment_url(submitted), {"body": "Hidden?", "reviewers_only": "1"})
    assert not Comment.objects.filter(application=submitted, reviewers_only=True).exists()
    page = client.get(_detail(submitted)).content.decode()
    assert "Only reviewers can see this" not in page


def test_the_worker_never_sees_comments_for_reviewers_only(client, staff, submitted, manager):
    reviews.comment_add(application=submitted, author=manager, body="For you: well done")
    reviews.comment_add(
        application=submitted, author=manager, body="Between us: check the dates",
        reviewers_only=True,
    )  # fmt: skip
    client.force_login(staff)
    page = client.get(_detail(submitted)).content.decode()
    assert "For you: well done" in page
    assert "Between us" not in page


def test_nobody_comments_on_someone_elses_application(client, submitted, personas, demo_people):
    for person in (demo_people["dudley.worker"], personas["other_organisation_worker"]):
        client.force_login(person)
        assert client.post(_comment_url(submitted), {"body": "Hi"}).status_code == 404
    # Reviewers comment from the review page, not the worker's.
    client.force_login(demo_people["dudley.team-manager"])
    assert client.post(_comment_url(submitted), {"body": "Hi"}).status_code == 404
    assert not Comment.objects.filter(application=submitted).exists()


def test_commenting_is_a_post(client, staff, submitted):
    client.force_login(staff)
    assert client.get(_comment_url(submitted)).status_code == 405


def _page_queries(client, staff, application, manager, count):
    for n in range(count):
        reviews.comment_add(application=application, author=manager, body=f"Note {n}")
    client.force_login(staff)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_detail(application)).status_code == 200
    return len(queries)


def test_the_page_costs_the_same_with_3_and_30_comments(client, staff, submitted, manager):
    few = _page_queries(client, staff, submitted, manager, 3)
    many = _page_queries(client, staff, submitted, manager, 27)
    assert few == many
    assert submitted.state == ApplicationState.SUBMITTED
