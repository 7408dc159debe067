"""A realistic evidence library for each demo worker: a dozen items of several kinds with small
files, and one item in the bin. Idempotent: a worker who has any evidence is left alone."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from careerpath.demo import PEOPLE, demo_username
from careerpath.models import Role, User
from portfolios.models import EvidenceItem
from portfolios.services import evidence_item_create, evidence_item_delete, evidence_uploads_stage


def minimal_pdf(*lines):
    """A small, valid PDF: one A4 page with a few lines of text."""
    text = " ".join(f"({line.replace('(', '[').replace(')', ']')}) Tj 0 -18 Td" for line in lines)
    stream = f"BT /F1 12 Tf 72 770 Td {text} ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def _pdf(name, *lines):
    return SimpleUploadedFile(name, minimal_pdf(*lines), content_type="application/pdf")


def _text(name, text):
    return SimpleUploadedFile(name, text.encode(), content_type="text/plain")


# (days ago, kind, title, reflection, case reference, certificate, files)
LIBRARY = [
    (
        20,
        "case_example",
        "Joint home visit after a referral about neglect",
        "I carried out an unannounced joint visit with the health visitor after a referral from "
        "school about the children's attendance and presentation.\n\n"
        "I spoke with each child on their own, using the three houses tool, and observed the home "
        "conditions. I shared my worries with the parent openly and agreed a written safety plan "
        "before leaving.\n\n"
        "On reflection, planning the visit with the health visitor beforehand meant we did not "
        "repeat questions, and the parent said she felt listened to rather than judged.",
        "Mosaic 1042337",
        False,
        (),
    ),
    (
        45,
        "reflective_account",
        "What I learned from a difficult conversation about neglect",
        "Telling a parent that we would be holding a strategy discussion was one of the hardest "
        "conversations I have had in practice.\n\n"
        "I prepared by thinking about what she already knew, what she needed to know and what "
        "support she would have afterwards. I was honest about our concerns and about what would "
        "happen next, and I made sure she had the advocacy service's number.\n\n"
        "Using Gibbs' cycle, I recognise that I rushed the ending because I was anxious. Next time "
        "I will leave more time for questions.",
        "",
        False,
        (),
    ),
    (
        60,
        "supervision_record",
        "Supervision record: caseload review",
        "Monthly supervision with my practice supervisor. We reviewed each child on my caseload, "
        "agreed actions and timescales, and discussed my workload and wellbeing.",
        "",
        False,
        (
            (
                "supervision-caseload-review.txt",
                "Supervision record\n\nCaseload reviewed: 14 children in 6 families.\n"
                "Actions: update two chronologies; book a core group; seek legal advice "
                "on one case.\nWellbeing: manageable; agreed protected time for recording.\n",
            ),
        ),
    ),
    (
        150,
        "supervision_record",
        "Supervision record: reflective supervision on risk",
        "Reflective supervision using the four-stage model about a case where risk was drifting. "
        "We agreed I would escalate to a child protection conference.",
        "",
        False,
        (
            (
                "supervision-reflective.txt",
                "Reflective supervision\n\nExperience, reflection, analysis, action.\n"
                "Outcome: escalate to an initial child protection conference.\n",
            ),
        ),
    ),
    (
        30,
        "service_user_feedback",
        "Feedback from a parent after a core group meeting",
        "A parent gave written feedback after the third core group meeting. She said the plan was "
        "clear and that she understood what needed to change.",
        "",
        False,
        (
            (
                "parent-feedback.txt",
                "Parent feedback form\n\nWhat went well: the social worker explained the "
                "plan in plain words.\nWhat could be better: meetings at school pick-up time "
                "are hard for me.\n",
            ),
        ),
    ),
    (
        100,
        "service_user_feedback",
        "Feedback from a young person through an app",
        "A young person I work with used the feedback app to tell me how our sessions were going. "
        "She said she liked that I remembered what mattered to her.",
        "",
        False,
        (),
    ),
    (
        200,
        "training_certificate",
        "Certificate: Signs of Safety two-day training",
        "Two-day practice training in Signs of Safety mapping and safety planning with families.",
        "",
        True,
        (
            (
                "signs-of-safety-certificate.pdf",
                "Certificate of attendance",
                "Signs of Safety: two-day practice training",
                "Workforce Development",
            ),
        ),
    ),
    (
        90,
        "learning_event",
        "Learning event: local child safeguarding practice review briefing",
        "A briefing on the findings of a local child safeguarding practice review. I took away the "
        "importance of professional curiosity about who else lives in the household.",
        "",
        False,
        (),
    ),
    (
        75,
        "risk_assessment",
        "Domestic abuse risk assessment for a referral",
        "I completed a domestic abuse risk assessment with a parent and referred to MARAC. I "
        "reflected on asking the questions safely, away from the other parent.",
        "Mosaic 1039921",
        False,
        (),
    ),
    (
        120,
        "written_report",
        "Report for an initial child protection conference",
        "My report for an initial child protection conference, analysing strengths and worries "
        "and giving the children's views in their own words.",
        "Mosaic 1042337",
        False,
        (
            (
                "conference-report-summary.pdf",
                "Conference report summary",
                "Analysis of strengths and worries",
                "Recommendation: plan",
            ),
        ),
    ),
    (
        240,
        "appraisal",
        "Annual appraisal",
        "My annual appraisal with my line manager: objectives met, and a development goal to "
        "chair core group meetings.",
        "",
        False,
        (("annual-appraisal.pdf", "Annual appraisal", "Objectives met"),),
    ),
    (
        10,
        "case_recording",
        "Case recording of a direct work session",
        "A case recording of a direct work session using a life story book with a child in foster "
        "care, written to the child.",
        "Mosaic 1040715",
        False,
        (),
    ),
]
BINNED = (5, "meeting_minutes", "Team meeting minutes (a copy I added twice)",
          "Minutes of the team meeting about the new duty rota.", "", False, ())  # fmt: skip


def _add(owner, today, days_ago, kind, title, reflection, case_reference, certificate, files):
    uploads = [
        _pdf(name, *content) if name.endswith(".pdf") else _text(name, content[0])
        for name, *content in files
    ]
    staged, _refusals = evidence_uploads_stage(files=uploads)
    return evidence_item_create(
        owner=owner,
        files=staged,
        kind=kind,
        title=title,
        dated=today - datetime.timedelta(days=days_ago),
        reflection=reflection,
        case_reference=case_reference,
        is_certificate=certificate,
    )


@transaction.atomic
def demo_evidence_load():
    """Give each demo worker with an empty library the demo one. Returns how many were filled."""
    today = timezone.localdate()
    # Demo people only: real workers in the same database are never touched.
    usernames = [
        demo_username(slug, spec["key"])
        for slug, specs in PEOPLE.items()
        for spec in specs
        if Role.WORKER in spec["roles"]
    ]
    workers = User.objects.filter(username__in=usernames).exclude(
        pk__in=EvidenceItem.objects.values("owner_id")
    )
    filled = 0
    for worker in workers:
        for entry in LIBRARY:
            _add(worker, today, *entry)
        binned = _add(worker, today, *BINNED)
        evidence_item_delete(item=binned, actor=worker)
        filled += 1
    return filled
