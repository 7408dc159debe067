"""What portfolios holds about one person, for their subject access zip (careerpath.data_export):
their evidence items and files, their practice observations, and their applications with answers,
links, agreements, declarations, comments about them and frozen submissions (with the PDFs).
Nothing of another person's: only items they own and applications they made."""

from careerpath.data_export import PersonalDataPart, person_name
from portfolios.models import Application, EvidenceItem, PracticeObservation


def _file_name(name):
    return name.replace("/", "_").replace("\\", "_") or "file"


def evidence_parts(person):
    items = (
        EvidenceItem.objects.filter(owner=person).prefetch_related("files").order_by("dated", "pk")
    )
    records, files = [], []
    for item in items:
        versions = []
        for version in item.files.all():
            name = _file_name(version.original_name)
            path = f"evidence/{item.pk}/v{version.version}-{version.pk}-{name}"
            versions.append(
                {
                    "file": path,
                    "original_name": version.original_name,
                    "version": version.version,
                    "content_type": version.content_type,
                    "size": version.size,
                    "sha256": version.sha256,
                    "uploaded_at": version.uploaded_at,
                }
            )
            files.append((path, version.storage_key))
        records.append(
            {
                "id": item.pk,
                "kind": item.kind_label,
                "title": item.title,
                "dated": item.dated,
                "reflection": item.reflection,
                "case_reference": item.case_reference,
                "is_certificate": item.is_certificate,
                "rating": item.rating_label,
                "created_at": item.created_at,
                "updated_at": item.updated_at,
                "in_bin_since": item.deleted_at,
                "files": versions,
            }
        )
    observations = [
        {
            "observed_on": observation.observed_on,
            "observer": observation.observer_name or person_name(observation.observer),
            "observer_role": observation.observer_role,
            "practice_type": observation.get_practice_type_display()
            or observation.practice_type_other,
            "rating": observation.get_rating_display() if observation.rating else "",
            "assessment": observation.assessment,
            "short_term_targets": observation.short_term_targets,
            "medium_term_targets": observation.medium_term_targets,
            "long_term_targets": observation.long_term_targets,
            "feedback": observation.feedback,
            "status": observation.get_status_display(),
            "signed_at": observation.signed_at,
        }
        for observation in PracticeObservation.objects.filter(worker=person)
        .select_related("observer")
        .order_by("observed_on", "pk")
    ]
    return [
        PersonalDataPart("evidence", records, files),
        PersonalDataPart("practice_observations", observations),
    ]


def application_parts(person):
    applications = (
        Application.objects.filter(applicant=person)
        .select_related("route__framework", "referral__referred_by")
        .prefetch_related(
            "answers",
            "links__item",
            "links__criterion",
            "links__standard",
            "attestations__person",
            "declarations__person",
            "comments__author",
            "comments__on_behalf_of",
            "submissions",
        )  # fmt: skip
        .order_by("created_at", "pk")
    )
    records, files = [], []
    for application in applications:
        submissions = []
        for submission in application.submissions.all():
            pdf = ""
            if submission.pdf_key:
                pdf = f"applications/{application.pk}/submission-{submission.number}.pdf"
                files.append((pdf, submission.pdf_key))
            submissions.append(
                {
                    "number": submission.number,
                    "submitted_at": submission.submitted_at,
                    "snapshot": submission.snapshot,
                    "pdf": pdf,
                }
            )
        referral = getattr(application, "referral", None)
        records.append(
            {
                "id": application.pk,
                "route": str(application.route),
                "framework": str(application.route.framework),
                "state": application.get_state_display(),
                "created_at": application.created_at,
                "submitted_at": application.submitted_at,
                "panel_date": application.panel_date,
                "allocated_standards": application.allocated_standards,
                "answers": {answer.section: answer.values for answer in application.answers.all()},
                "evidence_links": [
                    {
                        "evidence_item": link.item_id,
                        "evidence_title": link.item.title,
                        "supports": str(link.criterion or link.standard),
                        "note": link.note,
                    }
                    for link in application.links.all()
                ],
                "attestations": [
                    {
                        "role": attestation.get_role_display(),
                        "purpose": attestation.get_purpose_display(),
                        "standards": attestation.standards,
                        "by": person_name(attestation.person),
                        "at": attestation.attested_at,
                    }
                    for attestation in application.attestations.all()
                ],
                "declarations": [
                    {
                        "kind": declaration.get_kind_display(),
                        "subject_to_procedures": declaration.subject,
                        "details": declaration.details,
                        "role": declaration.get_role_display(),
                        "by": person_name(declaration.person),
                        "at": declaration.declared_at,
                    }
                    for declaration in application.declarations.all()
                ],
                "comments": [
                    {
                        "by": person_name(comment.author),
                        "role": comment.get_role_display(),
                        "on_behalf_of": person_name(comment.on_behalf_of),
                        "body": comment.body,
                        "reviewers_only": comment.reviewers_only,
                        "at": comment.created_at,
                    }
                    for comment in application.comments.all()
                ],
                "referral": {
                    "by": person_name(referral.referred_by),
                    "supervision_on": referral.supervision_on,
                    "decision": referral.decision,
                    "at": referral.created_at,
                }
                if referral
                else None,
                "submissions": submissions,
            }
        )
    return [PersonalDataPart("applications", records, files)]


def personal_data_for(person):
    return [*evidence_parts(person), *application_parts(person)]
