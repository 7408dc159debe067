"""Single sign-on in a real browser, through a real OpenID Connect provider on loopback: a new
member of staff, imported from the HR system without a password, chooses their council's button,
signs in at the provider and finds their framework and line manager on their home page; someone
the council has not imported is told why they cannot sign in. Every page of the service is
audited (the provider's own page is not the service's)."""

import pytest

from careerpath.models import Organisation, Role, RoleMembership, User
from frameworks.models import Framework, FrameworkStatus
from tests.oidc import oidc_providers  # noqa: F401

from .conftest import audit, visit

pytestmark = pytest.mark.browser

ACCOUNTS = [
    {"sub": "new-starter", "email": "Robin.Newstarter@medway.example.org", "name": "Robin"},
    {"sub": "stranger", "email": "nobody@medway.example.org"},
]


@pytest.fixture
def medway_with_single_sign_on(live_server, oidc_providers):  # noqa: F811
    provider = oidc_providers.start(
        accounts=ACCOUNTS, redirect_uris=[f"{live_server.url}/sign-in/sso/callback/"]
    )
    medway = Organisation.objects.get(slug="medway")
    provider.configure(medway)
    return medway


def _sign_in_at_the_provider(page, account_email):
    visit(page, "/sign-in/")
    with page.expect_navigation():
        page.get_by_role(
            "button", name="Medway Council: sign in with your council's Microsoft account"
        ).click()
    with page.expect_navigation(url=lambda url: "/interaction/" not in url):
        page.get_by_role("link", name=f"Sign in as {account_email}").click()


def test_a_new_person_signs_in_with_their_councils_account_and_finds_their_framework_and_manager(
    page, demo_people, medway_with_single_sign_on
):
    medway = medway_with_single_sign_on
    manager = demo_people["medway.line-manager"]
    person = User.objects.create(
        username="robin.newstarter", first_name="Robin", last_name="Newstarter",
        email="robin.newstarter@medway.example.org", employee_number="MW-7001",
        organisation=medway, line_manager=manager, job_title="Social worker",
    )  # fmt: skip
    person.set_unusable_password()
    person.save(update_fields=["password"])
    RoleMembership.objects.create(user=person, organisation=medway, role=Role.WORKER)

    _sign_in_at_the_provider(page, "Robin.Newstarter@medway.example.org")

    assert page.url.endswith("/")
    visit(page, "/")
    main = page.locator("main")
    assert "Robin Newstarter" in main.locator("h1").inner_text()
    supports = main.locator("section", has=page.get_by_role("heading", name="Who supports you"))
    assert manager.get_full_name() in supports.inner_text()
    assert "Your line manager" in supports.inner_text()
    for framework in Framework.objects.filter(
        organisation=medway, status=FrameworkStatus.PUBLISHED
    ):
        assert main.get_by_role("link", name=framework.title).count() == 1


def test_someone_the_council_has_not_imported_is_told_why(
    page, demo_people, medway_with_single_sign_on
):
    _sign_in_at_the_provider(page, "nobody@medway.example.org")

    audit(page)  # the refusal page, as the provider's redirect left it
    main = page.locator("main").inner_text()
    assert "You could not be signed in" in main
    assert "Medway Council has no member of staff with your work e-mail" in main
    visit(page, "/")
    assert "/sign-in/" in page.url
