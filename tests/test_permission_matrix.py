"""The backstop: every URL, every persona, own and other objects, own and other organisation."""

import pytest
from django.urls import path, reverse

from careerpath import urls as root_urls
from tests.conftest import PERSONAS
from tests.permission_matrix import (
    MATRIX,
    PUBLIC,
    entry_for,
    may_reach,
    missing_entries,
    url_names,
)

PERSONA_NAMES = ["anonymous", *PERSONAS, "superuser"]


def test_every_url_pattern_has_an_entry_in_the_permission_matrix():
    assert missing_entries() == []


def test_a_new_url_pattern_without_an_entry_fails_the_matrix():
    patterns = [*root_urls.urlpatterns, path("secret/", lambda request: None, name="secret")]
    assert missing_entries(patterns) == ["secret"]


def test_every_matrix_entry_names_a_real_url():
    names = set(url_names())
    for key in MATRIX:
        if key.endswith(":*"):
            assert any(name.startswith(key[:-1]) for name in names), key
        else:
            assert key in names, key


def _cases():
    for name, access in MATRIX.items():
        targets = access.samples or ((name, None),)
        for url_name, kwargs in targets:
            for persona in PERSONA_NAMES:
                yield pytest.param(url_name, access, kwargs, persona, id=f"{url_name}-{persona}")


def _request(client, access, url):
    return client.post(url) if access.method == "post" else client.get(url)


@pytest.mark.parametrize("url_name, access, kwargs, persona", list(_cases()))
def test_permission_matrix(client, personas, url_name, access, kwargs, persona):
    user = personas.get(persona)
    if user is not None:
        client.force_login(user)
    allowed = may_reach(access, user)

    if access.own:
        owner = user or personas["worker"]
        response = _request(client, access, _object_url(url_name, access, owner))
        _assert_outcome(response, access, allowed, user, client)
        # Someone else's object, in another organisation, is as if it did not exist; people
        # who may not use the page at all are refused (or told it does not exist).
        stranger = personas[
            "worker" if persona == "other_organisation_worker" else "other_organisation_worker"
        ]
        response = _request(client, access, _object_url(url_name, access, stranger))
        if allowed:
            assert response.status_code == 404
        elif user is not None:
            assert response.status_code in (403, 404)
        else:
            _assert_outcome(response, access, allowed, user, client)
        return

    response = _request(client, access, reverse(url_name, kwargs=kwargs or {}))
    _assert_outcome(response, access, allowed, user, client)


def _object_url(url_name, access, owner):
    return reverse(url_name, kwargs=access.own(owner))


def _assert_outcome(response, access, allowed, user, client=None):
    if allowed:
        expected = access.ok_status
        if user is not None and access.ok_status_signed_in is not None:
            expected = access.ok_status_signed_in
        assert response.status_code == expected, response
    elif user is None:
        # Sent to the one sign-in page (the admin's own login page passes people on to it).
        assert response.status_code == 302
        location = response["Location"]
        if location.startswith(reverse("admin:login")):
            location = client.get(location)["Location"]
        assert location.startswith(reverse("careerpath:login"))
    else:
        assert response.status_code == 403


def test_anonymous_people_reach_only_sign_in_and_the_accessibility_statement():
    public = {name for name in url_names() if entry_for(name).who == PUBLIC}
    assert public == {
        "careerpath:login",
        "careerpath:sso-start",
        "careerpath:sso-callback",
        "careerpath:accessibility",
    }
