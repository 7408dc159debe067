"""Who sits on a panel session and what each of them may not judge.

A person cannot judge an application when they manage or supervise its applicant, covered for one
of those managers, took a review step on it (wrote the report, endorsed it, confirmed it is
eligible), or declared a conflict. The reasons are sentences addressed to the person, shown on
the pack ("You cannot judge this application: ..."). The batch form answers a whole pack in a
fixed number of queries."""

from django.contrib.contenttypes.models import ContentType

from careerpath.dates import long_date
from careerpath.models import AuditEvent, Delegation
from panels.models import ConflictDeclaration, MemberRole, SessionMember
from panels.selectors import live_booking_for
from portfolios.models import Application

# The applicant's managers, in the order the reasons are given.
MANAGERS = (
    ("line_manager", "line manager"),
    ("practice_supervisor", "practice supervisor"),
    ("team_manager", "team manager"),
)

# The review steps whose audit events make their actor conflicted, and how the reason says it.
REVIEW_STEPS = {
    "application.review": "You wrote the manager's report on this application.",
    "application.endorse": "You endorsed this application for the panel.",
    "application.confirm_eligibility": "You confirmed this application's eligibility.",
}

# Roles that judge; observers read the pack but never judge.
JUDGING_ROLES = (MemberRole.CHAIR, MemberRole.MEMBER, MemberRole.CO_OPTED, MemberRole.CICC)


def conflicts_by_application(person, applications):
    """{application pk: [reasons]} for each application (with its applicant loaded): three
    queries whatever the number (cover given, review steps taken, conflicts declared)."""
    applications = list(applications)
    reasons = {application.pk: [] for application in applications}
    if not applications:
        return reasons
    managers_of = {}
    for application in applications:
        applicant = application.applicant
        if applicant.pk == person.pk:
            reasons[application.pk].append("This is your own application.")
        for field, name in MANAGERS:
            manager_id = getattr(applicant, f"{field}_id")
            if manager_id is None:
                continue
            if manager_id == person.pk:
                reasons[application.pk].append(f"You are the applicant's {name}.")
            else:
                managers_of.setdefault(manager_id, []).append((application, name))

    # Cover for one of the applicant's managers at any time since the application was started
    # (cover ended early still counts: the delegate may have acted in it).
    if managers_of:
        earliest = min(application.created_at for application in applications).date()
        cover = (
            Delegation.objects.filter(
                delegate_id=person.pk,
                delegator_id__in=managers_of,
                ends_on__gte=earliest,
            )
            .select_related("delegator")
            .order_by("starts_on", "pk")
        )
        for delegation in cover:
            for application, name in managers_of[delegation.delegator_id]:
                if delegation.ends_on < application.created_at.date():
                    continue
                who = delegation.delegator.get_full_name() or delegation.delegator.username
                sentence = (
                    f"You covered for the applicant's {name}, {who}, from "
                    f"{long_date(delegation.starts_on)} to {long_date(delegation.ends_on)}."
                )
                if sentence not in reasons[application.pk]:
                    reasons[application.pk].append(sentence)

    by_pk = {str(pk): pk for pk in reasons}
    steps = (
        AuditEvent.objects.filter(
            actor_id=person.pk,
            action__in=REVIEW_STEPS,
            target_type=ContentType.objects.get_for_model(Application),
            target_id__in=by_pk,
        )
        .order_by("created_at", "pk")
        .values_list("target_id", "action")
    )
    for target_id, action in steps:
        sentence = REVIEW_STEPS[action]
        if sentence not in reasons[by_pk[target_id]]:
            reasons[by_pk[target_id]].append(sentence)

    declared = ConflictDeclaration.objects.filter(
        member__person_id=person.pk, application_id__in=reasons
    ).order_by("declared_at", "pk")
    for declaration in declared:
        reasons[declaration.application_id].append(
            f"You declared a conflict: {declaration.reason.strip()}"
        )
    return reasons


def conflicts_for(person, application):
    """The reasons this person cannot judge the application (empty: they may)."""
    return conflicts_by_application(person, [application])[application.pk]


def member_of(person, session):
    """The person's seat on the session, or None."""
    if not getattr(person, "is_authenticated", False):
        return None
    return SessionMember.objects.filter(session=session, person_id=person.pk).first()


def members_of(session):
    """Everyone sitting on the session, chair first, with their names."""
    return list(
        SessionMember.objects.filter(session=session)
        .select_related("person", "added_by")
        .order_by("role", "person__last_name", "person__first_name", "pk")
    )


def session_of(application):
    """The session the application is booked on (its live booking), or None."""
    booking = live_booking_for(application=application)
    return booking.session if booking is not None else None


def _seat_for(user, application):
    """The user's seat on the application's live session, in the same council, or None."""
    if not getattr(user, "is_authenticated", False) or user.organisation_id is None:
        return None
    if application.organisation_id != user.organisation_id:
        return None
    session = session_of(application)
    if session is None or session.organisation_id != user.organisation_id:
        return None
    return member_of(user, session)


def is_chair_for(user, application):
    """The chair of the session the application is booked on, and not conflicted."""
    seat = _seat_for(user, application)
    return (
        seat is not None and seat.role == MemberRole.CHAIR and not conflicts_for(user, application)
    )


def may_judge(user, application):
    """A chair, member, co-opted member or Children in Care Council representative of the
    application's session (never an observer), and not conflicted."""
    seat = _seat_for(user, application)
    return seat is not None and seat.role in JUDGING_ROLES and not conflicts_for(user, application)
