"""Writes for the reviewers' steps: the referral that opens an application (Dudley), the manager's
report and the team manager's endorsement written into the council's own form, the standards
they verify, the coordinator's eligibility check, returns with a comment, the comment thread,
and the coordinator's reassignment of a stuck review.

Every step is a transition of portfolios.applications.workflow (this module provides the guards
it names); every step that hands work to someone tells them, in the service and by e-mail after
the commit (a notification's e-mail is claimed once, so a retried task sends nothing more).
"""

from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from careerpath.models import Role, User
from careerpath.permissions import has_role, is_staff_member
from careerpath.selectors import delegations_in_force, role_holders
from careerpath.services import audit_record, notification_send
from frameworks.models import FrameworkStatus
from frameworks.rules import NOT_MET
from portfolios.applications import permissions as can
from portfolios.applications.forms_engine import application_sections, field_problems
from portfolios.applications.services import application_start
from portfolios.applications.steps import (
    MANAGER_FIELDS,
    UNDER_REVIEW,
    current_holder,
    holder_of,
    review_sources,
    route_workflow,
    step_at,
)
from portfolios.applications.workflow import (
    TRANSITIONS,
    ApplicationError,
    TransitionResult,
    register_guard,
    transition_apply,
)
from portfolios.models import (
    Application,
    ApplicationAnswer,
    ApplicationState,
    Attestation,
    Comment,
    Declaration,
    Referral,
)

S = ApplicationState
STANDARDS = Attestation.Purpose.STANDARDS

# What each review step is called where people read it.
STEP_NAMES = {
    "review": "write the manager's report",
    "endorse": "endorse the application",
    "confirm_eligibility": "confirm the criteria are met",
    "decide": "decide the application",
}


def review_url(application):
    return reverse("portfolios:review-detail", args=[application.pk])


def worker_url(application):
    return reverse("portfolios:application-detail", args=[application.pk])


# --- What each step writes into the council's form ------------------------------------------


@dataclass(frozen=True)
class StepForm:
    """The part of the council's form one step completes: its fields (by section), the role it
    is written in, and the standards that role verifies on this route."""

    step: str
    role: str
    sections: tuple  # (SectionSpec, (FieldSpec, ...)) pairs
    verifies: tuple  # standard numbers this role verifies ("attested" in the standards policy)

    @property
    def fields(self):
        return [spec for _, fields in self.sections for spec in fields]


def step_role(application, step):
    """The role the step's form is written in: the first role the route names for it."""
    holder = holder_of(application, step)
    return holder.roles[0] if holder.roles else ""


def step_form(application, step, *, sections=None):
    """What `step` completes in this application's form. `sections` saves rebuilding them."""
    role = step_role(application, step)
    if sections is None:
        sections = application_sections(application=application)
    parts = []
    for section in sections:
        if section.is_workers:
            continue
        fields = tuple(spec for spec in section.fields if spec.completed_by == role)
        if fields:
            parts.append((section, fields))
    verifies = []
    for group in (application.route.standards_policy or {}).get("attested") or ():
        if role in (group.get("by") or ()):
            verifies += [int(number) for number in group.get("standards") or ()]
    return StepForm(step, role, tuple(parts), tuple(verifies))


def _saved_values(application):
    return {
        answer.section: answer.values
        for answer in ApplicationAnswer.objects.filter(application=application)
    }


def _verified(application, role):
    attestation = Attestation.objects.filter(
        application=application, role=role, purpose=STANDARDS
    ).first()
    return frozenset(attestation.standards or ()) if attestation else frozenset()


def step_form_missing(application, step):
    """What is still to complete before `step` can be taken: the required fields left empty and
    the standards not yet verified, in words."""
    form = step_form(application, step)
    saved = _saved_values(application)
    missing = [
        spec.label
        for section, fields in form.sections
        for spec in fields
        if spec.required
        and not spec.condition
        and not str((saved.get(section.key) or {}).get(spec.key) or "").strip()
    ]
    problems = [
        problem
        for section, fields in form.sections
        for spec in fields
        if (problem := field_problems(spec, (saved.get(section.key) or {}).get(spec.key)))
    ]
    if form.verifies and not set(form.verifies) <= _verified(application, form.role):
        numbers = " and ".join(str(number) for number in form.verifies)
        missing.append(f"verify KSS {numbers}")
    return missing, problems


def _step_guard(step):
    def check(application, actor, context):
        missing, problems = step_form_missing(application, step)
        if problems:
            return "; ".join(problems)
        if missing:
            return "Complete these first: " + "; ".join(missing)
        return None

    return check


register_guard("report_complete", _step_guard("review"))
register_guard("endorsement_complete", _step_guard("endorse"))


def _eligibility_holds(application, actor, context):
    """The coordinator confirms only when no automatic eligibility check fails: otherwise they
    return the application with the reason."""
    from portfolios.applications.readiness import application_readiness

    readiness = application_readiness(application=application)
    failing = [
        line
        for group in readiness.groups
        if group.key == "eligibility"
        for line in group.lines
        if line.status == NOT_MET
    ]
    if failing:
        reasons = "; ".join(f"{line.label}: {line.reason}" for line in failing)
        return f"Not every eligibility check is met ({reasons}): return it with the reason"
    return None


register_guard("eligibility_holds", _eligibility_holds)


def _locked_at_step(application, actor, step):
    locked = (
        Application.objects.select_for_update(of=("self",))
        .select_related("route__framework", "applicant", "organisation")
        .get(pk=application.pk)
    )
    source = review_sources(route_workflow(locked.route)).get(step)
    if source is None or locked.state != source:
        raise ApplicationError(
            f"You cannot {STEP_NAMES.get(step, step)} now: the application is "
            f"{locked.get_state_display().lower()}"
        )
    person_id = can.acting_for(actor, holder_of(locked, step), locked)
    if person_id is None:
        raise ApplicationError("You cannot do this to this application")
    return locked, person_id


def step_form_save(*, application, actor, step, values, verify=False):
    """Save what the actor writes in their part of the form for `step` (a draft: the step is
    not taken), their verification of standards where the route asks for it, and any
    declaration a rule reads from their answers. Returns True when something changed."""
    with transaction.atomic():
        locked, person_id = _locked_at_step(application, actor, step)
        form = step_form(locked, step)
        problems = [
            problem
            for spec in form.fields
            if (problem := field_problems(spec, str(values.get(spec.key) or "")))
        ]
        if problems:
            raise ApplicationError("; ".join(problems))
        changed = False
        for section, fields in form.sections:
            answer = (
                ApplicationAnswer.objects.select_for_update(of=("self",))
                .filter(application=locked, section=section.key)
                .first()
            ) or ApplicationAnswer(application=locked, section=section.key, values={})
            new = {**(answer.values or {})}
            for spec in fields:
                new[spec.key] = str(values.get(spec.key) or "").strip()
            if new != answer.values or answer.pk is None:
                answer.values = new
                answer.revision += 1
                answer.updated_by = actor
                answer.save()
                changed = True
            for spec in fields:
                if spec.declares and new.get(spec.key) in ("Yes", "No"):
                    Declaration.objects.update_or_create(
                        application=locked,
                        kind=spec.declares,
                        defaults={
                            "subject": new[spec.key] == "Yes",
                            "role": form.role,
                            "person": actor,
                        },
                    )
        if form.verifies:
            if verify:
                _, created = Attestation.objects.update_or_create(
                    application=locked,
                    role=form.role,
                    purpose=STANDARDS,
                    defaults={"standards": list(form.verifies), "person": actor},
                )
                changed = changed or created
            else:
                deleted, _ = Attestation.objects.filter(
                    application=locked, role=form.role, purpose=STANDARDS
                ).delete()
                changed = changed or bool(deleted)
        if changed:
            audit_record(
                actor=actor,
                action=f"application.{step}_draft",
                target=locked,
                organisation=locked.organisation,
                details={
                    "verified": list(form.verifies) if verify else [],
                    **({"for": person_id} if person_id != actor.pk else {}),
                },
            )
    return changed


def step_complete(*, application, actor, step, values=None, verify=False):
    """Save the actor's part of the form (when given) and take the step: the manager's report,
    the endorsement or the eligibility confirmation. Tells whoever holds the next step."""
    with transaction.atomic():
        if values is not None:
            step_form_save(
                application=application, actor=actor, step=step, values=values, verify=verify
            )
        result = transition_apply(application=application, name=step, actor=actor, on_commit=None)
        if result.changed:
            handover_notify(application=result.application, actor=actor, step=step)
    return result


# --- Returning it to the worker, and the comment thread ----------------------------------------


def application_return(*, application, actor, comment):
    """Return the application to the worker with a comment saying what needs to change: it
    reopens the worker's sections; their next submission is compared with this one."""
    comment = (comment or "").strip()
    with transaction.atomic():
        result = transition_apply(
            application=application,
            name="return",
            actor=actor,
            guard_context={"comment": comment},
        )
        if not result.changed:
            return result
        locked = result.application
        Comment.objects.create(
            application=locked,
            author=actor,
            role=comment_role(actor, locked),
            on_behalf_of=_on_behalf(actor, locked),
            body=comment,
            step="return",
        )
        notification_send(
            recipient=locked.applicant,
            subject=f"Your application was returned for changes: {locked.route.title}",
            body=(
                f"{actor.get_full_name() or actor} returned your application for "
                f"{locked.route.title} for changes:\n\n{comment}\n\nMake the changes, then "
                "submit it again."
            ),
            url=worker_url(locked),
        )
    return TransitionResult(True, "The application has been returned to the worker", locked)


def _on_behalf(actor, application):
    """The person a delegate stands in for on the application's current (or last) step."""
    state = S.SUBMITTED if application.state == S.RETURNED else application.state
    person_id = can.stands_in_for(actor, application, step_at(application.route, state))
    return User.objects.filter(pk=person_id).first() if person_id else None


def comment_role(user, application):
    """The role a comment is written in: "worker" for the applicant, else the role the person
    holds towards the applicant (practice supervisor, line manager, team manager), else their
    first reviewing role in the council."""
    if user.pk == application.applicant_id:
        return "worker"
    holder = current_holder(application)
    if holder is not None and can.acting_for(user, holder, application) is not None:
        return holder.roles[0] if holder.roles else Role.PROGRESSION_COORDINATOR
    applicant = application.applicant
    for role, field in MANAGER_FIELDS.items():
        if getattr(applicant, f"{field}_id") == user.pk:
            return role
    for role in (Role.PROGRESSION_COORDINATOR, Role.PANEL_MEMBER, *MANAGER_FIELDS):
        if has_role(user, role):
            return role
    return Role.WORKER


def can_comment(user, application):
    return can.can_view_application(user, application) or can.can_review_application(
        user, application
    )


def comment_add(*, application, author, body, reviewers_only=False):
    """Add a comment to the application's one thread. The worker and everyone reviewing it read
    it; a reviewer may mark it for reviewers only (the worker never sees those)."""
    body = (body or "").strip()
    if not body:
        raise ApplicationError("Write your comment")
    if not can_comment(author, application):
        raise ApplicationError("You cannot comment on this application")
    is_worker = author.pk == application.applicant_id
    if is_worker and reviewers_only:
        raise ApplicationError("Only reviewers can write a comment for reviewers only")
    with transaction.atomic():
        comment = Comment.objects.create(
            application=application,
            author=author,
            role=comment_role(author, application),
            on_behalf_of=None if is_worker else _on_behalf(author, application),
            body=body,
            reviewers_only=reviewers_only,
        )
        audit_record(
            actor=author,
            action="application.comment",
            target=application,
            organisation=application.organisation,
            details={"comment": comment.pk, "reviewers_only": reviewers_only},
        )
        name = author.get_full_name() or str(author)
        if is_worker:
            for person in holders_to_tell(application):
                notification_send(
                    recipient=person,
                    subject=f"{name} commented on their application",
                    body=body,
                    url=review_url(application),
                )
        elif not reviewers_only:
            notification_send(
                recipient=application.applicant,
                subject=f"{name} commented on your application",
                body=body,
                url=worker_url(application),
            )
    return comment


def comments_for(application, user):
    """The thread as this person may read it, oldest first."""
    comments = Comment.objects.filter(application=application).select_related(
        "author", "on_behalf_of"
    )
    if user.pk == application.applicant_id:
        comments = comments.filter(reviewers_only=False)
    return comments


# --- Who is told ---------------------------------------------------------------------------------


def holders_to_tell(application):
    """The people who hold the application's current step (and anyone covering for them
    today); for a step held by a role, everyone holding it in the council."""
    holder = current_holder(application)
    if holder is None:
        return []
    if holder.by_name or holder.reassigned:
        ids = set(holder.person_ids)
        ids |= set(
            delegations_in_force()
            .filter(delegator_id__in=holder.person_ids, organisation_id=application.organisation_id)
            .values_list("delegate_id", flat=True)
        )
        people = User.objects.filter(pk__in=ids, is_active=True)
    else:
        return role_holders(
            application.organisation_id, *holder.roles, excluding=application.applicant_id
        )
    return [person for person in people.order_by("pk") if person.pk != application.applicant_id]


def handover_notify(*, application, actor=None, step=None):
    """Tell whoever now holds the application that it waits for them, and the worker where it
    is. Call inside the transaction that moved it: the e-mails go after the commit."""
    holder = current_holder(application)
    title = application.route.title
    name = application.applicant.get_full_name() or str(application.applicant)
    # The panel's decision is arranged with its session (panels); every other step is a person's.
    if holder is not None and not holder.at_panel:
        for person in holders_to_tell(application):
            notification_send(
                recipient=person,
                subject=f"{name}'s application waits for you to {STEP_NAMES[holder.step]}",
                body=(
                    f"{name}'s application for {title} waits for you to {STEP_NAMES[holder.step]}."
                ),
                url=review_url(application),
            )
    if step is not None:
        done = TRANSITIONS[step].description.lower()
        where = (
            f"It is now with your {holder.role_label} to {STEP_NAMES[holder.step]}."
            if holder is not None
            else ""
        )
        notification_send(
            recipient=application.applicant,
            subject=f"Your application moved on: {title}",
            body=f"The step '{done}' is done for your application for {title}. {where}".strip(),
            url=worker_url(application),
        )


# --- Referral (Dudley) ---------------------------------------------------------------------------


def referral_routes_for(user):
    """Published routes of the person's council that open by a referral in a role they hold."""
    from frameworks.models import ProgressionRoute

    if not is_staff_member(user):
        return []
    routes = ProgressionRoute.objects.filter(
        framework__organisation_id=user.organisation_id,
        framework__status=FrameworkStatus.PUBLISHED,
    ).select_related("framework", "to_level", "from_level")
    return [route for route in routes if route_workflow(route)["referral_by"]]


def referral_create(*, referrer, worker, route, supervision_on, decision):
    """The team manager refers the worker, after supervision confirmed the criteria: records the
    decision and opens the application for the worker, who is told."""
    decision = (decision or "").strip()
    if not decision:
        raise ApplicationError("Record your decision: why supervision confirms the criteria")
    if supervision_on is None or supervision_on > timezone.localdate():
        raise ApplicationError("The date of the supervision must be today or in the past")
    by = route_workflow(route)["referral_by"]
    if not by:
        raise ApplicationError("This route does not open by referral")
    if worker.organisation_id != referrer.organisation_id or worker.pk == referrer.pk:
        raise ApplicationError("You can refer only people you manage in your own council")
    with transaction.atomic():
        application = application_start(applicant=worker, route=route, referred=True)
        application = Application.objects.select_related(
            "applicant", "route__framework", "organisation"
        ).get(pk=application.pk)
        if not can.is_referrer(referrer, application):
            raise ApplicationError(
                f"Only {worker}'s {Role(by).label.lower()} (or whoever covers for them) can "
                "refer them"
            )
        field = MANAGER_FIELDS[by]
        holder_id = getattr(worker, f"{field}_id")
        on_behalf_of = None if holder_id == referrer.pk else User.objects.get(pk=holder_id)
        Referral.objects.create(
            application=application,
            referred_by=referrer,
            on_behalf_of=on_behalf_of,
            supervision_on=supervision_on,
            decision=decision,
        )
        audit_record(
            actor=referrer,
            action="application.refer",
            target=application,
            organisation=application.organisation,
            details={
                "route": route.code,
                "supervision_on": supervision_on.isoformat(),
                **({"for": on_behalf_of.pk} if on_behalf_of else {}),
            },
        )
        notification_send(
            recipient=worker,
            subject=f"You have been referred for {route.title}",
            body=(
                f"{referrer.get_full_name() or referrer} referred you for {route.title} after "
                "supervision confirmed you meet the criteria. Your application is open: write "
                "it, link your evidence and submit it."
            ),
            url=worker_url(application),
        )
    return application


# --- Reassigning a stuck review ------------------------------------------------------------------


def review_reassign(*, application, actor, to, reason):
    """The progression coordinator hands the application's current step to someone else (a
    manager who left, one long absent): they hold it until it is taken."""
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("Say why the review is reassigned")
    with transaction.atomic():
        locked = (
            Application.objects.select_for_update(of=("self",))
            .select_related("route__framework", "applicant", "organisation")
            .get(pk=application.pk)
        )
        if not can.is_coordinator(actor, locked):
            raise ApplicationError("Only the progression coordinator reassigns a review")
        step = step_at(locked.route, locked.state)
        if (
            locked.state not in UNDER_REVIEW
            or step not in STEP_NAMES
            or holder_of(locked, step).at_panel
        ):
            raise ApplicationError("Only a review waiting for someone can be reassigned")
        if (
            to is None
            or to.organisation_id != locked.organisation_id
            or not to.is_active
            or to.pk == locked.applicant_id
            or not has_role(to, *MANAGER_FIELDS, Role.PROGRESSION_COORDINATOR)
        ):
            raise ApplicationError("Choose a manager of your council to hand the review to")
        before = holder_of(locked, step)
        locked.reassigned_to = to
        locked.reassigned_state = locked.state
        locked.save(update_fields=["reassigned_to", "reassigned_state"])
        audit_record(
            actor=actor,
            action="application.reassign",
            target=locked,
            organisation=locked.organisation,
            details={
                "step": step,
                "from": list(before.person_ids),
                "to": to.pk,
                "reason": reason,
            },
        )
        notification_send(
            recipient=to,
            subject=(
                f"{locked.applicant.get_full_name() or locked.applicant}'s application was "
                "handed to you"
            ),
            body=(
                f"{actor.get_full_name() or actor} asked you to {STEP_NAMES[step]} for "
                f"{locked.route.title}: {reason}"
            ),
            url=review_url(locked),
        )
    application.reassigned_to_id, application.reassigned_state = to.pk, locked.state
    return locked
