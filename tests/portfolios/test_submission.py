"""Submitting: refused while anything the service checks is missing, saying exactly what; a
frozen snapshot that library edits never change; held items the bin purge never destroys; one
submission, one e-mail, even when two submits race; nobody else reads it."""

import datetime
import os
import threading

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from portfolios.applications.forms_engine import application_sections
from portfolios.applications.submission import ApplicationError, application_submit
from portfolios.models import (
    Application,
    ApplicationAnswer,
    ApplicationState,
    EvidenceItem,
    EvidenceLink,
    Submission,
)
from portfolios.services import (
    ITEM_FIELDS,
    evidence_bin_purge,
    evidence_file_replace,
    evidence_item_delete,
    evidence_item_update,
    evidence_uploads_stage,
)
from tests.portfolios.evidence_factories import make_item, new_worker, text_file
from tests.portfolios.submission_factories import open_application, route_of

STATEMENT = "Social worker in a children's team until 2019."


def ready_application(worker):
    """A Dudley return-to-social-work application with everything the service checks: its
    Appendix A written and the social work qualification's certificate linked."""
    application = open_application(worker, route_of("ENTRY-RSW"))
    for section in application_sections(application=application):
        if section.is_workers:
            values = {
                spec.key: spec.options[0] if spec.options else "Given."
                for spec in section.fields
                if spec.required and not spec.condition
            }
            if section.key == "application_form-1":
                values[section.fields[-1].key] = STATEMENT  # the returner's own field
            ApplicationAnswer.objects.create(
                application=application, section=section.key, values=values
            )
    certificate = make_item(
        worker, kind="training_certificate", title="Social work degree", is_certificate=True,
        files=[text_file("degree.txt", "BA (Hons) Social Work")],
    )  # fmt: skip
    criterion = application.route.to_level.criteria.first()
    EvidenceLink.objects.create(
        application=application, item=certificate, criterion=criterion, note="My qualification"
    )
    return application


def worker_with_email(username):
    worker = new_worker(username, "dudley")
    worker.email = f"{username}@example.org"
    worker.save(update_fields=["email"])
    return worker


@pytest.fixture
def dudley_worker(db):
    return worker_with_email("dudley.returner")


def test_a_submit_with_something_missing_is_refused_saying_what_and_changes_nothing(
    dudley_worker,
):
    application = open_application(dudley_worker, route_of("ENTRY-RSW"))
    with pytest.raises(ApplicationError) as refused:
        application_submit(application=application, actor=dudley_worker, declaration=True)
    assert "Certificate needed: Social Work qualification" in str(refused.value)
    assert "required answers still to give" in str(refused.value)
    application.refresh_from_db()
    assert application.state == ApplicationState.DRAFTING
    assert not Submission.objects.filter(application=application).exists()


def test_the_declaration_must_be_accepted(dudley_worker):
    application = ready_application(dudley_worker)
    with pytest.raises(ApplicationError, match="declaration"):
        application_submit(application=application, actor=dudley_worker, declaration=False)
    assert not Submission.objects.filter(application=application).exists()


def test_submitting_freezes_a_snapshot_holds_the_items_and_tells_the_worker_once(
    dudley_worker, django_capture_on_commit_callbacks
):
    application = ready_application(dudley_worker)
    with django_capture_on_commit_callbacks(execute=True):
        result = application_submit(application=application, actor=dudley_worker, declaration=True)
    assert result.changed
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED
    assert application.declaration_accepted_at is not None
    submission = Submission.objects.get(application=application)
    snapshot = submission.snapshot
    assert STATEMENT in [
        value for section in snapshot["sections"] for value in section["values"].values()
    ]
    assert [section["key"] for section in snapshot["layout"]][:1] == ["application_form-1"]
    (item,) = snapshot["items"]
    assert item["title"] == "Social work degree"
    assert [file["name"] for file in item["files"]] == ["degree.txt"]
    assert snapshot["links"][0]["note"] == "My qualification"
    assert snapshot["framework"]["version"] >= 1
    assert snapshot["readiness"]["counts"]["not met"] == 0
    assert list(submission.files.values_list("original_name", flat=True)) == ["degree.txt"]
    assert EvidenceItem.objects.get(pk=item["id"]).held_at is not None
    # Told once, in the service and by e-mail; the PDF was rendered after the commit.
    assert len([m for m in mail.outbox if "You submitted" in m.subject]) == 1
    submission.refresh_from_db()
    assert submission.pdf_key.endswith(f"{submission.digest}.pdf")

    # Again: nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        again = application_submit(application=application, actor=dudley_worker, declaration=True)
    assert not again.changed and "already been submitted" in again.message
    assert Submission.objects.filter(application=application).count() == 1
    assert len([m for m in mail.outbox if "You submitted" in m.subject]) == 1


def test_library_edits_after_submitting_change_nothing_in_the_snapshot(dudley_worker):
    application = ready_application(dudley_worker)
    application_submit(application=application, actor=dudley_worker, declaration=True)
    submission = Submission.objects.get(application=application)
    before = (submission.snapshot, submission.digest, list(submission.files.all()))
    item = EvidenceItem.objects.get(pk=submission.snapshot["items"][0]["id"])
    values = {name: getattr(item, name) for name in ITEM_FIELDS}
    evidence_item_update(item=item, actor=dudley_worker, **(values | {"title": "Renamed later"}))
    staged, _ = evidence_uploads_stage(files=[text_file("degree-v2.txt", "A new scan")])
    evidence_file_replace(evidence_file=item.files.get(), actor=dudley_worker, staged=staged[0])
    submission = Submission.objects.get(pk=submission.pk)
    assert (submission.snapshot, submission.digest, list(submission.files.all())) == before
    assert submission.snapshot["items"][0]["title"] == "Social work degree"


def test_an_item_in_a_submitted_application_is_never_destroyed(dudley_worker):
    application = ready_application(dudley_worker)
    application_submit(application=application, actor=dudley_worker, declaration=True)
    item = EvidenceItem.objects.get(
        pk=Submission.objects.get(application=application).snapshot["items"][0]["id"]
    )
    evidence_item_delete(item=item, actor=dudley_worker)
    evidence_bin_purge(now=timezone.now() + datetime.timedelta(days=200))
    assert EvidenceItem.objects.filter(pk=item.pk).exists()


def test_submit_view_lists_what_is_missing_and_nobody_else_can_submit(
    client, dudley_worker, demo_people
):
    application = open_application(dudley_worker, route_of("ENTRY-RSW"))
    url = reverse("portfolios:application-submit", args=[application.pk])
    client.force_login(dudley_worker)
    response = client.post(url, {"declaration": "1"}, follow=True)
    assert "Certificate needed: Social Work qualification" in response.content.decode()
    for other in ("dudley.worker", "medway.worker"):
        client.force_login(demo_people[other])
        assert client.post(url, {"declaration": "1"}).status_code == 404
    client.logout()
    assert client.post(url, {"declaration": "1"}).status_code == 302  # to sign in
    application.refresh_from_db()
    assert application.state == ApplicationState.DRAFTING


def test_nobody_else_reads_the_snapshot_or_its_pdf(client, dudley_worker, demo_people):
    application = ready_application(dudley_worker)
    application_submit(application=application, actor=dudley_worker, declaration=True)
    submission = Submission.objects.get(application=application)
    url = reverse("portfolios:submission-pdf", args=[submission.pk])
    client.force_login(dudley_worker)
    readiness = client.get(reverse("portfolios:application-readiness", args=[application.pk]))
    assert url in readiness.content.decode()  # where the worker finds it
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    for other in ("dudley.worker", "dudley.team-manager", "lincolnshire.worker"):
        client.force_login(demo_people[other])
        assert client.get(url).status_code == 404
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and "sign-in" in response["Location"]


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="Row locks across two connections need PostgreSQL (CI sets DATABASE_URL)",
)
@pytest.mark.django_db(transaction=True)
def test_two_submits_at_once_leave_one_transition_one_snapshot_one_email():
    from careerpath.demo import demo_data_load

    demo_data_load()
    worker = worker_with_email("dudley.racer")
    application = ready_application(worker)
    start, outcomes = threading.Barrier(2), []

    def submit():
        try:
            start.wait()
            result = application_submit(application=application, actor=worker, declaration=True)
            outcomes.append(result.changed)
        except ApplicationError as error:
            outcomes.append(str(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes, key=str) == [False, True], outcomes
    assert Submission.objects.filter(application=application).count() == 1
    from careerpath.models import AuditEvent

    assert (
        AuditEvent.objects.filter(
            action="application.submit", target_id=str(application.pk)
        ).count()
        == 1
    )
    # The demo data submits an application of its own: count only this worker's e-mails.
    told = [m for m in mail.outbox if "You submitted" in m.subject and m.to == [worker.email]]
    assert len(told) == 1


def test_submitting_from_check_your_answers(client, dudley_worker):
    application = ready_application(dudley_worker)
    client.force_login(dudley_worker)
    check = client.get(reverse("portfolios:application-check", args=[application.pk]))
    assert "Accept and submit" in check.content.decode()
    url = reverse("portfolios:application-submit", args=[application.pk])
    refused = client.post(url, {}, follow=True)
    assert "Confirm the declaration before you submit" in refused.content.decode()
    response = client.post(url, {"declaration": "on"}, follow=True)
    assert "Your application has been submitted" in response.content.decode()
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED
    # Submitting lands on the application, which offers the portfolio PDF.
    submission = application.submissions.get()
    pdf = reverse("portfolios:submission-pdf", args=[submission.pk])
    assert response.redirect_chain[-1][0].endswith(
        reverse("portfolios:application-detail", args=[application.pk])
    )
    assert f'href="{pdf}"' in response.content.decode()


def test_the_demo_has_one_application_submitted_and_one_ready_to_submit(demo_people):
    from portfolios.applications.readiness import application_readiness
    from portfolios.demo_submissions import demo_submissions_load

    submitted = Submission.objects.get(application__applicant=demo_people["medway.adult-worker"])
    assert submitted.application.state == ApplicationState.SUBMITTED
    assert submitted.pdf_key
    ready = Application.objects.get(applicant=demo_people["medway.adult-worker-2"])
    assert ready.state == ApplicationState.DRAFTING
    assert not application_readiness(application=ready).missing
    assert demo_submissions_load() == 0  # made once, through the services


def test_without_a_broker_a_failed_pdf_render_after_the_commit_is_no_error_page(
    client, dudley_worker, monkeypatch, django_capture_on_commit_callbacks
):
    """In the embedded default the task runs in the request, after the commit: the submission
    is saved whatever happens to its PDF, which renders again on download."""
    from careerpath.celery import app

    def broken(**kwargs):
        raise OSError("the disk is full")

    monkeypatch.setattr("portfolios.applications.pdf.submission_pdf_render", broken)
    application = ready_application(dudley_worker)
    client.force_login(dudley_worker)
    url = reverse("portfolios:application-submit", args=[application.pk])
    app.conf.task_eager_propagates = False  # as in the embedded default's settings
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"declaration": "on"})
    finally:
        app.conf.task_eager_propagates = True
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED
    assert Submission.objects.get(application=application).pdf_key == ""
