"""Working days in England and Wales: Monday to Friday, less bank holidays.

Appeal windows, letter deadlines and submission lead times are counted in working days."""

import datetime
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _bank_holidays(year):
    # England and Wales share one list of bank holidays; "ENG" is how the holidays package names it.
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_bank_holiday(day):
    return day in _bank_holidays(day.year)


def is_working_day(day):
    return day.weekday() < 5 and not is_bank_holiday(day)


def add_working_days(start, n):
    """The date n working days after start (before it, for negative n). start itself never counts,
    so add_working_days(a Friday, 1) is the next Monday, or Tuesday if Monday is a bank holiday."""
    if n == 0:
        return start
    step = datetime.timedelta(days=1 if n > 0 else -1)
    day, remaining = start, abs(n)
    while remaining:
        day += step
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start, end):
    """How many working days fall after start, up to and including end."""
    if end <= start:
        return 0
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        count += is_working_day(day)
    return count
