"""HR's pages: the council's decisions with filters, the checklist after a progression (the
seeds' "Amend existing position form" and "Contractual change form"), the payroll export and the
letters' zip."""

import csv
import datetime
import io
import zipfile

import pytest
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from careerpath.dates import long_date
from careerpath.models import AuditEvent, Organisation, Team
from panels import hr
from panels.models import ChecklistItem, ChecklistTick, Letter, LetterKind, Outcome
from tests.panels.booking_factories import session_on
from tests.panels.hr_factories import decisions_in_bulk, hr_officer, progressed_with_history

pytestmark = pytest.mark.django_db

LIST = reverse("panels:hr-decisions")
CSV_URL = reverse("panels:hr-decisions-csv")


@pytest.fixture
def medway():
    return Organisation.objects.get(slug="medway")


@pytest.fixture
def lincolnshire():
    return Organisation.objects.get(slug="lincolnshire")


@pytest.fixture
def officer(personas):
    return personas["hr"]


@pytest.fixture
def hr_client(client, officer):
    client.force_login(officer)
    return client


def _listed(response):
    return {decision.pk for decision in response.context["page"].object_list}


def _messages(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- The list -----------------------------------------------------------------------------------


def test_a_progression_shows_the_level_held_the_day_before_it_took_effect(hr_client, medway):
    decision = progressed_with_history(medway, previous=("SW1", "Social Worker level 1"))
    worker = decision.application.applicant

    response = hr_client.get(LIST, {"outcome": Outcome.PROGRESSED})

    row = next(d for d in response.context["page"].object_list if d.pk == decision.pk)
    assert row.old_level_name == "Social Worker level 1"
    assert row.new_level_name == decision.new_level_name
    page = response.content.decode()
    for text in (worker.employee_number, "Social Worker level 1", decision.new_level_name,
                 "G9", "SCP 25", f"0 of {len(hr.SEED_ITEMS)}"):  # fmt: skip
        assert text in page


def test_without_level_history_the_old_level_is_the_routes_from_level(hr_client, medway):
    decision = decisions_in_bulk(medway, 1)[0]
    route = decision.application.route

    response = hr_client.get(LIST)

    row = next(d for d in response.context["page"].object_list if d.pk == decision.pk)
    assert row.old_level_code == route.from_level.code


def test_hr_never_sees_another_councils_decisions(hr_client, medway, lincolnshire):
    ours = decisions_in_bulk(medway, 2)
    theirs = decisions_in_bulk(lincolnshire, 2)

    listed = _listed(hr_client.get(LIST, {"page": 1}))
    assert {d.pk for d in ours} <= listed
    assert not {d.pk for d in theirs} & listed
    assert hr_client.get(reverse("panels:hr-decision", args=[theirs[0].pk])).status_code == 404
    exported = hr_client.get(CSV_URL)
    content = b"".join(exported.streaming_content).decode()
    assert theirs[0].application.applicant.employee_number not in content


@pytest.mark.parametrize("persona", ["worker", "line_manager", "team_manager"])
def test_workers_and_managers_are_refused(client, personas, persona):
    client.force_login(personas[persona])
    for url in (LIST, CSV_URL, reverse("panels:hr-checklist")):
        assert client.get(url).status_code == 403


def test_filters_by_route_outcome_team_session_and_effective_month(hr_client, medway, officer):
    team = Team.objects.create(organisation=medway, name="Payroll test team")
    route = decisions_in_bulk(medway, 1)[0].application.route
    session = session_on(route, days=-3)
    april = datetime.date(2026, 4, 14)
    in_team = decisions_in_bulk(medway, 1, team=team)[0]
    at_session = decisions_in_bulk(medway, 1, session=session)[0]
    in_april = decisions_in_bulk(medway, 1, effective_date=april)[0]
    deferred = decisions_in_bulk(medway, 1, outcome=Outcome.DEFERRED)[0]

    assert _listed(hr_client.get(LIST, {"team": team.pk})) == {in_team.pk}
    assert _listed(hr_client.get(LIST, {"session": session.pk})) == {at_session.pk}
    assert in_april.pk in _listed(hr_client.get(LIST, {"month": "2026-04"}))
    assert not {in_team.pk, at_session.pk} & _listed(hr_client.get(LIST, {"month": "2026-04"}))
    by_outcome = _listed(hr_client.get(LIST, {"outcome": Outcome.DEFERRED}))
    assert deferred.pk in by_outcome and in_team.pk not in by_outcome
    by_route = _listed(hr_client.get(LIST, {"route": route.code, "team": team.pk}))
    assert by_route == {in_team.pk}


def test_a_month_that_is_not_a_month_is_explained_and_filters_nothing(hr_client):
    response = hr_client.get(LIST, {"month": "April"})
    assert response.context["form"].errors["month"] == [
        "Enter the effective month as a year and month, like 2027-04"
    ]
    assert (
        response.context["page"].paginator.count
        == hr.hr_decisions(user=response.wsgi_request.user).count()
    )


def _queries_for(client, url, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
        if getattr(response, "streaming", False):
            rows = sum(1 for _ in response.streaming_content)
        else:
            rows = len(response.context["page"].object_list)
    return len(queries), rows


def test_the_list_costs_the_same_queries_for_10_and_1000_decisions(hr_client, medway):
    # 10 queries: the session, the person, their roles, their council; the form's routes, teams
    # and panel sessions; the count; the checklist's items; the page of decisions (their worker,
    # team, route, session, old level, checklist ticks and latest letter in the same query).
    team = Team.objects.create(organisation=medway, name="Budget team")
    hr.checklist_items_ensure(organisation=medway)  # made on first use: not counted here
    decisions_in_bulk(medway, 10, team=team)
    small, shown = _queries_for(hr_client, LIST, {"team": team.pk})
    assert shown == 10
    decisions_in_bulk(medway, 990, team=team)
    large, shown = _queries_for(hr_client, LIST, {"team": team.pk})
    assert shown == 50
    assert small == large == 10


def test_the_home_page_counts_progressions_whose_checklist_is_not_done(client, medway):
    officer = hr_officer(medway)
    before = _attention_count(officer)
    decisions = decisions_in_bulk(medway, 3)
    assert _attention_count(officer) == before + 3

    items = hr.checklist_items_ensure(organisation=medway)
    for item in items:
        hr.checklist_tick(decision=decisions[0], item=item, actor=officer)
    assert _attention_count(officer) == before + 2
    client.force_login(officer)
    assert (
        f"{before + 2} progressions to action"
        in client.get(reverse("careerpath:home")).content.decode()
    )


def _attention_count(officer):
    items = hr.hr_attention(officer)
    return int(items[0].label.split()[0]) if items else 0


# --- The checklist ------------------------------------------------------------------------------


def test_the_seeds_two_items_are_made_once_on_first_use(medway):
    ChecklistTick.objects.filter(item__organisation=medway).delete()
    ChecklistItem.objects.filter(organisation=medway).delete()

    first = hr.checklist_items_ensure(organisation=medway)
    second = hr.checklist_items_ensure(organisation=medway)

    assert [item.label for item in first] == list(hr.SEED_ITEMS)
    assert [item.pk for item in second] == [item.pk for item in first]
    assert ChecklistItem.objects.filter(organisation=medway).count() == 2


def test_ticking_records_who_and_when_once(hr_client, medway, officer):
    decision = decisions_in_bulk(medway, 1)[0]
    url = reverse("panels:hr-decision", args=[decision.pk])
    item = hr.checklist_items_ensure(organisation=medway)[0]

    response = hr_client.post(url, {"item": item.pk, "action": "tick"})
    assert response.status_code == 302
    tick = ChecklistTick.objects.get(decision=decision, item=item)
    assert tick.ticked_by == officer
    assert abs(timezone.now() - tick.ticked_at) < datetime.timedelta(minutes=1)
    again = hr_client.post(url, {"item": item.pk, "action": "tick"}, follow=True)

    assert ChecklistTick.objects.filter(decision=decision, item=item).count() == 1
    assert any("was already ticked by" in text for text in _messages(again))
    events = AuditEvent.objects.filter(action="hr.checklist_tick", target_id=str(decision.pk))
    assert events.count() == 1 and events.get().actor == officer
    page = hr_client.get(url).content.decode()
    assert f"by {officer.get_full_name()} on" in page


def test_unticking_asks_first_then_takes_the_tick_back(hr_client, medway, officer):
    decision = decisions_in_bulk(medway, 1)[0]
    url = reverse("panels:hr-decision", args=[decision.pk])
    item = hr.checklist_items_ensure(organisation=medway)[0]
    hr.checklist_tick(decision=decision, item=item, actor=officer)

    asked = hr_client.post(url, {"item": item.pk, "action": "untick"})
    assert "Are you sure you want to untick" in asked.content.decode()
    assert ChecklistTick.objects.filter(decision=decision, item=item).exists()

    hr_client.post(url, {"item": item.pk, "action": "untick", "confirm": "yes"})
    assert not ChecklistTick.objects.filter(decision=decision, item=item).exists()
    assert AuditEvent.objects.filter(action="hr.checklist_untick", target_id=str(decision.pk))


def test_only_a_progression_has_a_checklist(hr_client, medway):
    deferred = decisions_in_bulk(medway, 1, outcome=Outcome.DEFERRED)[0]
    item = hr.checklist_items_ensure(organisation=medway)[0]
    url = reverse("panels:hr-decision", args=[deferred.pk])

    response = hr_client.post(url, {"item": item.pk, "action": "tick"}, follow=True)

    assert "Only a progression has an HR checklist." in _messages(response)
    assert not ChecklistTick.objects.filter(decision=deferred).exists()


def test_another_councils_item_cannot_be_ticked(hr_client, medway, lincolnshire):
    decision = decisions_in_bulk(medway, 1)[0]
    theirs = hr.checklist_items_ensure(organisation=lincolnshire)[0]
    url = reverse("panels:hr-decision", args=[decision.pk])

    hr_client.post(url, {"item": theirs.pk, "action": "tick"})

    assert not ChecklistTick.objects.filter(decision=decision).exists()


def test_hr_adds_an_item_and_takes_one_off(hr_client, medway):
    url = reverse("panels:hr-checklist")
    hr_client.post(url, {"label": "Car allowance form"})
    added = ChecklistItem.objects.get(organisation=medway, label="Car allowance form")
    assert added.active

    duplicate = hr_client.post(url, {"label": "car allowance form"})
    assert "is already on the checklist" in duplicate.content.decode()
    assert (
        ChecklistItem.objects.filter(
            organisation=medway, label__iexact="car allowance form"
        ).count()
        == 1
    )

    hr_client.post(reverse("panels:hr-checklist-deactivate", args=[added.pk]))
    added.refresh_from_db()
    assert not added.active
    assert added not in hr.checklist_items_ensure(organisation=medway)


def test_the_decision_page_costs_the_same_queries_with_more_ticks(hr_client, medway, officer):
    decision = decisions_in_bulk(medway, 1)[0]
    url = reverse("panels:hr-decision", args=[decision.pk])
    items = hr.checklist_items_ensure(organisation=medway)
    for n in range(3):
        hr.checklist_item_add(organisation=medway, label=f"Extra form {n}", actor=officer)
    with CaptureQueriesContext(connection) as few:
        hr_client.get(url)
    for item in hr.checklist_items_ensure(organisation=medway):
        hr.checklist_tick(decision=decision, item=item, actor=officer)
    with CaptureQueriesContext(connection) as many:
        hr_client.get(url)
    # 8 queries: the session, the person, their roles; the decision with its worker, team,
    # route and session; their council; the checklist's items; the ticks with who ticked; the
    # letters.
    assert len(items) >= 2
    assert len(few) == len(many) == 8


def test_the_checklist_page_costs_the_same_queries_for_3_and_30_items(hr_client, medway, officer):
    # 6 queries: the session, the person, their roles, their council; the active items (made
    # on first use); every item of the council for the page.
    url = reverse("panels:hr-checklist")
    hr.checklist_items_ensure(organisation=medway)
    hr.checklist_item_add(organisation=medway, label="Third form", actor=officer)
    with CaptureQueriesContext(connection) as few:
        assert len(hr_client.get(url).context["items"]) == 3
    for n in range(27):
        hr.checklist_item_add(organisation=medway, label=f"Form {n}", actor=officer)
    with CaptureQueriesContext(connection) as many:
        assert len(hr_client.get(url).context["items"]) == 30
    assert len(few) == len(many) == 6


# --- The payroll export -------------------------------------------------------------------------


def test_the_export_streams_10000_decisions_with_a_fixed_number_of_queries(hr_client, medway):
    team = Team.objects.create(organisation=medway, name="Export team")
    hr.checklist_items_ensure(organisation=medway)
    decisions_in_bulk(medway, 10, team=team)
    small, small_rows = _queries_for(hr_client, CSV_URL, {"team": team.pk})
    decisions_in_bulk(medway, 9990, team=team)

    response = hr_client.get(CSV_URL, {"team": team.pk})
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    with CaptureQueriesContext(connection) as queries:
        lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))

    assert small_rows == 11  # the header and ten decisions
    assert len(lines) == 10_001
    assert lines[0] == list(hr.CSV_HEADER)
    large, _rows = _queries_for(hr_client, CSV_URL, {"team": team.pk})
    # 9 queries: the session, the person, their roles, their council; the filter form's routes,
    # teams and panel sessions; the checklist's items; the rows.
    assert large == small == 9
    assert len(queries) <= 1  # the rows come from one query, read in chunks


def test_the_export_cannot_smuggle_a_formula_into_a_spreadsheet(hr_client, medway):
    decision = decisions_in_bulk(medway, 1)[0]
    worker = decision.application.applicant
    worker.first_name, worker.last_name, worker.employee_number = "=HYPERLINK(1)", "", "+44"
    worker.save(update_fields=["first_name", "last_name", "employee_number"])

    response = hr_client.get(CSV_URL)
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))

    row = next(row for row in rows if row[1] == "'+44")
    assert row[0] == "'=HYPERLINK(1)"
    assert [hr.csv_safe(value) for value in ("-1", "@x", "ok")] == ["'-1", "'@x", "ok"]


# --- The letters' zip ---------------------------------------------------------------------------


def _letter(decision, *, version=1, content=b"%PDF-1.7 letter", sent=True):
    key = f"letters/test/{decision.pk}/v{version}.pdf"
    default_storage.save(key, ContentFile(content))
    return Letter.objects.create(
        decision=decision, kind=LetterKind.PROGRESSED, version=version,
        due_by=timezone.now() + datetime.timedelta(hours=24), pdf_key=key,
        sent_at=timezone.now() if sent else None,
        reissue_reason="" if version == 1 else "The pay point was wrong.",
    )  # fmt: skip


def test_the_zip_holds_the_latest_letter_of_each_decision_at_the_session(hr_client, medway):
    route = decisions_in_bulk(medway, 1)[0].application.route
    session = session_on(route, days=-2)
    first, second = decisions_in_bulk(medway, 2, session=session)
    elsewhere = decisions_in_bulk(medway, 1)[0]
    _letter(first, content=b"%PDF first v1")
    _letter(first, version=2, content=b"%PDF first v2")
    _letter(second, content=b"%PDF second v1")
    _letter(elsewhere, content=b"%PDF elsewhere")

    response = hr_client.get(reverse("panels:hr-letters-zip"), {"session": session.pk})

    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    contents = sorted(archive.read(name) for name in archive.namelist())
    assert contents == [b"%PDF first v2", b"%PDF second v1"]


def test_the_zip_for_a_month_reads_the_panel_dates_of_that_month(hr_client, medway):
    march = decisions_in_bulk(medway, 1, effective_date=datetime.date(2026, 3, 10))[0]
    april = decisions_in_bulk(medway, 1, effective_date=datetime.date(2026, 4, 10))[0]
    _letter(march, content=b"%PDF march")
    _letter(april, content=b"%PDF april")

    response = hr_client.get(reverse("panels:hr-letters-zip"), {"month": "2026-03"})

    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert [archive.read(name) for name in archive.namelist()] == [b"%PDF march"]


def test_with_no_letters_the_zip_says_so(hr_client, medway, lincolnshire):
    theirs = decisions_in_bulk(lincolnshire, 1, effective_date=datetime.date(2025, 1, 8))[0]
    _letter(theirs)

    response = hr_client.get(reverse("panels:hr-letters-zip"), {"month": "2025-01"}, follow=True)

    assert "There are no letters to download for that month yet." in _messages(response)
    missing = hr_client.get(reverse("panels:hr-letters-zip"), follow=True)
    assert any("Choose a panel session or a month" in text for text in _messages(missing))


def test_each_row_shows_its_latest_letter_sent_or_not_yet(hr_client, medway):
    sent, waiting, late = decisions_in_bulk(medway, 3)
    _letter(sent, content=b"%PDF v1", sent=False)
    _letter(sent, version=2, content=b"%PDF v2")
    _letter(waiting, sent=False)
    overdue = _letter(late, sent=False)
    Letter.objects.filter(pk=overdue.pk).update(due_by=timezone.now() - datetime.timedelta(hours=1))

    rows = {d.pk: d.letter_status for d in hr_client.get(LIST).context["page"].object_list}

    assert rows[sent.pk] == f"Sent on {long_date(timezone.now())}"
    assert rows[waiting.pk] == "Not sent yet"
    assert rows[late.pk] == "Not sent yet (late)"


def test_the_decision_page_offers_each_letter_and_a_reissue_of_the_latest(hr_client, medway):
    decision = decisions_in_bulk(medway, 1)[0]
    first = _letter(decision, content=b"%PDF v1")
    latest = _letter(decision, version=2, content=b"%PDF v2")

    page = hr_client.get(reverse("panels:hr-decision", args=[decision.pk])).content.decode()

    for letter in (first, latest):
        assert reverse("panels:letter-pdf", args=[letter.pk]) in page
    assert reverse("panels:letter-reissue", args=[latest.pk]) in page
    assert reverse("panels:letter-reissue", args=[first.pk]) not in page
