"""The chair's hearing page: who sat, a judgement per allocated standard, the outcome the route
allows, further work and a later session with a deferral, and targets; recorded once, by the
chair of the session, not conflicted, once the pack is released. An upheld appeal is heard again
on the same page at a later session."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from panels.appeals import appeal_decide, appeal_lodge
from panels.models import Booking, Decision, MemberRole
from portfolios.models import Application, ApplicationState
from tests.panels.booking_factories import session_on
from tests.panels.decision_factories import lincolnshire_hearing
from tests.panels.pack_factories import booked_application, seat

S = ApplicationState
TODAY = timezone.localdate


@pytest.fixture
def hearing(demo_people, monkeypatch):
    data = lincolnshire_hearing(demo_people, monkeypatch)
    session = data["session"]
    session.pack_released_at = timezone.now()
    session.save(update_fields=["pack_released_at"])
    return data


def _url(hearing):
    return reverse("panels:hearing", args=[hearing["session"].pk, hearing["application"].pk])


def _date(name, day):
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


def _form(hearing, **values):
    """The chair's complete POST: both members sat, each allocated KSS met, progressed."""
    data = {
        "sat": [str(hearing["chair"].pk), str(hearing["member"].pk)],
        **{f"standard_{n}": "met" for n in (1, 4, 5, 7)},
        "outcome": "progressed",
        **_date("heard_on", TODAY()),
        "reasons": "Each allocated standard was evidenced and discussed well.",
        "further_work": "",
    }
    data.update(values)
    return data


def test_the_chair_records_a_deferral_with_judgements_targets_and_a_later_session(client, hearing):
    later = session_on(hearing["session"].route, days=120)
    client.force_login(hearing["chair"])
    page = client.get(_url(hearing))
    text = page.content.decode()
    assert page.status_code == 200
    for number in (1, 4, 5, 7):
        assert f"KSS {number}:" in text
    assert "Second" in text  # the member, ticked as sitting
    due = TODAY() + datetime.timedelta(days=90)
    response = client.post(_url(hearing), _form(
        hearing, outcome="deferred", standard_4="not_met",
        standard_4_note="Little evidence of direct work with the child.",
        further_work="Shadow a colleague in the court team.", suggested_session=str(later.pk),
        target_1_term="short_term", target_1_text="Complete two direct-work sessions",
        **_date("target_1_due_on", due),
    ))  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == reverse("panels:pack", args=[hearing["session"].pk])
    decision = Decision.objects.get(application=hearing["application"])
    assert decision.outcome == "deferred" and decision.session == hearing["session"]
    assert set(decision.sat.all()) == {hearing["chair"], hearing["member"]}
    judgements = {j.standard_number: (j.met, j.note) for j in decision.judgements.all()}
    assert judgements[4] == (False, "Little evidence of direct work with the child.")
    assert judgements[1] == (True, "")
    assert decision.suggested_session == later
    assert [(t.term, t.due_on) for t in decision.targets.all()] == [("short_term", due)]
    # The page now shows the decision, not the form.
    again = client.get(_url(hearing)).content.decode()
    assert "Decision recorded" in again and "Shadow a colleague" in again


def test_a_missing_judgement_changes_nothing_and_keeps_what_was_typed(client, hearing):
    client.force_login(hearing["chair"])
    data = _form(hearing, reasons="Typed with care")
    del data["standard_5"]
    page = client.post(_url(hearing), data)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Say whether KSS 5 is met" in text and "Typed with care" in text
    assert not Decision.objects.filter(application=hearing["application"]).exists()
    assert Application.objects.get(pk=hearing["application"].pk).state == S.ENDORSED


def test_only_members_who_may_judge_are_offered_as_sitting(client, hearing):
    """The member who manages the applicant sits on the session but not on this hearing."""
    manager = hearing["people"]["lincolnshire.practice-supervisor"]
    seat(hearing["session"], manager, MemberRole.MEMBER)
    client.force_login(hearing["chair"])
    response = client.post(_url(hearing), _form(hearing, sat=[str(manager.pk)]))
    assert response.status_code == 200
    assert "Tick only members of this panel who may judge it" in response.content.decode()
    assert not Decision.objects.filter(application=hearing["application"]).exists()


def test_only_the_chair_once_the_pack_is_released(client, hearing):
    client.force_login(hearing["member"])
    assert client.get(_url(hearing)).status_code == 403  # a member reads; the chair records
    assert client.post(_url(hearing), _form(hearing)).status_code == 403
    outsider = hearing["people"]["dudley.panel-member"]
    client.force_login(outsider)
    assert client.get(_url(hearing)).status_code == 404  # another council's panel
    session = hearing["session"]
    session.pack_released_at = None
    session.save(update_fields=["pack_released_at"])
    client.force_login(hearing["chair"])
    assert client.get(_url(hearing)).status_code == 404  # not before the release
    assert not Decision.objects.filter(application=hearing["application"]).exists()


def test_a_conflicted_chair_is_told_why_and_cannot_record(client, hearing):
    application = hearing["application"]
    applicant = application.applicant
    applicant.line_manager = hearing["chair"]
    applicant.save(update_fields=["line_manager"])
    client.force_login(hearing["chair"])
    page = client.get(_url(hearing))
    assert page.status_code == 403
    assert "You are the applicant&#x27;s line manager." in page.content.decode()
    assert client.post(_url(hearing), _form(hearing)).status_code == 403
    assert not Decision.objects.filter(application=hearing["application"]).exists()


def test_an_upheld_appeal_is_heard_again_at_a_later_session(client, hearing):
    """Deferred, appealed, upheld: booked on a later session, the new chair records hearing 2."""
    first_sitting = hearing["session"]
    first_sitting.starts_at -= datetime.timedelta(days=1)  # yesterday; the new hearing today
    first_sitting.ends_at -= datetime.timedelta(days=1)
    first_sitting.save(update_fields=["starts_at", "ends_at"])
    client.force_login(hearing["chair"])
    client.post(
        _url(hearing),
        _form(
            hearing,
            outcome="deferred",
            further_work="Shadowing.",
            **_date("heard_on", TODAY() - datetime.timedelta(days=1)),
        ),
    )
    first = Decision.objects.get(application=hearing["application"])
    people = hearing["people"]
    appeal = appeal_lodge(decision=first, actor=hearing["application"].applicant,
                          grounds="The panel did not ask about KSS 4.")  # fmt: skip
    appeal_decide(appeal=appeal, actor=people["lincolnshire.appeal-authority"], upheld=True,
                  reasons="The procedure was not followed.")  # fmt: skip
    application = Application.objects.get(pk=hearing["application"].pk)
    assert application.state == S.NEW_HEARING
    assert not Booking.objects.filter(application=application, cancelled_at__isnull=True).exists()
    later = session_on(application.route, days=0)  # a later sitting: today
    later.pack_released_at = timezone.now()
    later.save(update_fields=["pack_released_at"])
    Booking.objects.create(application=application, session=later,
                           booked_by=people["lincolnshire.coordinator"])  # fmt: skip
    seat(later, hearing["chair"], MemberRole.CHAIR)
    seat(later, hearing["member"], MemberRole.MEMBER)
    url = reverse("panels:hearing", args=[later.pk, application.pk])
    assert client.post(url, _form(hearing)).status_code == 302
    second = Decision.objects.get(application=application, hearing=2)
    assert second.outcome == "progressed" and second.session == later
    assert Application.objects.get(pk=application.pk).state == S.PROGRESSED


def test_the_decision_is_recorded_from_the_day_the_panel_sits(client, hearing):
    session = hearing["session"]
    session.starts_at += datetime.timedelta(days=1)
    session.ends_at += datetime.timedelta(days=1)
    session.save(update_fields=["starts_at", "ends_at"])
    client.force_login(hearing["chair"])
    page = client.get(_url(hearing))
    assert page.status_code == 200
    assert "The panel has not sat yet" in page.content.decode()
    assert client.post(_url(hearing), _form(hearing)).status_code == 200
    assert not Decision.objects.filter(application=hearing["application"]).exists()


def test_the_page_costs_the_same_queries_with_3_and_30_on_the_session(client, hearing):
    client.force_login(hearing["chair"])
    coordinator = hearing["people"]["lincolnshire.coordinator"]

    def cost():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url(hearing)).status_code == 200
        return len(queries)

    for _ in range(2):
        booked_application(hearing["session"], booked_by=coordinator)
    small = cost()
    for _ in range(27):
        booked_application(hearing["session"], booked_by=coordinator)
    assert cost() == small
