"""Sign in as each demo role and visit every page that role can reach, auditing each one."""

import pytest
from django.urls import reverse

from careerpath.models import User
from tests.conftest import PERSONAS
from tests.permission_matrix import MATRIX, may_reach

from .conftest import audit, sign_in, visit

pytestmark = pytest.mark.browser


def reachable_pages(persona, user):
    """The GET pages the matrix says this persona may reach, with an object of their own."""
    for name, access in MATRIX.items():
        if access.method != "get" or not access.page or not may_reach(access, user):
            continue
        for url_name, kwargs in access.samples or ((name, None),):
            if access.own:
                kwargs = access.own(user)
            yield reverse(url_name, kwargs=kwargs or {})


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_every_page_a_role_can_reach_works_and_passes_axe(page, demo_people, persona):
    user = demo_people[PERSONAS[persona]]
    sign_in(page, user.username)
    pages = list(reachable_pages(persona, user))
    assert reverse("careerpath:home") in pages
    # The home page leads somewhere: a link in the main content, besides the navigation.
    assert page.locator("main a.govuk-link").count() > 0, f"{persona}: nothing to do at home"
    for path in pages:
        response = visit(page, path)
        assert response.ok, f"{path} answered {response.status}"
        assert user.organisation.name in page.locator("header").inner_text()


def test_pages_anyone_can_reach_pass_axe(page, db):
    for path in (reverse("careerpath:login"), reverse("careerpath:accessibility")):
        assert visit(page, path).ok


def test_sign_in_errors_are_summarised_and_focusable(page, demo_people):
    page.goto(reverse("careerpath:login"))
    page.get_by_label("Username").fill("medway.worker")
    page.get_by_label("Password").fill("wrong password")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    assert "Enter a correct username and password" in summary.inner_text()
    # GOV.UK Frontend's JavaScript moves focus to the summary.
    assert page.evaluate("document.activeElement.classList.contains('govuk-error-summary')")
    assert page.get_by_label("Username").input_value() == "medway.worker"
    audit(page)


def test_error_pages_pass_axe(page, demo_people):
    sign_in(page, "medway.worker")
    response = visit(page, "/no-such-page/")
    assert response.status == 404
    assert "Page not found" in page.content()
    response = visit(page, reverse("admin:index"))
    assert response.status == 403
    assert "You cannot see this page" in page.content()


def test_the_admin_works_for_a_superuser(page, demo_people):
    User.objects.create_superuser("root", "root@example.org", "a-long-password-1")
    sign_in(page, "root", "a-long-password-1")
    assert page.goto(reverse("admin:index")).ok
    assert page.goto(reverse("admin:careerpath_user_changelist")).ok


def test_signing_out_from_the_header(page, demo_people):
    sign_in(page, "medway.hr")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/sign-in/")
    assert page.goto(reverse("careerpath:home")).url.endswith("/sign-in/?next=/")


def test_the_audit_fails_a_page_with_a_violation(page):
    page.set_content('<html lang="en"><body><main><img src="chart.png"></main></body></html>')
    with pytest.raises(AssertionError, match="image-alt"):
        audit(page)


def test_the_500_page_passes_axe(page, rf):
    from careerpath.views import error_500

    html = error_500(rf.get("/")).content.decode()
    page.goto(reverse("careerpath:accessibility"))  # so the page's static links resolve
    page.set_content(html)
    assert "Sorry, there is a problem with the service" in page.content()
    audit(page)
