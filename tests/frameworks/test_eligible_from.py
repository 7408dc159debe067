"""The date a person becomes eligible, from the time-based rules alone (pure: no database)."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from frameworks.rules import Facts, eligible_from, evaluate

D = datetime.date
AT_LEVEL_24 = {"type": "min_months_at_level", "months": 24}
SINCE_REGISTRATION_24 = {"type": "min_months_since", "months": 24, "since": "registration"}
SINCE_QUALIFYING_30 = {"type": "min_months_since", "months": 30, "since": "qualification"}


def test_the_day_the_months_are_reached():
    facts = Facts(registration_date=D(2023, 6, 12))
    assert eligible_from([SINCE_REGISTRATION_24], facts, D(2025, 1, 1)) == D(2025, 6, 12)


def test_today_when_the_time_rules_are_met_already():
    facts = Facts(registration_date=D(2023, 6, 12))
    assert eligible_from([SINCE_REGISTRATION_24], facts, D(2025, 6, 12)) == D(2025, 6, 12)
    assert eligible_from([SINCE_REGISTRATION_24], facts, D(2026, 2, 1)) == D(2026, 2, 1)


def test_the_latest_of_several_time_rules():
    facts = Facts(level_started_on=D(2024, 3, 1), qualification_date=D(2022, 1, 15))
    rules = [AT_LEVEL_24, SINCE_QUALIFYING_30]
    # 30 months since qualifying: 15 July 2024; 24 months at level: 1 March 2026.
    assert eligible_from(rules, facts, D(2024, 1, 1)) == D(2026, 3, 1)


def test_month_ends_are_clamped():
    facts = Facts(level_started_on=D(2023, 8, 31))
    rule = {"type": "min_months_at_level", "months": 6}
    assert eligible_from([rule], facts, D(2023, 9, 1)) == D(2024, 2, 29)  # a leap year


def test_unknown_when_a_start_date_is_not_recorded():
    assert eligible_from([AT_LEVEL_24], Facts(), D(2025, 1, 1)) is None
    facts = Facts(qualification_date=D(2020, 1, 1))  # qualified, but no registration date
    assert eligible_from([SINCE_QUALIFYING_30, SINCE_REGISTRATION_24], facts, D(2025, 1, 1)) is None


@pytest.mark.parametrize(
    "rules", [[], None, [{"type": "permanent_contract"}, {"type": "attestation", "by": ["hr"]}]]
)
def test_rules_that_do_not_depend_on_the_calendar_leave_today(rules):
    assert eligible_from(rules, Facts(contract_type="temporary"), D(2025, 1, 1)) == D(2025, 1, 1)


@given(
    start=st.dates(D(2000, 1, 1), D(2030, 12, 31)),
    months=st.integers(1, 60),
    on=st.dates(D(2000, 1, 1), D(2035, 12, 31)),
)
def test_the_evaluator_agrees_the_rule_is_met_on_that_day_and_not_the_day_before(start, months, on):
    rule = {"type": "min_months_at_level", "months": months}
    facts = Facts(level_started_on=start)
    day = eligible_from([rule], facts, on)
    assert day >= on
    assert evaluate([rule], facts, day).met
    if day > on:
        assert not evaluate([rule], facts, day - datetime.timedelta(days=1)).met
