"""Benchmark: a council's staff file of 10,000 rows, previewed and then applied.

Builds a throwaway SQLite database with the demo councils, writes a CSV of 10,000 people for
Medway (each with a level of its published frameworks and a line manager in the file), and
times, in the same run:
  (a) the preview of the whole file (read, compare with the service, keep the upload);
  (b) the apply of it: 10,000 new people, their roles, levels and managers, in one transaction;
  (c) the preview and apply of the same file again (nothing to change).
Prints each time and the rows per second. Run: make bench (never part of make test)."""

import csv
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORKDIR = tempfile.mkdtemp(prefix="careerpath-bench-")
os.environ["DATABASE_URL"] = f"sqlite:///{WORKDIR}/bench.sqlite3"
os.environ["MEDIA_ROOT"] = f"{WORKDIR}/media"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "careerpath.settings")
os.environ.pop("REDIS_URL", None)  # tasks run in-process

import django  # noqa: E402

django.setup()

import logging  # noqa: E402

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

# The demo data's e-mails and task logs are not what is measured.
settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
logging.disable(logging.INFO)

ROWS = 10_000
TEAMS = ["Adult Social Care Community Team", "Family Support Team", "Specialist Assessment Team"]


def staff_file():
    """Ten managers each managing a tenth of the others, all on a published level."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([
        "Employee number", "First name", "Last name", "Work email", "Job title", "Team",
        "Contract type", "Start date in post", "Current role", "Current level",
        "Level start date", "Qualification date", "Social Work England registration date",
        "Line manager employee number",
    ])  # fmt: skip
    for n in range(ROWS):
        manager = "" if n < 10 else f"E{n % 10:06d}"
        writer.writerow([
            f"E{n:06d}", "Sam", f"Person {n}", f"sam.person.{n}@example.org",
            "Social Worker (SW2)", TEAMS[n % 3], "Permanent", "2024-09-02", "SW2", "SW2A",
            "2024-09-02", "2024-07-12", "2024-08-19", manager,
        ])  # fmt: skip
    return out.getvalue().encode()


def timed(label, function):
    start = time.perf_counter()
    result = function()
    seconds = time.perf_counter() - start
    print(f"{label:<34} {seconds:7.2f} s  ({ROWS / seconds:,.0f} rows a second)")
    return result


def main():
    from careerpath.demo import demo_data_load
    from careerpath.models import Organisation, User
    from careerpath.staff_import import staff_import_apply, staff_import_preview

    call_command("migrate", verbosity=0)
    demo_data_load()
    medway = Organisation.objects.get(slug="medway")
    admin = User.objects.get(username="medway.admin")
    content = staff_file()
    # The demo people are not in the file: they would be leavers. Take their employee numbers
    # away so the file is the whole council.
    User.objects.filter(organisation=medway).update(employee_number="")

    def preview():
        return staff_import_preview(
            organisation=medway, uploaded_by=admin, file_name="staff.csv", content=content
        )

    print(f"Staff import of {ROWS:,} rows ({len(content) / 1024:,.0f} KB of CSV)")
    first = timed("preview (all new)", preview)
    assert not first.problems, first.problems[:5]
    if os.environ.get("BENCH_PROFILE"):
        import cProfile

        cProfile.runctx("staff_import_apply(staff_import=first, actor=admin)", globals(),
                        locals(), sort="cumulative")  # fmt: skip
        return
    timed("apply (10,000 new people)", lambda: staff_import_apply(staff_import=first, actor=admin))
    again = timed("preview again (nothing to change)", preview)
    assert (again.summary["new"], again.summary["changed"], again.summary["leavers"]) == (0, 0, 0)
    timed("apply again", lambda: staff_import_apply(staff_import=again, actor=admin))
    print(f"People in Medway now: {User.objects.filter(organisation=medway).count():,}")


if __name__ == "__main__":
    main()
