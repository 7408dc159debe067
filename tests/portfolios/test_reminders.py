"""Reminders about a review waiting past its route's service level: none before it, one to the
holder just past it, once however often beat runs, again with an escalation to the progression
coordinator a period later; a return and resubmission starts the clock afresh; a reassigned
review reminds its new holder; a colleague covering the holder is reminded too."""

import datetime
import os
import threading
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from careerpath.models import Notification, Role, RoleMembership, User
from careerpath.services import delegation_create
from careerpath.working_days import add_working_days
from frameworks.models import ProgressionRoute
from portfolios.applications import workflow
from portfolios.applications.reminders import overdue_period, reminders_send
from portfolios.applications.reviews import application_return, review_reassign, review_url
from portfolios.applications.services import application_start
from portfolios.applications.workflow import transition_apply
from portfolios.models import Application, ReviewReminder
from portfolios.tasks import review_reminders_send
from tests.conftest import PERSONAS
from tests.portfolios.review_factories import managed_worker

LEVEL = 5  # working days the test route allows each review step
ROUTE_STEPS = {
    "booking": None,
    "referral_by": None,
    "manager_report": True,
    "endorsement_by": "team_manager",
    "eligibility_check_by": "progression_coordinator",
    "decided_by": "panel",
    "service_level_days": LEVEL,
}
# medway.worker's report is written by their practice supervisor or line manager.
REPORT_HOLDERS = {"practice_supervisor", "line_manager"}


@pytest.fixture(autouse=True)
def ready(monkeypatch):
    """The readiness check belongs to another module, tested there: here it holds."""
    monkeypatch.setattr(
        workflow, "GUARDS", {**workflow.GUARDS, "ready_to_submit": lambda *args: None}
    )


@pytest.fixture
def application(personas):
    return submitted_application(personas)


def submitted_application(personas):
    """medway.worker's application, submitted: it waits for the manager's report."""
    worker = personas["worker"]
    route = ProgressionRoute.objects.get(
        framework__organisation=worker.organisation,
        framework__slug="asc-social-workers",
        framework__status="published",
        code="SW2A-SW2B",
    )
    ProgressionRoute.objects.filter(pk=route.pk).update(workflow=ROUTE_STEPS)
    Application.objects.filter(applicant=worker).delete()
    application = application_start(
        applicant=worker, route=ProgressionRoute.objects.get(pk=route.pk)
    )
    transition_apply(application=application, name="submit", actor=worker)
    return application


def after(application, working_days):
    """Noon on the day `working_days` working days after the application reached its state."""
    start = timezone.localdate(application.state_changed_at)
    day = add_working_days(start, working_days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def told(application, kind="reminder"):
    """Who was sent a reminder (or an escalation) about this application: usernames, repeated
    once per notification."""
    notifications = Notification.objects.filter(
        url=review_url(application), subject__contains="has waited"
    ).select_related("recipient")
    return sorted(
        notification.recipient.username
        for notification in notifications
        if notification.subject.startswith("Reminder:") == (kind == "reminder")
    )


def usernames(personas, *names):
    return sorted(personas[name].username for name in names)


def emails_about(application):
    name = application.applicant.get_full_name()
    return [
        message for message in mail.outbox if f"{name}'s application has waited" in message.subject
    ]


def test_the_period_starts_the_first_working_day_past_the_service_level():
    assert [overdue_period(waited, 5) for waited in (0, 5, 6, 10, 11, 15, 16)] == [
        0, 0, 1, 1, 2, 2, 3,
    ]  # fmt: skip


def test_nothing_is_sent_within_the_service_level(application):
    reminders_send(now=after(application, LEVEL))
    assert told(application) == []
    assert not ReviewReminder.objects.filter(application=application).exists()


def test_the_holders_are_reminded_once_just_past_the_service_level(
    application, personas, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send(now=after(application, LEVEL + 1))
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send(now=after(application, LEVEL + 1))  # beat runs again an hour later
    assert told(application) == usernames(personas, *REPORT_HOLDERS)
    assert told(application, "escalation") == []  # the coordinator is told a period later
    assert sorted(message.to[0] for message in emails_about(application)) == sorted(
        personas[name].email for name in REPORT_HOLDERS
    )
    reminder = ReviewReminder.objects.get(application=application)
    assert (reminder.kind, reminder.period, reminder.state) == ("reminder", 1, "submitted")
    assert reminder.waiting_since == application.state_changed_at


def test_the_next_period_reminds_again_and_escalates_to_the_coordinator(
    application, personas, django_capture_on_commit_callbacks
):
    reminders_send(now=after(application, LEVEL + 1))
    reminders_send(now=after(application, 2 * LEVEL))  # still the first period
    assert told(application) == usernames(personas, *REPORT_HOLDERS)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send(now=after(application, 2 * LEVEL + 1))
        reminders_send(now=after(application, 2 * LEVEL + 2))
    assert told(application) == usernames(personas, *REPORT_HOLDERS, *REPORT_HOLDERS)
    assert told(application, "escalation") == usernames(personas, "progression_coordinator")
    escalation = Notification.objects.get(
        recipient=personas["progression_coordinator"], url=review_url(application)
    )
    assert "reassign" in escalation.body
    assert sorted(message.to[0] for message in emails_about(application)) == sorted(
        personas[name].email for name in (*REPORT_HOLDERS, "progression_coordinator")
    )
    assert sorted(
        ReviewReminder.objects.filter(application=application).values_list("kind", "period")
    ) == [("escalation", 2), ("reminder", 1), ("reminder", 2)]


def test_a_council_without_a_coordinator_still_reminds_the_holders(application, personas):
    RoleMembership.objects.filter(role=Role.PROGRESSION_COORDINATOR).delete()
    reminders_send(now=after(application, 2 * LEVEL + 1))
    assert told(application) == usernames(personas, *REPORT_HOLDERS)
    assert told(application, "escalation") == []


def test_a_return_and_resubmission_starts_the_clock_afresh(application, personas):
    first_wait = application.state_changed_at
    reminders_send(now=after(application, LEVEL + 1))
    application_return(
        application=application, actor=personas["line_manager"], comment="Add your reflection."
    )
    transition_apply(application=application, name="submit", actor=personas["worker"])
    assert application.state_changed_at > first_wait
    reminders_send(now=after(application, LEVEL))
    assert told(application) == usernames(personas, *REPORT_HOLDERS)  # the old reminder only
    reminders_send(now=after(application, LEVEL + 1))
    assert told(application) == usernames(personas, *REPORT_HOLDERS, *REPORT_HOLDERS)
    assert ReviewReminder.objects.filter(application=application, period=1).count() == 2


def test_a_review_that_has_moved_on_is_not_reminded_about(application, personas, monkeypatch):
    monkeypatch.setattr(
        workflow, "GUARDS", {**workflow.GUARDS, "report_complete": lambda *args: None}
    )
    transition_apply(application=application, name="review", actor=personas["line_manager"])
    reminders_send(now=after(application, LEVEL))  # the endorsement waits from now
    assert told(application) == []


def test_a_reassigned_review_reminds_its_new_holder(application, personas):
    review_reassign(
        application=application,
        actor=personas["progression_coordinator"],
        to=personas["team_manager"],
        reason="The line manager is on long-term leave.",
    )
    reminders_send(now=after(application, LEVEL + 1))
    assert told(application) == usernames(personas, "team_manager")


def test_a_colleague_covering_the_holder_is_reminded_too(application, personas):
    today = timezone.localdate()
    delegation_create(
        delegator=personas["line_manager"],
        delegate=personas["team_manager"],
        starts_on=today,
        ends_on=today + datetime.timedelta(days=60),
        reason="Annual leave",
        created_by=personas["line_manager"],
    )
    reminders_send(now=after(application, LEVEL + 1))
    assert told(application) == usernames(personas, *REPORT_HOLDERS, "team_manager")


@pytest.mark.parametrize("starts, ends", [(-20, -1), (1, 30)])
def test_cover_that_has_ended_or_not_started_reminds_nobody_more(
    application, personas, starts, ends
):
    today = timezone.localdate()
    delegation = delegation_create(
        delegator=personas["line_manager"],
        delegate=personas["team_manager"],
        starts_on=today + datetime.timedelta(days=starts),
        ends_on=today + datetime.timedelta(days=max(ends, 0)),
        reason="Annual leave",
        created_by=personas["line_manager"],
    )
    if ends < 0:  # ended early: the manager is back
        from careerpath.services import delegation_end

        delegation_end(delegation=delegation, actor=personas["line_manager"])
    reminders_send(now=after(application, LEVEL + 1))
    assert told(application) == usernames(personas, *REPORT_HOLDERS)


def more_waiting(personas, route, count):
    """`count` more workers of the same managers, each with an application submitted now."""
    for _ in range(count):
        worker = managed_worker(
            personas["worker"].organisation,
            practice_supervisor=personas["practice_supervisor"],
            line_manager=personas["line_manager"],
            team_manager=personas["team_manager"],
        )
        submitted = application_start(applicant=worker, route=route)
        transition_apply(application=submitted, name="submit", actor=worker)


def test_a_run_costs_the_same_queries_however_many_wait_within_their_service_level(
    application, personas
):
    now = after(application, 1)
    reminders_send(now=now)  # whatever the demo data has overdue is sent now
    with CaptureQueriesContext(connection) as one:
        reminders_send(now=now)
    more_waiting(personas, application.route, 3)
    with CaptureQueriesContext(connection) as four:
        assert reminders_send(now=now) == 0
    # The applications under review (with applicant, route and framework), and what was sent
    # about them already: nothing per application within its service level.
    assert len(one) == len(four) == 2


def test_a_rerun_costs_the_same_queries_however_many_were_reminded(application, personas):
    now = after(application, 2 * LEVEL + 1)  # reminders and escalations are due
    reminders_send(now=now)
    with CaptureQueriesContext(connection) as one:
        assert reminders_send(now=now) == 0
    more_waiting(personas, application.route, 3)
    assert reminders_send(now=now) == 3 * (len(REPORT_HOLDERS) + 1)
    with CaptureQueriesContext(connection) as four:
        assert reminders_send(now=now) == 0
    assert len(one) == len(four) == 2


def test_the_beat_task_sends_the_reminders(application, personas, settings):
    assert settings.CELERY_BEAT_SCHEDULE["review-reminders-send"]["task"] == (
        "portfolios.tasks.review_reminders_send"
    )
    # Whatever the demo data has overdue was sent when it was loaded; this one waits from today.
    assert review_reminders_send.apply().get() >= 0
    assert told(application) == []


def test_the_deployment_runs_beat_with_the_schedule_from_settings():
    compose = yaml.safe_load(
        (Path(settings.BASE_DIR) / "careerpath/deploy/compose.yaml").read_text()
    )
    commands = [service.get("command", "") for service in compose["services"].values()]
    assert any(command.startswith("celery -A careerpath beat") for command in commands)
    assert any(command.startswith("celery -A careerpath worker") for command in commands)


def test_nobody_on_record_escalates_at_once(application, personas):
    worker = personas["worker"]
    User.objects.filter(pk=worker.pk).update(line_manager=None, practice_supervisor=None)
    reminders_send(now=after(application, LEVEL + 1))
    assert told(application) == []
    assert told(application, "escalation") == usernames(personas, "progression_coordinator")


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="Two runs at once need two connections to PostgreSQL (CI sets DATABASE_URL)",
)
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_each_reminder_once(monkeypatch):
    from careerpath.demo import demo_data_load

    demo_data_load()
    monkeypatch.setattr(
        workflow, "GUARDS", {**workflow.GUARDS, "ready_to_submit": lambda *args: None}
    )
    people = {name: User.objects.get(username=username) for name, username in PERSONAS.items()}
    submitted = submitted_application(people)
    now = after(submitted, 2 * LEVEL + 1)
    mail.outbox.clear()
    start, outcomes = threading.Barrier(2), []

    def run():
        try:
            start.wait()
            outcomes.append(reminders_send(now=now))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == 2, outcomes
    assert told(submitted) == usernames(people, *REPORT_HOLDERS)
    assert told(submitted, "escalation") == usernames(people, "progression_coordinator")
    assert len(emails_about(submitted)) == 3


def test_a_coordinator_holding_the_eligibility_check_is_reminded_not_escalated_to(
    application, personas, monkeypatch
):
    monkeypatch.setattr(
        workflow,
        "GUARDS",
        {
            **workflow.GUARDS,
            **dict.fromkeys(("report_complete", "endorsement_complete"), lambda *args: None),
        },
    )
    transition_apply(application=application, name="review", actor=personas["line_manager"])
    transition_apply(application=application, name="endorse", actor=personas["team_manager"])
    reminders_send(now=after(application, 2 * LEVEL + 1))
    assert told(application) == usernames(personas, "progression_coordinator")
    assert told(application, "escalation") == []
