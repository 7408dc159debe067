"""Browser tests: Playwright driving the system Chromium, with an axe-core audit of every page."""

import hashlib
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
AXE = Path(settings.BASE_DIR) / "static" / "vendor" / "axe-core" / "axe.min.js"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
# What differs between two renderings of the same page: the form's CSRF token.
CSRF_TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
# Fingerprints of the pages axe has passed in this run: the same markup at the same size passes
# again, so it is audited once (a page that fails is never recorded, and fails every time).
PASSED = set()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Chromium from Debian's packages")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def demo_people(demo_database):
    """The demo people (as the demo load returns them), in a committed copy of the demo data
    that the live server reads."""
    from careerpath.demo import ORGANISATIONS, PEOPLE, demo_username
    from careerpath.models import User

    usernames = [
        demo_username(organisation["slug"], spec["key"])
        for organisation in ORGANISATIONS
        for spec in PEOPLE[organisation["slug"]]
    ]
    people = User.objects.in_bulk(usernames, field_name="username")
    return {username: people[username] for username in usernames}


def fingerprint(page):
    """The page's markup as it stands, and the viewport it is laid out in."""
    markup = CSRF_TOKEN.sub(r"\1\2", page.content())
    return hashlib.sha256(f"{page.viewport_size}\n{markup}".encode()).hexdigest()


def audit(page):
    """Run axe-core's WCAG 2.2 A and AA rules on the page; fail on any violation."""
    seen = fingerprint(page)
    if seen in PASSED:
        return
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        if page.url.startswith("http"):
            # From the service itself, as its Content Security Policy allows no inline script.
            page.add_script_tag(url="/static/vendor/axe-core/axe.min.js")
        else:
            page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
        ".then(result => result.violations)",
        WCAG_22_AA,
    )
    summary = [
        {
            "rule": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "where": [node["target"] for node in violation["nodes"]][:5],
        }
        for violation in violations
    ]
    assert not summary, f"axe found problems on {page.url}:\n{json.dumps(summary, indent=2)}"
    PASSED.add(seen)


def visit(page, path):
    """Go to a page, check it rendered without a browser error or a blocked resource (the
    Content Security Policy), and audit it."""
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    response = page.goto(path)
    audit(page)
    assert not errors, f"Errors on {path}: {errors}"
    return response


def sign_in(page, username, password=None):
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password or settings.DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def add_evidence_item(page, *, kind, title, day, month, year, reflection, file, certificate=False):
    """From a page with an "Add evidence" link (the library), add one item with a file."""
    with page.expect_navigation():
        page.get_by_role("link", name="Add evidence").click()
    audit(page)
    page.get_by_label("What kind of evidence is it?").select_option(label=kind)
    page.get_by_label("Title").fill(title)
    page.get_by_label("Day").fill(day)
    page.get_by_label("Month").fill(month)
    page.get_by_label("Year").fill(year)
    page.get_by_label("Your reflection").fill(reflection)
    if certificate:
        page.get_by_label("This is, or includes, a certificate").check()
    page.get_by_label("Add files (optional)").set_input_files(file)
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    assert "is in your evidence library" in page.locator(".govuk-notification-banner").inner_text()
    audit(page)
