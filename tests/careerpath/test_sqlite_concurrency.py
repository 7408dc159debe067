"""The embedded default (SQLite in a file) serves several people at once.

Two people saving at the same moment once gave "database is locked" and a server error: each
transaction read first and then tried to upgrade its lock to write, and SQLite refuses one of two
such upgrades at once instead of waiting. The settings make transactions take the write lock at
their start, with a busy timeout and the write-ahead log, so writers wait their turn."""

import os
import subprocess
import sys
import textwrap

from django.conf import settings

# Runs in a fresh interpreter with the project's real settings (not the test settings) against a
# file database: several threads each run transactions that read and then write, all started
# together, the pattern of a framework copy and a sign-in arriving at once.
WORKLOAD = textwrap.dedent(
    """
    import threading, time
    import django
    django.setup()
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS visit (id INTEGER PRIMARY KEY, who TEXT)")
    connection.close()

    THREADS, ROUNDS = 8, 15
    start = threading.Barrier(THREADS)
    errors = []

    def person(number):
        try:
            start.wait()
            for _ in range(ROUNDS):
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute("SELECT count(*) FROM visit")
                    time.sleep(0.002)
                    cursor.execute("INSERT INTO visit (who) VALUES (%s)", [f"person {number}"])
        except Exception as error:
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=person, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM visit")
        saved = cursor.fetchone()[0]
    print("errors", len(errors), errors[:3])
    print("saved", saved)
    assert not errors, errors
    assert saved == THREADS * ROUNDS, saved
    """
)


def test_concurrent_writes_on_the_file_database_all_succeed(tmp_path):
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "careerpath.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'careerpath.sqlite3'}",
        "DJANGO_DEBUG": "1",
    }
    result = subprocess.run(
        [sys.executable, "-c", WORKLOAD],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "saved 120" in result.stdout
