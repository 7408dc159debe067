"""The test database as the demo load leaves it, kept aside once and put back on demand.

Loading the demo (people, frameworks, libraries, applications and their rendered PDFs) takes
longer than most tests. Tests that need it in a committed state (the browser tests, whose live
server reads what the test wrote) start from an empty database, so they get a copy of the loaded
one instead: every table emptied and refilled from the copy, and any stored file the copy
refers to put back if a test removed it. Each such test therefore starts from the same data,
whatever the one before it changed."""

import shutil
import sqlite3
import tempfile
from pathlib import Path

from django.apps import apps
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management.color import no_style
from django.db import connection, transaction

SCHEMA = "demo_snapshot"


class DatabaseSnapshot:
    def __init__(self):
        self.sqlite_copy = None
        self.tables = []
        self.media_copy = None

    @property
    def taken(self):
        return bool(self.tables)

    def take(self):
        """Copy the database as it is now (committed), and the stored files."""
        self.tables = connection.introspection.django_table_names(
            only_existing=True, include_views=False
        )
        if connection.vendor == "sqlite":
            self.sqlite_copy = sqlite3.connect(":memory:", check_same_thread=False)
            connection.ensure_connection()
            connection.connection.backup(self.sqlite_copy)
        else:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
                cursor.execute(f"CREATE SCHEMA {SCHEMA}")
                for table in self.tables:
                    quoted = connection.ops.quote_name(table)
                    cursor.execute(f"CREATE TABLE {SCHEMA}.{quoted} AS TABLE {quoted}")
        self._media_take()

    def restore(self):
        """Make the database (and the stored files it refers to) what it was when taken."""
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            self.sqlite_copy.backup(connection.connection)
        else:
            # DELETE rather than TRUNCATE: for a few hundred rows it is several times faster.
            # The foreign keys are checked at the commit, when every table is whole again.
            with transaction.atomic(), connection.cursor() as cursor:
                for table in self.tables:
                    cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")
                for table in self.tables:
                    quoted = connection.ops.quote_name(table)
                    cursor.execute(f"INSERT INTO {quoted} SELECT * FROM {SCHEMA}.{quoted}")
                models = [m for m in apps.get_models() if m._meta.db_table in self.tables]
                for sql in connection.ops.sequence_reset_sql(no_style(), models):
                    cursor.execute(sql)
        self._media_restore()

    def _media_take(self):
        if not isinstance(default_storage, FileSystemStorage):
            return
        self.media_copy = Path(tempfile.mkdtemp(prefix="careerpath-test-media-snapshot-"))
        shutil.copytree(default_storage.location, self.media_copy, dirs_exist_ok=True)

    def _media_restore(self):
        if self.media_copy is None:
            return
        media = Path(default_storage.location)
        for source in self.media_copy.rglob("*"):
            target = media / source.relative_to(self.media_copy)
            if source.is_file() and not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)

    def discard(self):
        if self.sqlite_copy is not None:
            self.sqlite_copy.close()
        if self.media_copy is not None:
            shutil.rmtree(self.media_copy, ignore_errors=True)
