"""A Lincolnshire worker deferred by the panel starts their next attempt in one click, with their
writing and evidence carried over, and finds the panel's targets in their development plan; in a
real browser with every page audited."""

import pytest
from django.conf import settings
from django.urls import reverse

from frameworks.models import DevelopmentPlan, ProgressionRoute, Standard
from frameworks.services import framework_copy_to_draft, framework_publish
from portfolios.models import Application
from tests.panels.appeal_factories import guards_hold
from tests.panels.booking_factories import new_worker
from tests.portfolios.application_factories import start
from tests.portfolios.evidence_factories import make_item
from tests.portfolios.next_attempt_factories import FURTHER_WORK, defer, link, targets_due, write

from .conftest import audit, sign_in, visit

pytestmark = pytest.mark.browser


def test_a_deferred_worker_starts_the_next_attempt_and_plans_the_targets(
    page, demo_people, monkeypatch
):
    guards_hold(monkeypatch)
    worker = new_worker(demo_people["lincolnshire.worker"], "lincs.next-attempt")
    worker.set_password(settings.DEMO_PASSWORD)
    worker.save(update_fields=["password"])
    route = ProgressionRoute.objects.select_related("framework", "to_level").get(
        framework__organisation__slug="lincolnshire", framework__status="published", code="L1-L2"
    )
    previous = start(applicant=worker, route=route)
    write(previous, {
        "b": {"please-give-a-summary-of-your-current-role-and-res": "I hold a child protection "
              "caseload in the Lincoln team."},
        "c": {"kss-4": "I led a strengths-based review of a sibling group."},
    })  # fmt: skip
    kss_4 = Standard.objects.get(standard_set__code="kss_child_family", number=4)
    link(previous, make_item(worker, title="Core group minutes"), standard_id=kss_4.pk)
    targets = targets_due(3)
    defer(previous, targets=targets)
    plan = DevelopmentPlan.objects.create(person=worker, target_level=route.to_level)
    # A newer version of the framework since: the worker may move to it, and here does not.
    editor = demo_people["lincolnshire.coordinator"]
    framework_publish(
        framework=framework_copy_to_draft(framework=route.framework, actor=editor), actor=editor
    )

    sign_in(page, worker.username)
    visit(page, reverse("portfolios:application-detail", args=[previous.pk]))
    assert "Deferred" in page.locator(".govuk-summary-list").first.inner_text()
    assert page.get_by_label("Use the latest version of the framework").is_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="Start your next attempt").click()
    audit(page)

    attempt = Application.objects.get(previous_attempt=previous)
    assert attempt.route_id == route.pk  # the version the deferred attempt used
    assert page.url.endswith(reverse("portfolios:application-detail", args=[attempt.pk]))
    banner = page.locator(".govuk-notification-banner--success").inner_text()
    assert "2 sections of your writing and 1 evidence link" in banner
    summary = page.locator(".govuk-summary-list").first.inner_text()
    assert "Attempt 2: previously deferred on" in summary
    panel = page.locator("#from-your-panel ~ table").first.inner_text()
    assert all(target.text in panel for target in targets)
    # The summary was carried over into the new attempt's section.
    visit(page, reverse("portfolios:application-section", args=[attempt.pk, "b"]))
    assert "caseload in the Lincoln team" in page.locator("textarea").first.input_value()

    visit(page, reverse("frameworks:plan-detail", args=[plan.pk]))
    section = page.locator(".govuk-summary-card").first.inner_text()
    assert "From your career progression panel" in page.content()
    assert FURTHER_WORK in section
    assert all(target.text in section for target in targets)
