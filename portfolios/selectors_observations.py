"""Reads for the practice observation pages and home page items: queries fixed whatever the
number of observations."""

from django.urls import reverse

from careerpath.dates import long_date
from careerpath.models import Role
from careerpath.selectors import AttentionItem
from frameworks.selectors import standards_of_set
from portfolios.models import ObservationStatus
from portfolios.permissions_observations import (
    OBSERVER_ROLES,
    first_observer_role,
    observations_visible_to,
)
from portfolios.services_observations import KSS


def kss_statements():
    return standards_of_set(code=KSS).select_related("standard_set")


def observations_made_by(*, observer):
    """Drafts first (there is something to finish), then signed, newest first."""
    return (
        observations_visible_to(observer)
        .filter(observer=observer)
        .select_related("worker")
        .order_by("status", "-observed_on", "-id")  # "draft" sorts before "signed"
    )


def observations_of(*, worker):
    return (
        observations_visible_to(worker)
        .filter(worker=worker, status=ObservationStatus.SIGNED)
        .select_related("observer")
        .order_by("-observed_on", "-id")
    )


def _date(day):
    return long_date(day) if day else "no date yet"


def observer_attention(role):
    """Home page items for an observer, under the first observer role they hold only, so a
    person who is both line manager and practice supervisor sees them once."""

    def provider(user):
        if first_observer_role(user) != role:
            return []
        drafts = observations_made_by(observer=user).filter(status=ObservationStatus.DRAFT)
        items = [
            AttentionItem(
                label=f"Finish and sign your observation of {draft.worker} "
                f"({_date(draft.observed_on)})",
                url=reverse("portfolios:observation-update", args=[draft.pk]),
            )
            for draft in drafts
        ]
        items.append(
            AttentionItem(
                label="Record a practice observation", url=reverse("portfolios:observation-create")
            )  # fmt: skip
        )
        items.append(
            AttentionItem(
                label="Practice observations you have recorded",
                url=reverse("portfolios:observation-list"),
            )  # fmt: skip
        )
        return items

    return provider


def worker_attention(user):
    """Home page items for a worker: the signed observations of their practice."""
    return [
        AttentionItem(
            label=f"Practice observation by {observation.observer_name} on "
            f"{_date(observation.observed_on)}: rated {observation.rating} "
            f"({observation.rating_label})",
            url=reverse("portfolios:observation-detail", args=[observation.pk]),
        )
        for observation in observations_of(worker=user)[:5]
    ]


def home_providers():
    """(role, provider) pairs for portfolios' AppConfig.ready."""
    return [(Role.WORKER, worker_attention)] + [
        (role, observer_attention(role)) for role in OBSERVER_ROLES
    ]
