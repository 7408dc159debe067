import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from careerpath.working_days import is_working_day
from panels.scheduling import (
    DEFAULT_LEAD_DAYS,
    has_regular_cadence,
    lead_days,
    propose_sessions,
    submission_deadline_for,
)

D = datetime.date
# The seeds' panels, as the fixtures store them.
LINCOLNSHIRE = {"cadence": "Three times a year: April, September and December; a fourth panel "
                "may be convened if there are a high number of applicants",
                "months": [4, 9, 12], "submission_lead_days": None}  # fmt: skip
DUDLEY = {"cadence": "Quarterly", "months": [], "submission_lead_days": 14}
ON_RECEIPT = {"cadence": "Arranged when the application is received", "months": []}


def test_lincolnshire_sits_on_the_second_wednesday_of_april_september_and_december():
    proposals = propose_sessions(panel=LINCOLNSHIRE, year_start=D(2027, 1, 1))
    assert [p.date for p in proposals] == [D(2027, 4, 14), D(2027, 9, 8), D(2027, 12, 8)]
    assert all(p.date.weekday() == 2 for p in proposals)


def test_dudley_sits_every_three_months_from_the_first_date_to_come():
    proposals = propose_sessions(panel=DUDLEY, year_start=D(2027, 2, 11))
    # February's second Wednesday (10th) has passed: March, June, September, December.
    assert [p.date for p in proposals] == [
        D(2027, 3, 10), D(2027, 6, 9), D(2027, 9, 8), D(2027, 12, 8),
    ]  # fmt: skip


def test_deadlines_come_from_the_routes_lead_days():
    proposals = propose_sessions(panel=DUDLEY, year_start=D(2027, 3, 1))
    assert proposals[0].date == D(2027, 3, 10)
    assert proposals[0].submission_deadline == D(2027, 2, 24)  # 14 days before
    assert lead_days(DUDLEY) == (14, True)


def test_a_route_without_a_lead_time_gets_the_default_for_the_coordinator_to_change():
    assert lead_days(LINCOLNSHIRE) == (DEFAULT_LEAD_DAYS, False)
    proposal = propose_sessions(panel=LINCOLNSHIRE, year_start=D(2027, 1, 1))[0]
    assert proposal.submission_deadline == D(2027, 3, 31)


def test_the_year_runs_across_the_new_year():
    proposals = propose_sessions(panel=LINCOLNSHIRE, year_start=D(2026, 11, 25))
    assert [p.date for p in proposals] == [D(2026, 12, 9), D(2027, 4, 14), D(2027, 9, 8)]
    quarterly = propose_sessions(panel=DUDLEY, year_start=D(2026, 11, 25))
    assert [p.date for p in quarterly] == [
        D(2026, 12, 9), D(2027, 3, 10), D(2027, 6, 9), D(2027, 9, 8),
    ]  # fmt: skip
    assert all(D(2026, 11, 25) <= p.date < D(2027, 11, 1) for p in quarterly)


def test_a_session_day_on_a_bank_holiday_moves_to_the_next_working_day():
    # The first Monday of May is the early May bank holiday.
    proposals = propose_sessions(panel={"months": [5]}, year_start=D(2027, 1, 1), weekday=0, week=1)
    assert [p.date for p in proposals] == [D(2027, 5, 4)]


def test_a_deadline_on_a_bank_holiday_moves_to_the_working_day_before():
    # 15 January 2025 less 14 days is New Year's Day.
    assert submission_deadline_for(panel=DUDLEY, session_date=D(2025, 1, 15)) == D(2024, 12, 31)


@pytest.mark.parametrize("year_start", [D(2026, 1, 1), D(2026, 12, 20), D(2027, 5, 31)])
def test_every_proposal_is_a_working_day_with_a_working_day_deadline_before_it(year_start):
    for panel in (LINCOLNSHIRE, DUDLEY):
        for proposal in propose_sessions(panel=panel, year_start=year_start):
            assert is_working_day(proposal.date)
            assert is_working_day(proposal.submission_deadline)
            assert proposal.submission_deadline < proposal.date


@pytest.mark.parametrize("panel", [ON_RECEIPT, None, {"cadence": "", "months": []}])
def test_routes_arranged_case_by_case_get_no_proposals(panel):
    assert propose_sessions(panel=panel, year_start=D(2027, 1, 1)) == []
    assert not has_regular_cadence(panel)


@given(year_start=st.dates(min_value=D(2020, 1, 1), max_value=D(2035, 12, 31)))
def test_proposals_fall_within_the_twelve_months_on_working_days(year_start):
    end = D(year_start.year + 1, year_start.month, 1)
    lincolnshire = propose_sessions(panel=LINCOLNSHIRE, year_start=year_start)
    quarterly = propose_sessions(panel=DUDLEY, year_start=year_start)
    assert {p.date.month for p in lincolnshire} <= {4, 9, 12}
    assert len(lincolnshire) in (2, 3)  # the starting month's date may have passed
    assert len(quarterly) == 4
    for proposal in [*lincolnshire, *quarterly]:
        assert year_start <= proposal.date < end
        assert is_working_day(proposal.date)
        assert is_working_day(proposal.submission_deadline)
        assert proposal.submission_deadline <= proposal.date - datetime.timedelta(days=14)
