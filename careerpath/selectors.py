"""Reads for the shared parts: what a person's home page shows, their notifications."""

from dataclasses import dataclass

from careerpath.models import Notification, Role
from careerpath.permissions import roles_of


@dataclass(frozen=True)
class AttentionSection:
    role: str
    heading: str
    items: tuple
    empty_text: str


# What each role will find on the home page, and what it says when there is nothing yet.
ATTENTION = {
    Role.WORKER: (
        "Your applications",
        "When you start an application on a progression route, its next step appears here.",
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
        "Frameworks",
        "Draft framework versions waiting to be published appear here.",
    ),
    Role.ORGANISATION_ADMIN: (
        "Your organisation",
        "People without a line manager or team, and roles waiting to be granted, appear here.",
    ),
}


@dataclass(frozen=True)
class AttentionItem:
    label: str
    url: str


# role -> functions(user) returning AttentionItems. The apps that own the work register them
# (see each app's AppConfig.ready), so this shared app never imports them.
_attention_providers = {}


def register_attention(role, provider):
    _attention_providers.setdefault(role, []).append(provider)


def home_sections_for(*, user):
    """One section per role the person holds, in the order of Role."""
    held = roles_of(user)
    return [
        AttentionSection(
            role=role.label,
            heading=heading,
            items=tuple(
                item for provider in _attention_providers.get(role, []) for item in provider(user)
            ),
            empty_text=empty_text,
        )
        for role, (heading, empty_text) in ATTENTION.items()
        if role.value in held
    ]


def notifications_for(*, user):
    return Notification.objects.filter(recipient=user)


def unread_notification_count(*, user):
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
