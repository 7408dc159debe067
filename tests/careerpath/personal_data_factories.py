"""A worker with something of everything careerpath holds about a person, each piece marked with
a word of its own so a test can tell whose data reached a zip, or what a purge left."""

import datetime

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from careerpath.models import Notification
from frameworks.models import Criterion
from panels.models import Decision, Judgement, Letter, Target
from portfolios.models import ApplicationAnswer, Comment, EvidenceLink, Submission
from tests.portfolios.evidence_factories import make_item, new_worker, text_file
from tests.portfolios.submission_factories import open_application


def worker_with_everything(username, marker, *, commenter, decided_on=None):
    """A Medway worker whose evidence, application, comments, submission, decision, letter and
    notification all carry `marker`. `commenter` writes the comment about them."""
    worker = new_worker(username)
    item = make_item(
        worker, title=f"Item {marker}", files=[text_file(f"{marker}.txt", f"Notes {marker}")]
    )
    application = open_application(worker)
    ApplicationAnswer.objects.create(
        application=application, section="summary", values={"text": f"Answer {marker}"}
    )
    criterion = Criterion.objects.filter(level__role__framework=application.route.framework).first()
    EvidenceLink.objects.create(
        application=application, item=item, criterion=criterion, note=f"Link {marker}"
    )
    Comment.objects.create(
        application=application, author=commenter, role="line_manager", body=f"Comment {marker}"
    )
    submission = Submission.objects.create(
        application=application, number=1, digest=f"{application.pk:064d}",
        snapshot={"answers": {"summary": f"Snapshot {marker}"}}, submitted_by=worker,
    )  # fmt: skip
    submission.files.set(item.files.all())
    key = default_storage.save(
        f"portfolios/test/{marker}.pdf", ContentFile(f"%PDF-1.4 {marker}".encode())
    )
    Submission.objects.filter(pk=submission.pk).update(pdf_key=key)
    decision = Decision.objects.create(
        application=application, outcome="deferred", decided_by=commenter,
        heard_on=decided_on or timezone.localdate(), reasons=f"Reasons {marker}",
    )  # fmt: skip
    if decided_on is not None:
        at = timezone.make_aware(datetime.datetime.combine(decided_on, datetime.time(16)))
        Decision.objects.filter(pk=decision.pk).update(decided_at=at)
    Judgement.objects.create(decision=decision, criterion=criterion, met=False,
                             note=f"Judgement {marker}")  # fmt: skip
    Target.objects.create(decision=decision, term="short_term", text=f"Target {marker}",
                          due_on=timezone.localdate())  # fmt: skip
    letter = Letter.objects.create(
        decision=decision, kind=decision.outcome, due_by=timezone.now(), sent_at=timezone.now(),
        subject=f"Letter {marker}",
    )  # fmt: skip
    key = default_storage.save(
        f"letters/test/{marker}.pdf", ContentFile(f"%PDF-1.4 letter {marker}".encode())
    )
    Letter.objects.filter(pk=letter.pk).update(pdf_key=key)
    Notification.objects.create(recipient=worker, subject=f"Notice {marker}", body="Body")
    return worker, item, application
