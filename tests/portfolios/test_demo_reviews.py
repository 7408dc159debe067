"""The reviewers' demo (portfolios/demo_reviews.py), loaded with the rest in tests/conftest.py:
after `make run` every demo manager and coordinator finds real work in their queue. Each test
reads the queue the page reads, so a change that empties one fails here."""

import pytest

from careerpath.models import Delegation, Notification
from careerpath.selectors import delegations_in_force
from portfolios.applications.queues import review_queue, stuck_reviews
from portfolios.applications.readiness import application_readiness
from portfolios.applications.reviews import comments_for, step_complete
from portfolios.demo_reviews import demo_reviews_load
from portfolios.models import (
    Application,
    ApplicationState,
    Attestation,
    Comment,
    ReviewReminder,
    Submission,
)

S = ApplicationState


def queue(demo_people, username):
    """What waits for this person, by the applicant's username."""
    return {
        waiting.application.applicant.username: waiting
        for waiting in review_queue(user=demo_people[username])
    }


def application_of(demo_people, username):
    return Application.objects.select_related("route__framework", "applicant").get(
        applicant=demo_people[username]
    )


@pytest.mark.parametrize(
    "reviewer, applicant, action",
    [
        ("lincolnshire.practice-supervisor", "lincolnshire.colleague-3",
         "Write the manager's report"),
        ("lincolnshire.team-manager", "lincolnshire.colleague-4", "Endorse"),
        ("dudley.team-manager", "dudley.worker-2", "Write the manager's report"),
        ("dudley.coordinator", "dudley.worker-3", "Confirm the criteria are met"),
        ("medway.line-manager", "medway.adult-worker", "Decide"),
        ("medway.deputy-team-manager", "medway.adult-worker-4", "Decide"),
        ("medway.team-manager", "medway.adult-worker-4", "Decide"),
    ],
)  # fmt: skip
def test_each_demo_reviewer_has_work_waiting(demo_people, reviewer, applicant, action):
    waiting = queue(demo_people, reviewer)[applicant]
    assert waiting.action == action
    # Submitted through the service: a frozen submission stands behind it.
    assert Submission.objects.filter(application=waiting.application).exists()


def test_the_lincolnshire_endorsement_follows_a_report_that_verified_kss_9_and_10(demo_people):
    application = application_of(demo_people, "lincolnshire.colleague-4")
    assert application.state == S.REVIEWED
    verified = Attestation.objects.get(
        application=application,
        role="practice_supervisor",
        purpose=Attestation.Purpose.STANDARDS,
    )
    assert sorted(verified.standards) == [9, 10]
    assert verified.person == demo_people["lincolnshire.practice-supervisor"]
    # Booked with the worker, five standards allocated.
    assert len(application.allocated_standards) == 5 and application.panel_date


def test_the_dudley_coordinator_can_confirm_the_criteria_are_met(demo_people):
    application = application_of(demo_people, "dudley.worker-3")
    lines = [
        line
        for group in application_readiness(application=application).groups
        if group.key == "eligibility"
        for line in group.lines
    ]
    declared = next(line for line in lines if line.rule["type"] == "no_formal_procedures")
    assert declared.status == "met"
    assert not [line for line in lines if line.status == "not_met"]
    # Real work: the coordinator's confirmation goes through (rolled back after the test).
    result = step_complete(
        application=application, actor=demo_people["dudley.coordinator"],
        step="confirm_eligibility",
    )  # fmt: skip
    assert result.changed and result.application.state == S.ELIGIBILITY_CONFIRMED


def test_one_application_was_returned_with_a_comment_thread(demo_people):
    application = application_of(demo_people, "medway.adult-worker-3")
    worker, manager = demo_people["medway.adult-worker-3"], demo_people["medway.line-manager"]
    assert application.state == S.RETURNED
    thread = list(Comment.objects.filter(application=application).order_by("created_at", "pk"))
    assert [(c.author, c.step, c.reviewers_only) for c in thread] == [
        (manager, "return", False),
        (worker, "", False),
        (manager, "", True),
    ]
    # The worker reads the return and their reply, never the note for reviewers.
    assert list(comments_for(application, worker)) == thread[:2]
    assert list(comments_for(application, manager)) == thread
    # With the worker again: nobody's queue holds it.
    assert "medway.adult-worker-3" not in queue(demo_people, "medway.line-manager")


def test_an_overdue_summary_has_reminded_its_holder(demo_people):
    application = application_of(demo_people, "dudley.worker-2")
    manager = demo_people["dudley.team-manager"]
    waiting = queue(demo_people, "dudley.team-manager")["dudley.worker-2"]
    assert waiting.overdue
    assert ReviewReminder.objects.filter(
        application=application, kind=ReviewReminder.Kind.REMINDER, recipient=manager
    ).exists()
    assert Notification.objects.filter(
        recipient=manager, subject__startswith="Reminder: Aisha Begum's application"
    ).exists()
    # The coordinator sees it among the stuck reviews.
    stuck = stuck_reviews(user=demo_people["dudley.coordinator"])
    assert application.pk in {row.application.pk for row in stuck}


def test_the_team_manager_covers_the_deputy_on_leave(demo_people):
    deputy, cover = demo_people["medway.deputy-team-manager"], demo_people["medway.team-manager"]
    assert delegations_in_force().filter(delegator=deputy, delegate=cover).exists()
    waiting = queue(demo_people, "medway.team-manager")["medway.adult-worker-4"]
    assert waiting.acting_for == deputy.pk


def test_the_earlier_demo_stories_are_as_they_were(demo_people):
    states = {
        username: application_of(demo_people, username).state
        for username in (
            "medway.adult-worker", "medway.adult-worker-2", "medway.family-worker",
            "lincolnshire.worker", "lincolnshire.colleague-1", "lincolnshire.colleague-2",
            "dudley.worker",
        )
    }  # fmt: skip
    assert states == {
        "medway.adult-worker": S.SUBMITTED,
        "medway.adult-worker-2": S.DRAFTING,
        "medway.family-worker": S.DRAFTING,
        "lincolnshire.worker": S.DRAFTING,
        "lincolnshire.colleague-1": S.DRAFTING,
        "lincolnshire.colleague-2": S.DRAFTING,
        "dudley.worker": S.DRAFTING,
    }


def test_loading_the_reviewers_demo_again_adds_nothing(demo_people):
    models = (Application, Submission, Comment, ReviewReminder, Delegation, Notification)
    before = {model: model.objects.count() for model in models}
    assert demo_reviews_load() == 0
    assert {model: model.objects.count() for model in models} == before
