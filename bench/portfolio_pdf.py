"""Benchmark: the portfolio PDF and the readiness check of a large application.

Builds, in a throwaway SQLite database, a Dudley senior social worker application on all 10
standards with 100 evidence items (10 linked to each standard, each with a file) and a statement
near the 500-word limit for each standard, then times, in the same run:
  (a) its portfolio PDF against WeasyPrint rendering a bare one-page document;
  (b) its readiness page (and the readiness check alone) against a bare Django page, both
      through the same middleware for the same signed-in worker.
Prints the median and 95th percentile of repeated runs and the ratios. Run: make bench
(never part of make test)."""

import os
import statistics
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
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.urls import include, path, reverse  # noqa: E402

STANDARDS, ITEMS = 10, 100
PDF_RUNS, PAGE_RUNS = 7, 40


def bare_page(request):
    return HttpResponse("<!DOCTYPE html><title>Bare</title><p>Bare page</p>")


urlpatterns = [path("bench/bare/", bare_page), path("", include("careerpath.urls"))]


def timed(function, runs):
    function()  # warm up: imports, template and font caches
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95


def build():
    import datetime

    from django.core.files.uploadedfile import SimpleUploadedFile

    from careerpath.demo import demo_data_load
    from careerpath.models import Organisation, Role, RoleMembership, User
    from frameworks.models import FrameworkStatus, ProgressionRoute, Standard
    from portfolios.models import Application, ApplicationAnswer, EvidenceLink
    from portfolios.services import evidence_item_create, evidence_uploads_stage

    call_command("migrate", verbosity=0)
    demo_data_load()
    organisation = Organisation.objects.get(slug="dudley")
    worker = User.objects.create(
        username="bench.worker", first_name="Bench", last_name="Worker", organisation=organisation
    )
    RoleMembership.objects.create(user=worker, organisation=organisation, role=Role.WORKER)
    route = ProgressionRoute.objects.get(code="SW-SSW", framework__status=FrameworkStatus.PUBLISHED)
    application = Application.objects.create(
        applicant=worker, organisation=organisation, route=route
    )
    standards = {
        standard.number: standard
        for standard in Standard.objects.filter(standard_set__code="kss_child_family")
    }
    words = "I reflected on the family's strengths and the risks, and planned with them. " * 34
    for number in range(1, STANDARDS + 1):
        ApplicationAnswer.objects.create(
            application=application,
            section=f"kss-{number}",
            values={"statement": words.strip(), "sources": "Case notes, supervision, feedback."},
        )
    kinds = ("case_example", "learning_event", "supervision_record", "reflective_account")
    for n in range(ITEMS):
        staged, _ = evidence_uploads_stage(
            files=[SimpleUploadedFile(f"evidence-{n}.txt", b"Notes. " * 50, "text/plain")]
        )
        item = evidence_item_create(
            owner=worker, files=staged, kind=kinds[n % len(kinds)],
            title=f"Evidence {n + 1}: direct work with a family", case_reference=f"M{n:05d}",
            dated=datetime.date(2026, 1, 1) + datetime.timedelta(days=n * 3),
            reflection="What I did, why, and what I learned. " * 20, is_certificate=False,
        )  # fmt: skip
        EvidenceLink.objects.create(
            application=application,
            item=item,
            standard=standards[n % STANDARDS + 1],
            note="How this shows the standard in my practice.",
        )
    return worker, Application.objects.select_related(
        "route__framework", "route__to_level", "route__from_level", "applicant"
    ).get(pk=application.pk)


def main():
    import logging

    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

    from portfolios.applications.pdf import portfolio_pdf_bytes
    from portfolios.applications.readiness import application_readiness
    from portfolios.applications.submission import application_snapshot

    worker, application = build()
    snapshot, _, _ = application_snapshot(
        application=application, readiness=application_readiness(application=application)
    )
    from io import BytesIO

    from pypdf import PdfReader

    pages = len(PdfReader(BytesIO(portfolio_pdf_bytes(snapshot))).pages)
    bare_html = (
        "<html style=\"font-family: 'DejaVu Sans', sans-serif\"><body><h1>One page</h1>"
        "<p>A bare document.</p></body></html>"
    )
    pdf = timed(lambda: portfolio_pdf_bytes(snapshot), PDF_RUNS)
    bare_pdf = timed(lambda: HTML(string=bare_html).write_pdf(), PDF_RUNS)

    client = Client()
    client.force_login(worker)
    readiness_url = reverse("portfolios:application-readiness", args=[application.pk])
    with override_settings(ROOT_URLCONF=__name__):
        assert client.get(readiness_url).status_code == 200
        assert client.get("/bench/bare/").status_code == 200
        page = timed(lambda: client.get(readiness_url), PAGE_RUNS)
        bare = timed(lambda: client.get("/bench/bare/"), PAGE_RUNS)
    check = timed(lambda: application_readiness(application=application), PAGE_RUNS)

    print(f"Large application: {STANDARDS} standards, {ITEMS} evidence items ({pages} PDF pages)")
    print(f"{'':34}{'median':>10}{'p95':>10}{'ratio':>9}")
    rows = (
        ("portfolio PDF", pdf, bare_pdf),
        ("bare one-page PDF", bare_pdf, bare_pdf),
        ("readiness page", page, bare),
        ("readiness check alone", check, bare),
        ("bare page", bare, bare),
    )
    for name, (median, p95), (base, _) in rows:
        print(f"{name:34}{median * 1000:>8.1f}ms{p95 * 1000:>8.1f}ms{median / base:>8.1f}x")


if __name__ == "__main__":
    main()
