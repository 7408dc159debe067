"""Outcome letters for the letter tests and the permission matrix: a decision's letter, made
directly with a small stored file (the pages are what is tested; rendering is tested with it)."""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from panels.models import Letter
from tests.panels.appeal_factories import _decision_of
from tests.panels.booking_factories import new_worker


def sent_letter(decision, *, version=1, reason=""):
    now = timezone.now()
    letter = Letter.objects.create(
        decision=decision, kind=decision.outcome, version=version, due_by=now,
        sent_at=now, rendered_at=now, subject="Your letter", reissue_reason=reason,
    )  # fmt: skip
    key = f"letters/test/{decision.pk}-{letter.kind}-v{version}.pdf"
    if not default_storage.exists(key):
        key = default_storage.save(key, ContentFile(b"%PDF-1.4 a letter"))
    Letter.objects.filter(pk=letter.pk).update(pdf_key=key, pdf_bytes=17)
    letter.refresh_from_db()
    return letter


def own_letter(owner):
    """For the permission matrix: a letter to the owner about their own decision."""
    return {"pk": sent_letter(_decision_of(owner)).pk}


_count = [0]


def letter_in_council_of(owner):
    """For the permission matrix: a sent letter to another worker of the owner's council (HR
    re-issues other people's letters, never their own)."""
    from careerpath.models import User

    _count[0] += 1
    like = owner if owner.organisation_id else User.objects.get(username="medway.worker")
    worker = new_worker(like, f"lettered-{owner.pk}-{_count[0]}")
    return {"pk": sent_letter(_decision_of(worker)).pk}
