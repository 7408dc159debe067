"""The readiness check judges recency on the date that matters (the submission deadline, else the
panel date) and says why a record fine today will be too old by then."""

import datetime

from frameworks.rules import EvidenceItem, Facts, recency_lookahead

RULE = {"type": "recency", "kind": "supervision_record", "within_months": [6, 9]}
TODAY = datetime.date(2026, 11, 25)


def supervision(*days):
    return Facts(evidence=tuple(EvidenceItem("supervision_record", day) for day in days))


def test_a_record_in_time_today_but_too_old_by_the_deadline_is_explained():
    facts = supervision(datetime.date(2026, 10, 2), datetime.date(2026, 5, 1))
    reason = recency_lookahead(
        RULE, facts, datetime.date(2027, 4, 20), TODAY, "your submission deadline"
    )
    assert reason == (
        "Your latest supervision record is from 2 October 2026; by your submission deadline on "
        "20 April 2027 it will be more than 6 months old"
    )


def test_nothing_to_say_when_the_later_day_changes_nothing():
    facts = supervision(datetime.date(2026, 11, 1), datetime.date(2026, 10, 1))
    assert recency_lookahead(RULE, facts, datetime.date(2027, 1, 10), TODAY, "the panel") is None
    # Missing today already: the evaluator's own reason says what is needed.
    assert recency_lookahead(RULE, supervision(), datetime.date(2027, 4, 20), TODAY, "x") is None
    # Judged today: no look-ahead.
    assert recency_lookahead(RULE, facts, TODAY, TODAY, "today") is None
