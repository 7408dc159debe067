"""The reviewers' lines on the home page: what waits for them, oldest first, against the route's
service level. Registered in PortfoliosConfig.ready() for each reviewing role."""

from django.urls import reverse

from careerpath.models import Role
from careerpath.permissions import has_role, roles_of
from careerpath.selectors import AttentionItem
from careerpath.services import COVERING_ROLES
from portfolios.applications.queues import review_queue

# The roles that hold review steps (the same people may cover for one another), in the order
# of the home page's sections.
REVIEWING_ROLES = tuple(Role(role) for role in COVERING_ROLES)

# The home page lists this many; the rest are on the reviews page.
HOME_LIMIT = 5


def holds_reviewing_role(user):
    return has_role(user, *REVIEWING_ROLES)


def first_reviewing_role(user):
    """The section a person's reviews appear under: the first reviewing role they hold, so
    someone who is both line manager and practice supervisor sees each application once."""
    held = roles_of(user)
    return next((role for role in REVIEWING_ROLES if role.value in held), None)


def full_name(user):
    return user.get_full_name() or user.username


def covered_names(rows):
    """person id -> name of everyone the reader covers for in these rows, in one query (none
    when they cover for nobody)."""
    ids = {row.acting_for for row in rows if row.acting_for}
    if not ids:
        return {}
    from careerpath.models import User

    return {person.pk: full_name(person) for person in User.objects.filter(pk__in=ids)}


def waited_hint(row, names):
    """The line beneath: "Overdue. Waiting 12 working days (service level 10), for Tom Bradley"."""
    hint = row.waited_text
    if row.acting_for:
        hint += f", for {names.get(row.acting_for, 'a colleague')}"
    return f"Overdue. {hint}" if row.overdue else hint


def reviews_attention(role):
    """A home page provider for one reviewing role: it answers only under the first reviewing
    role the person holds."""

    def provider(user):
        if first_reviewing_role(user) != role:
            return []
        rows = review_queue(user=user)
        names = covered_names(rows[:HOME_LIMIT])
        items = [
            AttentionItem(
                label=f"{full_name(row.application.applicant)}: {row.action}",
                url=reverse("portfolios:review-detail", args=[row.application.pk]),
                hint=waited_hint(row, names),
            )
            for row in rows[:HOME_LIMIT]
        ]
        if len(rows) > HOME_LIMIT:
            items.append(
                AttentionItem(
                    label=f"See all {len(rows)} reviews waiting for you",
                    url=reverse("portfolios:review-list"),
                )
            )
        return items

    return provider
