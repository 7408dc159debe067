"""The self-assessment knows what the service knows: the employment record and the library."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from frameworks import facts as facts_module
from frameworks.facts import criteria_standing, person_facts, register_evidence_source
from frameworks.models import Criterion, DevelopmentPlan, Framework, Level
from frameworks.rules import EvidenceItem
from frameworks.selectors import criteria_for_target


def dudley_senior():
    return Level.objects.get(role__framework__organisation__slug="dudley", code="SSW")


def observation_criterion(level):
    return level.criteria.get(rules__type="min_rating")


@pytest.fixture
def library(monkeypatch):
    """An evidence source standing in for the worker's library: a list the test fills."""
    items = []
    monkeypatch.setattr(facts_module, "_evidence_sources", [])
    register_evidence_source(lambda *, person, on: tuple(items))
    return items


def test_the_facts_come_from_the_employment_record_and_every_evidence_source(demo_people, library):
    worker = demo_people["dudley.worker"]
    library.append(EvidenceItem("practice_observation", datetime.date(2026, 1, 5), rating=3))
    facts, note = person_facts(person=worker, on=datetime.date(2026, 2, 1), with_evidence=True)
    assert facts.qualification_date == worker.qualification_date
    assert facts.level_started_on == datetime.date(2022, 9, 5)
    assert facts.evidence == tuple(library)
    assert note == ""
    facts, _ = person_facts(person=worker, on=datetime.date(2026, 2, 1))
    assert facts.evidence == ()  # route eligibility does not read the library


def test_registering_a_source_twice_counts_its_evidence_once(monkeypatch):
    monkeypatch.setattr(facts_module, "_evidence_sources", [])

    def source(*, person, on):
        return (EvidenceItem("case_example", None),)

    register_evidence_source(source)
    register_evidence_source(source)
    assert facts_module.evidence_of(person=None, on=None) == (EvidenceItem("case_example", None),)


def test_the_observation_criterion_is_met_by_a_recent_observation_rated_3(demo_people, library):
    worker, level = demo_people["dudley.worker"], dudley_senior()
    criteria = list(criteria_for_target(level=level))
    criterion = observation_criterion(level)
    on = datetime.date(2026, 2, 1)

    standing = criteria_standing(person=worker, criteria=criteria, on=on)
    assert not standing[criterion.pk].met
    assert "No practice observation rated yet" in [r.reason for r in standing[criterion.pk].results]

    library.append(EvidenceItem("practice_observation", datetime.date(2026, 1, 5), rating=2))
    standing = criteria_standing(person=worker, criteria=criteria, on=on)
    assert not standing[criterion.pk].met  # rated 2: 3 or above is needed

    library.append(EvidenceItem("practice_observation", datetime.date(2026, 1, 20), rating=3))
    standing = criteria_standing(person=worker, criteria=criteria, on=on)
    assert standing[criterion.pk].met
    reasons = [result.reason for result in standing[criterion.pk].results]
    assert "Practice observation rated 3 of 4 (3 or above needed)" in reasons


def test_rules_about_an_application_are_left_to_the_application(demo_people, library):
    level = dudley_senior()
    criteria = list(criteria_for_target(level=level))
    words = level.criteria.get(rules__type="max_words")
    judged = level.criteria.get(rules__type="no_formal_procedures")
    standing = criteria_standing(
        person=demo_people["dudley.worker"], criteria=criteria, on=datetime.date(2026, 2, 1)
    )
    assert words.pk not in standing  # the statement is written in an application
    assert standing[judged.pk].status == "needs judgement"


def checkbox(html, criterion):
    match = re.search(rf'<input[^>]*name="have_{criterion.pk}"[^>]*>', html)
    return match.group(0)


def test_the_page_shows_where_the_worker_stands_and_ticks_what_is_met(client, demo_people, library):
    worker, level = demo_people["dudley.worker"], dudley_senior()
    library.append(EvidenceItem("practice_observation", timezone.localdate(), rating=3))
    client.force_login(worker)
    html = client.get(reverse("frameworks:self-assessment", args=[level.pk])).content.decode()

    assert "Where you stand today" in html
    assert "Practice observation rated 3 of 4 (3 or above needed)" in html
    assert "checked" in checkbox(html, observation_criterion(level))
    qualified = level.criteria.get(rules__type="min_months_since")
    assert "months since qualifying" in html
    assert "checked" in checkbox(html, qualified)  # qualified in 2022
    judged = level.criteria.get(rules__type="no_formal_procedures")
    assert "checked" not in checkbox(html, judged)  # waits for the line manager
    assert "(when you apply)" in html  # the 500-word statement


def test_a_saved_plan_says_what_the_person_decided_whatever_the_service_knows(
    client, demo_people, library
):
    worker, level = demo_people["dudley.worker"], dudley_senior()
    library.append(EvidenceItem("practice_observation", timezone.localdate(), rating=4))
    plan = DevelopmentPlan.objects.create(person=worker, target_level=level)
    client.force_login(worker)
    url = reverse("frameworks:self-assessment-update", args=[level.pk, plan.pk])
    html = client.get(url).content.decode()
    assert "Practice observation rated 4 of 4" in html  # still shown
    assert "checked" not in checkbox(html, observation_criterion(level))  # not overridden


def test_a_page_posted_with_nothing_ticked_saves_nothing_ticked(client, demo_people, library):
    worker, level = demo_people["dudley.worker"], dudley_senior()
    library.append(EvidenceItem("practice_observation", timezone.localdate(), rating=3))
    client.force_login(worker)
    client.post(reverse("frameworks:self-assessment", args=[level.pk]), {})
    assert list(DevelopmentPlan.objects.get(person=worker).have.all()) == []


def headings(html):
    return re.findall(r'<h2 class="govuk-heading-m app-assessment-heading">([^<]+)</h2>', html)


def test_each_category_is_shown_once_in_the_seeds_order(client, demo_people):
    client.force_login(demo_people["dudley.worker"])
    html = client.get(reverse("frameworks:self-assessment", args=[dudley_senior().pk]))
    # The seed lists "Permanently employed" (experience) first, then the qualification.
    assert headings(html.content.decode()) == [
        "Experience",
        "Qualifications",
        "Knowledge",
        "Skills",
    ]


def test_a_cumulative_level_lists_each_category_once_with_earlier_levels_criteria(
    client, demo_people
):
    framework = Framework.objects.get(organisation__slug="medway", slug="family-worker", version=1)
    level = Level.objects.filter(role__framework=framework, cumulative=True).order_by("-order")[0]
    client.force_login(demo_people["medway.family-worker"])
    html = client.get(reverse("frameworks:self-assessment", args=[level.pk])).content.decode()
    found = headings(html)
    assert len(found) == len(set(found))
    categories = Criterion.objects.filter(
        level__role=level.role, level__order__lte=level.order
    ).values_list("category", flat=True)
    assert len(found) == len(set(categories))
    assert "From level" in html


@pytest.mark.parametrize("size", [10, 1000])
def test_query_budget_does_not_grow_with_the_library(
    client, demo_people, django_assert_num_queries, library, size
):
    worker, level = demo_people["dudley.worker"], dudley_senior()
    library.extend(
        EvidenceItem("practice_observation", datetime.date(2025, 1, 1), rating=3)
        for _ in range(size)
    )
    client.force_login(worker)
    url = reverse("frameworks:self-assessment", args=[level.pk])
    # session, user, roles, organisation (every page); the level; its criteria; their rules;
    # the worker's current level. The library source here reads no database.
    with django_assert_num_queries(4 + 4):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("size", [10, 1000])
def test_query_budget_with_the_real_library(client, demo_people, django_assert_num_queries, size):
    from portfolios.models import EvidenceItem as LibraryItem

    worker, level = demo_people["dudley.worker"], dudley_senior()
    LibraryItem.objects.bulk_create(
        LibraryItem(owner=worker, kind="case_example", title=f"Case {n}",
                    dated=datetime.date(2025, 1, 1))
        for n in range(size)
    )  # fmt: skip
    client.force_login(worker)
    url = reverse("frameworks:self-assessment", args=[level.pk])
    # session, user, roles, organisation (every page); the level; its criteria; their rules;
    # the worker's current level; their library as facts (one query, whatever its size).
    with django_assert_num_queries(4 + 5):
        assert client.get(url).status_code == 200
