"""Cover for absent managers through the pages: a manager hands their reviews to a colleague for
a period, the coordinator records it for a manager who is away, and the cover ends early. What is
posted is checked again on the server."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from careerpath.models import Delegation, Notification

pytestmark = pytest.mark.django_db

LIST = reverse("careerpath:cover-list")
CREATE = reverse("careerpath:cover-create")


def _day(offset):
    return timezone.localdate() + datetime.timedelta(days=offset)


def _dates(name, day):
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


def _posted(delegate, *, start=0, end=7, **values):
    data = {
        "delegate": delegate.pk,
        **_dates("starts_on", _day(start)),
        **_dates("ends_on", _day(end)),
        "reason": "Annual leave",
        "reason_other": "",
    }
    data.update(values)
    return data


def _cover(delegator, delegate, *, start=0, end=7, ended=False):
    return Delegation.objects.create(
        organisation_id=delegator.organisation_id, delegator=delegator, delegate=delegate,
        starts_on=_day(start), ends_on=_day(end), reason="Annual leave", created_by=delegator,
        ended_at=timezone.now() if ended else None,
    )  # fmt: skip


def test_a_manager_arranges_cover_and_the_colleague_is_told(client, personas):
    manager, colleague = personas["line_manager"], personas["team_manager"]
    client.force_login(manager)
    response = client.post(CREATE, _posted(colleague))
    assert response.status_code == 302
    delegation = Delegation.objects.get(delegator=manager)
    assert (delegation.delegate, delegation.reason) == (colleague, "Annual leave")
    assert (delegation.starts_on, delegation.ends_on) == (_day(0), _day(7))
    assert Notification.objects.filter(recipient=colleague, subject__contains="covering").exists()
    page = client.get(LIST).content.decode()
    assert colleague.get_full_name() in page
    assert "End cover now" in page


def test_another_reason_is_written_in(client, personas):
    client.force_login(personas["line_manager"])
    response = client.post(
        CREATE, _posted(personas["team_manager"], reason="other", reason_other="Training course")
    )
    assert response.status_code == 302
    assert Delegation.objects.get(delegator=personas["line_manager"]).reason == "Training course"


def _refused(client, data, message):
    before = Delegation.objects.count()
    response = client.post(CREATE, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert Delegation.objects.count() == before
    return response


def test_cover_by_oneself_is_refused(client, personas):
    manager = personas["line_manager"]
    client.force_login(manager)
    _refused(client, _posted(manager), "Choose a colleague from the list")


def test_a_colleague_of_another_council_is_refused(client, personas, demo_people):
    client.force_login(personas["line_manager"])
    _refused(client, _posted(demo_people["lincolnshire.team-manager"]),
             "Choose a colleague from the list")  # fmt: skip


def test_a_colleague_who_reviews_nothing_is_refused(client, personas):
    client.force_login(personas["line_manager"])
    _refused(client, _posted(personas["worker"]), "Choose a colleague from the list")


def test_cover_ending_before_it_starts_is_refused_and_what_was_typed_is_kept(client, personas):
    client.force_login(personas["line_manager"])
    response = _refused(
        client,
        _posted(personas["team_manager"], start=5, end=2, reason="other", reason_other="Course"),
        "The last day of cover must be on or after the first",
    )
    assert response.context["form"]["reason_other"].value() == "Course"


def test_cover_that_ended_in_the_past_is_refused(client, personas):
    client.force_login(personas["line_manager"])
    _refused(client, _posted(personas["team_manager"], start=-10, end=-3),
             "The cover must end today or later")  # fmt: skip


def test_another_reason_must_be_given(client, personas):
    client.force_login(personas["line_manager"])
    _refused(client, _posted(personas["team_manager"], reason="other"),
             "Say why the cover is needed")  # fmt: skip


def test_the_coordinator_records_cover_for_a_manager_who_is_away(client, personas):
    coordinator, away = personas["progression_coordinator"], personas["line_manager"]
    client.force_login(coordinator)
    assert "Who is away" in client.get(CREATE).content.decode()
    response = client.post(
        CREATE, {**_posted(personas["team_manager"], reason="Sickness"), "delegator": away.pk}
    )
    assert response.status_code == 302
    delegation = Delegation.objects.get(delegator=away)
    assert (delegation.delegate, delegation.created_by) == (personas["team_manager"], coordinator)


def test_the_coordinator_cannot_make_the_manager_cover_for_themselves(client, personas):
    away = personas["line_manager"]
    client.force_login(personas["progression_coordinator"])
    _refused(client, {**_posted(away), "delegator": away.pk},
             "Choose a colleague other than the person who is away")  # fmt: skip


def test_a_manager_cannot_record_cover_for_someone_else(client, personas):
    """Only the coordinator chooses who is away: a manager's posted choice is ignored."""
    manager = personas["line_manager"]
    client.force_login(manager)
    response = client.post(
        CREATE,
        {**_posted(personas["team_manager"]), "delegator": personas["practice_supervisor"].pk},
    )
    assert response.status_code == 302
    assert Delegation.objects.get(created_by=manager).delegator == manager


# --- Ending cover -------------------------------------------------------------------------------


def _end(delegation):
    return reverse("careerpath:cover-end", args=[delegation.pk])


@pytest.mark.parametrize("who", ["delegator", "delegate", "coordinator"])
def test_cover_is_ended_early_by_the_delegator_the_delegate_or_a_coordinator(client, personas, who):
    delegation = _cover(personas["line_manager"], personas["team_manager"])
    person = {
        "delegator": personas["line_manager"],
        "delegate": personas["team_manager"],
        "coordinator": personas["progression_coordinator"],
    }[who]
    client.force_login(person)
    assert client.post(_end(delegation)).status_code == 302
    delegation.refresh_from_db()
    assert delegation.ended_at is not None
    # Ending it again changes nothing.
    assert client.post(_end(delegation)).status_code == 302


def test_someone_elses_cover_cannot_be_ended(client, personas):
    delegation = _cover(personas["line_manager"], personas["team_manager"])
    client.force_login(personas["practice_supervisor"])
    assert client.post(_end(delegation)).status_code == 404
    delegation.refresh_from_db()
    assert delegation.ended_at is None


def test_another_councils_coordinator_cannot_end_cover(client, personas, demo_people):
    delegation = _cover(personas["line_manager"], personas["team_manager"])
    client.force_login(demo_people["lincolnshire.coordinator"])
    assert client.post(_end(delegation)).status_code == 404
    delegation.refresh_from_db()
    assert delegation.ended_at is None


def test_ending_is_a_post(client, personas):
    delegation = _cover(personas["line_manager"], personas["team_manager"])
    client.force_login(personas["line_manager"])
    assert client.get(_end(delegation)).status_code == 405


# --- The list -------------------------------------------------------------------------------------


def test_the_list_shows_cover_now_to_come_and_past(client, personas):
    manager, colleague = personas["line_manager"], personas["team_manager"]
    now = _cover(manager, colleague)
    to_come = _cover(manager, colleague, start=10, end=12)
    past = _cover(colleague, manager, start=-10, end=-5)
    ended = _cover(colleague, manager, ended=True)
    client.force_login(manager)
    response = client.get(LIST)
    given, held = response.context["given"], response.context["held"]
    assert (given.current, given.future, given.past) == ([now], [to_come], [])
    assert (held.current, held.future) == ([], [])
    assert set(held.past) == {past, ended}
    page = response.content.decode()
    assert "Cancel this cover" in page
    assert "Ended early on" in page


def test_workers_do_not_arrange_cover(client, personas):
    client.force_login(personas["worker"])
    assert client.get(LIST).status_code == 403
    assert client.post(CREATE, {}).status_code == 403


def _list_queries(client, personas, count):
    manager = personas["line_manager"]
    colleagues = [personas["team_manager"], personas["practice_supervisor"]]
    for n in range(count):
        _cover(manager, colleagues[n % 2], start=n - 5, end=n)
        _cover(colleagues[n % 2], personas["progression_coordinator"], start=n, end=n + 1)
    client.force_login(personas["progression_coordinator"])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST).status_code == 200
    return len(queries)


def test_the_cover_list_costs_the_same_for_3_and_30(client, personas):
    # session, user, roles, the cover given and held with their people, the council's other
    # cover with its people (for the coordinator), organisation (header).
    few = _list_queries(client, personas, 3)
    many = _list_queries(client, personas, 27)
    assert few == many == 6
