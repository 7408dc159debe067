"""The portfolio PDF: a submission's frozen snapshot rendered with WeasyPrint, laid out like the
council's form (its sections and statements), then an index of the evidence. Stored under a key
made from the snapshot's digest, so a retried render overwrites the same file, never adds one."""

import logging

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone

from portfolios.applications.forms_engine import answer_text
from portfolios.models import Submission

# WeasyPrint reports each layout step at INFO: noise in a worker's or the demo's log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def portfolio_pdf_key(submission):
    return f"portfolios/{submission.digest[:2]}/{submission.digest}.pdf"


def _label(key):
    return key.replace("_", " ").replace("-", " ").strip().capitalize()


def portfolio_context(snapshot):
    """What the PDF template reads, from the snapshot only (never the live library)."""
    items = {item["id"]: item for item in snapshot["items"]}
    supports = {}
    for link in snapshot["links"]:
        if link["standard"]:
            what = f"KSS {link['standard']['number']}: {link['standard']['title']}"
        else:
            what = (link["criterion"] or {}).get("text", "")
        supports.setdefault(what, []).append(
            {"item": items.get(link["item"]), "note": link["note"]}
        )
    answers = {section["section"]: section["values"] for section in snapshot["sections"]}
    layout = snapshot.get("layout") or []
    laid_out = {(section["key"], field["key"]) for section in layout for field in section["fields"]}
    # Anything typed that the form's layout does not name still goes in, after the form.
    extra = [
        {
            "title": _label(key),
            "by": "",
            "fields": [
                {"label": _label(name), "text": value}
                for name, value in values.items()
                if (key, name) not in laid_out and isinstance(value, str) and value.strip()
            ],
        }
        for key, values in answers.items()
    ]
    extra = [section for section in extra if section["fields"]]
    if layout:
        # As the council's form has them: each section, each field's label and the answer.
        sections = [
            {
                "title": section["title"],
                "by": "" if section["completed_by"] == "worker" else section["completed_by"],
                "fields": [
                    {
                        "label": field["label"],
                        # Snapshots before field kinds were kept show answers as stored.
                        "text": answer_text(
                            field.get("kind", ""),
                            answers.get(section["key"], {}).get(field["key"], ""),
                        ),
                    }
                    for field in section["fields"]
                ],
            }
            for section in layout
        ] + extra
    else:
        sections = extra
    return {
        "snapshot": snapshot,
        "application": snapshot["application"],
        "route": snapshot["route"],
        "framework": snapshot["framework"],
        "sections": sections,
        "supports": supports,
        "items": snapshot["items"],
        "readiness": snapshot["readiness"],
    }


def portfolio_pdf_bytes(snapshot):
    from weasyprint import HTML

    html = render_to_string("portfolios/pdf/portfolio.html", portfolio_context(snapshot))
    return HTML(string=html).write_pdf()


def submission_pdf_render(*, submission_id):
    """Render and store the submission's PDF, unless it is there already; returns its key.
    Safe to run twice or at once: the key is the digest's, and the record is set by a
    compare-and-set update."""
    submission = Submission.objects.get(pk=submission_id)
    key = portfolio_pdf_key(submission)
    if submission.pdf_key and default_storage.exists(submission.pdf_key):
        return submission.pdf_key
    content = portfolio_pdf_bytes(submission.snapshot)
    if default_storage.exists(key):
        default_storage.delete(key)  # an earlier try's: the same snapshot, so the same PDF
    # (a lost file is rendered again under the same key; the record keeps its first time)
    saved = default_storage.save(key, ContentFile(content))
    if saved != key:
        # Another render stored it between the two lines above: keep theirs, drop this copy.
        default_storage.delete(saved)
    Submission.objects.filter(pk=submission.pk, pdf_rendered_at__isnull=True).update(
        pdf_key=key, pdf_rendered_at=timezone.now()
    )
    return key
