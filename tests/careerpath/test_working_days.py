import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from careerpath.working_days import (
    add_working_days,
    is_working_day,
    working_days_between,
)

D = datetime.date


def test_a_working_day_after_a_friday_is_the_monday():
    assert add_working_days(D(2025, 3, 7), 1) == D(2025, 3, 10)


def test_bank_holiday_mondays_are_skipped():
    # Friday 23 May 2025; Monday 26 May is the spring bank holiday.
    assert add_working_days(D(2025, 5, 23), 1) == D(2025, 5, 27)


def test_easter_and_christmas_are_skipped():
    # Thursday 17 April 2025: Good Friday 18 and Easter Monday 21 April are bank holidays.
    assert add_working_days(D(2025, 4, 17), 1) == D(2025, 4, 22)
    # Wednesday 24 December 2025: Christmas Day and Boxing Day, then the weekend.
    assert add_working_days(D(2025, 12, 24), 1) == D(2025, 12, 29)


def test_scottish_only_holidays_are_working_days_in_england_and_wales():
    # 2 January and St Andrew's Day are bank holidays in Scotland only.
    assert is_working_day(D(2025, 1, 2))
    assert is_working_day(D(2026, 11, 30))


def test_appeal_window_of_ten_working_days_from_a_december_panel():
    # A letter sent on Friday 12 December 2025 opens a 10 working-day appeal window that
    # runs over Christmas: 15-19, 22-24, 29, 30 December.
    assert add_working_days(D(2025, 12, 12), 10) == D(2025, 12, 30)


def test_zero_days_is_the_same_day_and_negative_counts_go_back():
    assert add_working_days(D(2025, 3, 8), 0) == D(2025, 3, 8)
    assert add_working_days(D(2025, 3, 10), -1) == D(2025, 3, 7)


@pytest.mark.parametrize(
    "start, end, expected",
    [
        (D(2025, 3, 7), D(2025, 3, 10), 1),
        (D(2025, 3, 10), D(2025, 3, 10), 0),
        (D(2025, 5, 23), D(2025, 5, 30), 4),
    ],
)
def test_working_days_between(start, end, expected):
    assert working_days_between(start, end) == expected


dates = st.dates(min_value=D(2000, 1, 1), max_value=D(2060, 12, 31))


@given(start=dates, n=st.integers(min_value=1, max_value=400))
def test_adding_n_working_days_lands_on_a_working_day_n_working_days_later(start, n):
    end = add_working_days(start, n)
    assert end > start
    assert is_working_day(end)
    assert working_days_between(start, end) == n


@given(start=dates, n=st.integers(min_value=1, max_value=100))
def test_going_forward_then_back_returns_to_a_working_start(start, n):
    if is_working_day(start):
        assert add_working_days(add_working_days(start, n), -n) == start
