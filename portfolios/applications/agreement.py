"""Managers' agreement to a worker's application (where the worker books, that they may book a
panel place): the route's eligibility rule {type: attestation, by: [...]} names the roles, and
each of those people records it in one click.

A role here is also a relation to the applicant: the practice supervisor who agrees must be the
applicant's own practice supervisor (User.practice_supervisor), and so on. The recorded
Attestation rows feed the rule evaluator (Facts.attested_by, see attested_roles)."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.urls import reverse

from careerpath.models import Role
from careerpath.permissions import has_role, is_staff_member
from careerpath.selectors import AttentionItem
from careerpath.services import audit_record, notification_send
from frameworks.models import RuleScope
from portfolios.applications.booking import worker_books
from portfolios.models import CLOSED_STATES, Application, Attestation

AGREEMENT = Attestation.Purpose.AGREEMENT

# The role a person agrees in, and the field on the applicant that names who holds it for them.
MANAGER_FIELDS = {
    Role.PRACTICE_SUPERVISOR: "practice_supervisor",
    Role.TEAM_MANAGER: "team_manager",
    Role.LINE_MANAGER: "line_manager",
}


class AgreementError(Exception):
    """An agreement that cannot be recorded, with a message for the person who tried."""


def role_name(role):
    return Role(role).label.lower()


def agreement_purpose(application):
    """What the managers agree to, in words after "that <name>": on routes where the worker
    books, that they may book a place on the panel; elsewhere, that they support the
    application."""
    route = application.route
    if worker_books(route):
        return f"may book a place on the {route.title} panel"
    return f"has your support to apply on {route.title}"


def agreement_roles(route):
    """The roles whose agreement the route's eligibility rules ask for, in the rules' order.
    Reads route.rules.all(), so a prefetch serves it."""
    roles = []
    for rule in route.rules.all():
        if rule.scope == RuleScope.ELIGIBILITY and rule.type == "attestation":
            roles += [role for role in rule.parameters.get("by", ()) if role in MANAGER_FIELDS]
    return tuple(dict.fromkeys(roles))


def attested_roles(application):
    """The roles that have agreed, as the evaluator's Facts.attested_by wants them. Reads
    application.attestations.all(), so a prefetch serves it; standards verified are not an
    agreement."""
    return frozenset(
        attestation.role
        for attestation in application.attestations.all()
        if attestation.purpose == AGREEMENT
    )


def agreement_missing(application):
    done = attested_roles(application)
    return [role for role in agreement_roles(application.route) if role not in done]


def agreement_complete(application):
    return bool(agreement_roles(application.route)) and not agreement_missing(application)


# --- Who may agree ---------------------------------------------------------------------------


def is_agreeing_manager(user, application, role):
    """The person holds the role in the applicant's council and is the applicant's own holder
    of it (their practice supervisor, team manager or line manager)."""
    field = MANAGER_FIELDS.get(role)
    return (
        field is not None
        and is_staff_member(user)
        and user.organisation_id == application.organisation_id
        and has_role(user, role)
        and getattr(application.applicant, f"{field}_id") == user.pk
    )


def can_agree(user, application, role):
    """May record agreement in this role now: the route asks for it, the application is open,
    and the person is the applicant's own manager in that role."""
    return (
        application.state not in CLOSED_STATES
        and role in agreement_roles(application.route)
        and is_agreeing_manager(user, application, role)
    )


def roles_to_agree(user, application):
    """The roles this person may still agree in for this application."""
    done = attested_roles(application)
    return [
        role
        for role in agreement_roles(application.route)
        if role not in done and can_agree(user, application, role)
    ]


def is_agreement_giver(user):
    """Holds a role that agrees for someone (the pages' first check: others get 403)."""
    return is_staff_member(user) and has_role(user, *MANAGER_FIELDS)


def _applications_managed_by(user):
    """Open applications in the person's council whose applicant they manage in a role they
    hold: can_agree's relation as a queryset (the route's rules are checked per row)."""
    relation = Q()
    for role, field in MANAGER_FIELDS.items():
        if has_role(user, role):
            relation |= Q(**{f"applicant__{field}": user})
    if not relation or not is_staff_member(user):
        return Application.objects.none()
    return (
        Application.objects.filter(relation, organisation_id=user.organisation_id)
        .exclude(state__in=CLOSED_STATES)
        .select_related("applicant", "route__framework")
        .prefetch_related("route__rules", "attestations")
    )


def get_application_to_agree(user, pk):
    """An application this person manages the applicant of (404 for any other)."""
    application = _applications_managed_by(user).filter(pk=pk).first()
    if application is None:
        raise Http404
    return application


@dataclass(frozen=True)
class AwaitingAgreement:
    application: Application
    roles: tuple  # the roles this person is asked to agree in
    others_missing: tuple  # labels of the roles other people still have to agree in

    @property
    def purpose(self):
        return agreement_purpose(self.application)


def applications_awaiting_agreement(*, user):
    """The person's people's applications waiting for their agreement, oldest first. Three
    queries: the applications (with applicant and route), the routes' rules, the attestations."""
    waiting = []
    for application in _applications_managed_by(user).order_by("created_at", "pk"):
        roles = roles_to_agree(user, application)
        if roles:
            others = [
                Role(role).label for role in agreement_missing(application) if role not in roles
            ]
            waiting.append(AwaitingAgreement(application, tuple(roles), tuple(others)))
    return waiting


def agreement_attention(role):
    """A home page provider for one managing role: the agreements asked of the person in it
    (someone who is both team manager and line manager sees each once, under its role)."""

    def provider(user):
        return [
            AttentionItem(
                label=f"Agree that {item.application.applicant} "
                f"{agreement_purpose(item.application)}",
                url=reverse("portfolios:agreement-list"),
            )
            for item in applications_awaiting_agreement(user=user)
            if role in item.roles
        ]

    return provider


# --- Recording it ----------------------------------------------------------------------------


def _application_url(application):
    return reverse("portfolios:application-detail", args=[application.pk])


def attestation_record(*, application, role, person):
    """Record that `person` agrees, as the applicant's `role`. Returns (attestation, created):
    agreeing again changes nothing. The applicant is told after the commit."""
    try:
        with transaction.atomic():
            return _attestation_record(application=application, role=role, person=person)
    except IntegrityError:  # the same agreement recorded at the same moment in another request
        existing = Attestation.objects.filter(
            application=application, role=role, purpose=AGREEMENT
        ).first()
        if existing is None:
            raise
        return existing, False


def _attestation_record(*, application, role, person):
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("applicant", "route")
        .get(pk=application.pk)
    )
    existing = Attestation.objects.filter(
        application=application, role=role, purpose=AGREEMENT
    ).first()
    if existing is not None and existing.person_id == person.pk:
        return existing, False
    if existing is not None:
        raise AgreementError(f"The {role_name(role)} has agreed already")
    if role not in agreement_roles(application.route):
        raise AgreementError(f"This route does not ask for the {role_name(role)}'s agreement")
    if application.state in CLOSED_STATES:
        raise AgreementError(
            f"This application is {application.get_state_display().lower()}: "
            "there is nothing to agree to"
        )
    if not is_agreeing_manager(person, application, role):
        raise AgreementError(
            f"Only {application.applicant}'s own {role_name(role)} can agree in that role"
        )
    attestation = Attestation.objects.create(
        application=application, role=role, purpose=AGREEMENT, person=person
    )
    audit_record(
        actor=person, action="application_agreed", target=application,
        details={"role": role},
    )  # fmt: skip
    missing = [
        other
        for other in agreement_roles(application.route)
        if other != role
        and not Attestation.objects.filter(
            application=application, role=other, purpose=AGREEMENT
        ).exists()
    ]
    books = worker_books(application.route)
    if missing:
        still = " and ".join(role_name(other) for other in missing)
        next_step = f"Your {still} still need to agree" + (
            " before you can book a place." if books else "."
        )
    else:
        next_step = "You can now book your place on the panel." if books else ""
    what = (
        f"that you may book a place on the {application.route.title} panel"
        if books
        else f"to support your application on {application.route.title}"
    )
    notification_send(
        recipient=application.applicant,
        subject=f"Your {role_name(role)} agreed to your application",
        body=f"{person} agreed, as your {role_name(role)}, {what}. {next_step}".strip(),
        url=_application_url(application),
    )
    return attestation, True


def agreement_status(application):
    """[(role label, agreed?)] for each role the route asks, for the worker's pages."""
    done = attested_roles(application)
    return [(Role(role).label, role in done) for role in agreement_roles(application.route)]
