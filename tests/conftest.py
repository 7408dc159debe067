import os

import pytest

from careerpath.demo import demo_data_load
from careerpath.models import User
from tests.snapshot import DatabaseSnapshot

# Playwright's sync API runs an event loop in the test thread; the ORM calls the browser tests make
# around it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# The people the tests act as: one demo person per role in Medway, and a Lincolnshire worker
# standing for "someone in another organisation".
PERSONAS = {
    "worker": "medway.worker",
    "practice_supervisor": "medway.practice-supervisor",
    "line_manager": "medway.line-manager",
    "team_manager": "medway.team-manager",
    "progression_coordinator": "medway.coordinator",
    "panel_member": "medway.panel-member",
    "appeal_authority": "medway.appeal-authority",
    "hr": "medway.hr",
    "framework_editor": "medway.framework-editor",
    "organisation_admin": "medway.admin",
    "other_organisation_worker": "lincolnshire.worker",
}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The demo councils, people and frameworks, loaded once for the whole run. Each test runs
    in a transaction that is rolled back, so what a test changes is gone for the next. Yields a
    copy of the loaded database for the tests that commit (see demo_database)."""
    with django_db_blocker.unblock():
        demo_data_load()
        snapshot = DatabaseSnapshot()
        snapshot.take()
    yield snapshot
    snapshot.discard()


@pytest.fixture
def demo_database(transactional_db, django_db_setup):
    """For a test that commits (a live server's, or one racing two threads): the database as
    the demo load leaves it, put back from the copy rather than loaded again. The transactional
    test empties it afterwards, so nothing it changed reaches the next test."""
    django_db_setup.restore()


@pytest.fixture
def demo_people(db):
    """Every demo person, by username."""
    return {person.username: person for person in User.objects.exclude(organisation=None)}


@pytest.fixture
def personas(demo_people):
    people = {name: demo_people[username] for name, username in PERSONAS.items()}
    people["superuser"] = User.objects.create_superuser("root", "root@example.org", "x")
    return people


@pytest.fixture
def worker(personas):
    return personas["worker"]


@pytest.fixture(autouse=True)
def fresh_cache():
    """Sign-in throttling counters live in the cache: every test starts without any."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
