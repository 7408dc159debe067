"""Who may record, read and change practice observations, written once.

An observer is a practice supervisor, line manager or team manager; they observe workers of their
own organisation. An observation is read by its observer and, once signed, by the worker observed;
everyone else gets 404, the same as for one that does not exist."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from careerpath.models import Role, RoleMembership
from careerpath.permissions import has_role, is_staff_member, require_staff, roles_of
from portfolios.models import ObservationStatus, PracticeObservation

OBSERVER_ROLES = (Role.PRACTICE_SUPERVISOR, Role.LINE_MANAGER, Role.TEAM_MANAGER)


def is_observer(user):
    return has_role(user, *OBSERVER_ROLES)


def first_observer_role(user):
    """The first observer role the person holds, in OBSERVER_ROLES' order, or None."""
    held = roles_of(user)
    return next((role for role in OBSERVER_ROLES if role in held), None)


def reads_observations(user):
    """Observers and workers: the people observation pages are for."""
    return has_role(user, Role.WORKER, *OBSERVER_ROLES)


def observable_workers_for(observer):
    """The people an observer may observe: workers of the observer's own organisation."""
    if not (is_staff_member(observer) and is_observer(observer)):
        return get_user_model().objects.none()
    workers = RoleMembership.objects.filter(
        organisation_id=observer.organisation_id, role=Role.WORKER
    ).values("user_id")
    return (
        get_user_model()
        .objects.filter(pk__in=workers, organisation_id=observer.organisation_id, is_active=True)
        .exclude(pk=observer.pk)
        .order_by("last_name", "first_name", "username")
    )


def can_observe(observer, worker):
    return (
        worker is not None
        and worker.organisation_id == observer.organisation_id
        and observable_workers_for(observer).filter(pk=worker.pk).exists()
    )


def can_view_observation(user, observation):
    return (
        is_staff_member(user)
        and observation.organisation_id == user.organisation_id
        and (
            observation.observer_id == user.pk
            or (observation.worker_id == user.pk and observation.is_signed)
        )
    )


def can_change_observation(user, observation):
    """Only its observer, and only while it is a draft: a signed observation is read-only."""
    return (
        can_view_observation(user, observation)
        and observation.observer_id == user.pk
        and not observation.is_signed
        and is_observer(user)
    )


def observations_visible_to(user):
    """The queryset form of can_view_observation."""
    if not is_staff_member(user):
        return PracticeObservation.objects.none()
    return PracticeObservation.objects.filter(
        Q(observer=user) | Q(worker=user, status=ObservationStatus.SIGNED),
        organisation_id=user.organisation_id,
    )


def require_observer(user):
    require_staff(user)
    if not is_observer(user):
        raise PermissionDenied


def get_observation_for(user, pk, *, as_observer=False):
    """An observation the person may read (as its observer only, with as_observer); 404 when
    it is missing or not theirs to see, 403 for people observation pages are not for."""
    require_staff(user)
    if not (is_observer(user) if as_observer else reads_observations(user)):
        raise PermissionDenied
    observation = (
        PracticeObservation.objects.select_related("worker", "observer", "evidence_item")
        .prefetch_related("standards")
        .filter(pk=pk)
        .first()
    )
    if observation is None or not can_view_observation(user, observation):
        raise Http404
    if as_observer and observation.observer_id != user.pk:
        raise Http404
    return observation
