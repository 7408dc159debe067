"""The retention purge of what portfolios holds (registered with careerpath.retention).

An application is due once the last decision on it is old enough, or once its applicant left long
enough ago; its content goes (answers, links, comments, declarations, agreements, referral,
reminders, submissions and their PDFs) and the application stays as a minimal record, because the
decisions and letters on it are kept. An evidence item goes with the due applications it was used
in, unless an application still kept uses it too; a leaver's whole library goes. Undecided work of
someone still in post is theirs and stays. Stored bytes go only when no other file version uses
them (files are stored by their content hash)."""

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count

from portfolios.models import (
    Application,
    ApplicationAnswer,
    Attestation,
    Comment,
    Declaration,
    EvidenceFile,
    EvidenceItem,
    EvidenceLink,
    Referral,
    ReviewReminder,
    Submission,
)


def _items_used_in(application_ids):
    linked = EvidenceLink.objects.filter(application_id__in=application_ids).values_list(
        "item_id", flat=True
    )
    submitted = Submission.files.through.objects.filter(
        submission__application_id__in=application_ids
    ).values_list("evidencefile__item_id", flat=True)
    return set(linked) | set(submitted)


@transaction.atomic
def retention_purge_portfolios(
    *, people, decided_on_or_before, left_on_or_before, last_decision_dates
):
    leavers = set(
        people.filter(left_on__isnull=False, left_on__lte=left_on_or_before).values_list(
            "pk", flat=True
        )
    )
    applications = dict(
        Application.objects.filter(applicant__in=people).values_list("pk", "applicant_id")
    )
    decided = last_decision_dates([pk for pk, who in applications.items() if who not in leavers])
    due = {
        pk
        for pk, who in applications.items()
        if who in leavers or (pk in decided and decided[pk] <= decided_on_or_before)
    }
    kept = set(applications) - due
    item_ids = set(
        EvidenceItem.objects.filter(owner__in=people)
        .filter(pk__in=_items_used_in(due) - _items_used_in(kept))
        .values_list("pk", flat=True)
    ) | set(EvidenceItem.objects.filter(owner_id__in=leavers).values_list("pk", flat=True))

    removed = {}
    # The application's content, one kind at a time; an application counts as purged when any
    # of it went (a second run finds only empty records and removes nothing).
    purged_applications = set()
    submissions = Submission.objects.filter(application_id__in=due)
    pdf_keys = set(submissions.exclude(pdf_key="").values_list("pdf_key", flat=True))
    removed["submissions"] = sorted(submissions.values_list("pk", flat=True))
    purged_applications |= set(submissions.values_list("application_id", flat=True))
    Submission.files.through.objects.filter(submission__application_id__in=due).delete()
    submissions.delete()
    for name, model in (
        ("answers", ApplicationAnswer),
        ("evidence_links", EvidenceLink),
        ("comments", Comment),
        ("declarations", Declaration),
        ("attestations", Attestation),
        ("referrals", Referral),
        ("review_reminders", ReviewReminder),
    ):
        rows = model.objects.filter(application_id__in=due)
        purged_applications |= set(rows.values_list("application_id", flat=True))
        removed[name] = rows.delete()[1].get(model._meta.label, 0)
    removed["applications"] = sorted(purged_applications)

    # Items kept that lost links to a purged application: their "used" count follows.
    for item in (
        EvidenceItem.objects.filter(owner__in=people, linked_count__gt=0)
        .exclude(pk__in=item_ids)
        .annotate(links_now=Count("links"))
    ):
        if item.linked_count != item.links_now:
            EvidenceItem.objects.filter(pk=item.pk).update(linked_count=item.links_now)

    files = EvidenceFile.objects.filter(item_id__in=item_ids)
    keys = set(files.values_list("storage_key", flat=True))
    removed["evidence_files"] = files.count()
    # Newest version first: a version's successor goes before the version it replaced.
    for version in sorted(set(files.values_list("version", flat=True)), reverse=True):
        EvidenceFile.objects.filter(item_id__in=item_ids, version=version).delete()
    EvidenceItem.objects.filter(pk__in=item_ids).delete()
    removed["evidence_items"] = sorted(item_ids)

    unused = keys - set(
        EvidenceFile.objects.filter(storage_key__in=keys).values_list("storage_key", flat=True)
    )
    # After the commit: a failure there leaves an unused file, never a missing one.
    transaction.on_commit(lambda: _delete_stored(unused | pdf_keys))
    return removed


def _delete_stored(keys):
    for key in keys:
        if default_storage.exists(key):
            default_storage.delete(key)
