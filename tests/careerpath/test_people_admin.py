"""The organisation administrator's pages: the council's people with search and filters, one
person's roles, managers, employment facts and level history, roles given and removed with a
reason (in the audit trail, with who granted them), the audit trail with its search and export.
Nobody sees or gives roles in another council."""

import csv
import datetime
import io
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from careerpath import people_admin
from careerpath.models import (
    AuditEvent,
    ContractType,
    LevelHistory,
    LevelSource,
    Organisation,
    Role,
    RoleMembership,
    Team,
    User,
)

pytestmark = pytest.mark.django_db

PEOPLE = reverse("careerpath:people")
AUDIT = reverse("careerpath:audit")
AUDIT_CSV = reverse("careerpath:audit-csv")
_batches = itertools.count(1)


@pytest.fixture
def medway():
    return Organisation.objects.get(slug="medway")


@pytest.fixture
def lincolnshire():
    return Organisation.objects.get(slug="lincolnshire")


@pytest.fixture
def admin(personas):
    return personas["organisation_admin"]


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


def people_in_bulk(organisation, count, **fields):
    """`count` people of the council, made in one insert."""
    batch = next(_batches)
    User.objects.bulk_create(
        User(username=f"people-batch{batch}-{n}", first_name="Person",
             last_name=f"B{batch}N{n:05d}", employee_number=f"P{batch:03d}{n:05d}",
             organisation=organisation, **fields)
        for n in range(count)
    )  # fmt: skip
    return User.objects.filter(username__startswith=f"people-batch{batch}-").order_by("pk")


def events_in_bulk(organisation, count, *, actor, action="evidence.create"):
    AuditEvent.objects.bulk_create(
        AuditEvent(organisation=organisation, actor=actor, action=action,
                   target_repr=f"Item {n}", details={"n": n})
        for n in range(count)
    )  # fmt: skip


def grant_url(person):
    return reverse("careerpath:person-role-grant", args=[person.pk])


def remove_url(membership):
    return reverse("careerpath:person-role-remove", args=[membership.user_id, membership.pk])


# --- The people ---------------------------------------------------------------------------------


def test_the_people_list_shows_only_the_administrators_council(admin_client, medway):
    shown = {person.pk for person in admin_client.get(PEOPLE).context["page"].object_list}
    assert shown
    assert shown <= set(User.objects.filter(organisation=medway).values_list("pk", flat=True))


def test_the_search_finds_a_person_by_name_email_or_employee_number(admin_client, medway):
    person = User.objects.create(
        username="k.quennell", first_name="Kemi", last_name="Quennell",
        email="kemi.quennell@medway.test",
        employee_number="M99001", organisation=medway,
    )  # fmt: skip
    for search in ("Quennell", "kemi quennell", "kemi.quennell@medway", "M99001"):
        found = list(admin_client.get(PEOPLE, {"q": search}).context["page"].object_list)
        assert found == [person], search


def test_the_filters_narrow_by_team_role_status_and_contract(admin_client, medway, personas):
    team = Team.objects.create(organisation=medway, name="Filter team")
    temporary, left = people_in_bulk(medway, 2, team=team, contract_type=ContractType.TEMPORARY)
    User.objects.filter(pk=left.pk).update(is_active=False, left_on=timezone.localdate())
    RoleMembership.objects.create(user=temporary, organisation=medway, role=Role.HR)

    def shown(**params):
        return list(admin_client.get(PEOPLE, params).context["page"].object_list)

    assert shown(team=team.pk) == [temporary, left]
    assert shown(team=team.pk, status="active") == [temporary]
    assert shown(team=team.pk, status="leaver") == [left]
    assert shown(team=team.pk, role=Role.HR) == [temporary]
    assert personas["hr"] in shown(role=Role.HR)
    assert shown(team=team.pk, contract_type=ContractType.PERMANENT) == []


def test_a_filter_on_another_councils_team_or_an_unknown_role_shows_an_error(
    admin_client, lincolnshire
):
    their_team = Team.objects.create(organisation=lincolnshire, name="Not yours")
    response = admin_client.get(PEOPLE, {"team": their_team.pk, "role": "emperor"})
    assert response.context["form"].errors.keys() == {"team", "role"}
    assert "Choose a team from the list" in response.content.decode()


def test_the_people_list_costs_the_same_queries_for_100_and_10000_people(admin_client, medway):
    # 8 queries: the session, the person, their roles, their council; the form's teams; the
    # count; the page of people (their team and line manager joined); their roles in the
    # council (the header's People link reads the roles already read).
    team = Team.objects.create(organisation=medway, name="Budget people")
    people_in_bulk(medway, 100, team=team)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = admin_client.get(PEOPLE, {"team": team.pk})
        return len(captured), response.context["page"]

    small, page = queries()
    assert page.paginator.count == 100 and len(page.object_list) == 50
    people_in_bulk(medway, 9_900, team=team)
    large, page = queries()
    assert page.paginator.count == 10_000 and len(page.object_list) == 50
    assert small == large == 8


def test_the_person_page_shows_roles_managers_employment_and_level_history(
    admin_client, medway, personas, admin
):
    worker = personas["worker"]
    membership = RoleMembership.objects.filter(user=worker, organisation=medway).first()
    LevelHistory.objects.filter(user=worker).delete()
    LevelHistory.objects.create(
        user=worker, level_code="SW1", level_name="Social Worker level 1",
        started_on=datetime.date(2024, 4, 1), ended_on=datetime.date(2025, 3, 31),
        source=LevelSource.APPOINTMENT,
    )  # fmt: skip
    LevelHistory.objects.create(
        user=worker, level_code="SW2", level_name="Social Worker level 2",
        started_on=datetime.date(2025, 4, 1), source=LevelSource.PANEL_DECISION,
        reference="Panel of 20 March 2025",
    )  # fmt: skip
    response = admin_client.get(reverse("careerpath:person", args=[worker.pk]))
    html = response.content.decode()
    assert membership.get_role_display() in html
    if worker.line_manager:
        assert worker.line_manager.get_full_name() in html
    assert worker.employee_number in html
    assert "Social Worker level 2" in html and "1 April 2025" in html
    assert "Panel of 20 March 2025" in html
    assert [level.level_code for level in response.context["level_history"]] == ["SW2", "SW1"]


def test_the_person_page_costs_the_same_queries_for_3_and_30_levels(admin_client, medway):
    person = people_in_bulk(medway, 1)[0]
    url = reverse("careerpath:person", args=[person.pk])

    def levels(count):
        LevelHistory.objects.filter(user=person).delete()
        LevelHistory.objects.bulk_create(
            LevelHistory(user=person, level_code=f"L{n}", level_name=f"Level {n}",
                         started_on=datetime.date(1990 + n, 1, 1),
                         ended_on=None if n == count - 1 else datetime.date(1990 + n, 12, 31),
                         source=LevelSource.PERSONNEL_RECORD)
            for n in range(count)
        )  # fmt: skip
        with CaptureQueriesContext(connection) as captured:
            response = admin_client.get(url)
        assert len(response.context["level_history"]) == count
        return len(captured)

    # 7 queries: the session, the person, their roles, their council; the person shown with
    # their council, team and managers; their roles with who granted each; their level history.
    assert levels(3) == levels(30) == 7


def test_another_councils_person_is_not_found(admin_client, personas):
    stranger = personas["other_organisation_worker"]
    membership = stranger.role_memberships.first()
    assert admin_client.get(reverse("careerpath:person", args=[stranger.pk])).status_code == 404
    response = admin_client.post(grant_url(stranger), {"role": Role.HR, "reason": "Cover"})
    assert response.status_code == 404
    response = admin_client.post(remove_url(membership), {"reason": "Moved"})
    assert response.status_code == 404
    assert not RoleMembership.objects.filter(user=stranger, role=Role.HR).exists()
    assert RoleMembership.objects.filter(pk=membership.pk).exists()


@pytest.mark.parametrize(
    "persona", ["worker", "hr", "progression_coordinator", "line_manager", "superuser"]
)
def test_only_the_organisation_administrator_reaches_the_pages(client, personas, persona):
    client.force_login(personas[persona])
    worker = personas["worker"]
    for url in (PEOPLE, AUDIT, AUDIT_CSV, reverse("careerpath:person", args=[worker.pk])):
        assert client.get(url).status_code == 403, url
    assert client.post(grant_url(worker), {"role": Role.HR, "reason": "x"}).status_code == 403


def test_another_councils_administrator_cannot_see_or_change_medway(client, personas, lincolnshire):
    their_admin = User.objects.get(username="lincolnshire.admin")
    client.force_login(their_admin)
    worker = personas["worker"]
    assert client.get(reverse("careerpath:person", args=[worker.pk])).status_code == 404
    assert client.post(grant_url(worker), {"role": Role.HR, "reason": "x"}).status_code == 404
    shown = client.get(PEOPLE).context["page"].paginator.object_list
    assert not shown.filter(organisation__slug="medway").exists()


# --- Granting and removing roles ----------------------------------------------------------------


def test_granting_a_role_records_who_granted_it_and_why_in_the_audit_trail(
    admin_client, admin, personas, medway
):
    worker = personas["worker"]
    response = admin_client.post(
        grant_url(worker), {"role": Role.PANEL_MEMBER, "reason": "Joins the panel pool"}
    )
    assert response.status_code == 302
    membership = RoleMembership.objects.get(user=worker, role=Role.PANEL_MEMBER)
    assert membership.organisation == medway and membership.granted_by == admin
    event = AuditEvent.objects.filter(action="role.grant").latest("pk")
    assert event.actor == admin and event.organisation == medway
    assert event.target_id == str(worker.pk)
    assert event.details["role"] == Role.PANEL_MEMBER
    assert event.details["reason"] == "Joins the panel pool"


def test_a_grant_without_a_reason_changes_nothing(admin_client, personas):
    worker = personas["worker"]
    before = AuditEvent.objects.count()
    response = admin_client.post(grant_url(worker), {"role": Role.PANEL_MEMBER, "reason": "  "})
    assert response.status_code == 200
    assert "Give the reason for giving the role" in response.content.decode()
    assert not RoleMembership.objects.filter(user=worker, role=Role.PANEL_MEMBER).exists()
    assert AuditEvent.objects.count() == before


def test_a_role_not_in_the_list_is_refused_on_the_server(admin_client, personas):
    worker = personas["worker"]
    held = RoleMembership.objects.filter(user=worker).values_list("role", flat=True).first()
    for role in ("superuser", held):
        response = admin_client.post(grant_url(worker), {"role": role, "reason": "Because"})
        assert response.status_code == 200
        assert "Choose a role from the list" in response.content.decode()
    assert RoleMembership.objects.filter(user=worker).count() == 1


def test_the_service_refuses_a_held_role_another_council_and_a_leaver(admin, personas, medway):
    worker = personas["worker"]
    held = RoleMembership.objects.filter(user=worker).first().role
    with pytest.raises(people_admin.RoleChangeError, match="already"):
        people_admin.role_grant(person=worker, role=held, reason="Again", actor=admin)
    with pytest.raises(people_admin.RoleChangeError, match="own council"):
        people_admin.role_grant(
            person=personas["other_organisation_worker"], role=Role.HR, reason="x", actor=admin
        )
    leaver = people_in_bulk(medway, 1, is_active=False)[0]
    with pytest.raises(people_admin.RoleChangeError, match="has left"):
        people_admin.role_grant(person=leaver, role=Role.HR, reason="Back", actor=admin)
    with pytest.raises(people_admin.RoleChangeError, match="own council"):
        people_admin.role_grant(person=worker, role=Role.HR, reason="x", actor=personas["hr"])
    assert not RoleMembership.objects.filter(user__in=[worker, leaver], role=Role.HR).exists()


def test_removing_a_role_needs_a_reason_and_is_audited(admin_client, admin, personas):
    hr = personas["hr"]
    membership = RoleMembership.objects.get(user=hr, role=Role.HR)
    response = admin_client.post(remove_url(membership), {"reason": ""})
    assert response.status_code == 200
    assert "Give the reason for removing the role" in response.content.decode()
    assert RoleMembership.objects.filter(pk=membership.pk).exists()

    response = admin_client.post(remove_url(membership), {"reason": "Moved to payroll"})
    assert response.status_code == 302
    assert not RoleMembership.objects.filter(pk=membership.pk).exists()
    event = AuditEvent.objects.filter(action="role.remove").latest("pk")
    assert event.actor == admin and event.target_id == str(hr.pk)
    assert event.details == {"role": "hr", "role_name": "HR", "reason": "Moved to payroll"}


def test_the_administrator_cannot_remove_their_own_administrator_role(admin_client, admin):
    membership = RoleMembership.objects.get(user=admin, role=Role.ORGANISATION_ADMIN)
    response = admin_client.post(remove_url(membership), {"reason": "Leaving"})
    assert response.status_code == 200
    assert "You cannot remove your own administrator role" in response.content.decode()
    assert RoleMembership.objects.filter(pk=membership.pk).exists()


def test_removing_a_role_already_removed_changes_nothing(admin, personas):
    membership = RoleMembership.objects.get(user=personas["hr"], role=Role.HR)
    assert people_admin.role_remove(membership=membership, reason="Moved", actor=admin)
    assert not people_admin.role_remove(membership=membership, reason="Moved", actor=admin)
    assert AuditEvent.objects.filter(action="role.remove").count() == 1


# --- The audit trail ----------------------------------------------------------------------------


def test_the_audit_trail_shows_only_the_administrators_council(admin_client, admin, medway):
    theirs = User.objects.get(username="lincolnshire.admin")
    events_in_bulk(Organisation.objects.get(slug="lincolnshire"), 3, actor=theirs, action="x.y")
    events_in_bulk(medway, 2, actor=admin, action="x.y")
    shown = admin_client.get(AUDIT, {"action": "x.y"}).context["page"].object_list
    assert len(shown) == 2
    assert all(event.organisation_id == medway.pk for event in shown)


def test_the_audit_trail_searches_by_action_person_and_dates(admin_client, admin, personas):
    worker = personas["worker"]
    people_admin.role_grant(person=worker, role=Role.PANEL_MEMBER, reason="Pool", actor=admin)
    today = timezone.localdate()

    def shown(**params):
        return list(admin_client.get(AUDIT, params).context["page"].object_list)

    granted = shown(action="role.grant")
    assert [event.target_id for event in granted] == [str(worker.pk)]
    assert shown(action="role.grant", person=worker.last_name) == granted
    assert shown(action="role.grant", person=admin.first_name) == granted
    assert shown(action="role.grant", person="Nobody-by-this-name") == []
    day = {"date_from_0": today.day, "date_from_1": today.month, "date_from_2": today.year}
    assert shown(action="role.grant", **day) == granted
    tomorrow = today + datetime.timedelta(days=1)
    later = {"date_from_0": tomorrow.day, "date_from_1": tomorrow.month,
             "date_from_2": tomorrow.year}  # fmt: skip
    assert shown(action="role.grant", **later) == []
    yesterday = today - datetime.timedelta(days=1)
    until = {"date_to_0": yesterday.day, "date_to_1": yesterday.month, "date_to_2": yesterday.year}
    assert shown(action="role.grant", **until) == []


def test_the_audit_list_costs_the_same_queries_for_100_and_10000_events(admin_client, admin):
    # 7 queries: the session, the person, their roles, their council; the actions for the
    # filter; the count; the page of events with who did each.
    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = admin_client.get(AUDIT, {"action": "budget.event"})
        return len(captured), response.context["page"]

    events_in_bulk(admin.organisation, 100, actor=admin, action="budget.event")
    small, page = queries()
    assert page.paginator.count == 100
    events_in_bulk(admin.organisation, 9_900, actor=admin, action="budget.event")
    large, page = queries()
    assert page.paginator.count == 10_000 and len(page.object_list) == 50
    assert small == large == 7


def test_the_export_streams_the_search_with_the_reason_and_safe_cells(admin_client, admin, medway):
    person = User.objects.create(
        username="formula", first_name="=SUM(A1)", last_name="Person", organisation=medway
    )
    people_admin.role_grant(person=person, role=Role.HR, reason="@cover for payroll", actor=admin)
    response = admin_client.get(AUDIT_CSV, {"action": "role.grant"})
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert lines[0] == list(people_admin.CSV_HEADER)
    assert len(lines) == 2
    row = dict(zip(lines[0], lines[1], strict=True))
    assert row["Action"] == "role.grant"
    assert row["About"] == "'=SUM(A1) Person"
    assert row["Reason"] == "'@cover for payroll"
    assert row["Who"] == admin.get_full_name()


def test_the_export_costs_the_same_queries_for_100_and_10000_events(admin_client, admin):
    def export():
        with CaptureQueriesContext(connection) as captured:
            response = admin_client.get(AUDIT_CSV, {"action": "export.event"})
            lines = sum(1 for _ in response.streaming_content)
        return len(captured), lines

    events_in_bulk(admin.organisation, 100, actor=admin, action="export.event")
    small, lines = export()
    assert lines == 101
    events_in_bulk(admin.organisation, 9_900, actor=admin, action="export.event")
    large, lines = export()
    assert lines == 10_001
    # 5 queries: the session, the person, their roles; the actions for the filter; the rows.
    assert small == large == 5


# --- Home page and header -----------------------------------------------------------------------


def test_the_home_page_counts_people_without_a_line_manager_or_team(admin_client, admin, medway):
    people_in_bulk(medway, 2)  # no team and no line manager
    items = {item.url: item.label for item in people_admin.admin_attention(admin)}
    without_manager = f"{PEOPLE}?status=active&missing=line_manager"
    without_team = f"{PEOPLE}?status=active&missing=team"
    active = User.objects.filter(organisation=medway, is_active=True)
    expected_managerless = active.filter(line_manager__isnull=True).count()
    assert items[without_manager] == f"{expected_managerless} people without a line manager"
    assert items[without_team] == (
        f"{active.filter(team__isnull=True).count()} people without a team"
    )
    html = admin_client.get(reverse("careerpath:home")).content.decode()
    assert without_manager.replace("&", "&amp;") in html
    # The link leads to exactly those people.
    assert admin_client.get(without_manager).context["page"].paginator.count == (
        expected_managerless
    )


def test_the_header_links_people_for_the_administrator_only(client, personas):
    client.force_login(personas["organisation_admin"])
    assert f'href="{PEOPLE}"' in client.get(reverse("careerpath:home")).content.decode()
    client.force_login(personas["hr"])
    assert f'href="{PEOPLE}"' not in client.get(reverse("careerpath:home")).content.decode()
