"""The readiness page of a half-written Lincolnshire application: red and green lines with the
place that fixes each, and the panel on it, audited with axe."""

import datetime

import pytest
from django.urls import reverse

from frameworks.models import Standard
from portfolios.models import ApplicationAnswer, EvidenceLink
from tests.portfolios.evidence_factories import make_item
from tests.portfolios.submission_factories import open_application, route_of

from .conftest import sign_in, visit

pytestmark = pytest.mark.browser


def test_the_readiness_page_shows_what_is_met_and_what_is_missing(page, demo_people):
    worker = demo_people["lincolnshire.worker"]
    application = open_application(worker, route_of("L1-L2"))
    standards = application.allocated_standards or [4, 5, 7, 1, 2]
    type(application).objects.filter(pk=application.pk).update(allocated_standards=standards)
    kss = Standard.objects.get(standard_set__code="kss_child_family", number=standards[0])
    for day in (1, 2):
        item = make_item(worker, title=f"Case {day}", dated=datetime.date(2026, 9, day))
        EvidenceLink.objects.create(application=application, item=item, standard=kss, note="Why")
    ApplicationAnswer.objects.create(
        application=application, section="c", values={f"kss-{standards[0]}": "My statement."}
    )
    sign_in(page, worker.username)
    assert visit(page, reverse("portfolios:application-readiness", args=[application.pk])).ok
    text = page.locator("main").inner_text()
    assert "Not ready" in text
    assert "2 of 2 case examples" in text
    assert "0 of 2 case examples" in text
    assert page.locator("main .govuk-tag--green").count() > 0
    assert page.locator("main .govuk-tag--red").count() > 0
