"""A real OpenID Connect provider for the single sign-on tests: the `oidc-provider` package from
npm, run by provider.mjs beside this file on a free loopback port.

`oidc_providers` (session scope) starts providers on demand and stops them all at the end of the
run; a test module imports it to use it."""

import json
import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests
from django.conf import settings

SCRIPT = Path(__file__).resolve().parent / "provider.mjs"
PACKAGE = Path(settings.BASE_DIR) / "node_modules" / "oidc-provider"
CLIENT_ID = "careerpath-tests"
CLIENT_SECRET = "a-secret-only-for-the-tests"


@dataclass
class Provider:
    issuer: str
    port: int
    accounts: list
    process: subprocess.Popen = field(repr=False)
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET

    def configure(self, organisation, *, issuer=None):
        """Make this provider the organisation's single sign-on."""
        organisation.sso_issuer = issuer or self.issuer
        organisation.sso_client_id = self.client_id
        organisation.sso_client_secret = self.client_secret
        organisation.save(update_fields=["sso_issuer", "sso_client_id", "sso_client_secret"])


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Providers:
    def __init__(self):
        self.running = {}

    def start(self, *, accounts, redirect_uris, clock_skew=0, id_token_ttl=3600):
        """A provider that signs the given accounts in; the same settings reuse one process."""
        key = json.dumps([accounts, redirect_uris, clock_skew, id_token_ttl], sort_keys=True)
        if key in self.running:
            return self.running[key]
        if shutil.which("node") is None:
            pytest.fail("node is missing: the front end build needs it too")
        if not PACKAGE.exists():
            pytest.skip("the oidc-provider npm package is not installed (make installs it)")
        port = _free_port()
        env = {
            **os.environ,
            "OIDC_PORT": str(port),
            "OIDC_CLIENT_ID": CLIENT_ID,
            "OIDC_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_REDIRECT_URIS": ",".join(redirect_uris),
            "OIDC_ACCOUNTS": json.dumps(accounts),
            "OIDC_CLOCK_SKEW": str(clock_skew),
            "OIDC_ID_TOKEN_TTL": str(id_token_ttl),
        }
        process = subprocess.Popen(  # noqa: S603
            ["node", str(SCRIPT)],  # noqa: S607
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        if not any(line.strip() == "listening" for line in process.stdout):
            process.kill()
            pytest.fail("the OpenID Connect provider did not start")
        provider = Provider(f"http://127.0.0.1:{port}", port, accounts, process)
        self.running[key] = provider
        return provider

    def stop_all(self):
        for provider in self.running.values():
            provider.process.terminate()
            try:
                provider.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                provider.process.kill()


@pytest.fixture(scope="session")
def oidc_providers():
    providers = Providers()
    yield providers
    providers.stop_all()


def through_the_provider(url, *, sub, until, session=None):
    """Follow the provider's redirects from its authorisation URL, signing `sub` in at its
    interaction, until a redirect leaves for `until` (the service). Returns that URL."""
    session = session or requests.Session()
    deadline = time.monotonic() + 30
    while not url.startswith(until):
        assert time.monotonic() < deadline, "the provider never sent the browser back"
        if "/interaction/" in url:
            url = f"{url}{'&' if '?' in url else '?'}sub={sub}"
        answer = session.get(url, allow_redirects=False, timeout=10)
        assert answer.status_code in (302, 303), answer.text
        url = urljoin(url, answer.headers["Location"])
    return url
