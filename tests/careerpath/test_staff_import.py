"""Staff import: the HR system's staff extract is previewed (nothing written but the upload),
then applied whole or not at all. People are matched by employee number; leavers are
deactivated, never deleted."""

import csv
import datetime
import io
from pathlib import Path

import pytest
import tablib
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from careerpath import staff_import as importing
from careerpath.models import (
    AuditEvent,
    LevelHistory,
    LevelSource,
    Organisation,
    Role,
    StaffImport,
    User,
)
from careerpath.staff_import import StaffImportError, staff_import_apply, staff_import_preview

FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "staff"
SAMPLE = FIXTURES / "medway_staff.csv"
WITH_PROBLEMS = FIXTURES / "medway_staff_with_problems.csv"


def sample_rows():
    with SAMPLE.open(newline="") as handle:
        return list(csv.DictReader(handle))


def as_csv(rows):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def row_of(rows, number):
    return next(row for row in rows if row["Employee number"] == number)


def preview(admin, content, name="staff.csv"):
    return staff_import_preview(
        organisation=admin.organisation, uploaded_by=admin, file_name=name, content=content
    )


def people_state(organisation):
    return sorted(
        User.objects.filter(organisation=organisation).values_list(
            "pk", "employee_number", "first_name", "last_name", "email", "job_title", "team_id",
            "contract_type", "contract_start_date", "qualification_date", "swe_registration_date",
            "line_manager_id", "is_active", "left_on",
        )
    )  # fmt: skip


@pytest.fixture
def admin(personas):
    return personas["organisation_admin"]


@pytest.fixture
def medway(admin):
    return admin.organisation


# --- Preview ------------------------------------------------------------------------------------


def test_preview_of_the_sample_file_lists_three_new_people_one_change_and_writes_nothing(
    admin, medway
):
    before = people_state(medway)
    levels_before = LevelHistory.objects.count()

    staff_import = preview(admin, SAMPLE.read_bytes(), "medway_staff.csv")

    assert staff_import.status == StaffImport.Status.PREVIEWED
    assert staff_import.problems == []
    summary = staff_import.summary
    assert (summary["new"], summary["changed"], summary["leavers"]) == (3, 1, 0)
    assert {person["employee_number"] for person in summary["new_people"]} == {
        "MED0101", "MED0102", "MED0103",
    }  # fmt: skip
    [change] = summary["changed_people"]
    assert change["employee_number"] == "MED0003"
    assert change["fields"] == [{
        "field": "Job title", "old": "Social Worker (SW2)",
        "new": "Social Worker (SW2), Hospital Discharge",
    }]  # fmt: skip
    # Only the upload is kept: the people and their levels are as they were.
    assert people_state(medway) == before
    assert LevelHistory.objects.count() == levels_before
    assert default_storage.open(staff_import.file_key).read() == SAMPLE.read_bytes()


def test_preview_reads_an_excel_workbook_as_it_reads_csv(admin):
    rows = sample_rows()
    book = tablib.Dataset(*[list(row.values()) for row in rows], headers=list(rows[0]))

    staff_import = preview(admin, book.export("xlsx"), "staff.xlsx")

    assert staff_import.problems == []
    assert (staff_import.summary["new"], staff_import.summary["changed"]) == (3, 1)


def test_preview_lists_a_field_by_field_change_of_level_and_manager(admin):
    rows = sample_rows()
    row_of(rows, "MED0001").update({
        "Current level": "SW2B", "Level start date": "2025-04-01",
        "Line manager employee number": "MED0016",
    })  # fmt: skip

    staff_import = preview(admin, as_csv(rows))

    change = next(
        c for c in staff_import.summary["changed_people"] if c["employee_number"] == "MED0001"
    )
    assert {(f["field"], f["old"], f["new"]) for f in change["fields"]} == {
        ("Line manager", "MED0006", "MED0016"),
        ("Current level", "SW2A from 1 September 2023", "SW2B from 1 April 2025"),
    }


def test_people_missing_from_the_file_are_listed_as_leavers(admin):
    rows = [row for row in sample_rows() if row["Employee number"] != "MED0014"]

    staff_import = preview(admin, as_csv(rows))

    assert staff_import.summary["leavers"] == 1
    assert staff_import.summary["leaving_people"][0]["employee_number"] == "MED0014"


def test_the_administrator_cannot_import_a_file_that_leaves_them_out(admin):
    """Importing it would close their own account: a problem, so nothing can be applied."""
    rows = [row for row in sample_rows() if row["Employee number"] != admin.employee_number]
    assert len(rows) < len(sample_rows())  # the sample file has the administrator's row

    staff_import = preview(admin, as_csv(rows))

    assert [(p["row"], p["column"]) for p in staff_import.problems] == [(1, "Employee number")]
    assert "Your own record" in staff_import.problems[0]["message"]
    with pytest.raises(StaffImportError):
        staff_import_apply(staff_import=staff_import, actor=admin)
    admin.refresh_from_db()
    assert admin.is_active


# --- Problems, each with its row and column -----------------------------------------------------


def problems_of(admin, rows):
    return [(p["row"], p["column"]) for p in preview(admin, as_csv(rows)).problems]


@pytest.mark.parametrize(
    "number, column, value, heading",
    [
        ("MED0101", "Line manager employee number", "MED9999", "Line manager employee number"),
        ("MED0103", "Start date in post", "2031-04-01", "Start date in post"),
        ("MED0101", "Qualification date", "tomorrow", "Qualification date"),
        ("MED0002", "Current level", "SW9Z", "Current level"),
        ("MED0004", "Work email", "medway.worker@example.org", "Work email"),
        ("MED0004", "Work email", "lincolnshire.worker@example.org", "Work email"),
        ("MED0004", "Work email", "not an address", "Work email"),
        ("MED0004", "Contract type", "Zero hours", "Contract type"),
        ("MED0004", "Employee number", "MED0001", "Employee number"),
        ("MED0004", "Last name", "", "Last name"),
    ],
    ids=[
        "unknown manager", "date in the future", "not a date", "unknown level code",
        "duplicate e-mail in the file", "e-mail of someone in another council",
        "not an e-mail", "unknown contract type", "duplicate employee number", "missing name",
    ],
)  # fmt: skip
def test_each_problem_is_reported_with_its_row_and_column(admin, number, column, value, heading):
    rows = sample_rows()
    row_number = rows.index(row_of(rows, number)) + 2  # the headings are row 1
    row_of(rows, number)[column] = value

    assert (row_number, heading) in problems_of(admin, rows)


def test_a_manager_loop_is_a_problem_on_each_row_of_the_loop_and_cannot_be_applied(admin, medway):
    before = people_state(medway)
    rows = sample_rows()
    row_of(rows, "MED0102")["Line manager employee number"] = "MED0103"
    row_of(rows, "MED0103")["Line manager employee number"] = "MED0102"

    staff_import = preview(admin, as_csv(rows))

    loops = [p for p in staff_import.problems if "loop" in p["message"]]
    assert [(p["row"], p["column"]) for p in loops] == [
        (rows.index(row_of(rows, number)) + 2, "Line manager employee number")
        for number in ("MED0102", "MED0103")
    ]
    assert "MED0102 → MED0103 → MED0102" in loops[0]["message"]
    with pytest.raises(StaffImportError):
        staff_import_apply(staff_import=staff_import, actor=admin)
    assert people_state(medway) == before


def test_missing_required_columns_are_named_on_the_headings_row(admin):
    rows = [
        {key: value for key, value in row.items() if key not in ("Work email", "Last name")}
        for row in sample_rows()
    ]

    problems = preview(admin, as_csv(rows)).problems

    assert [(p["row"], p["column"]) for p in problems] == [(1, "Last name"), (1, "Work email")]


def test_the_file_with_problems_in_the_fixtures_reports_each_kind(admin):
    messages = [p["message"] for p in preview(admin, WITH_PROBLEMS.read_bytes()).problems]

    for words in ("MED9999", "loop", "in the future", "SW9Z", "is also on row"):
        assert any(words in message for message in messages), words


def test_a_file_that_is_not_a_spreadsheet_is_refused(admin):
    with pytest.raises(StaffImportError):
        preview(admin, b"%PDF-1.7 not a staff file", "staff.pdf")
    assert not StaffImport.objects.exists()


# --- Apply --------------------------------------------------------------------------------------


def test_applying_creates_new_people_who_sign_in_with_single_sign_on_as_workers(admin, medway):
    staff_import = staff_import_apply(staff_import=preview(admin, SAMPLE.read_bytes()), actor=admin)

    assert staff_import.status == StaffImport.Status.APPLIED
    nadia = User.objects.get(organisation=medway, employee_number="MED0101")
    assert nadia.username == nadia.email == "nadia.khan@example.org"
    assert not nadia.has_usable_password()
    assert list(nadia.role_memberships.values_list("role", flat=True)) == [Role.WORKER]
    assert nadia.line_manager.employee_number == "MED0006"
    assert nadia.team.name == "Adult Social Care Community Team"
    assert nadia.contract_start_date == datetime.date(2025, 9, 1)
    [level] = nadia.level_history.all()
    assert (level.level_code, level.started_on, level.source) == (
        "SW2A", datetime.date(2025, 9, 1), LevelSource.PERSONNEL_RECORD,
    )  # fmt: skip
    ben = User.objects.get(organisation=medway, employee_number="MED0102")
    assert ben.contract_type == "temporary"
    assert User.objects.get(employee_number="MED0003", organisation=medway).job_title == (
        "Social Worker (SW2), Hospital Discharge"
    )


def test_reimporting_the_same_file_changes_nothing(admin, medway):
    staff_import_apply(staff_import=preview(admin, SAMPLE.read_bytes()), actor=admin)
    people = people_state(medway)
    levels = list(LevelHistory.objects.values_list("pk", "level_code", "started_on", "ended_on"))
    person_events = AuditEvent.objects.filter(action__startswith="person.").count()

    again = preview(admin, SAMPLE.read_bytes())
    assert (again.summary["new"], again.summary["changed"], again.summary["leavers"]) == (0, 0, 0)
    staff_import_apply(staff_import=again, actor=admin)

    assert people_state(medway) == people
    assert (
        list(LevelHistory.objects.values_list("pk", "level_code", "started_on", "ended_on"))
        == levels
    )
    assert AuditEvent.objects.filter(action__startswith="person.").count() == person_events


def test_a_change_of_level_adds_level_history_and_a_change_of_manager_is_audited(admin, medway):
    rows = sample_rows()
    row_of(rows, "MED0001").update({
        "Current level": "SW2B", "Level start date": "2025-04-01",
        "Line manager employee number": "MED0016",
    })  # fmt: skip

    staff_import_apply(staff_import=preview(admin, as_csv(rows)), actor=admin)

    amara = User.objects.get(organisation=medway, employee_number="MED0001")
    history = list(amara.level_history.order_by("started_on"))
    assert [(h.level_code, h.started_on, h.ended_on) for h in history] == [
        ("SW2A", datetime.date(2023, 9, 1), datetime.date(2025, 3, 31)),
        ("SW2B", datetime.date(2025, 4, 1), None),
    ]
    assert history[-1].source == LevelSource.PERSONNEL_RECORD
    assert amara.line_manager.employee_number == "MED0016"
    events = {
        event.action: event.details
        for event in AuditEvent.objects.filter(
            target_id=str(amara.pk), action__startswith="person."
        )
    }
    assert events["person.level_change"]["from"] == "SW2A"
    assert events["person.level_change"]["to"] == "SW2B"
    assert (events["person.line_manager_change"]["from"],
            events["person.line_manager_change"]["to"]) == ("MED0006", "MED0016")  # fmt: skip


def test_a_leaver_is_deactivated_with_their_decisions_intact(admin, medway, personas):
    from panels.models import Decision
    from tests.panels.appeal_factories import own_decision

    worker = personas["worker"]
    decision = Decision.objects.get(pk=own_decision(worker)["pk"])
    rows = [row for row in sample_rows() if row["Employee number"] != worker.employee_number]

    staff_import_apply(staff_import=preview(admin, as_csv(rows)), actor=admin)

    worker.refresh_from_db()
    assert worker.is_active is False
    assert worker.left_on == timezone.localdate()
    assert Decision.objects.filter(pk=decision.pk, application__applicant=worker).exists()
    assert AuditEvent.objects.filter(action="person.leave", target_id=str(worker.pk)).exists()


def test_a_leaver_back_in_a_later_file_is_active_again(admin, medway, personas):
    worker = personas["worker"]
    rows = sample_rows()
    without = [row for row in rows if row["Employee number"] != worker.employee_number]
    staff_import_apply(staff_import=preview(admin, as_csv(without)), actor=admin)

    staff_import_apply(staff_import=preview(admin, as_csv(rows)), actor=admin)

    worker.refresh_from_db()
    assert (worker.is_active, worker.left_on) == (True, None)


def test_a_failure_part_way_through_the_apply_writes_nothing(admin, medway, monkeypatch):
    staff_import = preview(admin, SAMPLE.read_bytes())
    before = people_state(medway)
    levels = LevelHistory.objects.count()

    def fail(self):
        raise RuntimeError("the database went away")

    # The audit events are written last: by then people, levels and managers are written.
    monkeypatch.setattr(importing._Audit, "write", fail)
    with pytest.raises(RuntimeError):
        staff_import_apply(staff_import=staff_import, actor=admin)

    assert people_state(medway) == before
    assert LevelHistory.objects.count() == levels
    staff_import.refresh_from_db()
    assert staff_import.status == StaffImport.Status.PREVIEWED


def test_a_stored_file_that_differs_from_the_preview_is_refused(admin, medway):
    staff_import = preview(admin, SAMPLE.read_bytes())
    default_storage.delete(staff_import.file_key)
    default_storage.save(staff_import.file_key, io.BytesIO(SAMPLE.read_bytes() + b"\n"))
    before = people_state(medway)

    with pytest.raises(StaffImportError, match="not the one previewed"):
        staff_import_apply(staff_import=staff_import, actor=admin)
    assert people_state(medway) == before


def test_a_change_in_the_service_since_the_preview_is_refused(admin, medway):
    staff_import = preview(admin, SAMPLE.read_bytes())
    User.objects.filter(organisation=medway, employee_number="MED0002").update(job_title="Other")
    before = people_state(medway)

    with pytest.raises(StaffImportError, match="changed since the preview"):
        staff_import_apply(staff_import=staff_import, actor=admin)
    assert people_state(medway) == before


def test_an_applied_import_cannot_be_applied_twice(admin):
    staff_import = staff_import_apply(staff_import=preview(admin, SAMPLE.read_bytes()), actor=admin)

    with pytest.raises(StaffImportError, match="imported already"):
        staff_import_apply(staff_import=staff_import, actor=admin)


def test_an_import_touches_only_its_own_council(admin, demo_people):
    lincolnshire = Organisation.objects.get(slug="lincolnshire")
    before = people_state(lincolnshire)
    rows = [row for row in sample_rows() if row["Employee number"] != "MED0014"]

    staff_import = preview(admin, as_csv(rows))
    staff_import_apply(staff_import=staff_import, actor=admin)

    assert staff_import.summary["leavers"] == 1
    assert people_state(lincolnshire) == before


# --- Pages --------------------------------------------------------------------------------------


def test_the_administrator_uploads_reads_the_preview_and_confirms(client, admin, medway):
    client.force_login(admin)

    with WITH_PROBLEMS.open("rb") as handle:
        response = client.post(reverse("careerpath:staff-import"), {"file": handle})
    problems_page = client.get(response["Location"])
    assert "There are problems in the file" in problems_page.content.decode()
    assert "Confirm and import" not in problems_page.content.decode()

    with SAMPLE.open("rb") as handle:
        response = client.post(reverse("careerpath:staff-import"), {"file": handle})
    page = client.get(response["Location"]).content.decode()
    assert "Confirm and import" in page
    assert "Nadia Khan" in page and "Hospital Discharge" in page

    response = client.post(response["Location"])
    assert response.status_code == 302
    assert User.objects.filter(organisation=medway, employee_number="MED0101").exists()
    assert StaffImport.objects.filter(status=StaffImport.Status.APPLIED).count() == 1


def test_a_confirm_with_problems_is_refused_with_a_message_and_changes_nothing(
    client, admin, medway
):
    client.force_login(admin)
    staff_import = preview(admin, WITH_PROBLEMS.read_bytes())
    before = people_state(medway)

    response = client.post(reverse("careerpath:staff-import-preview", args=[staff_import.pk]))

    assert response.status_code == 400
    assert "Correct the problems in the file" in response.content.decode()
    assert people_state(medway) == before


def test_an_upload_that_is_not_csv_or_excel_gets_an_error(client, admin):
    client.force_login(admin)
    file = io.BytesIO(b"hello")
    file.name = "staff.pdf"

    response = client.post(reverse("careerpath:staff-import"), {"file": file})

    assert response.status_code == 200
    assert "must be a CSV or Excel (.xlsx) file" in response.content.decode()
    assert not StaffImport.objects.exists()


def test_other_councils_imports_are_not_found_and_others_are_refused(client, admin, personas):
    lincolnshire_admin = User.objects.get(username="lincolnshire.admin")
    theirs = preview(lincolnshire_admin, b"Employee number,First name,Last name,Work email\n")

    client.force_login(admin)
    url = reverse("careerpath:staff-import-preview", args=[theirs.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404

    client.force_login(personas["hr"])
    assert client.get(reverse("careerpath:staff-import")).status_code == 403


def _council_of(size):
    """Medway with `size` more people (bulk-created), and a previewed file listing them all."""
    medway = Organisation.objects.get(slug="medway")
    User.objects.bulk_create(
        [User(username=f"bulk-{n}@example.org", email=f"bulk-{n}@example.org",
              organisation=medway, employee_number=f"B{n:06d}", first_name="Pat",
              last_name=f"Bulk {n}") for n in range(size)],
        batch_size=1000,
    )  # fmt: skip
    rows = sample_rows() + [
        {**row_of(sample_rows(), "MED0101"), "Employee number": f"B{n:06d}",
         "Work email": f"bulk-{n}@example.org", "Last name": f"Bulk {n}", "First name": "Pat"}
        for n in range(size)
    ]  # fmt: skip
    return rows


@pytest.mark.parametrize("size", [100, 10_000])
def test_the_preview_page_reads_the_same_queries_for_100_and_10000_people(client, admin, size):
    staff_import = preview(admin, as_csv(_council_of(size)))
    assert staff_import.summary["changed"] == size + 1
    client.force_login(admin)
    url = reverse("careerpath:staff-import-preview", args=[staff_import.pk])

    # Each page: the session, the administrator, their roles, the council (the page's
    # header), and the import with its council and uploader (the preview) or the recent
    # uploads (the upload page). Neither reads the council's people.
    with CaptureQueriesContext(connection) as preview_queries:
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as upload_queries:
        assert client.get(reverse("careerpath:staff-import")).status_code == 200
    assert (len(preview_queries), len(upload_queries)) == (5, 5)
