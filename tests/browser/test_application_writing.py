"""A Medway Family Worker applies for level B: eligibility first, a statement per criterion with
the live word count and autosave, evidence linked with notes, and check your answers; every page
audited with axe."""

import re

import pytest
from django.urls import reverse

from portfolios.models import Application, ApplicationAnswer, EvidenceLink

from .conftest import sign_in, visit

pytestmark = pytest.mark.browser


def test_a_family_worker_starts_writes_links_and_checks_their_answers(page, demo_people):
    worker = demo_people["medway.family-worker"]
    Application.objects.filter(applicant=worker).delete()  # the demo's draft: start afresh
    sign_in(page, worker.username)

    visit(page, reverse("portfolios:application-list"))
    page.get_by_role("link", name="Start an application").click()
    page.wait_for_url("**/applications/start/")
    visit(page, page.url)
    page.get_by_role("link", name="Family Worker level A to level B").click()
    page.wait_for_url(re.compile(r".*/applications/start/\d+/$"))
    visit(page, page.url)
    assert "Are you eligible?" in page.locator("main").inner_text()
    with page.expect_navigation():
        page.get_by_role("button", name="Start the application").click()
    application = Application.objects.get(applicant=worker)
    assert page.url.endswith(reverse("portfolios:application-detail", args=[application.pk]))
    visit(page, page.url)
    assert page.locator(".govuk-task-list__item").count() > 10

    # The first criterion: write a statement; the word count is live; it saves by itself.
    first = page.locator(".govuk-task-list__link").first
    title = first.inner_text()
    first.click()
    page.wait_for_url(re.compile(r".*/sections/criterion-\d+/$"))
    visit(page, page.url)
    statement = page.get_by_label("How you meet this")
    statement.fill("I passed four GCSEs, including English and Maths, at grade C.")
    page.get_by_text("Draft saved at").wait_for()
    answer = ApplicationAnswer.objects.get(application=application)
    assert answer.values["statement"].startswith("I passed four GCSEs")
    page.reload()
    assert page.get_by_label("How you meet this").input_value().startswith("I passed four")
    with page.expect_navigation():
        page.get_by_role("button", name="Save and return to your application").click()
    assert "Completed" in page.locator(".govuk-task-list").first.inner_text()

    # Link one library item to two criteria, each with its own note.
    links = page.get_by_role("link", name=re.compile(r"^Link evidence for "))
    for n, note in enumerate(["My certificates show it", "My training record shows it"]):
        links.nth(n).click()
        page.wait_for_url(re.compile(r".*/links/criterion-\d+/$"))
        visit(page, page.url)
        page.locator("summary", has_text="Link evidence").click()
        page.locator("input[type=checkbox]").first.check()
        page.get_by_label("How does this meet it?").fill(note)
        with page.expect_navigation():
            page.locator("form button", has_text="Link").click()
        assert note in page.locator("main").inner_text()
        visit(page, page.url)
        page.get_by_role("link", name="Return to your application").click()
    item_links = EvidenceLink.objects.filter(application=application)
    assert item_links.count() == 2
    assert len({link.item_id for link in item_links}) == 1
    item = item_links.first().item
    item.refresh_from_db()
    assert item.linked_count == 2

    # The item says what it supports; check your answers shows it all.
    visit(page, reverse("portfolios:evidence-detail", args=[item.pk]))
    text = page.locator("main").inner_text()
    assert "My certificates show it" in text and "My training record shows it" in text
    visit(page, reverse("portfolios:application-check", args=[application.pk]))
    text = page.locator("main").inner_text()
    assert "Check your answers" in text
    assert title in text
    assert "I passed four GCSEs" in text
    assert "My certificates show it" in text


@pytest.mark.parametrize(
    "username, framework, code",
    [
        ("dudley.worker", "childrens-social-workers", "SW-SSW"),
        ("lincolnshire.worker", "childrens-social-workers", "L1-L2"),
    ],
)
def test_each_councils_form_pages_pass_axe(page, demo_people, username, framework, code):
    from frameworks.models import ProgressionRoute
    from portfolios.applications.selectors import sections_for
    from tests.portfolios.submission_factories import open_application

    worker = demo_people[username]
    route = ProgressionRoute.objects.get(
        framework__organisation=worker.organisation, framework__slug=framework,
        framework__status="published", code=code,
    )  # fmt: skip
    application = open_application(worker, route)
    if not application.allocated_standards and (route.standards_policy or {}).get("allocate"):
        Application.objects.filter(pk=application.pk).update(allocated_standards=[4, 5, 7, 1, 2])
        application.refresh_from_db()
    sign_in(page, worker.username)
    visit(page, reverse("portfolios:application-detail", args=[application.pk]))
    for section in sections_for(application=application):
        if not section.is_workers or section.blocked:
            continue
        name = "application-links" if section.observation else "application-section"
        assert visit(page, reverse(f"portfolios:{name}", args=[application.pk, section.key])).ok
        if section.targets:
            url = reverse("portfolios:application-links", args=[application.pk, section.key])
            assert visit(page, url).ok
    assert visit(page, reverse("portfolios:application-check", args=[application.pk])).ok
    assert visit(page, reverse("portfolios:application-withdraw", args=[application.pk])).ok
