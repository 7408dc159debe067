"""The reviewers' side of the workflow, tested hard: the referral by every persona; a colleague
covering an absent manager takes their step (and the audit trail says for whom) only while the
cover is in force; one audit event per transition; the team manager and their cover endorsing
at once endorse once and send one e-mail (PostgreSQL); a retried e-mail task sends one e-mail;
and nobody outside the applicant's own line management and the coordinator reads the
application, which even they read only once it is submitted."""

import datetime
import os
import threading

import pytest
from django.core import mail
from django.db import connection
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from careerpath.models import AuditEvent, Notification, Organisation, Role, User
from careerpath.services import delegation_create, delegation_end, notification_send
from careerpath.tasks import notification_email_deliver, send_notification_email
from frameworks.models import ProgressionRoute
from portfolios.applications import permissions as can
from portfolios.applications import workflow
from portfolios.applications.reviews import referral_create, step_complete
from portfolios.applications.services import application_start
from portfolios.applications.submission import application_submit
from portfolios.applications.workflow import TRANSITIONS, ApplicationError, transition_apply
from portfolios.models import Application, ApplicationState, Referral
from tests.conftest import PERSONAS
from tests.portfolios.test_workflow import ALLOWED, EVERY_STEP, EVERYONE, WALK

S = ApplicationState
REFERRED = {**EVERY_STEP, "referral_by": "team_manager"}
# Guards that belong to other modules (the readiness check, what each step's form needs) and
# are tested there: here they hold.
HOLDING = ("ready_to_submit", "report_complete", "endorsement_complete", "eligibility_holds",
           "within_appeal_window")  # fmt: skip


@pytest.fixture(autouse=True)
def guards_hold(monkeypatch):
    monkeypatch.setattr(
        workflow, "GUARDS", {**workflow.GUARDS, **dict.fromkeys(HOLDING, lambda *args: None)}
    )
    # Who chairs the application's session is panels' rule (tests/panels/test_decisions.py):
    # here the council's panel member records the panel's decision.
    monkeypatch.setitem(workflow.ACTORS, "panel_chair", workflow.can.is_panel_member)


def the_route(worker, steps=EVERY_STEP):
    route = ProgressionRoute.objects.get(
        framework__organisation=worker.organisation,
        framework__slug="asc-social-workers",
        framework__status="published",
        code="SW2A-SW2B",
    )
    ProgressionRoute.objects.filter(pk=route.pk).update(workflow=steps)
    Application.objects.filter(applicant=worker).delete()
    return ProgressionRoute.objects.select_related("framework").get(pk=route.pk)


def other_team_manager():
    """A team manager of another team in medway.worker's council: no line of theirs to the
    worker."""
    medway = Organisation.objects.get(slug="medway")
    person = User.objects.create(
        username="medway.other-team-manager", first_name="Ruth", last_name="Okoye",
        email="medway.other-team-manager@example.org", organisation=medway,
        team=medway.teams.order_by("pk").first(),
    )  # fmt: skip
    person.role_memberships.create(organisation=medway, role=Role.TEAM_MANAGER)
    return person


def walk(application, state, personas):
    """Take the walk's transitions until the application is in `state`."""
    for name, persona in WALK:
        if application.state == state:
            break
        transition_apply(application=application, name=name, actor=personas[persona])
    assert application.state == state
    return application


def covering(delegator, delegate, when="today"):
    """Cover recorded by the delegator: in force today, ended early, or starting tomorrow."""
    today = timezone.localdate()
    starts = today + datetime.timedelta(days=1) if when == "future" else today
    delegation = delegation_create(
        delegator=delegator, delegate=delegate, starts_on=starts,
        ends_on=today + datetime.timedelta(days=14), reason="Annual leave", created_by=delegator,
    )  # fmt: skip
    if when == "ended":
        delegation_end(delegation=delegation, actor=delegator)
    return delegation


# --- The table: the referral, and every transition covered ----------------------------------


def test_every_transition_in_the_table_is_tested():
    tested = {name for name, _ in ALLOWED} | {"refer", "start"}
    assert set(TRANSITIONS) == tested


@pytest.mark.parametrize("persona", EVERYONE)
def test_the_referral_is_made_by_the_workers_team_manager_and_refused_for_everyone_else(
    personas, persona
):
    worker = personas["worker"]
    route = the_route(worker, REFERRED)
    referrer = personas[persona]
    refer = {
        "referrer": referrer,
        "worker": worker,
        "route": route,
        "supervision_on": timezone.localdate(),
        "decision": "Supervision confirmed it.",
    }
    referrals = AuditEvent.objects.filter(action="application.refer").count()
    if persona == "team_manager":
        application = referral_create(**refer)
        assert application.state == S.DRAFTING
        assert Referral.objects.get(application=application).referred_by == referrer
        events = AuditEvent.objects.filter(
            action="application.refer", target_id=str(application.pk)
        )
        assert events.count() == 1 and "for" not in events.get().details
        # Once open, the worker is not referred twice.
        with pytest.raises(ApplicationError):
            referral_create(**refer)
        assert Application.objects.filter(applicant=worker).count() == 1
    else:
        with pytest.raises(ApplicationError):
            referral_create(**refer)
        assert not Application.objects.filter(applicant=worker).exists()
        assert AuditEvent.objects.filter(action="application.refer").count() == referrals


def test_a_route_opened_by_referral_cannot_be_started_by_the_worker(personas):
    worker = personas["worker"]
    with pytest.raises(ApplicationError, match="refers you"):
        application_start(applicant=worker, route=the_route(worker, REFERRED))


# --- Cover for an absent manager --------------------------------------------------------------

# The step, the manager who holds it for medway.worker, the state it starts from.
COVERED_STEPS = [("review", "line_manager", S.SUBMITTED), ("endorse", "team_manager", S.REVIEWED)]


@pytest.mark.parametrize("step, holder, source", COVERED_STEPS)
def test_a_colleague_covering_the_holder_today_takes_the_step_for_them(
    personas, step, holder, source
):
    worker, colleague = personas["worker"], other_team_manager()
    application = walk(application_start(applicant=worker, route=the_route(worker)), source,
                       personas)  # fmt: skip
    with pytest.raises(ApplicationError):
        transition_apply(application=application, name=step, actor=colleague)
    covering(personas[holder], colleague)
    colleague = User.objects.get(pk=colleague.pk)  # a new request: who they cover is read anew
    assert transition_apply(application=application, name=step, actor=colleague).changed
    event = AuditEvent.objects.get(action=f"application.{step}", target_id=str(application.pk))
    assert event.actor == colleague
    assert event.details["for"] == personas[holder].pk


@pytest.mark.parametrize("when", ["ended", "future"])
@pytest.mark.parametrize("step, holder, source", COVERED_STEPS)
def test_cover_that_has_ended_or_not_yet_started_gives_nothing(
    personas, step, holder, source, when
):
    worker, colleague = personas["worker"], other_team_manager()
    application = walk(application_start(applicant=worker, route=the_route(worker)), source,
                       personas)  # fmt: skip
    covering(personas[holder], colleague, when)
    with pytest.raises(ApplicationError):
        transition_apply(application=application, name=step, actor=colleague)
    application.refresh_from_db()
    assert application.state == source
    assert not can.can_review_application(colleague, application)


def test_a_colleague_covering_the_team_manager_refers_for_them(personas):
    worker, colleague = personas["worker"], other_team_manager()
    covering(personas["team_manager"], colleague)
    application = referral_create(
        referrer=colleague, worker=worker, route=the_route(worker, REFERRED),
        supervision_on=timezone.localdate(), decision="Supervision confirmed it.",
    )  # fmt: skip
    event = AuditEvent.objects.get(action="application.refer", target_id=str(application.pk))
    assert event.details["for"] == personas["team_manager"].pk
    assert Referral.objects.get(application=application).on_behalf_of == personas["team_manager"]


# --- The audit trail --------------------------------------------------------------------------


def test_each_transition_taken_leaves_one_audit_event(personas):
    worker = personas["worker"]
    application = application_start(applicant=worker, route=the_route(worker))
    taken = ["start"]
    transition_apply(application=application, name="submit", actor=worker)
    transition_apply(
        application=application, name="return", actor=personas["line_manager"],
        guard_context={"comment": "Say more about your supervision."},
    )  # fmt: skip
    taken += ["submit", "return"]
    for name, persona in WALK:
        transition_apply(application=application, name=name, actor=personas[persona])
        transition_apply(application=application, name=name, actor=personas[persona])  # no-op
        taken.append(name)
    events = AuditEvent.objects.filter(
        target_id=str(application.pk), action__startswith="application."
    ).order_by("pk")
    assert [event.action for event in events] == [f"application.{name}" for name in taken]
    for event in events.exclude(action="application.start"):
        assert event.details["from"] != event.details["to"]
    assert application.state == S.APPEAL_DECIDED


# --- Two at once (PostgreSQL) -----------------------------------------------------------------


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="Row locks across two connections need PostgreSQL (CI sets DATABASE_URL)",
)
@pytest.mark.django_db(transaction=True)
def test_the_team_manager_and_their_cover_endorsing_at_once_endorse_once_and_email_once():
    from careerpath.demo import demo_data_load

    demo_data_load()
    people = {name: User.objects.get(username=username) for name, username in PERSONAS.items()}
    worker, colleague = people["worker"], other_team_manager()
    application = walk(
        application_start(applicant=worker, route=the_route(worker)), S.REVIEWED, people
    )
    covering(people["team_manager"], colleague)
    mail.outbox.clear()
    start, outcomes = threading.Barrier(2), []

    def endorse(actor):
        try:
            mine = Application.objects.get(pk=application.pk)
            start.wait()
            result = step_complete(application=mine, actor=actor, step="endorse")
            outcomes.append(result.changed)
        except ApplicationError as error:
            outcomes.append(str(error))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=endorse, args=(actor,))
        for actor in (people["team_manager"], colleague)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes, key=str) == [False, True], outcomes
    application.refresh_from_db()
    assert application.state == S.ENDORSED
    endorsed = AuditEvent.objects.filter(
        action="application.endorse", target_id=str(application.pk)
    )
    assert endorsed.count() == 1
    # The coordinator now holds it (the eligibility check), and the worker is told it moved on.
    coordinator, name = people["progression_coordinator"], worker.get_full_name()
    assert [m.subject for m in mail.outbox if m.to == [coordinator.email]] == [
        f"{name}'s application waits for you to confirm the criteria are met"
    ]
    assert len([m for m in mail.outbox if m.to == [worker.email]]) == 1
    assert not [m for m in mail.outbox if m.to in ([colleague.email],
                                                    [people["team_manager"].email])]  # fmt: skip


# --- A retried e-mail task ---------------------------------------------------------------------


def test_a_retried_notification_task_sends_one_email(personas):
    notification = notification_send(
        recipient=personas["line_manager"], subject="Amara's application waits for you",
        body="It waits.", url="/reviews/1/", email=False,
    )  # fmt: skip
    mail.outbox.clear()
    assert send_notification_email(notification.pk) == "sent"
    assert send_notification_email.apply(args=[notification.pk]).get() == "sent already"
    assert [m.subject for m in mail.outbox] == ["Amara's application waits for you"]
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_a_send_that_fails_is_sent_by_the_retry_and_only_once(personas, monkeypatch):
    notification = notification_send(
        recipient=personas["line_manager"], subject="Waits for you", body="It waits.",
        email=False,
    )  # fmt: skip
    mail.outbox.clear()
    from django.core.mail import EmailMultiAlternatives

    send = EmailMultiAlternatives.send

    def refused(self, *args, **kwargs):
        raise OSError("the mail server is down")

    monkeypatch.setattr(EmailMultiAlternatives, "send", refused)
    with pytest.raises(OSError):
        notification_email_deliver(notification.pk)
    assert Notification.objects.get(pk=notification.pk).emailed_at is None  # given back
    monkeypatch.setattr(EmailMultiAlternatives, "send", send)
    assert notification_email_deliver(notification.pk) == "sent"
    assert notification_email_deliver(notification.pk) == "sent already"
    assert len(mail.outbox) == 1


# --- Who reads the application --------------------------------------------------------------

OUTSIDERS = ["other_team_manager", "other_council_manager", "peer"]
OWN_REVIEWERS = ["practice_supervisor", "line_manager", "team_manager", "progression_coordinator"]


@pytest.fixture
def people(personas, demo_people):
    return {
        **personas,
        "other_team_manager": other_team_manager(),
        "other_council_manager": demo_people["dudley.team-manager"],
        "peer": demo_people["medway.adult-worker"],
    }


def _reads(person, application):
    try:
        can.get_application_to_review(person, application.pk)
    except Http404:
        return False
    assert can.applications_reviewable_by(person).filter(pk=application.pk).exists()
    return True


def test_outsiders_never_read_the_application_and_its_managers_only_once_submitted(people, client):
    worker = people["worker"]
    application = application_start(applicant=worker, route=the_route(worker))
    for name in [*OUTSIDERS, *OWN_REVIEWERS]:
        assert not _reads(people[name], application), name
        assert not can.applications_reviewable_by(people[name]).filter(pk=application.pk).exists()
    assert application_submit(application=application, actor=worker, declaration=True).changed
    for name in OWN_REVIEWERS:
        assert _reads(people[name], application), name
    submission = application.submissions.get()
    pdf = reverse("portfolios:submission-pdf", args=[submission.pk])
    review = reverse("portfolios:review-detail", args=[application.pk])
    for name in OUTSIDERS:
        assert not _reads(people[name], application), name
        assert not can.applications_reviewable_by(people[name]).filter(pk=application.pk).exists()
        with pytest.raises(Http404):
            can.get_submission_for(people[name], submission.pk)
        client.force_login(people[name])
        assert client.get(pdf).status_code == 404, name
        # The review page refuses (403) anyone who reviews nothing, the peer worker here.
        assert client.get(review).status_code == (403 if name == "peer" else 404), name
