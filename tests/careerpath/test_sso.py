"""Single sign-on with a council's identity provider, against a real OpenID Connect provider on
loopback: people imported from the HR system are matched by work e-mail or employee number, only
in the council whose button they chose, and never created from the provider alone."""

import html

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from careerpath.models import AuditEvent, Organisation, Role, RoleMembership, User
from tests.oidc import oidc_providers, through_the_provider  # noqa: F401

SERVICE = "http://testserver"
CALLBACK = f"{SERVICE}/sign-in/sso/callback/"
ACCOUNTS = [
    # As the council's directory knows them: the e-mail in another case than the HR system's.
    {"sub": "new-starter", "email": "Sam.Newstarter@Medway.example.org", "name": "Sam Newstarter"},
    {"sub": "by-number", "email": "sam.home@example.net", "employee_number": "MW-9002"},
    {"sub": "by-employeeid", "email": "kim.home@example.net", "employeeid": "MW-9003"},
    {"sub": "stranger", "email": "nobody@medway.example.org", "employee_number": "MW-0000"},
    {"sub": "lincolnshire", "email": "lincolnshire.worker@example.org"},
    {"sub": "leaver", "email": "lee.leaver@medway.example.org"},
]


@pytest.fixture
def provider(oidc_providers):  # noqa: F811
    return oidc_providers.start(accounts=ACCOUNTS, redirect_uris=[CALLBACK])


@pytest.fixture
def medway(db, provider):
    organisation = Organisation.objects.get(slug="medway")
    provider.configure(organisation)
    return organisation


def imported(organisation, username, *, email="", employee_number="", active=True):
    """A person as the staff import leaves them: no password, a work e-mail, an employee
    number, a line manager and the worker's role."""
    person = User.objects.create(
        username=username, first_name=username.title(), last_name="Imported", email=email,
        employee_number=employee_number, organisation=organisation, is_active=active,
        line_manager=User.objects.get(username=f"{organisation.slug}.line-manager"),
    )  # fmt: skip
    person.set_unusable_password()
    person.save(update_fields=["password"])
    RoleMembership.objects.create(user=person, organisation=organisation, role=Role.WORKER)
    return person


def sign_in_with(client, organisation, sub):
    """Choose the council's button, sign in as `sub` at its provider, and return the service's
    answer to the provider's redirect back."""
    start = client.get(reverse("careerpath:sso-start", args=[organisation.slug]))
    assert start.status_code == 302
    back = through_the_provider(start["Location"], sub=sub, until=SERVICE)
    return client.get(back.removeprefix(SERVICE))


def text_of(response):
    return html.unescape(response.content.decode())


def signed_in_as(client):
    return client.session.get(SESSION_KEY)


def test_a_person_imported_from_the_hr_system_signs_in_by_their_work_email(client, medway):
    person = imported(medway, "sam", email="sam.newstarter@medway.example.org")

    response = sign_in_with(client, medway, "new-starter")

    assert response.status_code == 302
    assert response["Location"] == reverse("careerpath:home")
    assert signed_in_as(client) == str(person.pk)
    assert AuditEvent.objects.filter(action="signed_in", actor=person).exists()


@pytest.mark.parametrize("sub, number", [("by-number", "MW-9002"), ("by-employeeid", "MW-9003")])
def test_a_person_is_matched_by_employee_number_when_the_emails_differ(client, medway, sub, number):
    person = imported(medway, "kim", email="kim@medway.example.org", employee_number=number)

    sign_in_with(client, medway, sub)

    assert signed_in_as(client) == str(person.pk)


def test_the_next_page_asked_for_is_where_single_sign_on_leads(client, medway):
    imported(medway, "sam", email="sam.newstarter@medway.example.org")
    wanted = reverse("careerpath:notification-list")

    start = client.get(reverse("careerpath:sso-start", args=["medway"]), {"next": wanted})
    back = through_the_provider(start["Location"], sub="new-starter", until=SERVICE)

    assert client.get(back.removeprefix(SERVICE))["Location"] == wanted


def _assert_refused(client, response, message):
    assert response.status_code == 403
    assert message in text_of(response)
    assert signed_in_as(client) is None


def test_a_token_from_another_issuer_is_refused(client, db, provider):
    medway = Organisation.objects.get(slug="medway")
    # The same server under another name: its tokens name the issuer it really is.
    provider.configure(medway, issuer=provider.issuer.replace("127.0.0.1", "localhost"))
    imported(medway, "sam", email="sam.newstarter@medway.example.org")

    response = sign_in_with(client, medway, "new-starter")

    _assert_refused(client, response, "came from a different identity provider")
    refusal = AuditEvent.objects.get(action="sso.refused")
    assert refusal.organisation == medway
    assert "different identity provider" in refusal.details["reason"]


def test_an_expired_token_is_refused(client, db, oidc_providers):  # noqa: F811
    # A provider whose clock is two minutes behind, issuing ID tokens that last one minute.
    late = oidc_providers.start(
        accounts=ACCOUNTS, redirect_uris=[CALLBACK], clock_skew=-120, id_token_ttl=60
    )
    medway = Organisation.objects.get(slug="medway")
    late.configure(medway)
    imported(medway, "sam", email="sam.newstarter@medway.example.org")

    response = sign_in_with(client, medway, "new-starter")

    _assert_refused(client, response, "Your sign-in had expired")


def test_someone_the_council_has_not_imported_is_refused_and_not_created(client, medway):
    people = User.objects.count()

    response = sign_in_with(client, medway, "stranger")

    _assert_refused(client, response, "Medway Council has no member of staff with your work e-mail")
    assert User.objects.count() == people


def test_a_leaver_is_refused(client, medway):
    imported(medway, "lee", email="lee.leaver@medway.example.org", active=False)

    response = sign_in_with(client, medway, "leaver")

    _assert_refused(client, response, "has no member of staff with your work e-mail")


def test_a_person_of_another_council_is_refused(client, medway):
    # The Lincolnshire worker exists, with this e-mail, in Lincolnshire only.
    assert User.objects.get(email="lincolnshire.worker@example.org").organisation.slug == (
        "lincolnshire"
    )

    response = sign_in_with(client, medway, "lincolnshire")

    _assert_refused(client, response, "Your account belongs to another council, not Medway")


def test_a_wrong_client_secret_is_reported_as_settings_to_check(client, medway):
    imported(medway, "sam", email="sam.newstarter@medway.example.org")
    medway.sso_client_secret = "not-the-secret"
    medway.save(update_fields=["sso_client_secret"])

    response = sign_in_with(client, medway, "new-starter")

    assert response.status_code == 502
    assert "did not accept careerpath's single sign-on settings" in text_of(response)
    assert signed_in_as(client) is None


def test_the_sign_in_page_offers_single_sign_on_only_to_councils_that_have_it(client, medway):
    html = client.get(reverse("careerpath:login")).content.decode()

    assert reverse("careerpath:sso-start", args=["medway"]) in html
    assert "Medway Council: sign in with your council's Microsoft account" in html
    assert reverse("careerpath:sso-start", args=["lincolnshire"]) not in html
    # Passwords still work for everyone else.
    assert 'name="password"' in html
    assert client.get(reverse("careerpath:sso-start", args=["lincolnshire"])).status_code == 404


def test_staff_of_a_council_with_single_sign_on_cannot_use_a_password(client, medway):
    response = client.post(
        reverse("careerpath:login"),
        {"username": "medway.worker", "password": settings.DEMO_PASSWORD},
    )

    assert response.status_code == 200
    assert "Medway Council staff sign in with their council's Microsoft account" in (
        text_of(response)
    )
    assert signed_in_as(client) is None
    # A council without single sign-on keeps its passwords.
    response = client.post(
        reverse("careerpath:login"),
        {"username": "lincolnshire.worker", "password": settings.DEMO_PASSWORD},
    )
    assert response.status_code == 302
    assert signed_in_as(client) == str(User.objects.get(username="lincolnshire.worker").pk)


def test_the_providers_discovery_document_is_kept_between_sign_ins(client, db, oidc_providers):  # noqa: F811
    # A provider of its own, stopped once careerpath has read where its endpoints are.
    provider = oidc_providers.start(accounts=ACCOUNTS, redirect_uris=[CALLBACK], id_token_ttl=600)
    medway = Organisation.objects.get(slug="medway")
    provider.configure(medway)
    first = client.get(reverse("careerpath:sso-start", args=["medway"]))
    provider.process.terminate()
    provider.process.wait(timeout=10)

    again = client.get(reverse("careerpath:sso-start", args=["medway"]))

    assert again.status_code == 302
    assert again["Location"].split("?")[0] == first["Location"].split("?")[0]
    # Without the cache, the provider being down is said plainly.
    cache.clear()
    response = client.get(reverse("careerpath:sso-start", args=["medway"]))
    assert response.status_code == 503
    assert "Medway Council's sign-in service could not be reached" in text_of(response)


def test_a_callback_this_browser_never_started_goes_back_to_sign_in(client, medway):
    response = client.get(reverse("careerpath:sso-callback"))

    assert response.status_code == 302
    assert response["Location"] == reverse("careerpath:login")


def _people(organisation, count):
    User.objects.bulk_create(
        User(username=f"bulk-{organisation.slug}-{n}", organisation=organisation,
             email=f"bulk{n}@medway.example.org", employee_number=f"BULK-{n}")
        for n in range(User.objects.filter(organisation=organisation).count(), count)
    )  # fmt: skip


def _callback_queries(client, organisation, sub):
    start = client.get(reverse("careerpath:sso-start", args=[organisation.slug]))
    back = through_the_provider(start["Location"], sub=sub, until=SERVICE)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(back.removeprefix(SERVICE))
    return response, len(queries)


def test_single_sign_on_asks_the_same_queries_for_100_or_10000_people(medway, client_factory):
    person = imported(medway, "sam", email="sam.newstarter@medway.example.org")
    signed_in, refused = [], []
    for size in (100, 10_000):
        _people(medway, size)
        client = client_factory()
        _, count = _callback_queries(client, medway, "new-starter")
        assert signed_in_as(client) == str(person.pk)
        signed_in.append(count)
        # A refusal also looks for the person in the other councils.
        response, count = _callback_queries(client_factory(), medway, "stranger")
        assert response.status_code == 403
        refused.append(count)
    assert signed_in[0] == signed_in[1]
    assert refused[0] == refused[1]


@pytest.mark.parametrize("councils", [3, 30])
def test_the_sign_in_page_asks_the_same_queries_however_many_councils_have_single_sign_on(
    client, db, django_assert_num_queries, councils
):
    Organisation.objects.bulk_create(
        Organisation(name=f"Council {n}", slug=f"council-{n}", sso_issuer=f"https://id{n}.test")
        for n in range(councils)
    )
    # The councils with single sign-on, in one query (no session yet).
    with django_assert_num_queries(1):
        assert client.get(reverse("careerpath:login")).status_code == 200


@pytest.fixture
def client_factory():
    from django.test import Client

    return Client
