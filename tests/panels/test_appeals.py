"""Appeals: the worker lodges one in writing within the route's window (Lincolnshire: 10 working
days from the outcome letter, which goes the day the decision is recorded); the council's appeal
authority decides it, finally. Upheld: the application waits for a new hearing."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from careerpath.models import AuditEvent, Notification, User
from panels.appeals import AppealError, appeal_decide, appeal_lodge, awaiting_new_hearing
from panels.models import Appeal, Decision
from portfolios.models import Application, ApplicationState
from tests.panels.appeal_factories import decided, guards_hold
from tests.panels.booking_factories import new_worker

S = ApplicationState
D = datetime.date

# Decided Fri 21 Aug 2026. Counting from the day after: Mon 24 (1) to Fri 28 (5), Mon 31 Aug
# is the August bank holiday, Tue 1 Sep (6), Wed 2 (7), Thu 3 (8), Fri 4 (9), Mon 7 Sep (10).
DECIDED_ON = D(2026, 8, 21)
LAST_DAY = D(2026, 9, 7)
GROUNDS = "The panel did not let me answer the questions about KSS 4, as the procedure says."


@pytest.fixture(autouse=True)
def _guards(monkeypatch):
    guards_hold(monkeypatch)


@pytest.fixture
def lincs(demo_people):
    people = {
        name.split(".", 1)[1]: person
        for name, person in demo_people.items()
        if name.startswith("lincolnshire.")
    }
    people["appellant"] = new_worker(demo_people["lincolnshire.worker"], "appellant")
    return people


@pytest.fixture
def decision(lincs, lincolnshire_route):
    return decided(lincs["appellant"], lincolnshire_route, decided_on=DECIDED_ON)


def _appeal_events(appellant):
    """The appellant's (the demo has an appeal of its own)."""
    return AuditEvent.objects.filter(
        action__in=["application.lodge_appeal", "appeal.lodge"], actor=appellant
    )


# --- Lodging -----------------------------------------------------------------------------------


def test_an_appeal_is_lodged_on_the_last_valid_day(
    lincs, decision, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        appeal = appeal_lodge(
            decision=decision, actor=lincs["appellant"], grounds=GROUNDS, today=LAST_DAY
        )
    assert appeal.grounds == GROUNDS and appeal.lodged_by == lincs["appellant"]
    assert Application.objects.get(pk=decision.application_id).state == S.APPEAL_LODGED
    assert _appeal_events(lincs["appellant"]).count() == 2
    told = Notification.objects.filter(recipient=lincs["appeal-authority"])
    assert told.filter(url=reverse("panels:appeal-detail", args=[appeal.pk])).count() == 1


def test_an_appeal_the_day_after_the_last_day_is_refused_with_the_date_and_nothing_saved(
    lincs, decision
):
    # Tue 8 Sep 2026: the window ran over the August bank holiday and closed the day before.
    with pytest.raises(AppealError, match="The last day to appeal was 7 September 2026"):
        appeal_lodge(
            decision=decision, actor=lincs["appellant"], grounds=GROUNDS, today=D(2026, 9, 8)
        )
    assert not Appeal.objects.filter(decision=decision).exists()
    assert Application.objects.get(pk=decision.application_id).state == S.DEFERRED
    assert not _appeal_events(lincs["appellant"]).exists()
    assert not Notification.objects.filter(
        recipient=lincs["appeal-authority"], body__contains=lincs["appellant"].get_full_name()
    ).exists()


def test_an_appeal_needs_its_grounds(lincs, decision):
    with pytest.raises(AppealError, match="did not follow procedure") as refused:
        appeal_lodge(decision=decision, actor=lincs["appellant"], grounds="  ", today=LAST_DAY)
    assert refused.value.field == "grounds"
    assert not Appeal.objects.exists() or not Appeal.objects.filter(decision=decision).exists()


@pytest.mark.parametrize(
    "who", ["appeal-authority", "coordinator", "panel-member", "worker", "team-manager"]
)
def test_only_the_applicant_lodges_an_appeal(lincs, decision, who):
    with pytest.raises(AppealError):
        appeal_lodge(decision=decision, actor=lincs[who], grounds=GROUNDS, today=LAST_DAY)
    assert not Appeal.objects.filter(decision=decision).exists()
    assert Application.objects.get(pk=decision.application_id).state == S.DEFERRED


def test_a_second_appeal_against_the_same_decision_is_refused(lincs, decision):
    appeal_lodge(decision=decision, actor=lincs["appellant"], grounds=GROUNDS, today=LAST_DAY)
    with pytest.raises(AppealError, match="already been lodged"):
        appeal_lodge(decision=decision, actor=lincs["appellant"], grounds=GROUNDS, today=LAST_DAY)
    assert Appeal.objects.filter(decision=decision).count() == 1


# --- Deciding ----------------------------------------------------------------------------------


@pytest.fixture
def appeal(lincs, decision):
    return appeal_lodge(
        decision=decision, actor=lincs["appellant"], grounds=GROUNDS, today=LAST_DAY
    )


@pytest.mark.parametrize("who", ["appellant", "coordinator", "panel-member", "team-manager"])
def test_only_the_appeal_authority_decides(lincs, appeal, who):
    with pytest.raises(AppealError):
        appeal_decide(appeal=appeal, actor=lincs[who], upheld=True, reasons="Procedure broken.")
    appeal.refresh_from_db()
    assert appeal.decided_at is None and appeal.upheld is None
    assert Application.objects.get(pk=appeal.decision.application_id).state == S.APPEAL_LODGED


def test_the_authority_of_another_council_cannot_decide(demo_people, appeal):
    with pytest.raises(AppealError):
        appeal_decide(
            appeal=appeal, actor=demo_people["medway.appeal-authority"], upheld=False,
            reasons="No.",
        )  # fmt: skip


def test_an_appeal_needs_reasons(lincs, appeal):
    with pytest.raises(AppealError, match="reasons") as refused:
        appeal_decide(appeal=appeal, actor=lincs["appeal-authority"], upheld=True, reasons=" ")
    assert refused.value.field == "reasons"
    appeal.refresh_from_db()
    assert appeal.decided_at is None


def test_an_upheld_appeal_returns_the_application_for_a_new_hearing(lincs, appeal):
    application = appeal.decision.application
    appeal_decide(
        appeal=appeal, actor=lincs["appeal-authority"], upheld=True,
        reasons="The panel did not hear the worker on KSS 4.",
    )  # fmt: skip
    appeal.refresh_from_db()
    assert appeal.upheld is True and appeal.decided_by == lincs["appeal-authority"]
    assert Application.objects.get(pk=application.pk).state == S.NEW_HEARING
    assert list(awaiting_new_hearing(application.organisation)) == [application]
    assert Notification.objects.filter(
        recipient=lincs["appellant"], subject__startswith="Your appeal is upheld"
    ).exists()
    assert Notification.objects.filter(
        recipient=lincs["coordinator"], subject__contains="book a new hearing"
    ).exists()
    assert AuditEvent.objects.filter(action="appeal.decide", details__upheld=True).count() == 1


def test_a_dismissed_appeal_leaves_the_decision_standing(lincs, appeal):
    application = appeal.decision.application
    appeal_decide(
        appeal=appeal, actor=lincs["appeal-authority"], upheld=False, reasons="It was followed."
    )
    appeal.refresh_from_db()
    assert appeal.upheld is False
    assert Application.objects.get(pk=application.pk).state == S.APPEAL_DECIDED
    assert not awaiting_new_hearing(application.organisation).filter(pk=application.pk).exists()
    assert Notification.objects.filter(
        recipient=lincs["appellant"], subject__startswith="Your appeal is dismissed"
    ).exists()
    assert not Notification.objects.filter(
        recipient=lincs["coordinator"], subject__contains="book a new hearing"
    ).exists()


def test_the_decision_on_an_appeal_is_final(lincs, appeal):
    appeal_decide(appeal=appeal, actor=lincs["appeal-authority"], upheld=False, reasons="No.")
    with pytest.raises(AppealError, match="final"):
        appeal_decide(appeal=appeal, actor=lincs["appeal-authority"], upheld=True, reasons="Yes.")
    appeal.refresh_from_db()
    assert appeal.upheld is False


# --- Pages -------------------------------------------------------------------------------------


def test_the_lodging_page_shows_the_last_day_and_the_day_it_is_counted_from(
    client, lincs, lincolnshire_route
):
    from django.utils import timezone

    decision = decided(lincs["appellant"], lincolnshire_route, decided_on=timezone.localdate())
    client.force_login(lincs["appellant"])
    page = client.get(reverse("panels:decision-appeal", args=[decision.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "The last day to appeal is" in text
    assert "counted from the day after your outcome letter" in text
    response = client.post(reverse("panels:decision-appeal", args=[decision.pk]), {"grounds": ""})
    assert response.status_code == 200 and "did not follow procedure" in response.content.decode()
    response = client.post(
        reverse("panels:decision-appeal", args=[decision.pk]), {"grounds": GROUNDS}
    )
    appeal = Appeal.objects.get(decision=decision)
    assert response.status_code == 302
    assert response["Location"] == reverse("panels:appeal-detail", args=[appeal.pk])


def test_a_late_appeal_on_the_page_shows_the_last_day(client, lincs, decision):
    client.force_login(lincs["appellant"])
    text = client.get(reverse("panels:decision-appeal", args=[decision.pk])).content.decode()
    assert "The last day to appeal was 7 September 2026" in text
    assert "Lodge your appeal" not in text


def test_the_authority_decides_on_the_page_and_what_was_typed_is_kept(client, lincs, appeal):
    client.force_login(lincs["appeal-authority"])
    url = reverse("panels:appeal-detail", args=[appeal.pk])
    response = client.post(url, {"reasons": "Kept words."})
    assert response.status_code == 200
    assert "Kept words." in response.content.decode()
    response = client.post(url, {"upheld": "yes", "reasons": "Procedure broken."})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.upheld is True


def test_the_worker_cannot_decide_their_own_appeal_on_the_page(client, lincs, appeal):
    client.force_login(lincs["appellant"])
    url = reverse("panels:appeal-detail", args=[appeal.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"upheld": "yes", "reasons": "Mine."}).status_code == 403


def _appeals_waiting_on_home(client, person):
    """The number of appeals the home page says wait for the person's decision (0 if none)."""
    import re

    client.force_login(person)
    text = client.get(reverse("careerpath:home")).content.decode()
    found = re.search(r"(\d+) appeals? waiting for your decision", text)
    return int(found.group(1)) if found else 0


def test_the_authority_sees_open_appeals_on_their_home_page(client, lincs, decision):
    before = _appeals_waiting_on_home(client, lincs["appeal-authority"])  # the demo has its own
    appeal_lodge(decision=decision, actor=lincs["appellant"], grounds=GROUNDS, today=LAST_DAY)
    assert _appeals_waiting_on_home(client, lincs["appeal-authority"]) == before + 1


def _appeals(lincs, route, count):
    """`count` appeals in Lincolnshire, each on a different worker's application (made directly:
    the list is what is tested)."""
    for i in range(count):
        person = User.objects.create(
            username=f"appellant-{count}-{i}", organisation=lincs["worker"].organisation
        )
        person.role_memberships.create(organisation=person.organisation, role="worker")
        application = Application.objects.create(
            applicant=person, organisation=person.organisation, route=route
        )
        decision = Decision.objects.create(
            application=application, outcome="deferred", decided_by=lincs["panel-member"],
            heard_on=DECIDED_ON,
        )  # fmt: skip
        Appeal.objects.create(decision=decision, lodged_by=person, grounds=GROUNDS)


def _list_queries(client, lincs):
    client.force_login(lincs["appeal-authority"])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("panels:appeal-list"))
    assert response.status_code == 200
    return len(queries), response.content.decode().count("panels/appeals/")


def test_the_appeals_list_costs_the_same_queries_for_3_and_30(client, lincs, lincolnshire_route):
    _, shown_before = _list_queries(client, lincs)  # the demo's own appeals
    _appeals(lincs, lincolnshire_route, 3)
    few, shown_few = _list_queries(client, lincs)
    _appeals(lincs, lincolnshire_route, 27)
    many, shown_many = _list_queries(client, lincs)
    assert (shown_few - shown_before, shown_many - shown_before) == (3, 30)
    assert few == many


def test_the_worker_is_offered_the_appeal_on_their_home_page_until_the_last_day(
    client, lincs, lincolnshire_route
):
    from django.utils import timezone

    from careerpath.working_days import add_working_days

    decision = decided(lincs["appellant"], lincolnshire_route, decided_on=timezone.localdate())
    last_day = add_working_days(timezone.localdate(), 10)
    Decision.objects.filter(pk=decision.pk).update(appeal_due_on=last_day)
    client.force_login(lincs["appellant"])
    text = client.get(reverse("careerpath:home")).content.decode()
    assert reverse("panels:decision-appeal", args=[decision.pk]) in text
    Decision.objects.filter(pk=decision.pk).update(
        appeal_due_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    text = client.get(reverse("careerpath:home")).content.decode()
    assert reverse("panels:decision-appeal", args=[decision.pk]) not in text


def test_the_authority_sees_open_appeals_oldest_first_and_the_worker_only_theirs(
    client, lincs, lincolnshire_route
):
    from django.utils import timezone

    _appeals(lincs, lincolnshire_route, 3)
    first, second, third = Appeal.objects.filter(lodged_by__username__startswith="appellant-3-")
    Appeal.objects.filter(pk=first.pk).update(lodged_at=timezone.now() - datetime.timedelta(days=1))
    Appeal.objects.filter(pk=second.pk).update(
        lodged_at=timezone.now() - datetime.timedelta(days=5)
    )
    Appeal.objects.filter(pk=third.pk).update(
        decided_at=timezone.now(), upheld=False, decided_by=lincs["appeal-authority"]
    )
    ours = {first.pk, second.pk, third.pk}  # the demo has appeals of its own
    client.force_login(lincs["appeal-authority"])
    response = client.get(reverse("panels:appeal-list"))
    assert [a.pk for a in response.context["open"] if a.pk in ours] == [second.pk, first.pk]
    assert [a.pk for a in response.context["decided"] if a.pk in ours] == [third.pk]
    client.force_login(first.lodged_by)
    response = client.get(reverse("panels:appeal-list"))
    assert [a.pk for a in response.context["open"]] == [first.pk]
    assert response.context["decided"] == []


def test_the_coordinator_is_asked_to_book_a_new_hearing_after_an_upheld_appeal(
    client, lincs, appeal
):
    appeal_decide(appeal=appeal, actor=lincs["appeal-authority"], upheld=True, reasons="Broken.")
    client.force_login(lincs["coordinator"])
    text = client.get(reverse("careerpath:home")).content.decode()
    assert "Book a new hearing for" in text
    booking_page = reverse("panels:coordinator-book", args=[appeal.decision.application_id])
    assert booking_page in text
    assert client.get(booking_page).status_code == 200


def test_a_decision_recorded_today_can_be_appealed_until_its_last_day(lincs, lincolnshire_route):
    from django.utils import timezone

    from careerpath.working_days import add_working_days
    from tests.panels.appeal_factories import recorded

    decision = recorded(lincs["appellant"], lincolnshire_route)
    # The decision service counts the window from the day it is recorded, as appeals do.
    assert decision.appeal_due_on == add_working_days(timezone.localdate(), 10)
    appeal = appeal_lodge(
        decision=decision, actor=lincs["appellant"], grounds=GROUNDS, today=decision.appeal_due_on
    )
    assert Application.objects.get(pk=decision.application_id).state == S.APPEAL_LODGED
    assert appeal.decision_id == decision.pk


def test_a_progression_has_no_appeal(client, lincs, lincolnshire_route):
    decision = decided(lincs["appellant"], lincolnshire_route, outcome="progressed")
    client.force_login(lincs["appellant"])
    text = client.get(reverse("panels:decision-appeal", args=[decision.pk])).content.decode()
    assert "there is nothing to appeal" in text and "Lodge your appeal" not in text
    with pytest.raises(AppealError):
        appeal_lodge(decision=decision, actor=lincs["appellant"], grounds=GROUNDS)
    assert not Appeal.objects.filter(decision=decision).exists()
