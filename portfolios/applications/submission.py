"""Submitting: the worker's submit transition, and the frozen snapshot it leaves.

The snapshot is canonical JSON (sorted keys, no spaces) holding every section's text, every link
with its note, each linked item's metadata and the exact file versions, the rules as evaluated
(the readiness report), the framework version and the allocated standards. Its sha256 names the
portfolio PDF, so a retried render overwrites the same file. Later edits in the library change
nothing a reviewer or a panel reads: they read the snapshot."""

import hashlib
import json

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from careerpath.services import audit_record, notification_send
from portfolios.applications.forms_engine import application_sections
from portfolios.applications.readiness import application_readiness
from portfolios.applications.workflow import ApplicationError, TransitionResult, transition_apply
from portfolios.models import (
    Application,
    ApplicationAnswer,
    EvidenceFile,
    EvidenceLink,
    Submission,
)
from portfolios.services import evidence_item_hold

__all__ = ["ApplicationError", "application_submit", "canonical_json"]

SNAPSHOT_FORMAT = 1


def canonical_json(data):
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def _application_url(application):
    return reverse("portfolios:application-detail", args=[application.pk])


def _day(value):
    return value.isoformat() if value else None


def _layout(application):
    """The sections of the council's form as the worker saw them (titles and field labels, in
    order), so the PDF is laid out like the form without reading anything live later."""
    from frameworks.models import Standard
    from frameworks.selectors import criteria_for_target

    route = application.route
    policy = route.standards_policy or {}
    standards = dict(
        Standard.objects.filter(standard_set__code=policy.get("standard_set") or "").values_list(
            "number", "title"
        )
    )
    sections = application_sections(
        application=application,
        standards=standards,
        criteria=list(criteria_for_target(level=route.to_level)),
    )
    return [
        {
            "key": section.key,
            "title": section.title,
            "completed_by": section.completed_by,
            "fields": [
                {"key": spec.key, "label": spec.label, "kind": spec.kind} for spec in section.fields
            ],
        }
        for section in sections
    ]


def application_snapshot(*, application, readiness):
    """(snapshot, files): plain data for everything submitted, and the file versions in it."""
    route = application.route
    framework = route.framework
    answers = ApplicationAnswer.objects.filter(application=application).order_by("section")
    links = list(
        EvidenceLink.objects.filter(application=application)
        .select_related("item", "criterion", "standard__standard_set")
        .order_by("created_at", "id")
    )
    items = {link.item_id: link.item for link in links}
    # The latest version of each file of each item: the versions the worker submits.
    files = list(
        EvidenceFile.objects.filter(item_id__in=items, next_version__isnull=True).order_by(
            "item_id", "uploaded_at", "id"
        )
    )
    files_of = {}
    for evidence_file in files:
        files_of.setdefault(evidence_file.item_id, []).append(
            {
                "id": evidence_file.pk,
                "version": evidence_file.version,
                "name": evidence_file.original_name,
                "sha256": evidence_file.sha256,
                "size": evidence_file.size,
                "content_type": evidence_file.content_type,
                "storage_key": evidence_file.storage_key,
            }
        )
    applicant = application.applicant
    snapshot = {
        "format": SNAPSHOT_FORMAT,
        "application": {
            "id": application.pk,
            "applicant": applicant.get_full_name() or applicant.username,
            "organisation": application.organisation.name,
            "allocated_standards": list(application.allocated_standards or []),
            "allocation_seed": application.allocation_seed,
            "panel_date": _day(application.panel_date),
            "submission_deadline": _day(application.submission_deadline),
            "previous_attempt": application.previous_attempt_id,
        },
        "route": {
            "id": route.pk,
            "code": route.code,
            "title": route.title,
            "standards_policy": route.standards_policy,
            "required_documents": route.required_documents,
        },
        "framework": {
            "id": framework.pk,
            "slug": framework.slug,
            "title": framework.title,
            "version": framework.version,
            "version_label": framework.version_label,
            "forms": framework.forms,
        },
        "layout": _layout(application),
        "sections": [
            {"section": answer.section, "values": answer.values, "revision": answer.revision}
            for answer in answers
        ],
        "links": [
            {
                "item": link.item_id,
                "criterion": (
                    {"id": link.criterion_id, "text": link.criterion.text}
                    if link.criterion_id
                    else None
                ),
                "standard": (
                    {
                        "set": link.standard.standard_set.code,
                        "number": link.standard.number,
                        "title": link.standard.title,
                    }
                    if link.standard_id
                    else None
                ),
                "note": link.note,
            }
            for link in links
        ],
        "items": [
            {
                "id": item.pk,
                "kind": item.kind,
                "kind_label": item.kind_label,
                "title": item.title,
                "dated": _day(item.dated),
                "reflection": item.reflection,
                "case_reference": item.case_reference,
                "is_certificate": item.is_certificate,
                "rating": item.rating,
                "files": files_of.get(item.pk, []),
            }
            for item in sorted(items.values(), key=lambda item: (item.dated, item.pk))
        ],
        "readiness": readiness.as_dict(),
    }
    return json.loads(canonical_json(snapshot)), files, list(items.values())


def _freeze(*, application, actor):
    readiness = application_readiness(application=application)
    snapshot, files, items = application_snapshot(application=application, readiness=readiness)
    digest = hashlib.sha256(canonical_json(snapshot).encode()).hexdigest()
    number = Submission.objects.filter(application=application).count() + 1
    submission = Submission.objects.create(
        application=application,
        number=number,
        snapshot=snapshot,
        digest=digest,
        submitted_by=actor,
    )
    submission.files.set(files)
    for item in items:
        evidence_item_hold(item=item)
    return submission


def application_submit(*, application, actor, declaration):
    """Submit: every machine rule met (eligibility on the panel date included) and the
    declaration accepted, or ApplicationError saying exactly what is missing. Freezes the
    application into a Submission, holds its evidence items, and after the commit tells the
    applicant and queues the portfolio PDF. Submitting twice (or at once) leaves one
    submission: the second is a no-op with a message."""
    from portfolios.tasks import portfolio_pdf_render

    with transaction.atomic():
        result = transition_apply(
            application=application,
            name="submit",
            actor=actor,
            guard_context={"declaration": bool(declaration)},
        )
        if not result.changed:
            return result
        # Still under the runner's row lock: the snapshot is of what was checked.
        locked = Application.objects.select_related(
            "route__framework",
            "route__to_level",
            "route__from_level",
            "applicant",
            "organisation",
        ).get(pk=application.pk)  # fmt: skip
        now = timezone.now()
        Application.objects.filter(pk=locked.pk).update(declaration_accepted_at=now)
        submission = _freeze(application=locked, actor=actor)
        audit_record(
            actor=actor,
            action="application.snapshot",
            target=locked,
            organisation=locked.organisation,
            details={"submission": submission.number, "digest": submission.digest},
        )
        notification_send(
            recipient=locked.applicant,
            subject=f"You submitted your application: {locked.route.title}",
            body=(
                f"Your application for {locked.route.title} was submitted on "
                f"{timezone.localtime(now):%-d %B %Y at %H:%M}. What you submitted is kept as it "
                "was: changes in your evidence library do not change it. Your portfolio PDF will "
                "be ready to download shortly."
            ),
            url=_application_url(locked),
        )
        portfolio_pdf_render.delay_on_commit(submission.pk)
        # Whoever holds the first review step is told it waits for them.
        from portfolios.applications.reviews import handover_notify

        handover_notify(application=locked)
    application.declaration_accepted_at = now
    return TransitionResult(True, "Your application has been submitted", result.application)
