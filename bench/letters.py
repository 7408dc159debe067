"""Benchmark: outcome letters, from the decision to the e-mail with the PDF.

In a throwaway PostgreSQL database (bench_letters) with the demo data, 50 Lincolnshire L1-L2
applications heard today, and in the same run:
  (a) one outcome letter (letter_render: its queries, template and PDF) against WeasyPrint
      rendering a bare one-page document: median and 95th percentile of repeated runs, the ratio
      (goal: at most 0.5) and each letter's PDF size (goal: under 100 KB);
  (b) with Redis and a real Celery worker (a `celery -A careerpath worker` subprocess, e-mails
      written to a folder): the 50 decisions recorded one after another, each timed from its
      commit to its letter's e-mail in the outbox (median and 99th percentile; goals: 10 s and
      a minute); then 500 letters queued at once on a worker of one process and of two:
      letters a second, and how close two processes come to twice one.
Needs PostgreSQL (BENCH_POSTGRES_URL, else the local server as postgres) and Redis
(BENCH_REDIS_URL, else database 15 of the local server, so no one else's queue is touched);
says so and stops when either is missing. Run: make bench (never part of make test)."""

import email
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORKDIR = Path(tempfile.mkdtemp(prefix="careerpath-bench-letters-"))
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
DATABASE = "bench_letters"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
OUTBOX = WORKDIR / "outbox"
DECISIONS, LETTERS_AT_ONCE = 50, 500
RENDER_RUNS = 15

# The same settings for this process and the worker: production's, on the bench's database,
# broker and folders.
BENCH_ENV = {
    "DJANGO_SETTINGS_MODULE": "careerpath.settings",
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "bench-only-not-a-secret",
    "DATABASE_URL": f"{POSTGRES}/{DATABASE}",
    "REDIS_URL": REDIS_URL,
    "MEDIA_ROOT": str(WORKDIR / "media"),
    "EMAIL_FILE_PATH": str(OUTBOX),
}
for name in ("EMAIL_HOST", "AWS_STORAGE_BUCKET_NAME"):
    os.environ.pop(name, None)
os.environ.update(BENCH_ENV)


def reachable():
    """None when PostgreSQL and Redis both answer, else what is missing."""
    import psycopg2
    import redis

    try:
        psycopg2.connect(f"{POSTGRES}/postgres", connect_timeout=3).close()
    except psycopg2.Error as error:
        return f"PostgreSQL is not reachable at {POSTGRES} ({error})"
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        return f"Redis is not reachable at {REDIS_URL} ({error})"
    return None


def database_make(drop_only=False):
    import psycopg2

    connection = psycopg2.connect(f"{POSTGRES}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        if not drop_only:
            cursor.execute(f"CREATE DATABASE {DATABASE}")
    connection.close()


def timed(function, runs):
    function()  # warm up: imports, template and font caches
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), percentile(times, 0.95)


def percentile(values, fraction):
    values = sorted(values)
    return values[min(len(values) - 1, round(fraction * (len(values) - 1)))]


# --- The data ---------------------------------------------------------------------------------


def hearings(count):
    """`count` applications on Lincolnshire's L1-L2, through their manager's report and
    endorsement, booked on one session sitting today with a chair and a member."""
    import pytest
    from django.core.management import call_command

    from careerpath.demo import demo_data_load
    from careerpath.models import Role, User
    from frameworks.models import ProgressionRoute
    from panels.models import MemberRole
    from portfolios.applications import workflow
    from portfolios.applications.workflow import transition_apply
    from portfolios.models import Application
    from tests.panels.appeal_factories import HOLDING
    from tests.panels.booking_factories import session_on
    from tests.panels.pack_factories import booked_application, seat

    call_command("migrate", verbosity=0)
    demo_data_load()
    # The guards before the decision (readiness, reports) are not what is measured.
    pytest.MonkeyPatch().setattr(
        workflow, "GUARDS", {**workflow.GUARDS, **dict.fromkeys(HOLDING, lambda *a: None)}
    )
    route = ProgressionRoute.objects.select_related("framework", "to_level").get(
        framework__organisation__slug="lincolnshire", framework__status="published", code="L1-L2"
    )
    people = {person.username: person for person in User.objects.exclude(organisation=None)}
    session = session_on(route, days=0, capacity=count + 1)
    chair = people["lincolnshire.panel-member"]
    member = User.objects.create(username="bench.member", first_name="Second",
                                 organisation=chair.organisation)  # fmt: skip
    member.role_memberships.create(organisation=chair.organisation, role=Role.PANEL_MEMBER)
    seat(session, chair, MemberRole.CHAIR)
    seat(session, member, MemberRole.MEMBER)
    applications = []
    for _ in range(count):
        application = booked_application(
            session, booked_by=people["lincolnshire.coordinator"],
            practice_supervisor=people["lincolnshire.practice-supervisor"],
            line_manager=people["lincolnshire.team-manager"],
            team_manager=people["lincolnshire.team-manager"],
        )  # fmt: skip
        Application.objects.filter(pk=application.pk).update(allocated_standards=[1, 4, 5, 7])
        transition_apply(application=application, name="review",
                         actor=people["lincolnshire.practice-supervisor"])  # fmt: skip
        transition_apply(application=application, name="endorse",
                         actor=people["lincolnshire.team-manager"])  # fmt: skip
        application.refresh_from_db()
        applications.append(application)
    return applications, chair


def record(application, chair, n):
    """The chair records the decision (progressed and deferred in turn); returns it and the
    moment it was committed."""
    import datetime

    from django.db import transaction
    from django.utils import timezone

    from panels.decisions import decision_record

    today = timezone.localdate()
    deferred = n % 2 == 1
    committed = []
    with transaction.atomic():
        transaction.on_commit(lambda: committed.append(time.time()))  # runs first: the commit
        decision = decision_record(
            application=application, actor=chair,
            outcome="deferred" if deferred else "progressed", heard_on=today,
            judgements=[{"standard_number": s, "met": not deferred} for s in (1, 4, 5, 7)],
            targets=[{"term": "medium_term", "text": "Present a case to the court with the "
                      "family's views set out, and reflect on it in supervision",
                      "due_on": today + datetime.timedelta(days=120)}],
            reasons="The evidence for standard 4 did not yet show independent court work."
            if deferred else "",
            further_work="Shadow a colleague in court, then present one case." if deferred else "",
        )  # fmt: skip
    return decision, committed[0]


# --- The outbox -------------------------------------------------------------------------------


class Outbox:
    """The e-mails the worker has written, read as they arrive: for each letter e-mail (one with
    a PDF), its recipient and when it was written. The backend writes a file per connection and
    appends to it when a later connection in the same second gets the same name, each message
    ending in a line of dashes: each file is read on from where the last look stopped."""

    END = ("-" * 79 + "\n").encode()

    def __init__(self, folder):
        self.folder = folder
        self.read = {}  # path: bytes read
        self.letters = []  # (to, written at)

    def poll(self):
        if not self.folder.exists():
            return
        for path in self.folder.iterdir():
            done = self.read.get(path, 0)
            stat = path.stat()
            if stat.st_size <= done:
                continue
            with path.open("rb") as file:
                file.seek(done)
                text = file.read()
            complete = text.rfind(self.END)
            if complete < 0:
                continue  # still being written: read it next time
            self.read[path] = done + complete + len(self.END)
            for part in text[:complete].split(self.END):
                message = email.message_from_bytes(part)
                if any(p.get_content_type() == "application/pdf" for p in message.walk()):
                    self.letters.append((message["To"], stat.st_mtime))

    def wait_for(self, condition, timeout):
        deadline = time.time() + timeout
        while time.time() < deadline:
            self.poll()
            if condition():
                return True
            time.sleep(0.02)
        return False


# --- The worker -------------------------------------------------------------------------------


class Worker:
    """`celery -A careerpath worker` as a subprocess with the bench's settings."""

    def __init__(self, concurrency, name):
        from careerpath.celery import app

        self.app, self.name = app, f"{name}@bench"
        self.log = open(WORKDIR / f"{name}.log", "w")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(  # noqa: S603 (our own command)
            [sys.executable, "-m", "celery", "-A", "careerpath", "worker", "-n", self.name,
             f"--concurrency={concurrency}", "--pool=prefork", "--loglevel=WARNING",
             "--without-gossip", "--without-mingle"],
            cwd=ROOT, env={**os.environ, **BENCH_ENV}, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        deadline = time.time() + 60
        while not app.control.ping(destination=[self.name], timeout=0.5):
            if self.process.poll() is not None or time.time() > deadline:
                self.stop()
                raise RuntimeError(f"The worker did not start: see {self.log.name}")

    def idle(self, timeout=120):
        """Wait until the queue is empty and the worker runs nothing."""
        import redis

        broker = redis.Redis.from_url(REDIS_URL)
        deadline = time.time() + timeout
        while time.time() < deadline:
            active = self.app.control.inspect(destination=[self.name], timeout=1).active() or {}
            if broker.llen("celery") == 0 and not any(active.values()):
                return
            time.sleep(0.2)

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # warm shutdown: running tasks finish
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


# --- The measurements -------------------------------------------------------------------------


def rendering(decisions):
    """(a): letter_render against a bare one-page document; each letter's PDF size."""
    from weasyprint import HTML

    from panels.letters import letter_pdf_bytes, letter_render
    from panels.models import Letter

    bare_html = (
        "<html style=\"font-family: 'DejaVu Sans', sans-serif\"><body><h1>One page</h1>"
        "<p>A bare document.</p></body></html>"
    )
    letters = {}
    for decision in decisions:
        letter = Letter.objects.get(decision=decision, version=1)
        letters.setdefault(letter.kind, letter)
    bare = timed(lambda: HTML(string=bare_html).write_pdf(), RENDER_RUNS)
    rows = [("bare one-page PDF", bare, None)]
    html = Letter.objects.filter(pk=letters[max(letters)].pk).values_list("html", flat=True)[0]
    # Before and after: a font configuration made for each letter, as WeasyPrint does unless
    # given one, against the one letter_pdf_bytes keeps.
    for name, function in (
        ("letter HTML, own fonts (before)", lambda: HTML(string=html).write_pdf()),
        ("letter HTML, kept fonts (after)", lambda: letter_pdf_bytes(html)),
    ):
        rows.append((name, timed(function, RENDER_RUNS), len(function())))
    for kind, letter in letters.items():
        size = len(letter_render(letter))
        times = timed(lambda letter=letter: letter_render(letter), RENDER_RUNS)
        rows.append((f"{kind} letter (letter_render)", times, size))
    print(f"(a) Rendering: median and p95 of {RENDER_RUNS} runs each, in the same process")
    print(f"{'':34}{'median':>10}{'p95':>10}{'ratio':>8}{'PDF':>10}")
    for name, (median, p95), size in rows:
        kb = f"{size / 1024:.1f} KB" if size else ""
        print(f"{name:34}{median * 1000:>8.1f}ms{p95 * 1000:>8.1f}ms"
              f"{median / bare[0]:>7.2f}x{kb:>10}")  # fmt: skip
    print("    goal: a letter in at most 0.5x the bare render, each PDF under 100 KB")


def latency(applications, chair, outbox):
    """(b1): each decision recorded, then waited for, from its commit to its letter e-mail."""
    from panels.models import Letter

    waits, decisions = [], []
    worker = Worker(concurrency=2, name="latency")
    try:
        for n, application in enumerate(applications):
            decision, committed = record(application, chair, n)
            address = application.applicant.email
            if not outbox.wait_for(
                lambda address=address: any(to == address for to, _ in outbox.letters), 120
            ):
                raise RuntimeError(f"No letter e-mail to {address} within 2 minutes")
            written = next(at for to, at in outbox.letters if to == address)
            waits.append(written - committed)
            decisions.append(decision)
        worker.idle()
    finally:
        worker.stop()
    sizes = sorted(Letter.objects.filter(version=1).values_list("pdf_bytes", flat=True))
    print(f"(b) Decision committed to its letter's e-mail in the outbox, {len(waits)} decisions "
          "one after another, on Redis with a worker of 2 processes")  # fmt: skip
    print(
        f"    median {statistics.median(waits):.2f}s, p99 {percentile(waits, 0.99):.2f}s, "
        f"fastest {min(waits):.2f}s (goals: median under 10s, p99 under 60s)"
    )
    print(
        f"    letter PDFs: {len(sizes)}, median {statistics.median(sizes) / 1024:.1f} KB, "
        f"largest {sizes[-1] / 1024:.1f} KB (goal: under 100 KB)"
    )
    return decisions


def throughput(decisions, outbox, concurrency, first_version):
    """(b2): LETTERS_AT_ONCE letters (re-issues, 10 of each decision, made as HR's re-issue
    makes them) queued at once; letters a second from the first queued to the last e-mailed."""
    from django.utils import timezone

    from panels.models import Letter
    from panels.tasks import letter_issue

    per = LETTERS_AT_ONCE // len(decisions)
    versions = range(first_version, first_version + per)
    kinds = dict(Letter.objects.filter(version=1).values_list("decision_id", "kind"))
    Letter.objects.bulk_create(
        Letter(decision_id=d.pk, kind=kinds[d.pk], version=v, due_by=timezone.now(),
               reissue_reason="Benchmark")
        for d in decisions for v in versions
    )  # fmt: skip
    worker = Worker(concurrency=concurrency, name=f"throughput{concurrency}")
    try:
        already = len(outbox.letters)
        start = time.time()
        for decision in decisions:
            for version in versions:
                letter_issue.delay(decision.pk, kinds[decision.pk], version)
        total = per * len(decisions)
        if not outbox.wait_for(lambda: len(outbox.letters) - already >= total, 900):
            raise RuntimeError(f"Fewer than {total} letter e-mails within 15 minutes")
        last = max(at for _, at in outbox.letters[already:])
        worker.idle()
    finally:
        worker.stop()
    return total / (last - start)


def main():
    sys.stdout.reconfigure(line_buffering=True)
    missing = reachable()
    if missing:
        print(f"Letters benchmark skipped: {missing}.")
        return
    import logging

    database_make()
    try:
        import django

        django.setup()
        logging.getLogger("weasyprint").setLevel(logging.ERROR)
        logging.getLogger("celery").setLevel(logging.WARNING)
        from careerpath.celery import app

        app.conf.task_always_eager = True  # while building: no worker yet
        applications, chair = hearings(DECISIONS)
        app.conf.task_always_eager = False
        redis_clear()
        outbox = Outbox(OUTBOX)
        print(f"Outcome letters: {DECISIONS} Lincolnshire L1-L2 decisions, PostgreSQL and Redis")
        decisions = latency(applications, chair, outbox)
        rendering(decisions)
        one = throughput(decisions, outbox, 1, first_version=2)
        two = throughput(decisions, outbox, 2, first_version=2 + LETTERS_AT_ONCE // DECISIONS)
        print(f"(b) {LETTERS_AT_ONCE} letters queued at once (each also tells HR and the team "
              "manager):")  # fmt: skip
        print(
            f"    1 process {one:.1f} letters/s, 2 processes {two:.1f} letters/s: "
            f"{two / one:.2f}x ({two / one / 2:.0%} of linear)"
        )
    finally:
        from django.db import connections

        connections.close_all()
        database_make(drop_only=True)
        shutil.rmtree(WORKDIR, ignore_errors=True)


def redis_clear():
    """The queue starts empty (nothing left from an interrupted run)."""
    import redis

    redis.Redis.from_url(REDIS_URL).delete("celery", "unacked", "unacked_index")


if __name__ == "__main__":
    main()
