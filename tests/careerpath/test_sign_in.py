import pytest
from django.conf import settings
from django.urls import reverse

from careerpath.models import AuditEvent

SIGN_IN = reverse("careerpath:login")


def sign_in(client, username, password, **extra):
    return client.post(SIGN_IN, {"username": username, "password": password}, **extra)


def test_signing_in_with_the_demo_password_goes_to_the_home_page(client, worker):
    response = sign_in(client, "medway.worker", settings.DEMO_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("careerpath:home")
    assert AuditEvent.objects.filter(actor=worker, action="signed_in").exists()


def test_a_wrong_password_shows_a_govuk_error_summary(client, worker):
    response = sign_in(client, "medway.worker", "not the password")
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "There is a problem" in html
    assert "Enter a correct username and password" in html
    assert "<title>Error: Sign in" in html
    # What was typed is kept, except the password.
    assert 'value="medway.worker"' in html
    assert "not the password" not in html


def test_empty_fields_are_named_in_the_error_summary(client, db):
    response = sign_in(client, "", "")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_username">Enter your username' in html
    assert 'href="#id_password">Enter your password' in html


@pytest.mark.parametrize(
    "data",
    [
        {"username": "x" * 5000, "password": "y"},
        {"username": "\x00", "password": "\x00"},
        {"username": ["a", "b"], "password": "c"},
        {},
    ],
)
def test_bad_input_never_causes_a_server_error(client, db, data):
    response = client.post(SIGN_IN, data)
    assert response.status_code == 200


def test_repeated_failed_sign_ins_are_throttled(client, worker):
    for _ in range(settings.SIGN_IN_ATTEMPTS):
        sign_in(client, "medway.worker", "wrong")
    # Even the right password is refused until the window has passed.
    response = sign_in(client, "medway.worker", settings.DEMO_PASSWORD)
    assert response.status_code == 200
    assert "Too many failed attempts to sign in" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_throttling_by_address_stops_guessing_across_usernames(client, demo_people):
    for number in range(settings.SIGN_IN_ATTEMPTS):
        sign_in(client, f"nobody-{number}", "wrong", REMOTE_ADDR="203.0.113.9")
    response = sign_in(client, "medway.hr", settings.DEMO_PASSWORD, REMOTE_ADDR="203.0.113.9")
    assert "Too many failed attempts" in response.content.decode()
    # Someone at another address is not locked out.
    response = sign_in(client, "medway.hr", settings.DEMO_PASSWORD, REMOTE_ADDR="198.51.100.1")
    assert response.status_code == 302


def test_a_successful_sign_in_clears_earlier_failures(client, worker):
    for _ in range(settings.SIGN_IN_ATTEMPTS - 1):
        sign_in(client, "medway.worker", "wrong", REMOTE_ADDR="198.51.100.2")
    assert sign_in(client, "medway.worker", settings.DEMO_PASSWORD).status_code == 302
    client.logout()
    response = sign_in(client, "medway.worker", "wrong", REMOTE_ADDR="198.51.100.3")
    assert "Too many failed attempts" not in response.content.decode()


def test_sign_in_does_not_redirect_to_another_site(client, worker):
    response = client.post(
        f"{SIGN_IN}?next=https://evil.example/",
        {"username": "medway.worker", "password": settings.DEMO_PASSWORD},
    )
    assert response["Location"] == reverse("careerpath:home")


def test_signing_out_needs_a_post_and_is_recorded(client, worker):
    client.force_login(worker)
    assert client.get(reverse("careerpath:logout")).status_code == 405
    response = client.post(reverse("careerpath:logout"))
    assert response["Location"] == SIGN_IN
    assert AuditEvent.objects.filter(actor=worker, action="signed_out").exists()
