"""Proposed panel dates for the coming year, from a route's panel cadence. Pure: no database.

A route's `panel` (see fixtures/README.md) names the months it sits in (`months`, e.g. [4, 9, 12])
or, failing that, a cadence in words. "Quarterly" sits every three months; any other cadence
("Arranged when the application is received") has no fixed dates, so nothing is proposed."""

import datetime
from dataclasses import dataclass

from careerpath.working_days import is_working_day

WEDNESDAY = 2
# The seeds fix no day of the month; the second Wednesday keeps clear of month ends and of the
# bank holidays at the start of January and May.
DEFAULT_WEEKDAY, DEFAULT_WEEK = WEDNESDAY, 2
# Where a route names no lead time (Lincolnshire's booking e-mail gives the date), deadlines are
# proposed two weeks before, like Dudley's, for the coordinator to change.
DEFAULT_LEAD_DAYS = 14


@dataclass(frozen=True)
class Proposal:
    date: datetime.date
    submission_deadline: datetime.date


def session_months(panel):
    """The months of the year the route's panel sits in, or () when its dates are arranged
    case by case. Quarterly gives None: every third month from whenever the year starts."""
    if not panel:
        return ()
    if panel.get("months"):
        return tuple(sorted({int(month) for month in panel["months"]}))
    if "quarterly" in (panel.get("cadence") or "").lower():
        return None
    return ()


def has_regular_cadence(panel):
    return session_months(panel) != ()


def lead_days(panel):
    """(days, whether the route states it): how long before the session portfolios are due."""
    stated = (panel or {}).get("submission_lead_days")
    return (int(stated), True) if stated else (DEFAULT_LEAD_DAYS, False)


def submission_deadline_for(*, panel, session_date):
    """The lead time before the session, brought back to the working day before when it falls
    on a weekend or bank holiday (nobody is there to receive a portfolio)."""
    deadline = session_date - datetime.timedelta(days=lead_days(panel)[0])
    while not is_working_day(deadline):
        deadline -= datetime.timedelta(days=1)
    return deadline


def nth_weekday(year, month, *, weekday=DEFAULT_WEEKDAY, week=DEFAULT_WEEK):
    first = datetime.date(year, month, 1)
    offset = (weekday - first.weekday()) % 7
    return first + datetime.timedelta(days=offset + 7 * (week - 1))


def session_day(year, month, *, weekday=DEFAULT_WEEKDAY, week=DEFAULT_WEEK):
    """The chosen weekday of the month, or the next working day after it when that is a bank
    holiday."""
    day = nth_weekday(year, month, weekday=weekday, week=week)
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def _add_months(year, month, n):
    index = year * 12 + (month - 1) + n
    return index // 12, index % 12 + 1


def propose_sessions(*, panel, year_start, weekday=DEFAULT_WEEKDAY, week=DEFAULT_WEEK):
    """Session dates from year_start (inclusive) for twelve months, each with its submission
    deadline. Dates already past in year_start's month are left out."""
    months = session_months(panel)
    if months == ():
        return []
    end = datetime.date(*_add_months(year_start.year, year_start.month, 12), 1)
    candidates = []
    for n in range(13):
        year, month = _add_months(year_start.year, year_start.month, n)
        day = session_day(year, month, weekday=weekday, week=week)
        if year_start <= day < end:
            candidates.append(day)
    if months is None:  # quarterly: the first date still to come, then every third month
        candidates = candidates[0:12:3] if candidates else []
    else:
        candidates = [day for day in candidates if day.month in months]
    return [
        Proposal(
            date=day, submission_deadline=submission_deadline_for(panel=panel, session_date=day)
        )
        for day in candidates
    ]
