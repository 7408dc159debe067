"""Writes for applications: start, withdraw, and the worker's writing (answers and evidence
links). State changes go through portfolios.applications.workflow.transition_apply; everything
else locks what it changes and records an audit event in the same transaction."""

from django.db import IntegrityError, transaction

from careerpath.services import audit_record
from frameworks.models import FrameworkStatus
from portfolios.applications.workflow import (
    ApplicationError,
    TransitionResult,
    transition_apply,
)
from portfolios.models import CLOSED_STATES, Application, ApplicationState

__all__ = ["ApplicationError", "application_start", "application_withdraw"]

ONE_OPEN_MESSAGE = "You already have an application on this route: carry on with that one"


def _same_route(route):
    """Applications on this route in any version of its framework (a new version has new
    route rows with the same code)."""
    return Application.objects.filter(
        route__code=route.code,
        route__framework__organisation_id=route.framework.organisation_id,
        route__framework__slug=route.framework.slug,
    )


def application_start(*, applicant, route, previous_attempt=None):
    """Start an application on a published route of the applicant's own organisation, pinned to
    that framework version. After a deferral the new attempt links to the earlier one."""
    framework = route.framework
    if (
        applicant.organisation_id is None
        or framework.organisation_id != applicant.organisation_id
        or framework.status != FrameworkStatus.PUBLISHED
    ):
        raise ApplicationError("You can only apply on a published route of your own council")
    earlier = _same_route(route).filter(applicant=applicant)
    if previous_attempt is None:
        # The latest finished attempt that was deferred and has no next attempt yet.
        previous_attempt = (
            earlier.filter(state=ApplicationState.DEFERRED, next_attempt__isnull=True)
            .order_by("-created_at", "-id")
            .first()
        )
    elif (
        previous_attempt.applicant_id != applicant.pk
        or not earlier.filter(pk=previous_attempt.pk).exists()
        or previous_attempt.state != ApplicationState.DEFERRED
    ):
        raise ApplicationError("A new attempt follows a deferred application of your own")
    try:
        with transaction.atomic():
            if earlier.exclude(state__in=CLOSED_STATES).exists():
                raise ApplicationError(ONE_OPEN_MESSAGE)
            application = Application.objects.create(
                applicant=applicant,
                organisation_id=applicant.organisation_id,
                route=route,
                previous_attempt=previous_attempt,
            )
            audit_record(
                actor=applicant,
                action="application.start",
                target=application,
                organisation=applicant.organisation,
                details={
                    "route": route.code,
                    "framework_version": framework.version,
                    "previous_attempt": previous_attempt.pk if previous_attempt else None,
                },
            )
    except IntegrityError as error:
        # Two starts at once: the database's one-open-application constraint refused the second
        # (or the earlier attempt already has a next one).
        raise ApplicationError(ONE_OPEN_MESSAGE) from error
    return application


def application_withdraw(*, application, actor) -> TransitionResult:
    """The applicant withdraws, at any point before the hearing."""
    return transition_apply(application=application, name="withdraw", actor=actor)
