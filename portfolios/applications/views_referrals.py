"""Referral pages (Dudley): the team manager, after supervision confirms the criteria, refers a
worker they manage for a route that opens by referral; the referral opens the application for
the worker. Whoever covers for the team manager refers for them."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect, render

from careerpath.models import Role, User
from careerpath.permissions import has_role, is_staff_member
from careerpath.selectors import people_covered_by
from frameworks.models import ProgressionRoute
from portfolios.applications import reviews
from portfolios.applications.forms_referrals import ReferralForm
from portfolios.applications.steps import MANAGER_FIELDS, route_workflow
from portfolios.applications.workflow import ApplicationError
from portfolios.models import CLOSED_STATES, Application, Referral

# --- Reads -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReferralScope:
    """Whom this person may refer, for which routes: the routes that open by referral, the
    people they manage (or manage for someone they cover) in the role each route names, and
    the (worker id, route id) pairs that gives."""

    routes: list
    people: list
    pairs: frozenset


def _managers_for(user, role):
    """The people whose staff this person refers in `role`: themselves when they hold it, and
    whoever they cover for today (as reviews.is_referrer has it)."""
    ids = set(people_covered_by(user))
    if has_role(user, role):
        ids.add(user.pk)
    return ids


def referral_scope(user):
    """Three queries: the routes, the cover held, the people."""
    routes = reviews.referral_routes_for(user)
    managers = {}  # route pk -> (field on the worker, ids of the managers)
    found = Q()
    for route in routes:
        role = route_workflow(route)["referral_by"]
        field = MANAGER_FIELDS.get(role)
        ids = _managers_for(user, role) if field else set()
        if ids:
            managers[route.pk] = (field, ids)
            found |= Q(**{f"{field}_id__in": ids})
    if not managers:
        return ReferralScope(routes, [], frozenset())
    people = list(
        User.objects.filter(found, organisation_id=user.organisation_id, is_active=True)
        .exclude(pk=user.pk)
        .order_by("last_name", "first_name", "pk")
    )
    pairs = frozenset(
        (person.pk, route_pk)
        for person in people
        for route_pk, (field, ids) in managers.items()
        if getattr(person, f"{field}_id") in ids
    )
    return ReferralScope(routes, people, pairs)


def may_refer(user):
    """Team managers (the role Dudley's route names), anyone holding a role a route of their
    council names for referral, and whoever covers for a manager today."""
    if not is_staff_member(user):
        return False
    if has_role(user, Role.TEAM_MANAGER) or people_covered_by(user):
        return True
    roles = {route_workflow(route)["referral_by"] for route in reviews.referral_routes_for(user)}
    return has_role(user, *roles)


def _open_applications(people, routes):
    """(worker id, framework slug, route code) -> their open application, in one query."""
    if not people or not routes:
        return {}
    applications = (
        Application.objects.filter(
            applicant_id__in=[person.pk for person in people],
            route__code__in={route.code for route in routes},
            route__framework__slug__in={route.framework.slug for route in routes},
            organisation_id=routes[0].framework.organisation_id,
        )
        .exclude(state__in=CLOSED_STATES)
        .select_related("route__framework")
    )
    return {
        (application.applicant_id, application.route.framework.slug, application.route.code): (
            application
        )
        for application in applications
    }


@dataclass(frozen=True)
class StaffRow:
    person: object
    routes: list  # (route, open application or None) for each route they may be referred for


def _require_referrer(user):
    if not may_refer(user):
        raise PermissionDenied


# --- Pages -------------------------------------------------------------------------------------


def referral_list(request):
    user = request.user
    _require_referrer(user)
    scope = referral_scope(user)
    open_ = _open_applications(scope.people, scope.routes)
    rows = [
        StaffRow(
            person,
            [
                (route, open_.get((person.pk, route.framework.slug, route.code)))
                for route in scope.routes
                if (person.pk, route.pk) in scope.pairs
            ],
        )
        for person in scope.people
    ]
    referrals = (
        Referral.objects.filter(Q(referred_by=user) | Q(on_behalf_of=user))
        .select_related("application__applicant", "application__route", "referred_by",
                        "on_behalf_of")
        .order_by("-created_at", "-pk")[:100]
    )  # fmt: skip
    return render(request, "portfolios/referral_list.html", {
        "rows": [row for row in rows if row.routes], "routes": scope.routes,
        "referrals": referrals,
    })  # fmt: skip


def _chosen(request, name, allowed):
    """A worker or route id from the address, when it is one this person may choose."""
    try:
        value = int(request.GET.get(name, ""))
    except ValueError:
        return None
    return value if value in allowed else None


def referral_create(request):
    user = request.user
    _require_referrer(user)
    scope = referral_scope(user)
    people = User.objects.filter(pk__in=[person.pk for person in scope.people])
    routes = ProgressionRoute.objects.filter(
        pk__in=[route.pk for route in scope.routes]
    ).select_related("framework")
    initial = {
        "worker": _chosen(request, "worker", {person.pk for person in scope.people}),
        "route": _chosen(request, "route", {route.pk for route in scope.routes}),
    }
    form = ReferralForm(
        request.POST if request.method == "POST" else None,
        initial=initial, people=people, routes=routes, pairs=scope.pairs,
    )  # fmt: skip
    if form.is_valid():
        worker, route = form.cleaned_data["worker"], form.cleaned_data["route"]
        try:
            reviews.referral_create(
                referrer=user, worker=worker, route=route,
                supervision_on=form.cleaned_data["supervision_on"],
                decision=form.cleaned_data["decision"],
            )  # fmt: skip
        except ApplicationError as refused:
            form.add_error(None, str(refused))
        else:
            name = worker.get_full_name() or worker.username
            messages.success(request, f"{name} is referred for {route.title}: we have told them")
            return redirect("portfolios:referral-list")
    return render(request, "portfolios/referral_create.html", {
        "form": form, "has_people": bool(scope.pairs),
    })  # fmt: skip
