from celery import shared_task
from django.db import DatabaseError

from portfolios.services import evidence_bin_purge


@shared_task(
    acks_late=True, autoretry_for=(DatabaseError, OSError), retry_backoff=True, max_retries=5
)
def purge_evidence_bin():
    """Destroy items in the bin for more than 90 days (held ones are kept). Run daily by beat;
    running it twice, or two at once, destroys nothing twice."""
    return evidence_bin_purge()


@shared_task(
    acks_late=True, autoretry_for=(DatabaseError, OSError), retry_backoff=True, max_retries=5
)
def portfolio_pdf_render(submission_id):
    """Render a submission's portfolio PDF (queued after the submission commits). A retry
    overwrites the same stored file and sets the record once."""
    from portfolios.applications.pdf import submission_pdf_render

    return submission_pdf_render(submission_id=submission_id)


@shared_task(
    acks_late=True, autoretry_for=(DatabaseError, OSError), retry_backoff=True, max_retries=5
)
def review_reminders_send():
    """Remind the holders of reviews past their service level, and escalate to the progression
    coordinator. Run hourly by beat; each reminder is claimed once, so a rerun sends nothing."""
    from portfolios.applications.reminders import reminders_send

    return reminders_send()
