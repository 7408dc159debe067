"""One letter however often its task is delivered, on Redis with real Celery workers.

The decision queues its letter after the commit; the same task is then queued twice more (a
forced retry: the broker delivering it again), and two worker processes, started as production
starts them, run the three at once against this test's database. The task's claims leave one
letter and one e-mail with its PDF to the worker. CI runs it on PostgreSQL with Redis; without
them it is skipped (SQLite's test database is in memory, out of the workers' reach)."""

import datetime
import email
import io
import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from pypdf import PdfReader

from careerpath.celery import app
from panels.decisions import decision_record
from panels.models import Letter
from panels.tasks import letter_issue
from tests.panels.decision_factories import lincolnshire_hearing

REDIS_URL = os.environ.get("REDIS_URL", "")
ROOT = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(
        not REDIS_URL or not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="needs REDIS_URL and a PostgreSQL DATABASE_URL (the workers share its database)",
    ),
]
SEPARATOR = "-" * 79


def _database_url():
    """This test's database (pytest-django's test_<name>), for the workers."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}"
    )


@contextmanager
def celery_workers(names, folder):
    """`celery -A careerpath worker` processes with production's settings on this test's
    database, writing e-mails to folder/outbox; stopped when the block ends, however it ends."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "careerpath.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "test-only-not-a-secret",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": REDIS_URL,
        "MEDIA_ROOT": str(folder / "media"),
        "EMAIL_FILE_PATH": str(folder / "outbox"),
    }
    for name in ("EMAIL_HOST", "AWS_STORAGE_BUCKET_NAME"):
        env.pop(name, None)
    processes = []
    try:
        for name in names:
            log = open(folder / f"{name}.log", "w")  # noqa: SIM115 (closed with the process)
            processes.append((subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "careerpath", "worker", "-n", name,
                 "--concurrency=1", "--pool=prefork", "--loglevel=INFO", "--without-gossip",
                 "--without-mingle"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            ), log))  # fmt: skip
        deadline = time.monotonic() + 40
        while len(app.control.ping(destination=names, timeout=0.5)) < len(names):
            exited = [p.args for p, _ in processes if p.poll() is not None]
            assert not exited and time.monotonic() < deadline, "the workers did not start"
        yield
    finally:
        for process, _ in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)  # warm shutdown: running tasks finish
        for process, log in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            log.close()


def _idle(names, timeout=40):
    """Wait until the queue is empty and no worker is running a task (the notifications the
    letter queues for HR and the team manager included)."""
    import redis

    broker = redis.Redis.from_url(REDIS_URL)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        active = app.control.inspect(destination=names, timeout=1).active() or {}
        if broker.llen("celery") == 0 and len(active) == len(names) and not any(active.values()):
            return
        time.sleep(0.2)
    raise AssertionError("the workers were still busy after 40 seconds")


def _outbox(folder):
    """Every e-mail the workers wrote."""
    messages = []
    for path in sorted((folder / "outbox").glob("*")):
        for part in path.read_text(encoding="utf-8").split(SEPARATOR + "\n"):
            if part.strip():
                messages.append(email.message_from_string(part))
    return messages


@pytest.fixture
def through_redis():
    """Tasks queued in this process go to Redis (not run in-process, as elsewhere in tests)."""
    app.conf.update(broker_url=REDIS_URL, result_backend=REDIS_URL, task_always_eager=False)
    try:
        yield
    finally:
        app.conf.update(task_always_eager=True)


@pytest.mark.django_db(transaction=True)
def test_a_retry_and_a_second_worker_still_send_one_letter_and_one_e_mail(
    demo_database, demo_people, monkeypatch, tmp_path, through_redis
):
    lincs = lincolnshire_hearing(demo_people, monkeypatch)
    worker = lincs["application"].applicant
    today = timezone.localdate()
    names = ["letters-1@test", "letters-2@test"]
    with celery_workers(names, tmp_path):
        decision = decision_record(
            application=lincs["application"], actor=lincs["chair"], outcome="deferred",
            heard_on=today, judgements=[{"standard_number": n, "met": True} for n in (1, 4, 5, 7)],
            targets=[{"term": "medium_term", "text": "Present a case to the court",
                      "due_on": today + datetime.timedelta(days=120)}],
            further_work="Shadow a colleague in court",
        )  # fmt: skip
        again = [letter_issue.apply_async((decision.pk, "deferred")) for _ in range(2)]
        assert all(result.get(timeout=40) in ("sent", "sent already") for result in again)
        _idle(names)

    letters = Letter.objects.filter(decision=decision)
    assert [(letter.kind, letter.version) for letter in letters] == [("deferred", 1)]
    assert letters[0].sent_at is not None and letters[0].pdf_key
    to_worker = [message for message in _outbox(tmp_path) if message["To"] == worker.email]
    pdfs = [
        [part for part in message.walk() if part.get_content_type() == "application/pdf"]
        for message in to_worker
    ]
    with_letter = [
        (message, found) for message, found in zip(to_worker, pdfs, strict=True) if found
    ]
    assert len(with_letter) == 1, "one e-mail carries the letter"
    message, (pdf,) = with_letter[0]
    assert letters[0].subject in " ".join(message["Subject"].split())  # unfolded
    text = PdfReader(io.BytesIO(pdf.get_payload(decode=True))).pages[0].extract_text()
    assert worker.get_full_name() in text and "Shadow a colleague in court" in text
