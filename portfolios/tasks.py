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
