"""Retention: evidence and applications are kept for the council's years after the last decision
on them (or after the person left), purged on the anniversary and not a day before, with an audit
record of what went; a legal hold keeps everything of that person's. Decisions and letters stay,
with the application as a minimal record."""

import datetime

import pytest
from django.core.files.storage import default_storage

from careerpath.models import AuditEvent, Organisation
from careerpath.retention import retention_purge, years_before
from panels.models import Decision, Letter
from portfolios.models import (
    Application,
    ApplicationAnswer,
    Comment,
    EvidenceFile,
    EvidenceItem,
    EvidenceLink,
    Submission,
)
from tests.careerpath.personal_data_factories import worker_with_everything
from tests.portfolios.evidence_factories import make_item, new_worker, text_file

pytestmark = pytest.mark.django_db

DECIDED_ON = datetime.date(2019, 5, 10)  # Medway keeps six years after the decision
ANNIVERSARY = datetime.date(2025, 5, 10)


@pytest.fixture
def manager(demo_people):
    return demo_people["medway.line-manager"]


def _purge_audits():
    return AuditEvent.objects.filter(action="retention.purge")


def _untouched(worker, item, application):
    keys = list(EvidenceFile.objects.filter(item=item).values_list("storage_key", flat=True))
    assert EvidenceItem.objects.filter(pk=item.pk).exists()
    assert keys and all(default_storage.exists(key) for key in keys)
    assert ApplicationAnswer.objects.filter(application=application).exists()
    assert Comment.objects.filter(application=application).exists()
    assert EvidenceLink.objects.filter(application=application).exists()
    assert Submission.objects.filter(application=application).exists()


def test_kept_on_the_day_before_the_anniversary_of_the_decision(manager):
    worker, item, application = worker_with_everything(
        "kept.worker", "KEPT", commenter=manager, decided_on=DECIDED_ON
    )
    retention_purge(today=ANNIVERSARY - datetime.timedelta(days=1))

    _untouched(worker, item, application)
    assert not _purge_audits().exists()


def test_purged_on_the_anniversary_of_the_decision_keeping_decision_and_letter(
    manager, django_capture_on_commit_callbacks
):
    worker, item, application = worker_with_everything(
        "purged.worker", "PURGED", commenter=manager, decided_on=DECIDED_ON
    )
    keys = set(EvidenceFile.objects.filter(item=item).values_list("storage_key", flat=True))
    pdf_keys = set(
        Submission.objects.filter(application=application).values_list("pdf_key", flat=True)
    )
    submission_ids = list(
        Submission.objects.filter(application=application).values_list("pk", flat=True)
    )

    with django_capture_on_commit_callbacks(execute=True):
        retention_purge(today=ANNIVERSARY)

    assert not EvidenceItem.objects.filter(pk=item.pk).exists()
    assert not any(default_storage.exists(key) for key in keys | pdf_keys)
    for model in (ApplicationAnswer, Comment, EvidenceLink, Submission):
        assert not model.objects.filter(application=application).exists(), model
    # The minimal record: the application, its decision and its letter.
    assert Application.objects.filter(pk=application.pk).exists()
    decision = Decision.objects.get(application=application)
    assert Letter.objects.filter(decision=decision).exists()
    (audit,) = _purge_audits()
    assert audit.organisation.slug == "medway"
    assert application.pk in audit.details["applications"]
    assert item.pk in audit.details["evidence_items"]
    assert audit.details["submissions"] == submission_ids
    assert audit.details["comments"] == 1
    assert audit.details["evidence_files"] == len(keys)


def test_a_second_run_removes_nothing_and_records_nothing(manager):
    worker_with_everything("twice.worker", "TWICE", commenter=manager, decided_on=DECIDED_ON)
    retention_purge(today=ANNIVERSARY)
    assert retention_purge(today=ANNIVERSARY) == {}
    assert _purge_audits().count() == 1


def test_a_legal_hold_keeps_everything_of_that_person(manager):
    held, held_item, held_application = worker_with_everything(
        "held.worker", "HELD", commenter=manager, decided_on=DECIDED_ON
    )
    held.legal_hold = True
    held.legal_hold_reason = "Employment tribunal"
    held.left_on = DECIDED_ON
    held.save()
    other, other_item, _ = worker_with_everything(
        "unheld.worker", "UNHELD", commenter=manager, decided_on=DECIDED_ON
    )

    retention_purge(today=ANNIVERSARY + datetime.timedelta(days=3650))

    _untouched(held, held_item, held_application)
    assert not EvidenceItem.objects.filter(pk=other_item.pk).exists()
    audit = _purge_audits().get(organisation__slug="medway")
    assert held_application.pk not in audit.details["applications"]
    assert held_item.pk not in audit.details["evidence_items"]


def test_a_later_decision_on_someone_else_keeps_their_data(manager):
    """Each application counts from its own last decision, never another person's."""
    _, early_item, _ = worker_with_everything(
        "early.worker", "EARLY", commenter=manager, decided_on=DECIDED_ON
    )
    later, later_item, later_application = worker_with_everything(
        "later.worker",
        "LATER",
        commenter=manager,
        decided_on=DECIDED_ON + datetime.timedelta(days=1),
    )
    retention_purge(today=ANNIVERSARY)

    assert not EvidenceItem.objects.filter(pk=early_item.pk).exists()
    _untouched(later, later_item, later_application)


def test_an_item_still_used_in_a_kept_application_stays(
    manager, django_capture_on_commit_callbacks
):
    worker, item, application = worker_with_everything(
        "reused.worker", "REUSED", commenter=manager, decided_on=DECIDED_ON
    )
    # A later application, not yet decided, uses the same item.
    from frameworks.models import Criterion, ProgressionRoute

    other_route = (
        ProgressionRoute.objects.filter(framework=application.route.framework)
        .exclude(pk=application.route_id)
        .first()
    )
    later = Application.objects.create(
        applicant=worker, organisation=worker.organisation, route=other_route
    )
    criterion = Criterion.objects.filter(level__role__framework=other_route.framework).first()
    EvidenceLink.objects.create(application=later, item=item, criterion=criterion)

    with django_capture_on_commit_callbacks(execute=True):
        retention_purge(today=ANNIVERSARY)

    assert EvidenceItem.objects.filter(pk=item.pk).exists()
    assert all(
        default_storage.exists(key)
        for key in EvidenceFile.objects.filter(item=item).values_list("storage_key", flat=True)
    )
    assert not ApplicationAnswer.objects.filter(application=application).exists()
    assert EvidenceLink.objects.filter(application=later).exists()


def test_a_leavers_library_goes_on_the_anniversary_of_leaving_and_not_before():
    medway = Organisation.objects.get(slug="medway")
    medway.retention_years_after_leaving = 2
    medway.save()
    leaver = new_worker("leaver.worker")
    leaver.left_on = datetime.date(2023, 3, 1)
    leaver.is_active = False
    leaver.save()
    item = make_item(leaver, title="Never used", files=[text_file("leaver.txt", "Leaver notes")])
    staying = new_worker("staying.worker")
    staying_item = make_item(staying, title="In my library")  # undecided work of someone in post

    retention_purge(today=datetime.date(2025, 2, 28))
    assert EvidenceItem.objects.filter(pk=item.pk).exists()

    retention_purge(today=datetime.date(2025, 3, 1))
    assert not EvidenceItem.objects.filter(pk=item.pk).exists()
    assert EvidenceItem.objects.filter(pk=staying_item.pk).exists()
    assert leaver.__class__.objects.filter(pk=leaver.pk).exists()  # deactivated, never deleted


@pytest.mark.parametrize(
    ("day", "years", "expected"),
    [
        (datetime.date(2025, 5, 10), 6, datetime.date(2019, 5, 10)),
        (datetime.date(2024, 2, 29), 1, datetime.date(2023, 2, 28)),
    ],
)
def test_years_before_counts_whole_years(day, years, expected):
    assert years_before(day, years) == expected


def test_beat_runs_the_purge_and_the_expiry_of_data_exports_daily(settings):
    from careerpath.celery import app
    from careerpath.tasks import data_exports_expire, retention_purge

    for name, task in (("retention-purge", retention_purge),
                       ("data-exports-expire", data_exports_expire)):  # fmt: skip
        entry = settings.CELERY_BEAT_SCHEDULE[name]
        assert entry["task"] == task.name
        assert entry["task"] in app.tasks
        assert entry["schedule"] == 60 * 60 * 24


def test_the_task_purges_as_the_service_does(demo_people):
    from careerpath.tasks import retention_purge as task

    worker, item, _ = worker_with_everything(
        "task.worker", "TASK", commenter=demo_people["medway.line-manager"],
        decided_on=datetime.date(2000, 1, 3),
    )  # fmt: skip
    task.delay()
    assert not EvidenceItem.objects.filter(pk=item.pk).exists()
