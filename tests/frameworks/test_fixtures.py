"""Every seed is fully present: counts per level and category, sample texts, the numbers as
rules, and the route facts. A lost row fails here."""

from collections import Counter

import pytest

from frameworks.models import Criterion, Framework, Level, ProgressionRoute, Rule, Standard

Q, K, E, S, DA = "qualifications", "knowledge", "experience", "skills", "development_activities"

# (organisation slug, framework slug) -> {level code: {category: count}}
COUNTS = {
    ("medway", "asc-social-workers"): {
        "SW2A": {Q: 4, K: 1, E: 1, S: 1},
        "SW2B": {Q: 1, K: 1, E: 2, S: 1},
        "SW2C": {Q: 1, K: 1, E: 2, S: 1},
        "SW3A": {Q: 2, K: 1, E: 2, S: 1},
        "SW3B": {Q: 2, E: 2},
        "SW3C": {Q: 1, K: 3, E: 3, S: 5},
        "SW4A": {Q: 2, K: 1, E: 2, S: 1},
        "SW4B": {Q: 1, K: 1, E: 2, S: 1},
        "SW4C": {K: 1, E: 2, S: 5},
    },
    ("medway", "specialist-assessment-team"): {
        "MHPA": {Q: 4, K: 2, E: 3},
        "MHPB": {Q: 2, K: 2, E: 6},
        "MHPC": {Q: 1, K: 3, E: 4},
        "DVWA": {Q: 3, K: 2, E: 3, S: 3},
        "DVWB": {Q: 2, K: 2, E: 5, S: 4},
        "DVWC": {Q: 1, K: 2, E: 5, S: 1},
        "FPCA": {Q: 2, K: 5, E: 6, S: 8},
        "FPCB": {Q: 2, K: 5, E: 7, S: 4},
        "FPCC": {Q: 1, K: 2, E: 3, S: 2},
    },
    ("medway", "family-worker"): {
        "FWA": {Q: 2, K: 4, E: 5, S: 7},
        "FWB": {Q: 1, K: 7, E: 11, S: 6},
        "FWC": {Q: 1, K: 4, E: 13, S: 1},
    },
    ("lincolnshire", "childrens-social-workers"): {
        "L1-ASYE": {Q: 1},
        "L1": {Q: 1, K: 1, S: 1},
        "L2": {K: 2, E: 6, S: 3, DA: 4},
    },
    ("dudley", "childrens-social-workers"): {
        "SW": {S: 5, DA: 2},
        "SSW": {Q: 1, K: 1, E: 4, S: 1},
        "SWA": {E: 1, DA: 1},
        "RSW": {Q: 1, DA: 1},
    },
}


def framework(organisation, slug):
    return Framework.objects.get(organisation__slug=organisation, slug=slug, version=1)


@pytest.mark.parametrize("key", list(COUNTS), ids=lambda key: "/".join(key))
def test_every_level_has_every_criterion_of_every_category(db, key):
    levels = Level.objects.filter(role__framework=framework(*key)).prefetch_related("criteria")
    found = {
        level.code: dict(Counter(criterion.category for criterion in level.criteria.all()))
        for level in levels
    }
    assert found == COUNTS[key]


@pytest.mark.parametrize(
    "key, roles",
    [
        (("medway", "asc-social-workers"),
         ["Social Worker (including Newly Qualified)", "Senior Social Worker", "Team Manager"]),
        (("medway", "specialist-assessment-team"),
         ["Mental Health Practitioner", "Domestic Violence Worker",
          "Family Partnership Coordinator"]),
        (("medway", "family-worker"), ["Family Worker"]),
        (("lincolnshire", "childrens-social-workers"),
         ["Level 1 Social Worker", "Level 2 Social Worker"]),
        (("dudley", "childrens-social-workers"),
         ["Social Worker", "Senior Social Worker", "Social Work Apprentice",
          "Returning Social Worker"]),
    ],
)  # fmt: skip
def test_every_role_is_present(db, key, roles):
    assert list(framework(*key).roles.values_list("title", flat=True)) == roles


@pytest.mark.parametrize(
    "key, level, text",
    [
        (("medway", "asc-social-workers"), "SW2A",
         "Year 1 (ASYE): Provide certificates evidencing attainment of degree in Social Work"),
        (("medway", "asc-social-workers"), "SW3A",
         "Demonstrates awareness of knowledge requirements through interview or in application."),
        (("medway", "specialist-assessment-team"), "MHPA",
         "GCSE's Grade 5 and above including English and Maths or equivalent qualification."),
        (("medway", "family-worker"), "FWA",
         "Four GCSEs to include English and Maths at Grade C or equivalent level 2 qualification"),
        (("medway", "family-worker"), "FWA", "Knowledge of equality and diversity principles"),
        (("lincolnshire", "childrens-social-workers"), "L2",
         "At the time of the panel, qualified for two years from date of registration with "
         "Social Work England (SWE)."),
        (("dudley", "childrens-social-workers"), "SSW", "Qualified for 30 months or more."),
    ],
)  # fmt: skip
def test_sample_criteria_keep_the_seed_wording(db, key, level, text):
    assert Criterion.objects.filter(
        level__role__framework=framework(*key), level__code=level, text=text
    ).exists()


def rules_of(key, level):
    """The rules on a level's criteria, without their notes and sources."""
    return [
        {name: value for name, value in rule.as_dict().items() if name not in ("note", "source")}
        for rule in Rule.objects.filter(
            criterion__level__role__framework=framework(*key), criterion__level__code=level
        )
    ]


def test_medway_time_at_level_and_counts_are_rules(db):
    sat = ("medway", "specialist-assessment-team")
    assert {"type": "min_months_at_level", "months": 18} in rules_of(sat, "MHPB")
    assert {"type": "min_evidence", "count": 5, "kinds": ["case_example"]} in rules_of(sat, "FPCA")
    asc = ("medway", "asc-social-workers")
    assert {"type": "min_months_at_level", "months": 24} in rules_of(asc, "SW2B")
    assert {"type": "max_words", "words": 500} in rules_of(asc, "SW2C")


def test_lincolnshire_route_allocates_kss_4_5_7_and_two_more_and_attests_9_and_10(db):
    route = ProgressionRoute.objects.get(
        framework=framework("lincolnshire", "childrens-social-workers"), code="L1-L2"
    )
    policy = route.standards_policy
    assert policy["always"] == [4, 5, 7]
    assert policy["allocate"] == 2
    assert policy["allocate_from"] == [1, 2, 3, 6, 8]
    assert policy["worker_may_choose"] is False
    assert policy["attested"] == [
        {"standards": [9, 10], "by": ["practice_supervisor", "team_manager"]}
    ]
    assert policy["min_case_examples_per_standard"] == 2
    assert policy["min_learning_events_per_standard"] == 1
    eligibility = [r.as_dict() for r in route.rules.filter(scope="eligibility")]
    assert {"type": "min_months_since", "months": 24, "since": "registration"} in eligibility
    evidence = [r.as_dict() for r in route.rules.filter(scope="evidence")]
    assert {"type": "recency", "kind": "practice_observation", "within_months": [6, 9]} in [
        {key: rule[key] for key in ("type", "kind", "within_months") if key in rule}
        for rule in evidence
    ]
    assert route.panel["months"] == [4, 9, 12]
    assert route.panel["letter_within_hours"] == 24
    assert route.panel["appeal_working_days"] == 10
    assert "Assistant Director" in route.panel["appeal_authority"]
    assert route.effective_date_rule == "panel_date"
    assert "SCP 25" in route.pay_outcome and "G9" in route.pay_outcome


def test_dudley_senior_route_needs_all_ten_statements_within_500_words(db):
    route = ProgressionRoute.objects.get(
        framework=framework("dudley", "childrens-social-workers"), code="SW-SSW"
    )
    assert route.standards_policy["mode"] == "all"
    assert route.standards_policy["max_words_per_standard"] == 500
    assert route.standards_policy["sources_of_evidence_required"] is True
    assert route.panel["submission_lead_days"] == 14
    assert route.effective_date_rule == "panel_date"
    eligibility = [r.as_dict() for r in route.rules.filter(scope="eligibility")]
    assert {"type": "permanent_contract"} in eligibility
    assert {"type": "min_months_since", "months": 30, "since": "qualification"} in eligibility
    assert {"type": "min_rating", "kind": "practice_observation", "rating": 3, "scale": 4} in [
        r.as_dict() for r in route.rules.all()
    ]


def test_dudley_entry_routes_give_an_outcome_within_three_working_days(db):
    routes = ProgressionRoute.objects.filter(
        framework=framework("dudley", "childrens-social-workers"), kind="entry"
    )
    assert routes.count() == 2
    for route in routes:
        assert route.from_level is None
        assert route.panel["letter_within_working_days"] == 3


def test_all_ten_kss_are_present_in_full(db):
    kss = Standard.objects.filter(standard_set__code="kss_child_family").order_by("number")
    assert list(kss.values_list("number", flat=True)) == list(range(1, 11))
    assert kss.get(number=1).title == "Relationships and effective direct work"
    for standard in kss:
        assert len(standard.text.split()) > 80, standard
    assert Standard.objects.filter(standard_set__code="pcf").count() == 9


def test_the_crosswalk_links_criteria_to_the_statements(db):
    criterion = Criterion.objects.get(
        level__role__framework=framework("dudley", "childrens-social-workers"),
        level__code="SSW",
        category="knowledge",
    )
    assert criterion.standards.filter(standard_set__code="kss_child_family").count() == 10
    assert criterion.standards.filter(standard_set__code="pcf").count() == 9


def test_the_councils_forms_are_kept_for_the_application_forms(db):
    assert set(framework("dudley", "childrens-social-workers").forms) == {
        "application_form",
        "supporting_evidence_form",
        "practice_observation_form",
    }
    assert "progression_document" in framework("lincolnshire", "childrens-social-workers").forms


@pytest.mark.parametrize(
    "key, code, steps",
    [
        (
            ("lincolnshire", "childrens-social-workers"),
            "L1-L2",
            {"booking": "worker_books_after_agreement", "manager_report": True,
             "endorsement_by": "team_manager", "decided_by": "panel"},
        ),
        (
            ("dudley", "childrens-social-workers"),
            "SW-SSW",
            {"booking": "coordinator_books_after_referral", "referral_by": "team_manager",
             "eligibility_check_by": "progression_coordinator", "decided_by": "panel"},
        ),
        (("dudley", "childrens-social-workers"), "ENTRY-SWA", {"decided_by": "panel"}),
        (("medway", "family-worker"), "FWA-FWB", {"booking": None, "decided_by": "line_manager"}),
        (("medway", "asc-social-workers"), "SW2A-SW2B", {"decided_by": "line_manager"}),
        (
            ("medway", "specialist-assessment-team"),
            "MHPA-MHPB",
            {"decided_by": "line_manager", "endorsement_by": None},
        ),
    ],
)  # fmt: skip
def test_each_route_says_which_steps_its_applications_take(db, key, code, steps):
    route = framework(*key).routes.get(code=code)
    assert {name: route.workflow[name] for name in steps} == steps


def test_every_route_has_a_workflow(db):
    assert not ProgressionRoute.objects.filter(workflow__isnull=True).exists()
