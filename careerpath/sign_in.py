"""Throttling of failed sign-ins, by username and by network address.

Counters live in the cache (Redis in production, so every web process shares them). After
SIGN_IN_ATTEMPTS failures within SIGN_IN_WINDOW_SECONDS, further attempts are refused without
checking the password until the window has passed."""

import hashlib

from django.conf import settings
from django.core.cache import cache


def _keys(username, address):
    name = hashlib.sha256((username or "").strip().lower().encode()).hexdigest()
    return [f"sign-in-failures:user:{name}", f"sign-in-failures:address:{address or 'unknown'}"]


def is_throttled(*, username, address):
    counts = cache.get_many(_keys(username, address)).values()
    return any(count >= settings.SIGN_IN_ATTEMPTS for count in counts)


def record_failure(*, username, address):
    for key in _keys(username, address):
        if not cache.add(key, 1, timeout=settings.SIGN_IN_WINDOW_SECONDS):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.add(key, 1, timeout=settings.SIGN_IN_WINDOW_SECONDS)


def clear_failures(*, username):
    cache.delete(_keys(username, None)[0])


def minutes_to_wait():
    return max(1, settings.SIGN_IN_WINDOW_SECONDS // 60)


def single_sign_on_choices():
    """Organisations whose staff sign in with their council's Microsoft account."""
    from careerpath.sso import organisations_with_single_sign_on

    return list(organisations_with_single_sign_on())


def uses_single_sign_on(user):
    """Whether the person's council signs its staff in through its identity provider only."""
    return bool(user.organisation_id and user.organisation.sso_issuer)
