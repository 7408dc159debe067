"""The rule evaluator, checked against the seeds' own rules at their boundaries (the day before,
the day of, the day after) and by properties over dates, words and evidence. No database."""

import dataclasses
import datetime
import itertools
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from frameworks.rules import (
    EVIDENCE_KINDS,
    JUDGEMENT,
    MET,
    NOT_MET,
    ROLES,
    RULE_TYPES,
    EvidenceItem,
    Facts,
    ReadinessReport,
    RuleResult,
    add_months,
    count_words,
    evaluate,
    months_between,
    recency_assignment,
    validate_rule,
)

D = datetime.date
DAY = datetime.timedelta(days=1)
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "frameworks"

dates = st.dates(min_value=D(1990, 1, 1), max_value=D(2090, 12, 31))
month_counts = st.integers(min_value=0, max_value=240)
leap_years = st.integers(min_value=1992, max_value=2088).filter(lambda y: y % 4 == 0)


def check(rule, on, **facts):
    """The one result of one rule."""
    (result,) = evaluate([rule], Facts(**facts), on).results
    return result


def status(rule, on, **facts):
    return check(rule, on, **facts).status


def items(kind, *days, **extra):
    return tuple(EvidenceItem(kind, day, **extra) for day in days)


def observation(day, rating=None):
    return EvidenceItem("practice_observation", day, rating=rating)


# --- add_months and months_between -----------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2024, 8, 31), 6, D(2025, 2, 28)),
        (D(2023, 8, 31), 6, D(2024, 2, 29)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2024, 2, 29), 48, D(2028, 2, 29)),
        (D(2025, 1, 31), 1, D(2025, 2, 28)),
        (D(2025, 3, 31), 1, D(2025, 4, 30)),
        (D(2025, 12, 15), 1, D(2026, 1, 15)),
        (D(2025, 3, 31), -1, D(2025, 2, 28)),
        (D(2025, 1, 15), -13, D(2023, 12, 15)),
        (D(2025, 1, 15), 0, D(2025, 1, 15)),
    ],
)
def test_add_months_counts_calendar_months_and_clamps_to_the_months_end(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2023, 3, 15), D(2025, 3, 14), 23),
        (D(2023, 3, 15), D(2025, 3, 15), 24),
        (D(2025, 1, 31), D(2025, 2, 27), 0),
        (D(2025, 1, 31), D(2025, 2, 28), 1),
        (D(2024, 2, 29), D(2025, 2, 28), 12),
        (D(2025, 5, 1), D(2025, 4, 30), 0),
        (D(2025, 5, 1), D(2020, 1, 1), 0),
    ],
)
def test_months_between_counts_whole_calendar_months(start, end, expected):
    assert months_between(start, end) == expected


@given(dates, month_counts)
def test_months_between_undoes_add_months(day, n):
    assert months_between(day, add_months(day, n)) == n


@given(dates, dates)
def test_months_between_is_the_largest_n_that_fits(start, end):
    n = months_between(start, end)
    if end < start:
        assert n == 0
    else:
        assert add_months(start, n) <= end < add_months(start, n + 1)


@given(dates, dates, dates)
def test_months_between_never_goes_down_as_the_end_moves_later(start, one, other):
    early, late = sorted([one, other])
    assert months_between(start, early) <= months_between(start, late)


@given(dates, st.integers(min_value=-240, max_value=240))
def test_add_months_keeps_the_day_unless_the_month_is_too_short(day, n):
    later = add_months(day, n)
    assert (later.year * 12 + later.month) - (day.year * 12 + day.month) == n
    if later.day != day.day:
        assert later.day < day.day
        assert (later + DAY).day == 1  # clamped to the last day of the month


@given(dates, month_counts)
def test_add_months_is_monotonic(day, n):
    assert add_months(day, n) <= add_months(day, n + 1)
    assert add_months(day, n) <= add_months(day + DAY, n)


# --- min_months_since and min_months_at_level -------------------------------------------------

TWO_YEARS_SINCE_REGISTRATION = {"type": "min_months_since", "months": 24, "since": "registration"}
THIRTY_MONTHS_SINCE_QUALIFYING = {
    "type": "min_months_since",
    "months": 30,
    "since": "qualification",
}


def test_lincolnshire_two_years_since_registration_is_met_on_the_second_anniversary():
    registered = D(2023, 3, 15)
    before = check(TWO_YEARS_SINCE_REGISTRATION, D(2025, 3, 14), registration_date=registered)
    assert before.status == NOT_MET
    assert (before.have, before.need) == (23, 24)
    assert before.reason == (
        "23 of 24 months since registration with Social Work England "
        "(you reach 24 months on 15 March 2025)"
    )
    on_the_day = check(TWO_YEARS_SINCE_REGISTRATION, D(2025, 3, 15), registration_date=registered)
    assert on_the_day.status == MET
    assert on_the_day.reason == "24 of 24 months since registration with Social Work England"
    assert status(TWO_YEARS_SINCE_REGISTRATION, D(2025, 3, 16), registration_date=registered) == MET


def test_lincolnshire_registration_rule_ignores_the_qualification_date():
    result = check(TWO_YEARS_SINCE_REGISTRATION, D(2025, 3, 15), qualification_date=D(2010, 1, 1))
    assert result.status == NOT_MET
    assert result.reason == "No registration date is recorded"


def test_dudley_thirty_months_since_qualifying():
    # 31 August 2022 + 30 months is 28 February 2025: there is no 31 February.
    qualified = D(2022, 8, 31)
    assert status(THIRTY_MONTHS_SINCE_QUALIFYING, D(2025, 2, 27), qualification_date=qualified) == (
        NOT_MET
    )
    assert status(THIRTY_MONTHS_SINCE_QUALIFYING, D(2025, 2, 28), qualification_date=qualified) == (
        MET
    )
    later = check(THIRTY_MONTHS_SINCE_QUALIFYING, D(2025, 3, 1), qualification_date=qualified)
    assert later.status == MET
    assert later.reason == "30 of 30 months since qualifying"
    well_after = check(THIRTY_MONTHS_SINCE_QUALIFYING, D(2026, 3, 1), qualification_date=qualified)
    assert well_after.reason == "42 months since qualifying (30 needed)"


def test_dudley_thirty_months_without_a_qualification_date_is_not_met():
    result = check(THIRTY_MONTHS_SINCE_QUALIFYING, D(2025, 3, 1))
    assert result.status == NOT_MET
    assert result.reason == "No qualification date is recorded"


MEDWAY_EIGHTEEN_MONTHS_AT_LEVEL = {"type": "min_months_at_level", "months": 18}


def test_medway_eighteen_months_at_level_a_is_met_on_the_day_they_are_up():
    started = D(2024, 1, 15)
    before = check(MEDWAY_EIGHTEEN_MONTHS_AT_LEVEL, D(2025, 7, 14), level_started_on=started)
    assert before.status == NOT_MET
    assert before.reason == (
        "17 of 18 months at your current level (you reach 18 months on 15 July 2025)"
    )
    assert status(MEDWAY_EIGHTEEN_MONTHS_AT_LEVEL, D(2025, 7, 15), level_started_on=started) == MET
    assert status(MEDWAY_EIGHTEEN_MONTHS_AT_LEVEL, D(2025, 7, 16), level_started_on=started) == MET


def test_months_at_level_without_a_start_date_is_not_met():
    result = check(MEDWAY_EIGHTEEN_MONTHS_AT_LEVEL, D(2025, 7, 15))
    assert result.status == NOT_MET
    assert result.reason == "No start date is recorded for your current level"


def test_a_level_started_in_the_future_has_no_months_yet():
    result = check(MEDWAY_EIGHTEEN_MONTHS_AT_LEVEL, D(2025, 1, 1), level_started_on=D(2025, 6, 1))
    assert (result.status, result.have) == (NOT_MET, 0)


@given(leap_years)
def test_a_level_started_on_29_february_has_a_year_on_28_february(year):
    rule = {"type": "min_months_at_level", "months": 12}
    started = D(year, 2, 29)
    assert status(rule, D(year + 1, 2, 27), level_started_on=started) == NOT_MET
    assert status(rule, D(year + 1, 2, 28), level_started_on=started) == MET
    four_years = {"type": "min_months_at_level", "months": 48}
    assert status(four_years, D(year + 4, 2, 28), level_started_on=started) == NOT_MET
    assert status(four_years, D(year + 4, 2, 29), level_started_on=started) == MET


@given(leap_years)
def test_six_months_from_31_august_ends_on_29_february_in_a_leap_year(year):
    rule = {"type": "min_months_since", "months": 6, "since": "qualification"}
    qualified = D(year - 1, 8, 31)
    assert status(rule, D(year, 2, 28), qualification_date=qualified) == NOT_MET
    assert status(rule, D(year, 2, 29), qualification_date=qualified) == MET


@given(dates, st.integers(min_value=1, max_value=120))
def test_a_months_rule_is_met_from_the_anniversary_and_not_the_day_before(start, months):
    rule = {"type": "min_months_at_level", "months": months}
    anniversary = add_months(start, months)
    assert status(rule, anniversary - DAY, level_started_on=start) == NOT_MET
    assert status(rule, anniversary, level_started_on=start) == MET
    assert status(rule, anniversary + DAY, level_started_on=start) == MET


@given(
    st.integers(min_value=1991, max_value=2089),
    st.sampled_from([1, 3, 5, 7, 8, 10, 12]),
    st.integers(1, 60),
)
def test_a_start_on_the_31st_reaches_its_anniversary_on_the_last_day_of_a_short_month(
    year, month, months
):
    start = D(year, month, 31)
    anniversary = add_months(start, months)
    assert (anniversary + DAY).day == 1  # always the last day of the month it lands in
    rule = {"type": "min_months_at_level", "months": months}
    assert status(rule, anniversary - DAY, level_started_on=start) == NOT_MET
    assert status(rule, anniversary, level_started_on=start) == MET


# --- min_evidence ---------------------------------------------------------------------------

FIVE_CASE_EXAMPLES = {"type": "min_evidence", "count": 5, "kinds": ["case_example"]}


@pytest.mark.parametrize(
    ("how_many", "expected", "reason"),
    [
        (4, NOT_MET, "4 of 5 case examples"),
        (5, MET, "5 of 5 case examples"),
        (6, MET, "6 case examples (5 needed)"),
    ],
)
def test_medway_five_case_examples(how_many, expected, reason):
    evidence = items("case_example", *[D(2025, 1, 1)] * how_many) + items("plan", D(2025, 1, 1))
    result = check(FIVE_CASE_EXAMPLES, D(2025, 6, 1), evidence=evidence)
    assert (result.status, result.reason, result.have, result.need) == (
        expected,
        reason,
        how_many,
        5,
    )


def test_medway_training_courses_or_briefings_count_either_kind():
    rule = {
        "type": "min_evidence",
        "count": 3,
        "kinds": ["training_certificate", "learning_event"],
        "note": "training courses attended or briefing sessions",
    }
    evidence = items("training_certificate", D(2025, 1, 1)) + items("learning_event", None)
    result = check(rule, D(2025, 6, 1), evidence=evidence)
    assert result.status == NOT_MET
    assert result.reason == "2 of 3 training certificates or learning events"
    evidence += items("learning_event", D(2025, 2, 1))
    assert status(rule, D(2025, 6, 1), evidence=evidence) == MET


def test_evidence_of_any_kind_counts_when_the_rule_names_no_kind():
    rule = {"type": "min_evidence", "count": 2, "note": "feedback to and from colleagues"}
    result = check(rule, D(2025, 6, 1), evidence=items("plan", None))
    assert result.reason == "1 of 2 pieces of evidence"
    assert status(rule, D(2025, 6, 1), evidence=items("plan", None, None)) == MET


def test_one_appraisal_is_named_in_the_singular():
    rule = {"type": "min_evidence", "count": 1, "kinds": ["appraisal"]}
    assert check(rule, D(2025, 6, 1)).reason == "0 of 1 appraisal"


# --- permanent_contract, asye_completed, no_formal_procedures ---------------------------------


@pytest.mark.parametrize(
    ("contract", "expected", "reason"),
    [
        ("permanent", MET, "You are on a permanent contract"),
        ("temporary", NOT_MET, "You are on a temporary contract; this route needs a permanent one"),
        (None, JUDGEMENT, "Your contract type is not recorded yet"),
    ],
)
def test_dudley_permanent_staff_only(contract, expected, reason):
    result = check({"type": "permanent_contract"}, D(2025, 6, 1), contract_type=contract)
    assert (result.status, result.reason) == (expected, reason)


@pytest.mark.parametrize(
    ("completed", "expected"), [(True, MET), (False, NOT_MET), (None, JUDGEMENT)]
)
def test_lincolnshire_newly_qualified_must_have_passed_asye(completed, expected):
    assert status({"type": "asye_completed"}, D(2025, 6, 1), asye_completed=completed) == expected


DUDLEY_NO_PROCEDURES = {
    "type": "no_formal_procedures",
    "procedures": ["performance", "disciplinary", "sickness"],
    "declared_by": "line_manager",
}


def test_dudley_waits_for_the_line_manager_to_declare_no_procedures():
    result = check(DUDLEY_NO_PROCEDURES, D(2025, 6, 1))
    assert result.status == JUDGEMENT
    assert result.reason == (
        "Waiting for your line manager to declare whether you are subject to "
        "performance management, disciplinary or sickness absence procedures"
    )


def test_dudley_line_manager_declares_no_procedures():
    result = check(DUDLEY_NO_PROCEDURES, D(2025, 6, 1), declarations={"no_formal_procedures": True})
    assert result.status == MET
    assert result.reason.startswith("Your line manager declared you are not subject to")


def test_dudley_worker_subject_to_procedures_cannot_progress():
    result = check(
        DUDLEY_NO_PROCEDURES, D(2025, 6, 1), declarations={"no_formal_procedures": False}
    )
    assert result.status == NOT_MET
    assert result.reason.startswith("Your line manager declared you are subject to")


# --- max_words ------------------------------------------------------------------------------

DUDLEY_500_WORDS = {"type": "max_words", "words": 500}


@pytest.mark.parametrize(
    ("words", "expected", "reason"),
    [
        (None, NOT_MET, "No statement written yet"),
        (0, NOT_MET, "No statement written yet"),
        (412, MET, "412 of 500 words"),
        (499, MET, "499 of 500 words"),
        (500, MET, "500 of 500 words"),
        (501, NOT_MET, "501 words: 1 over the 500-word limit"),
        (523, NOT_MET, "523 words: 23 over the 500-word limit"),
    ],
)
def test_dudley_each_section_no_more_than_500_words(words, expected, reason):
    result = check(DUDLEY_500_WORDS, D(2025, 6, 1), words=words)
    assert (result.status, result.reason, result.need) == (expected, reason, 500)


def test_a_statement_counted_by_count_words_meets_the_limit_at_exactly_500():
    text = " ".join(["well-being"] * 500)
    assert status(DUDLEY_500_WORDS, D(2025, 6, 1), words=count_words(text)) == MET
    assert status(DUDLEY_500_WORDS, D(2025, 6, 1), words=count_words(text + " -")) == NOT_MET


# --- recency --------------------------------------------------------------------------------

SIX_AND_NINE = {"type": "recency", "kind": "practice_observation", "within_months": [6, 9]}
ON = D(2025, 8, 31)  # six months before is 28 February 2025; nine months before, 30 November 2024


def test_one_observation_within_six_months_and_one_within_nine():
    evidence = (observation(D(2025, 5, 1)), observation(D(2024, 12, 1)))
    result = check(SIX_AND_NINE, ON, evidence=evidence)
    assert result.status == MET
    assert (result.have, result.need) == (2, 2)
    assert result.reason == (
        "2 of 2 practice observations in time: "
        "one within the last 6 months and one within the last 9 months"
    )


def test_two_recent_observations_fill_both_windows():
    evidence = (observation(D(2025, 8, 1)), observation(D(2025, 7, 1)))
    assert status(SIX_AND_NINE, ON, evidence=evidence) == MET


def test_one_observation_cannot_fill_both_windows():
    result = check(SIX_AND_NINE, ON, evidence=(observation(D(2025, 8, 1)),))
    assert result.status == NOT_MET
    assert (result.have, result.need) == (1, 2)
    assert result.reason == (
        "1 of 2 practice observations in time; still needed: "
        "one within the last 9 months (on or after 30 November 2024)"
    )


def test_two_old_observations_leave_the_six_month_window_empty():
    evidence = (observation(D(2025, 1, 1)), observation(D(2024, 12, 1)))
    result = check(SIX_AND_NINE, ON, evidence=evidence)
    assert result.status == NOT_MET
    assert result.reason.endswith(
        "still needed: one within the last 6 months (on or after 28 February 2025)"
    )


@pytest.mark.parametrize(
    ("recent", "expected"),
    [
        (D(2025, 2, 27), NOT_MET),  # the day before the six-month window opens
        (D(2025, 2, 28), MET),  # the day it opens
        (D(2025, 3, 1), MET),
        (ON, MET),  # the day of the check
        (ON + DAY, NOT_MET),  # dated after the check: does not count yet
        (None, NOT_MET),  # undated: cannot be placed in a window
    ],
)
def test_the_six_month_window_at_its_edges(recent, expected):
    evidence = (observation(recent), observation(D(2024, 12, 1)))
    assert status(SIX_AND_NINE, ON, evidence=evidence) == expected


@pytest.mark.parametrize(
    ("older", "expected"),
    [(D(2024, 11, 29), NOT_MET), (D(2024, 11, 30), MET), (D(2024, 12, 1), MET)],
)
def test_the_nine_month_window_at_its_edges(older, expected):
    evidence = (observation(D(2025, 5, 1)), observation(older))
    assert status(SIX_AND_NINE, ON, evidence=evidence) == expected


def test_lincolnshire_two_pieces_of_feedback_within_six_months_must_be_two_different_items():
    rule = {"type": "recency", "kind": "service_user_feedback", "within_months": [6, 6]}
    one = items("service_user_feedback", D(2025, 7, 1))
    result = check(rule, ON, evidence=one)
    assert result.status == NOT_MET
    assert result.reason.endswith("one within the last 6 months (on or after 28 February 2025)")
    two = one + items("service_user_feedback", D(2025, 6, 1))
    result = check(rule, ON, evidence=two)
    assert result.status == MET
    assert result.reason.endswith("two within the last 6 months")


def test_recency_only_counts_its_own_kind():
    evidence = items("supervision_record", D(2025, 8, 1), D(2025, 7, 1))
    assert status(SIX_AND_NINE, ON, evidence=evidence) == NOT_MET


@given(dates, st.integers(min_value=1, max_value=24))
def test_a_window_opens_w_months_before_the_check_and_closes_on_the_day(on, months):
    rule = {"type": "recency", "kind": "plan", "within_months": [months]}
    opens = add_months(on, -months)
    for day, expected in [
        (opens - DAY, NOT_MET),
        (opens, MET),
        (on, MET),
        (on + DAY, NOT_MET),
    ]:
        assert status(rule, on, evidence=items("plan", day)) == expected


def _brute_force_best(dates_, windows, on):
    """The most windows any one-item-per-window assignment fills, trying every assignment."""
    usable = [d for d in dates_ if d is not None and d <= on]
    for size in range(len(windows), 0, -1):
        for chosen in itertools.combinations(windows, size):
            for picked in itertools.permutations(usable, size):
                if all(add_months(on, -w) <= d for w, d in zip(chosen, picked, strict=True)):
                    return size
    return 0


@given(
    on=dates,
    offsets=st.lists(st.one_of(st.none(), st.integers(-10, 400)), max_size=5),
    windows=st.lists(st.integers(1, 12), min_size=1, max_size=4),
)
def test_recency_is_met_exactly_when_some_assignment_fills_every_window(on, offsets, windows):
    dated = [None if offset is None else on - datetime.timedelta(days=offset) for offset in offsets]
    filled, unfilled = recency_assignment(dated, windows, on)
    best = _brute_force_best(dated, windows, on)
    assert len(filled) == best  # greedy fills as many windows as any assignment could
    assert sorted(filled + unfilled) == sorted(windows)
    rule = {"type": "recency", "kind": "plan", "within_months": windows}
    result = check(rule, on, evidence=tuple(EvidenceItem("plan", d) for d in dated))
    assert (result.status == MET) == (best == len(windows))
    assert (result.have, result.need) == (best, len(windows))


# --- min_rating -----------------------------------------------------------------------------

DUDLEY_THREE_OR_ABOVE = {
    "type": "min_rating",
    "kind": "practice_observation",
    "rating": 3,
    "scale": 4,
}


def test_a_practice_observation_rated_two_of_four_does_not_meet_dudleys_three_or_above():
    result = check(DUDLEY_THREE_OR_ABOVE, ON, evidence=(observation(D(2025, 5, 1), rating=2),))
    assert result.status == NOT_MET
    assert result.reason == "Practice observation rated 2 of 4 (3 or above needed)"
    assert (result.have, result.need) == (2, 3)


@pytest.mark.parametrize("rating", [3, 4])
def test_a_practice_observation_rated_three_or_four_meets_dudleys_three_or_above(rating):
    evidence = (observation(D(2025, 5, 1), rating=rating),)
    assert status(DUDLEY_THREE_OR_ABOVE, ON, evidence=evidence) == MET


def test_the_most_recent_rated_observation_is_the_one_that_counts():
    evidence = (
        observation(D(2025, 1, 1), rating=4),
        observation(D(2025, 5, 1), rating=2),
        observation(D(2025, 6, 1)),  # not rated yet
    )
    assert status(DUDLEY_THREE_OR_ABOVE, ON, evidence=evidence) == NOT_MET
    evidence += (observation(D(2025, 6, 2), rating=3),)
    assert status(DUDLEY_THREE_OR_ABOVE, ON, evidence=evidence) == MET


@pytest.mark.parametrize(("on", "expected"), [(ON - DAY, NOT_MET), (ON, NOT_MET), (ON + DAY, MET)])
def test_an_observation_rated_after_the_check_date_does_not_count_yet(on, expected):
    # A 4 dated after the check would otherwise replace the 2; it only counts from its own date.
    evidence = (observation(D(2025, 5, 1), rating=2), observation(ON + DAY, rating=4))
    assert status(DUDLEY_THREE_OR_ABOVE, on, evidence=evidence) == expected


def test_no_rated_observation_is_not_met():
    result = check(DUDLEY_THREE_OR_ABOVE, ON, evidence=(observation(D(2025, 5, 1)),))
    assert result.status == NOT_MET
    assert result.reason == "No practice observation rated yet"


# --- attestation and certificate_required -----------------------------------------------------

KSS_9_AND_10 = {"type": "attestation", "by": ["practice_supervisor", "team_manager"]}


@pytest.mark.parametrize(
    ("attested", "expected", "reason"),
    [
        (
            set(),
            NOT_MET,
            "Waiting for verification by your practice supervisor and your team manager",
        ),
        ({"team_manager"}, NOT_MET, "Waiting for verification by your practice supervisor"),
        (
            {"practice_supervisor", "line_manager"},
            NOT_MET,
            "Waiting for verification by your team manager",
        ),
        (
            {"practice_supervisor", "team_manager"},
            MET,
            "Verified by your practice supervisor and your team manager",
        ),
    ],
)
def test_lincolnshire_kss_9_and_10_verified_by_practice_supervisor_and_team_manager(
    attested, expected, reason
):
    result = check(KSS_9_AND_10, ON, attested_by=frozenset(attested))
    assert (result.status, result.reason) == (expected, reason)


ASYE_CERTIFICATE = {"type": "certificate_required", "what": "ASYE certificate"}


@pytest.mark.parametrize(
    ("evidence", "expected"),
    [
        ((), NOT_MET),
        (items("written_statement", D(2025, 1, 1)), NOT_MET),
        (items("written_statement", D(2025, 1, 1), certificate=True), MET),
        (items("training_certificate", None), MET),
    ],
)
def test_lincolnshire_asks_for_the_asye_certificate(evidence, expected):
    result = check(ASYE_CERTIFICATE, ON, evidence=evidence)
    assert result.status == expected
    assert "ASYE certificate" in result.reason


# --- evaluate and the report ----------------------------------------------------------------


def test_with_no_rules_the_panel_or_people_judge():
    report = evaluate([], Facts(), ON)
    assert len(report.results) == 1
    assert report.status == JUDGEMENT
    assert report.results[0].reason.startswith("No machine check")
    assert not report.met


def test_an_unknown_rule_type_is_refused():
    with pytest.raises(ValueError, match="Unknown rule type 'vibes'"):
        evaluate([{"type": "vibes"}], Facts(), ON)


def test_a_rule_missing_its_parameters_is_refused():
    with pytest.raises(ValueError, match="min_evidence needs 'count'"):
        evaluate([{"type": "min_evidence"}], Facts(), ON)


def test_note_and_source_on_a_rule_are_ignored_and_the_rule_is_returned_as_given():
    rule = {**FIVE_CASE_EXAMPLES, "note": "taking the lead", "source": [315, 316], "extra": 1}
    result = check(rule, ON)
    assert result.rule is rule
    assert result.status == NOT_MET


def test_the_report_is_not_met_if_anything_is_not_met_then_judgement_then_met():
    met = RuleResult({}, MET, "")
    judgement = RuleResult({}, JUDGEMENT, "")
    not_met = RuleResult({}, NOT_MET, "")
    assert ReadinessReport((met, met)).status == MET
    assert ReadinessReport((met, met)).met
    assert ReadinessReport((met, judgement)).status == JUDGEMENT
    assert ReadinessReport((judgement, not_met, met)).status == NOT_MET
    assert ReadinessReport((judgement, not_met, met, met)).counts == {
        MET: 2,
        NOT_MET: 1,
        JUDGEMENT: 1,
    }


def test_dudley_senior_social_worker_eligibility_all_together():
    rules = [
        {"type": "permanent_contract"},
        THIRTY_MONTHS_SINCE_QUALIFYING,
        DUDLEY_NO_PROCEDURES,
        {"type": "min_evidence", "count": 1, "kinds": ["practice_observation"]},
        DUDLEY_THREE_OR_ABOVE,
    ]
    facts = Facts(
        contract_type="permanent",
        qualification_date=D(2022, 8, 31),
        evidence=(observation(D(2025, 1, 10), rating=3),),
    )
    report = evaluate(rules, facts, D(2025, 2, 28))
    assert report.status == JUDGEMENT  # only the line manager's declaration is outstanding
    assert report.counts == {MET: 4, NOT_MET: 0, JUDGEMENT: 1}
    declared = dataclasses.replace(facts, declarations={"no_formal_procedures": True})
    assert evaluate(rules, declared, D(2025, 2, 28)).met
    assert evaluate(rules, declared, D(2025, 2, 27)).status == NOT_MET


def test_facts_and_results_can_be_hashed():
    assert hash(Facts(declarations={"no_formal_procedures": True}))
    assert hash(check(FIVE_CASE_EXAMPLES, ON))


# --- validate_rule --------------------------------------------------------------------------


def _fixture_rules():
    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key.endswith("rules") and isinstance(value, list):
                    yield from value
                else:
                    yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)

    for path in sorted(FIXTURES.glob("*.yaml")):
        yield from walk(yaml.safe_load(path.read_text()))


def test_every_rule_in_the_fixtures_is_valid_and_evaluates():
    rules = list(_fixture_rules())
    assert {rule["type"] for rule in rules} == set(RULE_TYPES)
    assert [(rule, validate_rule(rule)) for rule in rules if validate_rule(rule)] == []
    report = evaluate(rules, Facts(), ON)
    assert len(report.results) == len(rules)


def test_every_rule_type_has_an_example_that_validates():
    examples = {
        "min_evidence": {"count": 5, "kinds": ["case_example"]},
        "min_months_at_level": {"months": 18},
        "min_months_since": {"months": 24, "since": "registration"},
        "permanent_contract": {},
        "no_formal_procedures": {"procedures": ["capability"], "declared_by": "line_manager"},
        "max_words": {"words": 500},
        "recency": {"kind": "practice_observation", "within_months": [6, 9]},
        "min_rating": {"kind": "practice_observation", "rating": 3, "scale": 4},
        "attestation": {"by": list(ROLES)},
        "certificate_required": {"what": "ASYE certificate"},
        "asye_completed": {},
    }
    assert set(examples) == set(RULE_TYPES)
    for kind, parameters in examples.items():
        assert set(RULE_TYPES[kind]) <= set(parameters)
        assert validate_rule({"type": kind, **parameters}) == [], kind


@pytest.mark.parametrize(
    ("rule", "problem"),
    [
        ("min_evidence", "A rule must be a mapping of parameter names to values"),
        ({"count": 5}, "Unknown rule type None"),
        ({"type": "vibes"}, "Unknown rule type 'vibes'"),
        ({"type": "min_evidence"}, "min_evidence needs 'count'"),
        ({"type": "max_words", "words": 500, "limit": 3}, "max_words does not take 'limit'"),
        ({"type": "min_evidence", "count": 0}, "min_evidence count: must be more than 0"),
        ({"type": "min_evidence", "count": -1}, "min_evidence count: must be more than 0"),
        ({"type": "min_evidence", "count": "5"}, "min_evidence count: must be a whole number"),
        ({"type": "min_evidence", "count": True}, "min_evidence count: must be a whole number"),
        ({"type": "min_evidence", "count": 2.5}, "min_evidence count: must be a whole number"),
        ({"type": "min_evidence", "count": 1, "kinds": []}, "at least one entry"),
        ({"type": "min_evidence", "count": 1, "kinds": ["selfie"]}, "'selfie' is not an evidence"),
        ({"type": "min_evidence", "count": 1, "kinds": "case_example"}, "must be a list"),
        ({"type": "min_months_since", "months": 24, "since": "birth"}, "'birth' is not a date"),
        ({"type": "attestation", "by": ["mum"]}, "attestation by: 'mum' is not a role"),
        (
            {"type": "no_formal_procedures", "procedures": ["parking"], "declared_by": "hr"},
            "'parking' is not a procedure",
        ),
        (
            {"type": "no_formal_procedures", "procedures": ["sickness"], "declared_by": "boss"},
            "'boss' is not a role",
        ),
        ({"type": "recency", "kind": "plan", "within_months": [6, 0]}, "must be more than 0"),
        ({"type": "recency", "kind": "plan", "within_months": 6}, "must be a list"),
        ({"type": "certificate_required", "what": "  "}, "certificate_required what: must be"),
        (
            {"type": "min_rating", "kind": "practice_observation", "rating": 5, "scale": 4},
            "5 is above the top of the scale (4)",
        ),
        ({"type": "asye_completed", "note": 3}, "asye_completed note: must be some text"),
    ],
)
def test_validate_rule_explains_what_is_wrong(rule, problem):
    problems = validate_rule(rule)
    assert len(problems) == 1
    assert problem in problems[0]


def test_validate_rule_lists_every_problem():
    problems = validate_rule({"type": "min_rating", "kind": "selfie", "colour": "red"})
    assert len(problems) == 4  # rating and scale missing, colour unknown, selfie not a kind


def test_the_closed_lists_match_the_readme():
    assert len(EVIDENCE_KINDS) == 14
    assert "practice_observation" in EVIDENCE_KINDS
    assert set(ROLES) == {
        "worker",
        "practice_supervisor",
        "line_manager",
        "team_manager",
        "progression_coordinator",
        "panel_member",
        "appeal_authority",
        "hr",
    }


# --- count_words ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, 0),
        ("", 0),
        ("   \n\t ", 0),
        ("one", 1),
        ("don't", 1),
        ("well-being", 1),
        ("KSS-4", 1),
        ("Child - and family", 4),  # a standalone dash is a word, as Word counts it
        ("Social\u00a0Work\u00a0England", 3),  # non-breaking spaces
        ("a\u2003b\u3000c\u202fd", 4),  # em space, ideographic space, narrow no-break space
        ("first line\nsecond line\r\nthird", 5),
        ("  leading and trailing  ", 3),
        ("(see KSS 4, 5 and 7).", 6),
    ],
)
def test_count_words_counts_as_a_word_processor_does(text, expected):
    assert count_words(text) == expected


words_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=200)
whitespace = st.sampled_from([" ", "\t", "\n", "\r\n", "\u00a0", "\u2003", "\u3000", "\u202f"])
tokens = st.lists(
    st.text(
        alphabet=st.characters(codec="utf-8").filter(lambda c: not c.isspace()),
        min_size=1,
        max_size=12,
    ),
    max_size=30,
)


@given(words_text, words_text)
def test_joining_two_texts_with_a_space_adds_their_counts(first, second):
    assert count_words(first + " " + second) == count_words(first) + count_words(second)


@given(tokens, st.data())
def test_the_kind_of_whitespace_between_words_does_not_matter(words, data):
    separators = [data.draw(st.lists(whitespace, min_size=1, max_size=3)) for _ in words]
    text = "".join(word + "".join(gap) for word, gap in zip(words, separators, strict=True))
    assert count_words(text) == len(words) == count_words(" ".join(words))


@given(words_text)
def test_count_words_never_depends_on_surrounding_whitespace(text):
    assert count_words("\u00a0\n " + text + "\t ") == count_words(text)
