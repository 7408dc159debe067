"""The live readiness check: every rule counted once, where it belongs, with the numbers and a
link to the place that fixes it; recency on the date that matters; a fixed number of queries."""

import datetime

import pytest
from django.urls import reverse

from frameworks.models import Standard
from frameworks.rules import JUDGEMENT, MET, NOT_MET
from portfolios.applications.readiness import application_readiness
from portfolios.models import Application, ApplicationAnswer, EvidenceLink
from tests.portfolios.evidence_factories import make_item, new_worker
from tests.portfolios.submission_factories import open_application, route_of

pytestmark = pytest.mark.django_db
PAGE_QUERIES = 15
TODAY = datetime.date(2026, 11, 25)


def lines_of(readiness, key):
    return {line.requirement: line for group in readiness.groups if group.key == key
            for line in group.lines}  # fmt: skip


def link(application, item, *, standard=None, criterion=None, note="How it meets it"):
    return EvidenceLink.objects.create(
        application=application, item=item, standard=standard, criterion=criterion, note=note
    )


def kss(number):
    return Standard.objects.get(standard_set__code="kss_child_family", number=number)


@pytest.fixture
def lincolnshire_application():
    worker = new_worker("lincs.reader", "lincolnshire")
    return open_application(worker, route_of("L1-L2"), allocated_standards=[4, 5, 7, 1, 2])


def test_each_allocated_standard_asks_for_its_statement_case_examples_and_learning_event(
    lincolnshire_application,
):
    application = lincolnshire_application
    for day in (1, 2):
        link(application, make_item(application.applicant, dated=datetime.date(2026, 9, day)),
             standard=kss(4))  # fmt: skip
    link(application, make_item(application.applicant, kind="learning_event"), standard=kss(4))
    ApplicationAnswer.objects.create(
        application=application, section="c", values={"kss-4": "I worked with the family."}
    )
    readiness = application_readiness(application=application, on=TODAY)
    four = lines_of(readiness, "standard-4")
    assert four["A statement"].status == MET
    assert four["At least 2 case examples"].status == MET
    assert four["At least 2 case examples"].reason == "2 of 2 case examples"
    assert four["At least 1 learning event"].status == MET
    five = lines_of(readiness, "standard-5")
    assert five["At least 2 case examples"].status == NOT_MET
    assert five["At least 2 case examples"].reason == "0 of 2 case examples"
    assert five["A statement"].url  # the place that fixes it
    # Counted once: the route's and the level's "2 case examples for each KSS" are these lines.
    requirements = [line.requirement for line in readiness.lines]
    assert requirements.count("At least 2 case examples") == 5
    assert not any("written statement" in line.requirement for line in readiness.lines)
    assert not readiness.can_submit


def test_the_managers_verification_is_for_people_and_does_not_block(lincolnshire_application):
    readiness = application_readiness(application=lincolnshire_application, on=TODAY)
    verified = lines_of(readiness, "attested-9 and 10")
    assert [line.status for line in verified.values()] == [JUDGEMENT]
    assert all(line.rule.get("type") != "attestation" for line in readiness.missing)


def test_recency_is_judged_on_the_submission_deadline(lincolnshire_application):
    application = lincolnshire_application
    for day in (datetime.date(2026, 10, 2), datetime.date(2026, 4, 1)):
        link(application, make_item(application.applicant, kind="supervision_record", dated=day),
             standard=kss(4))  # fmt: skip
    today = application_readiness(application=application, on=TODAY)
    supervision = [line for line in today.lines if "supervision" in line.requirement.lower()]
    assert [line.status for line in supervision] == [MET]
    application.submission_deadline = datetime.date(2027, 4, 20)
    later = application_readiness(application=application, on=TODAY)
    (line,) = [line for line in later.lines if "supervision" in line.requirement.lower()]
    assert line.status == NOT_MET
    assert line.reason.startswith(
        "Your latest supervision record is from 2 October 2026; by your submission deadline on "
        "20 April 2027 it will be more than 6 months old"
    )
    assert later.judged_on == datetime.date(2027, 4, 20)


def test_a_route_rule_restating_a_criterion_is_counted_at_the_criterion():
    """Medway Adult Social Care: the route's evidence rules repeat the level's criteria. They are
    counted once, at each criterion, on the evidence linked to it: three case examples linked to
    one criterion do not also meet another's two."""
    worker = new_worker("medway.reader")
    application = open_application(worker, route_of("SW3B-SW3C"))
    readiness = application_readiness(application=application, on=TODAY)
    assert "portfolio" not in [group.key for group in readiness.groups]
    case_lines = [line for line in readiness.lines if "case examples" in line.requirement]
    assert sorted(line.requirement for line in case_lines) == [
        "At least 2 case examples",
        "At least 3 case examples",
    ]
    lead = next(group for group in readiness.groups if "taken the lead" in group.title)
    criterion_pk = int(lead.key.split("-")[1])
    for day in (1, 2, 3):
        item = make_item(worker, dated=datetime.date(2026, 9, day))
        EvidenceLink.objects.create(application=application, item=item, criterion_id=criterion_pk)
    readiness = application_readiness(application=application, on=TODAY)
    statuses = {line.requirement: line.status for line in readiness.lines
                if "case examples" in line.requirement}  # fmt: skip
    assert statuses == {"At least 3 case examples": MET, "At least 2 case examples": NOT_MET}


def test_eligibility_is_judged_on_the_panel_date(lincolnshire_application):
    application = lincolnshire_application
    person = application.applicant
    person.swe_registration_date = datetime.date(2025, 1, 10)
    person.save(update_fields=["swe_registration_date"])
    now = application_readiness(application=application, on=TODAY)
    (line,) = [line for line in lines_of(now, "eligibility").values()
               if "registration" in line.requirement]  # fmt: skip
    assert line.status == NOT_MET
    assert now.eligible_from == datetime.date(2027, 1, 10)
    application.panel_date = datetime.date(2027, 4, 21)
    then = application_readiness(application=application, on=TODAY)
    (line,) = [line for line in lines_of(then, "eligibility").values()
               if "registration" in line.requirement]  # fmt: skip
    assert line.status == MET


@pytest.mark.parametrize("standards", [[4, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]])
@pytest.mark.parametrize("links", [10, 200])
def test_readiness_costs_the_same_queries_whatever_the_size(
    django_assert_num_queries, standards, links
):
    worker = new_worker("lincs.size", "lincolnshire")
    application = open_application(worker, route_of("L1-L2"), allocated_standards=standards)
    items = [make_item(worker, title=f"Case {n}") for n in range(links // len(standards) + 1)]
    EvidenceLink.objects.bulk_create(
        EvidenceLink(application=application, item=items[n // len(standards)],
                     standard=kss(standards[n % len(standards)]))
        for n in range(links)
    )  # fmt: skip
    application = Application.objects.select_related(
        "route__framework", "route__to_level", "route__from_level", "applicant"
    ).get(pk=application.pk)  # as the application pages fetch it
    # 1 the route's rules, 2 the target level's criteria, 3 their rules, 4 the links with their
    # items and standards, 5 the answers, 6 the attestations, 7 the managers' declarations,
    # 8 the applicant's current level (once, even though this worker has none recorded), 9 the
    # standards of the policy's set.
    with django_assert_num_queries(9):
        readiness = application_readiness(application=application, on=TODAY)
    assert len([group for group in readiness.groups if group.key.startswith("standard-")]) == len(
        standards
    )


def _application_with(worker, standards, links):
    application = open_application(worker, route_of("L1-L2"), allocated_standards=standards)
    items = [make_item(worker, title=f"Case {n}") for n in range(links // len(standards) + 1)]
    EvidenceLink.objects.bulk_create(
        EvidenceLink(application=application, item=items[n // len(standards)],
                     standard=kss(standards[n % len(standards)]))
        for n in range(links)
    )  # fmt: skip
    return application


@pytest.mark.parametrize(("standards", "links"), [([4, 5], 10), (list(range(1, 11)), 200)])
def test_the_readiness_page_has_a_fixed_query_budget(
    client, django_assert_num_queries, standards, links
):
    worker = new_worker("lincs.page", "lincolnshire")
    application = _application_with(worker, standards, links)
    client.force_login(worker)
    url = reverse("portfolios:application-readiness", args=[application.pk])
    # 1 the session, 2 the user, 3 their role memberships, 4 the application with its route,
    # framework, levels and applicant; the readiness check: 5 the route's rules, 6 the
    # criteria, 7 their rules, 8 the links with items and standards, 9 the answers, 10 the
    # attestations, 11 the current level (once, even though this worker has none recorded),
    # 12 the policy's standards; 13 the submissions (for their PDFs); 14 the organisation for
    # the header.
    with django_assert_num_queries(PAGE_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("govuk-summary-list__row") >= len(standards) * 3


def test_every_published_route_gets_a_report_with_each_rule_counted_once(demo_people):
    """Whole-portfolio lines never restate a criterion's or a standard's line."""
    from frameworks.models import FrameworkStatus, ProgressionRoute

    routes = ProgressionRoute.objects.filter(framework__status=FrameworkStatus.PUBLISHED)
    assert routes.count() > 10
    for route in routes.select_related("framework__organisation", "to_level", "from_level"):
        worker = new_worker(f"reader.{route.pk}", route.framework.organisation.slug)
        application = open_application(worker, route, allocated_standards=[4, 5, 7, 1, 2])
        readiness = application_readiness(application=application, on=TODAY)
        assert readiness.lines, route.code
        # An empty application has something missing, with the place that fixes it.
        assert any(line.url for line in readiness.missing), route.code
        scoped = [
            group for group in readiness.groups
            if group.key.startswith(("criterion-", "standard-"))
        ]  # fmt: skip
        whole = next((g for g in readiness.groups if g.key == "portfolio"), None)
        if whole and scoped:
            rules = {str(sorted(line.rule.items())) for line in whole.lines}
            for group in scoped:
                for line in group.lines:
                    assert str(sorted(line.rule.items())) not in rules, (route.code, line)


def test_a_missing_observation_points_to_the_forms_observation_task_not_the_library():
    """Dudley's Appendix C observation is recorded and signed by the observer, so it is already
    in the worker's library: the line sends them to link it; other documents go to the library."""
    worker = new_worker("dudley.reader", "dudley")
    application = open_application(worker, route_of("SW-SSW"))
    readiness = application_readiness(application=application, on=TODAY)
    observation_task = reverse(
        "portfolios:application-links", args=[application.pk, "practice_observation_form"]
    )
    observed = [line for line in readiness.missing if "Practice Observation" in line.requirement]
    assert len(observed) == 2  # one of 1 observation, rated 3 or above
    for line in observed:
        assert (line.url, line.url_text) == (observation_task, "Link your signed observation")

    lincolnshire = open_application(new_worker("lincs.observed", "lincolnshire"), route_of("L1-L2"))
    lines = lines_of(application_readiness(application=lincolnshire, on=TODAY), "portfolio")
    assert {line.url_text for line in lines.values()} == {"Add it to your evidence library"}


def test_standards_still_to_allocate_point_to_the_page_that_books(lincolnshire_application):
    application = lincolnshire_application
    type(application).objects.filter(pk=application.pk).update(allocated_standards=[])
    application.refresh_from_db()
    line = lines_of(application_readiness(application=application, on=TODAY), "standards")[
        "Standards allocated"
    ]
    assert line.status == NOT_MET
    assert line.url == reverse("panels:application-book", args=[application.pk])
    assert line.url_text == "Book your panel place"
