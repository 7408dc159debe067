"""Who may see and act on an application, written once.

The applicant sees their own application's live pages. Reviewers see an application once it has
been submitted and while it is, or has been, theirs to review: the applicant's own practice
supervisor, line manager and team manager (by the organisation's line management), whoever
covers for one of them today, whoever a step was reassigned to, and the council's progression
coordinators; they read the frozen submission, never the worker's live library. Each rule is
one Q object (for the queues' querysets) and the single-object checks ask the same queryset.

The predicates over (user, application) say who may take each transition of the table
(workflow.ACTORS maps the table's actor names to them).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from careerpath.models import Role
from careerpath.permissions import has_role, is_staff_member, require_staff
from careerpath.selectors import people_covered_by
from portfolios.applications.steps import (
    MANAGER_FIELDS,
    UNDER_REVIEW,
    WITH_THE_WORKER,
    current_holder,
    holder_of,
    route_workflow,
    step_at,
)
from portfolios.models import Application, ApplicationState, Submission

S = ApplicationState

# --- Who may take a transition: predicates over (user, application) -------------------------


def _same_council(user, application):
    return is_staff_member(user) and user.organisation_id == application.organisation_id


def is_applicant(user, application):
    return _same_council(user, application) and user.pk == application.applicant_id


def acting_for(user, holder, application):
    """The id of the person this user acts as for the step `holder` describes: their own when
    they hold it, their delegator's when they cover for the holder today; None when they may
    not take it. Nobody acts on their own application."""
    if holder is None or not _same_council(user, application):
        return None
    if user.pk == application.applicant_id:
        return None
    if not holder.by_name and not holder.reassigned:
        return user.pk if has_role(user, *holder.roles) else None
    if user.pk in holder.person_ids and (holder.reassigned or has_role(user, *holder.roles)):
        return user.pk
    covered = people_covered_by(user)
    for person_id in holder.person_ids:
        if person_id in covered and person_id != application.applicant_id:
            return person_id
    return None


def stands_in_for(user, application, step):
    """The id of the absent holder of `step` this person covers for, or None when they act as
    themselves (or may not act). What the audit trail records as "for"."""
    if step is None:
        return None
    person_id = acting_for(user, holder_of(application, step), application)
    return person_id if person_id not in (None, user.pk) else None


def holds_step(user, application, step):
    return acting_for(user, holder_of(application, step), application) is not None


def is_report_writer(user, application):
    """The applicant's practice supervisor or line manager (as the route's form names): they
    write the manager's report."""
    return holds_step(user, application, "review")


def is_endorser(user, application):
    """The role the route names for the endorsement: the applicant's team or line manager."""
    return holds_step(user, application, "endorse")


def is_eligibility_checker(user, application):
    return holds_step(user, application, "confirm_eligibility")


def _in_role_not_applicant(user, application, role):
    """Holds the role in the application's council and is not its applicant."""
    return (
        _same_council(user, application)
        and has_role(user, role)
        and user.pk != application.applicant_id
    )


def is_coordinator(user, application):
    return _in_role_not_applicant(user, application, Role.PROGRESSION_COORDINATOR)


def is_referrer(user, application):
    """The applicant's manager in the role the route names for referral (Dudley: the team
    manager), or whoever covers for them."""
    by = route_workflow(application.route)["referral_by"]
    field = MANAGER_FIELDS.get(by)
    if field is None or not _same_council(user, application):
        return False
    holder_id = getattr(application.applicant, f"{field}_id")
    if holder_id is None or user.pk == application.applicant_id:
        return False
    return (user.pk == holder_id and has_role(user, by)) or holder_id in people_covered_by(user)


def is_panel_member(user, application):
    # Panels narrow this to the members of the application's session (issue 11) by
    # registering a stricter check with workflow.register_actor("panel_member", ...).
    return _in_role_not_applicant(user, application, Role.PANEL_MEMBER)


def is_appeal_authority(user, application):
    return _in_role_not_applicant(user, application, Role.APPEAL_AUTHORITY)


def is_decider(user, application):
    """The route names who decides: its panel, or (Medway) the applicant's line manager."""
    if route_workflow(application.route)["decided_by"] == "line_manager":
        return holds_step(user, application, "decide")
    from portfolios.applications.workflow import ACTORS

    return ACTORS["panel_chair"](user, application)


def is_reviewer(user, application):
    """Whoever holds the application's current review step may return it to the worker (once
    returned, whoever held the first step, so a repeated return is a no-op for them)."""
    if application.state not in (*UNDER_REVIEW, S.RETURNED):
        return False
    state = S.SUBMITTED if application.state == S.RETURNED else application.state
    step = step_at(application.route, state)
    if step is None:
        return False
    if step == "decide":
        return is_decider(user, application)
    return holds_step(user, application, step)


def holds_current_step(user, application):
    """May this person act on the application's current review step now?"""
    return acting_for(user, current_holder(application), application) is not None


# --- Who may see an application ---------------------------------------------------------------


def _reviewer_q(user):
    """Applications this person reviews or has reviewed, as a filter (never drafts that were
    never submitted: a reviewer reads the frozen submission)."""
    people = {user.pk, *people_covered_by(user)}
    related = Q()
    for role, field in MANAGER_FIELDS.items():
        if has_role(user, role) or people_covered_by(user):
            related |= Q(**{f"applicant__{field}_id__in": people})
    related |= Q(reassigned_to_id=user.pk)
    if has_role(user, Role.PROGRESSION_COORDINATOR):
        related = Q()  # every submitted application of the council
    return Q(submitted_at__isnull=False) & related & ~Q(applicant_id=user.pk)


def applications_reviewable_by(user):
    """The queryset behind every reviewer's page: the same rule as can_review_application."""
    if not is_staff_member(user):
        return Application.objects.none()
    return Application.objects.filter(_reviewer_q(user), organisation_id=user.organisation_id)


def can_review_application(user, application):
    return applications_reviewable_by(user).filter(pk=application.pk).exists()


def applications_visible_to(user):
    """The queryset behind the applicant's own pages: the same rule as can_view_application."""
    if not is_staff_member(user):
        return Application.objects.none()
    return Application.objects.filter(applicant_id=user.pk, organisation_id=user.organisation_id)


def can_view_application(user, application):
    return (
        is_staff_member(user)
        and application.organisation_id == user.organisation_id
        and application.applicant_id == user.pk
    )


def has_application_on_version(user, framework):
    """An application someone may read is pinned to this framework version: its pages stay
    readable to them when the version is retired (registered with frameworks.permissions)."""
    return (
        applications_visible_to(user).filter(route__framework=framework).exists()
        or applications_reviewable_by(user).filter(route__framework=framework).exists()
    )


def can_change_application(user, application):
    """Write sections and link evidence: the applicant, while the application is with them."""
    return (
        can_view_application(user, application)
        and application.applicant_id == user.pk
        and application.state in WITH_THE_WORKER
    )


APPLICATION_RELATED = (
    "applicant",
    "route__framework",
    "route__to_level__role",
    "route__from_level",
)


def get_application_for(user, pk, *, for_change=False):
    """An application the person may see, with its route and framework; 404 when missing or not
    theirs, 403 when asked to change one they may only read (submitted, decided...), and 403
    for anyone with no role in a council (the service's own administrators)."""
    require_staff(user)
    application = (
        applications_visible_to(user).select_related(*APPLICATION_RELATED).filter(pk=pk).first()
    )
    if application is None or not can_view_application(user, application):
        raise Http404
    if for_change and not can_change_application(user, application):
        raise PermissionDenied
    return application


def get_application_to_review(user, pk):
    """A submitted application the person reviews or has reviewed; 404 otherwise."""
    require_staff(user)
    application = (
        applications_reviewable_by(user)
        .select_related(*APPLICATION_RELATED, "organisation", "reassigned_to")
        .filter(pk=pk)
        .first()
    )
    if application is None:
        raise Http404
    return application


# Others who read submissions (panels: the members of a session whose pack is released), as
# functions user -> Application queryset; portfolios never imports panels.
SUBMISSION_READERS = []


def register_submission_reader(readable_by):
    if readable_by not in SUBMISSION_READERS:
        SUBMISSION_READERS.append(readable_by)


def get_submission_for(user, pk):
    """A submission of an application the person may see or review (the same rules as the
    application's pages), or that a registered reader lets them read; 404 otherwise."""
    readable = Q(application__in=applications_visible_to(user)) | Q(
        application__in=applications_reviewable_by(user)
    )
    for readable_by in SUBMISSION_READERS:
        readable |= Q(application__in=readable_by(user))
    submission = Submission.objects.filter(readable, pk=pk).select_related("application").first()
    if submission is None:
        raise Http404
    return submission
