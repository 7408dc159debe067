"""Recording the decision: by the line manager on Medway's routes (the page and the service),
by the chair of the session on a panel route (the service); each outcome only where the route
allows it; the effective date and the level history; judgements only of what was allocated;
one decision when two save at once; the worker reads it on their application page."""

import datetime
import os
import threading

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from careerpath.models import AuditEvent, LevelHistory, LevelSource, Notification, User
from frameworks.models import Criterion
from panels.decisions import ALREADY_RECORDED, decision_record
from panels.models import Decision
from portfolios.applications.workflow import ApplicationError
from portfolios.models import Application
from tests.panels.decision_factories import lincolnshire_hearing, waiting_for_line_manager

TODAY = timezone.localdate


def _url(application):
    return reverse("panels:decision-record", args=[application.pk])


def _form(application, **values):
    """A complete POST for the page: every criterion judged met."""
    criteria = Criterion.objects.filter(level_id=application.route.to_level_id)
    today = TODAY()
    data = {
        "outcome": "progressed",
        "heard_on_0": today.day, "heard_on_1": today.month, "heard_on_2": today.year,
        "reasons": "All criteria evidenced in the portfolio.",
        "further_work": "",
        **{f"criterion_{c.pk}": "met" for c in criteria},
    }  # fmt: skip
    data.update(values)
    return data


# --- Medway: the line manager decides ------------------------------------------------------


@pytest.mark.parametrize("outcome", ["progressed", "deferred"])
def test_the_line_manager_records_each_outcome_the_route_allows(
    client, personas, outcome, django_capture_on_commit_callbacks
):
    manager = personas["line_manager"]
    application = waiting_for_line_manager(manager, team_manager=personas["team_manager"])
    client.force_login(manager)
    page = client.get(_url(application))
    assert page.status_code == 200
    assert b'value="progressed"' in page.content and b'value="deferred"' in page.content
    assert b'value="not_progressed"' not in page.content  # Medway's line manager has no refusal
    due = TODAY() + datetime.timedelta(days=90)
    extra = (
        {"further_work": "Shadow a senior colleague at two reviews."}
        if outcome == "deferred"
        else {}
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(application), _form(
            application, outcome=outcome, target_1_term="short_term",
            target_1_text="Lead a strengths-based review", target_1_due_on_0=due.day,
            target_1_due_on_1=due.month, target_1_due_on_2=due.year, **extra,
        ))  # fmt: skip
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == outcome
    decision = Decision.objects.get(application=application)
    assert decision.outcome == outcome and decision.decided_by == manager
    assert decision.hearing == 1 and decision.heard_on == TODAY()
    assert list(decision.sat.all()) == [manager]
    assert decision.targets.get().due_on == due
    criteria = Criterion.objects.filter(level_id=application.route.to_level_id).count()
    assert decision.judgements.filter(met=True, criterion__isnull=False).count() == criteria
    assert decision.appeal_due_on is None  # Medway's routes name no appeal
    assert (
        AuditEvent.objects.filter(action="decision.record", target_id=str(decision.pk)).count() == 1
    )
    assert AuditEvent.objects.filter(action=f"application.decide_{outcome}").exists()
    told = set(Notification.objects.filter(subject__contains="decision on").values_list(
        "recipient__username", flat=True))  # fmt: skip
    assert {application.applicant.username, "medway.team-manager", "medway.hr"} <= told
    # The worker reads it on their application page.
    client.force_login(application.applicant)
    detail = client.get(reverse("portfolios:application-detail", args=[application.pk]))
    assert b"The decision" in detail.content
    assert b"Lead a strengths-based review" in detail.content
    if outcome == "deferred":
        assert b"Shadow a senior colleague" in detail.content


def test_a_refusal_is_not_an_outcome_on_a_route_whose_line_manager_decides(client, personas):
    manager = personas["line_manager"]
    application = waiting_for_line_manager(manager)
    with pytest.raises(ApplicationError, match="outcome"):
        decision_record(application=application, actor=manager, outcome="not_progressed",
                        heard_on=TODAY())  # fmt: skip
    client.force_login(manager)
    response = client.post(_url(application), _form(application, outcome="not_progressed"))
    assert response.status_code == 200
    assert b"Choose an outcome this route allows" in response.content
    application.refresh_from_db()
    assert application.state == "submitted"
    assert not Decision.objects.filter(application=application).exists()


@pytest.mark.parametrize(
    "persona", ["worker", "practice_supervisor", "team_manager", "progression_coordinator",
                "panel_member", "hr", "other_organisation_worker", "superuser"],
)  # fmt: skip
def test_nobody_else_records_a_line_managers_decision(client, personas, persona):
    application = waiting_for_line_manager(personas["line_manager"])
    someone = personas[persona]
    with pytest.raises(ApplicationError):
        decision_record(application=application, actor=someone, outcome="progressed",
                        heard_on=TODAY())  # fmt: skip
    client.force_login(someone)
    assert client.get(_url(application)).status_code in (403, 404)
    assert client.post(_url(application), _form(application)).status_code in (403, 404)
    application.refresh_from_db()
    assert application.state == "submitted"
    assert not Decision.objects.filter(application=application).exists()


def test_bad_input_changes_nothing_and_keeps_what_was_typed(client, personas):
    manager = personas["line_manager"]
    application = waiting_for_line_manager(manager)
    client.force_login(manager)
    early = TODAY() - datetime.timedelta(days=1)
    response = client.post(_url(application), _form(
        application, outcome="deferred", reasons="Not yet: see the targets.",
        target_1_term="short_term", target_1_text="Complete the care act training",
        target_1_due_on_0=early.day, target_1_due_on_1=early.month, target_1_due_on_2=early.year,
    ))  # fmt: skip
    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content
    assert "Say what further work they should do before trying again" in content
    assert "Not yet: see the targets." in content and "Complete the care act training" in content
    # The dates are checked by the service too: a target due before the decision is refused.
    response = client.post(_url(application), _form(
        application, outcome="deferred", further_work="Training",
        target_1_term="short_term", target_1_text="Complete the care act training",
        target_1_due_on_0=early.day, target_1_due_on_1=early.month, target_1_due_on_2=early.year,
    ))  # fmt: skip
    assert response.status_code == 200
    assert "must be after" in response.content.decode()
    application.refresh_from_db()
    assert application.state == "submitted"
    assert not Decision.objects.filter(application=application).exists()


def test_a_second_decision_is_refused_with_a_message(personas):
    manager = personas["line_manager"]
    application = waiting_for_line_manager(manager)
    decision_record(application=application, actor=manager, outcome="deferred",
                    heard_on=TODAY(), further_work="Training")  # fmt: skip
    for outcome in ("deferred", "progressed"):
        with pytest.raises(ApplicationError, match=ALREADY_RECORDED):
            decision_record(application=application, actor=manager, outcome=outcome,
                            heard_on=TODAY())  # fmt: skip
    assert Decision.objects.filter(application=application).count() == 1


def test_progression_takes_effect_from_the_day_decided_and_restarts_the_level_clock(personas):
    manager = personas["line_manager"]
    application = waiting_for_line_manager(manager)
    worker = application.applicant
    LevelHistory.objects.create(
        user=worker, level_code="SW2A", level_name="Social Worker A",
        started_on=datetime.date(2022, 4, 1), source=LevelSource.APPOINTMENT,
    )  # fmt: skip
    heard_on = TODAY() - datetime.timedelta(days=3)
    decision = decision_record(application=application, actor=manager, outcome="progressed",
                               heard_on=heard_on)  # fmt: skip
    route = application.route
    assert decision.effective_date == heard_on  # Medway names no rule: the day decided
    assert (decision.new_level_code, decision.new_level_name) == (
        route.to_level.code,
        route.to_level.name,
    )
    role = route.to_level.role  # the new level's grade and pay point, as the framework has them
    assert (decision.grade, decision.pay_point) == (role.grade, role.pay_point)
    history = list(LevelHistory.objects.filter(user=worker).order_by("started_on"))
    assert [(h.level_code, h.started_on, h.ended_on) for h in history] == [
        ("SW2A", datetime.date(2022, 4, 1), heard_on - datetime.timedelta(days=1)),
        (route.to_level.code, heard_on, None),
    ]
    assert history[1].source == LevelSource.PANEL_DECISION
    assert f"Decision {decision.pk}" in history[1].reference


def test_judgements_are_only_of_the_level_applied_for(personas):
    manager = personas["line_manager"]
    application = waiting_for_line_manager(manager)
    elsewhere = Criterion.objects.exclude(level_id=application.route.to_level_id).first()
    with pytest.raises(ApplicationError, match="criteria of the level"):
        decision_record(
            application=application, actor=manager, outcome="progressed", heard_on=TODAY(),
            judgements=[{"criterion_id": elsewhere.pk, "met": True}],
        )  # fmt: skip
    with pytest.raises(ApplicationError, match="criteria of the level"):
        decision_record(
            application=application, actor=manager, outcome="progressed", heard_on=TODAY(),
            judgements=[{"standard_number": 1, "met": True}],
        )  # fmt: skip
    assert not Decision.objects.filter(application=application).exists()


def test_the_page_costs_the_same_queries_for_3_and_30_criteria(client, personas):
    manager = personas["line_manager"]
    client.force_login(manager)

    def cost(count):
        application = waiting_for_line_manager(manager)
        level = application.route.to_level
        existing = Criterion.objects.filter(level=level).count()
        Criterion.objects.bulk_create(
            Criterion(level=level, category="skills", order=100 + n, text=f"Extra {n}")
            for n in range(max(0, count - existing))
        )
        Criterion.objects.filter(level=level, order__gte=100 + count).delete()
        client.get(_url(application))  # warm the caches a first request fills
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url(application)).status_code == 200
        return len(queries)

    assert cost(3) == cost(30)


# --- A panel route: the chair of the session, through the service ------------------------------


@pytest.fixture
def lincolnshire(demo_people, monkeypatch):
    return lincolnshire_hearing(demo_people, monkeypatch)


def test_the_chair_records_a_panels_decision(lincolnshire, django_capture_on_commit_callbacks):
    application, chair, member = (lincolnshire[k] for k in ("application", "chair", "member"))
    with django_capture_on_commit_callbacks(execute=True):
        decision = decision_record(
            application=application, actor=chair, outcome="deferred", heard_on=TODAY(),
            sat=[chair, member], further_work="Shadowing in the court team",
            judgements=[{"standard_number": n, "met": n != 7, "note": "x"} for n in (1, 4, 5, 7)],
            targets=[{"term": "medium_term", "text": "Present a case at court",
                      "due_on": TODAY() + datetime.timedelta(days=120)}],
        )  # fmt: skip
    application.refresh_from_db()
    assert application.state == "deferred"
    assert decision.session == lincolnshire["session"]
    assert set(decision.sat.all()) == {chair, member}
    assert decision.judgements.filter(met=False).get().standard_number == 7
    # Lincolnshire allows an appeal within 10 working days.
    from panels.appeals import appeal_last_day

    assert decision.appeal_due_on == appeal_last_day(application.route, TODAY())


def test_progression_to_level_2_carries_grade_g9_and_pay_point_scp_25(lincolnshire):
    """Lincolnshire: "Progression into a Level 2 social work post at SCP 25 (G9), effective from
    the date the evidence was presented at the panel"."""
    heard_on = TODAY()
    decision = decision_record(
        application=lincolnshire["application"], actor=lincolnshire["chair"],
        outcome="progressed", heard_on=heard_on,
        judgements=[{"standard_number": n, "met": True} for n in (1, 4, 5, 7)],
    )  # fmt: skip
    assert (decision.grade, decision.pay_point) == ("G9", "SCP 25")
    assert decision.effective_date == heard_on and decision.new_level_code == "L2"


def test_only_the_chair_records_a_panels_decision(lincolnshire):
    application, member = lincolnshire["application"], lincolnshire["member"]
    for someone in (member, lincolnshire["people"]["lincolnshire.team-manager"]):
        with pytest.raises(ApplicationError):
            decision_record(application=application, actor=someone, outcome="progressed",
                            heard_on=TODAY())  # fmt: skip
    assert not Decision.objects.filter(application=application).exists()


def test_a_panel_refuses_an_outcome_its_route_does_not_have(lincolnshire):
    with pytest.raises(ApplicationError, match="outcome"):
        decision_record(application=lincolnshire["application"], actor=lincolnshire["chair"],
                        outcome="not_progressed", heard_on=TODAY())  # fmt: skip


def test_judgements_outside_the_allocation_are_refused(lincolnshire):
    with pytest.raises(ApplicationError, match="allocated"):
        decision_record(
            application=lincolnshire["application"], actor=lincolnshire["chair"],
            outcome="progressed", heard_on=TODAY(),
            judgements=[{"standard_number": 9, "met": True}],
        )  # fmt: skip
    assert not Decision.objects.filter(application=lincolnshire["application"]).exists()


def test_only_members_of_the_session_sat(lincolnshire):
    outsider = lincolnshire["people"]["lincolnshire.hr"]
    with pytest.raises(ApplicationError, match="members of the session"):
        decision_record(
            application=lincolnshire["application"], actor=lincolnshire["chair"],
            outcome="progressed", heard_on=TODAY(), sat=[lincolnshire["chair"], outsider],
        )  # fmt: skip
    lincolnshire["application"].refresh_from_db()
    assert lincolnshire["application"].state == "endorsed"


# --- Two at once (PostgreSQL: SQLite has no row locks) --------------------------------------------


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="Row locks across two connections need PostgreSQL (CI sets DATABASE_URL)",
)
@pytest.mark.django_db(transaction=True)
def test_two_decisions_saved_at_once_leave_one_decision_one_audit_event_and_one_set_of_emails():
    from careerpath.demo import demo_data_load

    demo_data_load()  # a transactional test starts from an empty database
    manager = User.objects.get(username="medway.line-manager")
    application = waiting_for_line_manager(
        manager, team_manager=User.objects.get(username="medway.team-manager")
    )
    mail.outbox.clear()
    start, results = threading.Barrier(2), []

    def decide(outcome):
        try:
            mine = Application.objects.get(pk=application.pk)
            start.wait()
            decision_record(
                application=mine, actor=manager, outcome=outcome, heard_on=TODAY(),
                further_work="Training" if outcome == "deferred" else "",
            )  # fmt: skip
            results.append("saved")
        except ApplicationError as error:
            results.append(str(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(o,)) for o in ("progressed", "deferred")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == sorted(["saved", ALREADY_RECORDED]), results
    decision = Decision.objects.get(application=application)
    application.refresh_from_db()
    assert application.state == decision.outcome
    recorded = AuditEvent.objects.filter(action="decision.record", target_id=str(decision.pk))
    assert recorded.count() == 1
    team_manager = User.objects.get(username="medway.team-manager")
    # Each is told once of the decision, and once of its outcome letter (the worker: the letter
    # itself, its PDF attached; panels.letters).
    for person in (application.applicant, team_manager):
        assert len([m for m in mail.outbox if m.to == [person.email]]) == 2
    pdfs = [m for m in mail.outbox if m.attachments]
    assert [m.to for m in pdfs] == [[application.applicant.email]]


def test_the_review_page_links_the_line_manager_to_the_decision(client, personas):
    manager = personas["line_manager"]
    application = waiting_for_line_manager(manager)
    client.force_login(manager)
    page = client.get(reverse("portfolios:review-detail", args=[application.pk]))
    assert _url(application) in page.content.decode()
    # Once decided, the decision page sends them back to the application.
    decision_record(application=application, actor=manager, outcome="progressed", heard_on=TODAY())
    response = client.get(_url(application))
    assert response.status_code == 302
    assert _url(application) not in client.get(response["Location"]).content.decode()
