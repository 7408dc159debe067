"""Reads for the shared parts: what a person's home page shows, their notifications."""

from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from careerpath.models import Delegation, Notification, Role
from careerpath.permissions import roles_of


@dataclass(frozen=True)
class AttentionSection:
    role: str
    heading: str
    items: tuple
    empty_text: str
    caption: str = ""  # "As HR", "As a practice supervisor"; empty for sections for everyone


def role_caption(role):
    """The role as words after "As": "As HR", "As a worker", "As an appeal authority"."""
    label = role.label
    if label.isupper():  # an abbreviation, said as letters
        return f"As {label}"
    article = "an" if label[0].lower() in "aeiou" else "a"
    return f"As {article} {label.lower()}"


# What each role will find on the home page, and what it says when there is nothing yet.
ATTENTION = {
    Role.WORKER: (
        "Your progression",
        "Your current level, the next one on your route, and when you start an application on "
        "a progression route, its next step, appear here.",
    ),
    Role.PRACTICE_SUPERVISOR: (
        "Portfolios to review",
        "Applications from the people you supervise that need your review appear here, "
        "with practice observations to record.",
    ),
    Role.LINE_MANAGER: (
        "Reports to write",
        "Applications from the people you manage that need your report and recommendation "
        "appear here.",
    ),
    Role.TEAM_MANAGER: (
        "Applications to endorse",
        "Applications from your team waiting for your endorsement to attend panel appear here.",
    ),
    Role.PROGRESSION_COORDINATOR: (
        "Panels and bookings",
        "Panel sessions to arrange, bookings to confirm and standards to allocate appear here.",
    ),
    Role.PANEL_MEMBER: (
        "Panels you sit on",
        "Portfolios booked for your next panel appear here for you to read before the hearing.",
    ),
    Role.APPEAL_AUTHORITY: (
        "Appeals to decide",
        "Appeals lodged within the appeal window appear here for your decision.",
    ),
    Role.HR: (
        "Decisions to action",
        "Panel decisions with effective pay dates, contract changes and outcome letters to send "
        "appear here.",
    ),
    Role.FRAMEWORK_EDITOR: (
        "Framework drafts",
        "Draft framework versions waiting to be published appear here.",
    ),
    Role.ORGANISATION_ADMIN: (
        "Your organisation",
        "People without a line manager or a team appear here.",
    ),
}


@dataclass(frozen=True)
class AttentionItem:
    label: str
    url: str  # empty for a line of information that leads nowhere
    hint: str = ""  # a short line beneath, such as a date or a status


# role -> functions(user) returning AttentionItems. The apps that own the work register them
# (see each app's AppConfig.ready), so this shared app never imports them.
_attention_providers = {}


def register_attention(role, provider):
    _attention_providers.setdefault(role, []).append(provider)


# (heading, provider) for sections every member of staff sees after their roles' sections, such
# as the frameworks they can read. Registered the same way.
_everyone_sections = []


def register_home_section(heading, provider):
    if (heading, provider) not in _everyone_sections:
        _everyone_sections.append((heading, provider))


def home_sections_for(*, user):
    """One section per role the person holds, in the order of Role, then the sections for
    everyone (for people who hold a role)."""
    held = roles_of(user)
    sections = [
        AttentionSection(
            role=role.label,
            heading=heading,
            items=tuple(
                item for provider in _attention_providers.get(role, []) for item in provider(user)
            ),
            empty_text=empty_text,
            caption=role_caption(role),
        )
        for role, (heading, empty_text) in ATTENTION.items()
        if role.value in held
    ]
    if held:
        sections += [
            AttentionSection(role="", heading=heading, items=tuple(provider(user)), empty_text="")
            for heading, provider in _everyone_sections
        ]
    return sections


def notifications_for(*, user):
    return Notification.objects.filter(recipient=user)


def unread_notification_count(*, user):
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


# --- Cover for absent managers ------------------------------------------------------------------


def delegations_in_force(*, on=None):
    """Delegations covering the day `on` (today), not ended early."""
    on = on or timezone.localdate()
    return Delegation.objects.filter(starts_on__lte=on, ends_on__gte=on, ended_at__isnull=True)


def people_covered_by(user, *, on=None):
    """The ids of the people this person covers for today (their delegators), in their own
    council. Remembered on the user object for the request, so a queue asks once."""
    if not getattr(user, "is_authenticated", False) or user.organisation_id is None:
        return frozenset()
    on = on or timezone.localdate()
    cache = user.__dict__.setdefault("_covering", {})
    if on not in cache:
        cache[on] = frozenset(
            delegations_in_force(on=on)
            .filter(delegate=user, organisation_id=user.organisation_id)
            .values_list("delegator_id", flat=True)
        )
    return cache[on]


def delegations_of(user):
    """The cover a person has given or holds, current and future first, then past ones."""
    return (
        Delegation.objects.filter(Q(delegator=user) | Q(delegate=user))
        .select_related("delegator", "delegate")
        .order_by("-ends_on", "-id")
    )


def role_holders(organisation_id, *roles, excluding=None):
    """The active people holding any of `roles` in the organisation, in a stable order (whom a
    step, an escalation or an appeal is sent to). `excluding`: a person id left out (the
    applicant, who never reviews themselves)."""
    from careerpath.models import User

    people = User.objects.filter(
        is_active=True,
        organisation_id=organisation_id,
        role_memberships__role__in=list(roles),
        role_memberships__organisation_id=organisation_id,
    )
    if excluding is not None:
        people = people.exclude(pk=excluding)
    return list(people.distinct().order_by("pk"))


def line_management_for(user):
    """Home page lines for every member of staff: who manages and supervises them, as the HR
    system's staff import records it."""
    from careerpath.models import User

    posts = [
        ("Line manager", user.line_manager_id),
        ("Practice supervisor", user.practice_supervisor_id),
    ]
    people = User.objects.in_bulk([pk for _, pk in posts if pk])
    items = [
        AttentionItem(label=str(people[pk]), url="", hint=f"Your {post.lower()}")
        for post, pk in posts
        if pk in people
    ]
    if user.line_manager_id is None:
        items.append(
            AttentionItem(
                label="No line manager recorded",
                url="",
                hint="Ask your organisation's administrator to correct your staff record",
            )
        )
    return items
