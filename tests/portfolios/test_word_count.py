"""Words are counted as a word processor counts them, in one place, for the server's limits and
the section's status alike."""

import pytest

from portfolios.applications.forms_engine import FieldSpec, field_problems, word_count


@pytest.mark.parametrize(
    "text, words",
    [
        ("", 0),
        (None, 0),
        ("one", 1),
        ("  one   two  ", 2),
        ("one\ntwo\tthree", 3),
        ("one\u00a0two", 2),  # a non-breaking space separates words
        ("don't stop-start", 2),  # apostrophes and hyphens join
        ("KSS 4 , and 5", 5),  # a lone comma counts, as in Word
        ("A.B. Smith's case (2025).", 4),
        ("one\r\n\r\ntwo", 2),
    ],
)
def test_words_are_runs_of_non_whitespace(text, words):
    assert word_count(text) == words


def test_a_field_over_its_limit_says_by_how_much():
    spec = FieldSpec(key="statement", label="Your statement", max_words=3)
    assert field_problems(spec, "one two three") == ""
    assert field_problems(spec, "one two three four") == (
        "Your statement must be 3 words or fewer: it has 4"
    )


def test_a_field_with_no_limit_takes_any_length():
    assert field_problems(FieldSpec(key="x", label="X"), "word " * 5000) == ""
