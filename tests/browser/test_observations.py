"""A practice supervisor drafts and signs an observation in a real browser; the worker finds it
in their library, and the self-assessment for Dudley's senior level shows it as met."""

import pytest
from django.urls import reverse

from frameworks.models import Level

from .conftest import sign_in, visit

pytestmark = pytest.mark.browser


def test_a_practice_supervisor_signs_an_observation_that_meets_the_workers_criterion(
    page, demo_people
):
    worker = demo_people["dudley.worker"]
    level = Level.objects.get(role__framework__organisation__slug="dudley", code="SSW")
    criterion = level.criteria.get(rules__type="min_rating")

    sign_in(page, "dudley.practice-supervisor")
    visit(page, reverse("careerpath:home"))
    with page.expect_navigation():
        page.locator("main").get_by_role("link", name="Record a practice observation").click()
    visit(page, page.url)
    page.get_by_label("Name of social worker").select_option(str(worker.pk))
    page.get_by_label("Day").fill("3")
    page.get_by_label("Month").fill("11")
    page.get_by_label("Year").fill("2026")
    page.get_by_label("Direct work session").check()
    page.get_by_label("3 Good").check()
    page.get_by_label("Holistic assessment").fill(
        "A planned direct work session with a nine-year-old using a three houses tool. The "
        "purpose was explained simply and the child's words were recorded as spoken."
    )
    page.get_by_label("KSS 1:").check()
    page.get_by_label("Feedback from the parent, carer, child or young person").fill(
        "Child: it was fun and I could say what I wanted."
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Save draft").click()
    assert "Your draft is saved" in page.content()
    visit(page, page.url)

    with page.expect_navigation():
        page.get_by_role("link", name="Sign this observation").click()
    visit(page, page.url)
    page.get_by_label("I observed this practice and this is my assessment of it").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Sign the observation").click()
    assert "Signed by" in page.content()
    visit(page, page.url)

    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    sign_in(page, "dudley.worker")
    visit(page, reverse("portfolios:evidence-list"))
    assert "Practice observation: Direct work session" in page.content()
    visit(page, reverse("frameworks:self-assessment", args=[level.pk]))
    item = page.locator(".app-assessment-item", has_text=criterion.text[:60])
    assert "Practice observation rated 3 of 4 (3 or above needed)" in item.inner_text()
    assert item.locator(".govuk-tag--green").count() >= 1
    assert item.get_by_label("I already have this").is_checked()
