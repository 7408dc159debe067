"""Practice observation pages: the observer's list, a draft to create or change, signing with a
confirmation, and the observation itself for its observer and the worker observed."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from careerpath.models import Role
from careerpath.permissions import has_role, require_staff
from portfolios import selectors_observations as selectors
from portfolios import services_observations as services
from portfolios.forms_observations import ObservationForm, SignForm
from portfolios.permissions_observations import (
    can_change_observation,
    get_observation_for,
    is_observer,
    observable_workers_for,
    reads_observations,
    require_observer,
)


def observation_list(request):
    require_staff(request.user)
    if not reads_observations(request.user):
        raise PermissionDenied
    observer = is_observer(request.user)
    return render(request, "portfolios/observation_list.html", {
        "is_observer": observer,
        "made": selectors.observations_made_by(observer=request.user) if observer else [],
        "is_worker": has_role(request.user, Role.WORKER),
        "received": selectors.observations_of(worker=request.user),
    })  # fmt: skip


def _form(request, observation=None):
    initial = None
    if observation is not None:
        initial = {name: getattr(observation, name) for name in services.FIELDS}
        initial.update(worker=observation.worker, standards=list(observation.standards.all()),
                       saved_version=observation.updated_at.isoformat())  # fmt: skip
    return ObservationForm(
        request.POST if request.method == "POST" else None, initial=initial,
        workers=observable_workers_for(request.user), standards=selectors.kss_statements(),
    )  # fmt: skip


def _save(request, form, observation=None):
    """The draft saved, or None with the service's refusal on the form."""
    try:
        return services.observation_save_draft(
            observer=request.user, worker=form.cleaned_data["worker"],
            standards=form.cleaned_data["standards"], observation=observation,
            saved_version=form.cleaned_data["saved_version"] if observation else None,
            **form.values(),
        )  # fmt: skip
    except services.ObservationError as error:
        form.add_error(None, str(error))
        return None


def observation_create(request):
    require_observer(request.user)
    form = _form(request)
    if form.is_valid() and (observation := _save(request, form)):
        messages.success(request, "Your draft is saved: sign it when it is complete")
        return redirect("portfolios:observation-detail", pk=observation.pk)
    return render(request, "portfolios/observation_form.html", {"form": form})


def observation_update(request, pk):
    observation = get_observation_for(request.user, pk, as_observer=True)
    if observation.is_signed:
        messages.info(request, "This observation is signed: it can no longer be changed")
        return redirect("portfolios:observation-detail", pk=observation.pk)
    form = _form(request, observation)
    if form.is_valid() and _save(request, form, observation):
        messages.success(request, "Your draft is saved: sign it when it is complete")
        return redirect("portfolios:observation-detail", pk=observation.pk)
    return render(request, "portfolios/observation_form.html", {
        "form": form, "observation": observation,
    })  # fmt: skip


def observation_sign(request, pk):
    observation = get_observation_for(request.user, pk, as_observer=True)
    if observation.is_signed:
        messages.info(request, "This observation is signed already: nothing changed")
        return redirect("portfolios:observation-detail", pk=observation.pk)
    form = SignForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            observation, signed = services.observation_sign(
                observation=observation, actor=request.user
            )
        except services.ObservationError as error:
            form.add_error(None, str(error))
        else:
            if signed:
                messages.success(request, f"Signed. {observation.worker} has been told, and the "
                                 "observation is in their evidence library")  # fmt: skip
            else:  # signed in another tab a moment ago
                messages.info(request, "This observation is signed already: nothing changed")
            return redirect("portfolios:observation-detail", pk=observation.pk)
    return render(request, "portfolios/observation_sign.html", {
        "observation": observation, "form": form,
        "missing": services.missing_for_signing(observation),
    })  # fmt: skip


def observation_detail(request, pk):
    observation = get_observation_for(request.user, pk)
    return render(request, "portfolios/observation_detail.html", {
        "observation": observation,
        "can_change": can_change_observation(request.user, observation),
        "is_observer": observation.observer_id == request.user.pk,
    })  # fmt: skip
