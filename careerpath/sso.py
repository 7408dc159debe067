"""Single sign-on with a council's Microsoft Entra ID (OpenID Connect), one provider per
organisation.

The maintained client (mozilla-django-oidc) runs the authorisation code flow; here it is given the
organisation's issuer, client ID and secret instead of site-wide settings. The provider's
endpoints come from its discovery document, cached. People are matched to the staff imported from
the HR system, by work e-mail or employee number, only within that organisation and only while
active: nobody is ever created from the identity provider alone."""

import hashlib

import jwt
import requests
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.db.models import Q
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from careerpath.models import Organisation, User
from careerpath.services import audit_record

DISCOVERY_CACHE_SECONDS = 60 * 60
EMAIL_CLAIMS = ("email", "upn", "preferred_username")
EMPLOYEE_NUMBER_CLAIMS = ("employee_number", "employeeid")


class SignInRefused(Exception):
    """The provider vouched for someone careerpath will not sign in; the message says why."""


class DiscoveryFailed(Exception):
    """The organisation's provider could not be reached or did not describe itself."""


def organisations_with_single_sign_on():
    return Organisation.objects.exclude(sso_issuer="").only("name", "slug").order_by("name")


def organisation_with_single_sign_on(slug):
    return Organisation.objects.exclude(sso_issuer="").filter(slug=slug).first()


def organisation_by_pk(pk):
    if pk is None:
        return None
    return Organisation.objects.exclude(sso_issuer="").filter(pk=pk).first()


def unreachable_message(organisation):
    return f"{organisation}'s sign-in service could not be reached. Try again later."


def misconfigured_message(organisation):
    return (
        f"{organisation}'s sign-in service did not accept careerpath's single sign-on settings. "
        "Ask your organisation's administrator to check them."
    )


def record_refusal(*, organisation, reason):
    audit_record(
        actor=None, action="sso.refused", organisation=organisation, details={"reason": reason}
    )


def discovery(issuer):
    """The provider's OpenID configuration (endpoints and keys), fetched once an hour."""
    key = "sso-discovery:" + hashlib.sha256(issuer.encode()).hexdigest()
    document = cache.get(key)
    if document is None:
        url = issuer.rstrip("/") + "/.well-known/openid-configuration"
        try:
            response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
            response.raise_for_status()
            document = response.json()
        except (requests.RequestException, ValueError) as error:
            raise DiscoveryFailed(str(error)) from error
        missing = {"authorization_endpoint", "token_endpoint", "jwks_uri"} - document.keys()
        if missing:
            raise DiscoveryFailed(f"The discovery document has no {', '.join(sorted(missing))}")
        cache.set(key, document, DISCOVERY_CACHE_SECONDS)
    return document


def _first_claim(claims, names):
    for name in names:
        value = claims.get(name)
        if value not in (None, ""):
            return str(value).strip()
    return ""


def person_for_claims(*, organisation, claims):
    """The one active person of this organisation the claims name, or SignInRefused."""
    email = _first_claim(claims, EMAIL_CLAIMS)
    number = _first_claim(claims, EMPLOYEE_NUMBER_CLAIMS)
    match = Q(pk__in=[])
    if email:
        match |= Q(email__iexact=email)
    if number:
        match |= Q(employee_number=number)
    people = list(User.objects.filter(match, organisation=organisation, is_active=True)[:2])
    if len(people) == 1:
        return people[0]
    if len(people) > 1:
        raise SignInRefused(
            f"Your work e-mail and employee number belong to different people at "
            f"{organisation}. Ask your organisation's administrator to correct the staff record."
        )
    elsewhere = User.objects.filter(match, is_active=True).exclude(organisation=organisation)
    if (email or number) and elsewhere.exists():
        raise SignInRefused(
            f"Your account belongs to another council, not {organisation}. "
            "Sign in through your own council."
        )
    raise SignInRefused(
        f"{organisation} has no member of staff with your work e-mail or employee number. "
        "Ask your organisation's administrator to check your staff record."
    )


class OrganisationBackend(OIDCAuthenticationBackend):
    """The maintained client's backend, configured per organisation for each sign-in.

    It answers only when the single sign-on callback passes the organisation, so password sign-in
    never reaches it."""

    def __init__(self, *args, **kwargs):
        # The parent reads one provider from settings; ours is set in authenticate().
        self.UserModel = User
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None

    def configure(self, organisation):
        document = discovery(organisation.sso_issuer)
        self.organisation = organisation
        self.OIDC_OP_TOKEN_ENDPOINT = document["token_endpoint"]
        self.OIDC_OP_USER_ENDPOINT = document.get("userinfo_endpoint")
        self.OIDC_OP_JWKS_ENDPOINT = document["jwks_uri"]
        self.OIDC_RP_CLIENT_ID = organisation.sso_client_id
        self.OIDC_RP_CLIENT_SECRET = organisation.sso_client_secret

    def authenticate(self, request, **kwargs):
        # Set by the single sign-on callback from the state it sent; absent for passwords.
        organisation = getattr(request, "sso_organisation", None)
        if organisation is None or "nonce" not in kwargs:
            return None
        try:
            self.configure(organisation)
        except DiscoveryFailed as error:
            raise SignInRefused(unreachable_message(organisation)) from error
        return super().authenticate(request, **kwargs)

    def verify_token(self, token, **kwargs):
        """Check the ID token's signature, audience, expiry, issuer and nonce."""
        key = self.retrieve_matching_jwk(token)
        try:
            payload = jwt.decode(
                token,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError as error:
            raise SignInRefused(
                "Your sign-in had expired by the time it reached careerpath. Sign in again."
            ) from error
        except jwt.InvalidTokenError as error:
            raise SignInRefused(
                "Your council's sign-in service sent a token careerpath cannot accept."
            ) from error
        if payload["iss"].rstrip("/") != self.organisation.sso_issuer.rstrip("/"):
            raise SignInRefused(
                f"That sign-in came from a different identity provider than the one "
                f"{self.organisation} uses. Sign in through your own council."
            )
        if settings.OIDC_USE_NONCE and kwargs.get("nonce") != payload.get("nonce"):
            raise SignInRefused("That sign-in could not be checked. Sign in again.")
        self.id_token_claims = payload
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        """The ID token's claims, with the user info endpoint's where the provider has one."""
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT and access_token:
            extra = super().get_userinfo(access_token, id_token, payload)
            if extra.get("sub", payload["sub"]) != payload["sub"]:
                raise SignInRefused("That sign-in could not be checked. Sign in again.")
            claims = {**extra, **payload}
        return claims

    def verify_claims(self, claims):
        return bool(
            _first_claim(claims, EMAIL_CLAIMS) or _first_claim(claims, EMPLOYEE_NUMBER_CLAIMS)
        )

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        return person_for_claims(organisation=self.organisation, claims=claims)

    def create_user(self, claims):  # never: people come from the HR system's staff import
        return None

    def get_user(self, user_id):
        return ModelBackend.get_user(self, user_id)  # only while the person is active
