"""Who may reach every URL in the service.

Every URL pattern must have an entry here; a pattern without one fails the matrix test, so no page
can be added without saying who may see it. Entries name a URL by "namespace:name"; a namespace
wildcard ("admin:*") covers a whole included app whose access is checked in one place.

PUBLIC: anyone, signed in or not. SIGNED_IN: anyone with a role in their organisation.
SUPERUSER: the service's own administrators. Otherwise: the set of roles that may reach it.
`own` builds an object belonging to a given person and returns the URL's arguments for it: each
persona is tried with their own object and with someone else's, which answers 404, never 403.
"""

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

from careerpath.models import Notification

PUBLIC = "public"
SIGNED_IN = "signed in"
SUPERUSER = "superuser"


@dataclass(frozen=True)
class Access:
    who: object  # PUBLIC, SIGNED_IN, SUPERUSER or a frozenset of roles
    method: str = "get"
    # For a URL about one object: function(owner) making such an object, returning URL kwargs.
    own: object = None
    # The status a permitted request answers, and the one a signed-in person gets when it
    # differs (the sign-in page sends people already signed in to their home page).
    ok_status: int = 200
    ok_status_signed_in: int | None = None
    # Extra names a wildcard entry is checked at, with their kwargs.
    samples: tuple = ()


def _own_notification(owner):
    notification = Notification.objects.create(recipient=owner, subject="Test", body="Body")
    return {"pk": notification.pk}


MATRIX = {
    "careerpath:login": Access(PUBLIC, ok_status_signed_in=302),
    "careerpath:accessibility": Access(PUBLIC),
    "careerpath:home": Access(SIGNED_IN),
    "careerpath:logout": Access(SIGNED_IN, method="post", ok_status=302),
    "careerpath:notification-list": Access(SIGNED_IN),
    "careerpath:notification-open": Access(SIGNED_IN, own=_own_notification),
    "careerpath:notification-mark-all-read": Access(SIGNED_IN, method="post", ok_status=302),
    "admin:*": Access(
        SUPERUSER,
        samples=(("admin:index", {}), ("admin:careerpath_user_changelist", {})),
    ),
}


def url_names(patterns=None, namespace=""):
    """Every URL pattern's "namespace:name" (or its route, for a pattern with no name)."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    names = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names.extend(url_names(pattern.url_patterns, inner))
        elif isinstance(pattern, URLPattern):
            names.append(f"{namespace}{pattern.name or str(pattern.pattern)}")
    return names


def entry_for(name):
    if name in MATRIX:
        return MATRIX[name]
    for key, access in MATRIX.items():
        if key.endswith(":*") and name.startswith(key[:-1]):
            return access
    return None


def missing_entries(patterns=None):
    return sorted({name for name in url_names(patterns) if entry_for(name) is None})


def may_reach(access, persona_name, user):
    """Whether a persona may reach a URL at all (before any object check)."""
    if access.who == PUBLIC:
        return True
    if user is None:
        return False
    if access.who == SUPERUSER:
        return user.is_superuser
    from careerpath.permissions import has_role, is_staff_member

    if access.who == SIGNED_IN:
        return is_staff_member(user) or user.is_superuser
    return has_role(user, *access.who)
