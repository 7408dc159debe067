"""The last day to appeal, counted in England and Wales working days from the decision's date
(the day the outcome letter goes, until letters exist). The day of the decision never counts.
Each expected date was counted by hand; the comments show the count."""

import datetime
from types import SimpleNamespace

import pytest

from panels.appeals import appeal_last_day

D = datetime.date


def route_with(days):
    return SimpleNamespace(panel={"appeal_working_days": days})


TEN = route_with(10)  # Lincolnshire's window


@pytest.mark.parametrize(
    ("decided_on", "last_day"),
    [
        # Christmas 2025: decided Fri 19 Dec. Mon 22 (1), Tue 23 (2), Wed 24 (3), Thu 25 and
        # Fri 26 bank holidays, Mon 29 (4), Tue 30 (5), Wed 31 (6), Thu 1 Jan bank holiday,
        # Fri 2 (7), Mon 5 (8), Tue 6 (9), Wed 7 Jan 2026 (10).
        (D(2025, 12, 19), D(2026, 1, 7)),
        # Christmas 2026: decided Wed 23 Dec. Thu 24 (1), Fri 25 bank holiday, Sat 26 Boxing
        # Day falls on a weekend so Mon 28 is the substitute bank holiday, Tue 29 (2), Wed 30 (3),
        # Thu 31 (4), Fri 1 Jan bank holiday, Mon 4 (5), Tue 5 (6), Wed 6 (7), Thu 7 (8),
        # Fri 8 (9), Mon 11 Jan 2027 (10).
        (D(2026, 12, 23), D(2027, 1, 11)),
        # Easter 2026, decided the day before Good Friday, Thu 2 Apr: Fri 3 Good Friday and
        # Mon 6 Easter Monday, Tue 7 (1), Wed 8 (2), Thu 9 (3), Fri 10 (4), Mon 13 (5),
        # Tue 14 (6), Wed 15 (7), Thu 16 (8), Fri 17 (9), Mon 20 Apr (10).
        (D(2026, 4, 2), D(2026, 4, 20)),
        # Easter 2026, the window spanning it: decided Fri 27 Mar. Mon 30 (1), Tue 31 (2),
        # Wed 1 Apr (3), Thu 2 (4), Fri 3 and Mon 6 bank holidays, Tue 7 (5), Wed 8 (6),
        # Thu 9 (7), Fri 10 (8), Mon 13 (9), Tue 14 Apr (10).
        (D(2026, 3, 27), D(2026, 4, 14)),
        # August bank holiday 2026 (Mon 31 Aug): decided Fri 21 Aug. Mon 24 (1) to Fri 28 (5),
        # Mon 31 bank holiday, Tue 1 Sep (6), Wed 2 (7), Thu 3 (8), Fri 4 (9), Mon 7 Sep (10).
        (D(2026, 8, 21), D(2026, 9, 7)),
        # Decided on Fri 28 Aug: Mon 31 bank holiday, Tue 1 Sep (1), Wed 2 (2), Thu 3 (3),
        # Fri 4 (4), Mon 7 (5), Tue 8 (6), Wed 9 (7), Thu 10 (8), Fri 11 (9), Mon 14 Sep (10).
        (D(2026, 8, 28), D(2026, 9, 14)),
        # No bank holiday: decided Wed 14 Oct 2026, two working weeks later, Wed 28 Oct.
        (D(2026, 10, 14), D(2026, 10, 28)),
    ],
)
def test_last_day_to_appeal_is_exact(decided_on, last_day):
    assert appeal_last_day(TEN, decided_on) == last_day


def test_the_window_is_the_routes_setting():
    # Decided Fri 19 Dec 2025 with a 3-day window: Mon 22 (1), Tue 23 (2), Wed 24 (3).
    assert appeal_last_day(route_with(3), D(2025, 12, 19)) == D(2025, 12, 24)


@pytest.mark.parametrize("panel", [{"appeal_working_days": None}, {"appeal_working_days": 0}, {}])
def test_no_appeal_when_the_route_allows_none(panel):
    assert appeal_last_day(SimpleNamespace(panel=panel), D(2026, 4, 2)) is None


def test_the_real_routes(lincolnshire_route, dudley_route):
    # Lincolnshire allows 10 working days; Dudley describes no appeal.
    assert appeal_last_day(lincolnshire_route, D(2026, 8, 21)) == D(2026, 9, 7)
    assert appeal_last_day(dudley_route, D(2026, 8, 21)) is None
