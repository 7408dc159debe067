"""Every rule type in the closed list has a form of typed fields, and every rule of every
fixture framework goes through its form and comes back unchanged."""

from pathlib import Path

import pytest
import yaml
from django.conf import settings

from frameworks.rule_forms import RULE_FORMS, TYPE_NAMES, rule_form
from frameworks.rule_text import describe_rule
from frameworks.rules import CHECKS, RULE_TYPES

FIXTURES = sorted((Path(settings.BASE_DIR) / "fixtures" / "frameworks").glob("*.yaml"))


def _rules_in(node):
    if isinstance(node, dict):
        if node.get("type") in RULE_TYPES and set(node) - {"type"} <= _rule_keys(node["type"]):
            yield node
        for value in node.values():
            yield from _rules_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from _rules_in(value)


def _rule_keys(rule_type):
    from frameworks.rules import ANY_RULE_KEYS, OPTIONAL_PARAMETERS

    return (
        set(RULE_TYPES[rule_type])
        | set(OPTIONAL_PARAMETERS.get(rule_type, ()))
        | set(ANY_RULE_KEYS)
    )


def fixture_rules():
    for path in FIXTURES:
        for n, rule in enumerate(_rules_in(yaml.safe_load(path.read_text()))):
            yield pytest.param(rule, id=f"{path.stem}-{n}-{rule['type']}")


def as_posted(form):
    """What a browser would post for the form as it first shows: each field's initial value."""
    data = {}
    for name, value in form.initial.items():
        if name not in form.fields or value is None:
            continue
        data[name] = [str(item) for item in value] if isinstance(value, list) else str(value)
    return data


class QueryDict(dict):
    """A dict with getlist, as forms read check boxes from a request."""

    def getlist(self, key, default=None):
        value = self.get(key, default if default is not None else [])
        return value if isinstance(value, list) else [value]


def test_every_rule_type_in_the_closed_list_has_a_form():
    assert set(RULE_FORMS) == set(RULE_TYPES) == set(CHECKS)
    assert set(TYPE_NAMES) == set(RULE_TYPES)


def test_a_form_has_only_its_types_parameters_as_fields():
    for rule_type, form_class in RULE_FORMS.items():
        fields = set(form_class().fields) - {"note"}
        if rule_type == "recency":
            assert {"kind"} < fields and all(
                name == "kind" or name.startswith("window_") for name in fields
            )
        else:
            assert fields <= set(_rule_keys(rule_type)), rule_type


def test_the_fixtures_use_every_rule_type():
    assert {rule["type"] for rule in (p.values[0] for p in fixture_rules())} == set(RULE_TYPES)


@pytest.mark.parametrize("rule", list(fixture_rules()))
def test_every_fixture_rule_comes_back_unchanged_through_its_form(rule):
    shown = rule_form(rule["type"], rule=rule)
    posted = rule_form(rule["type"], QueryDict(as_posted(shown)), rule=rule)
    assert posted.is_valid(), posted.errors
    assert posted.rule() == rule
    assert posted.reading() == describe_rule(rule)


def test_ticked_roles_keep_the_order_the_rule_had_them_and_new_ones_come_last():
    rule = {"type": "attestation", "by": ["team_manager", "practice_supervisor"]}
    form = rule_form(
        "attestation",
        QueryDict({"by": ["practice_supervisor", "line_manager", "team_manager"]}),
        rule=rule,
    )
    assert form.is_valid()
    assert form.rule()["by"] == ["team_manager", "practice_supervisor", "line_manager"]


def test_a_recency_rule_has_one_number_per_window_and_blank_ones_are_left_out():
    form = rule_form(
        "recency",
        QueryDict({"kind": "supervision_record", "window_1": "6", "window_2": "", "window_3": "9"}),
    )
    assert form.is_valid(), form.errors
    assert form.rule() == {"type": "recency", "kind": "supervision_record", "within_months": [6, 9]}
    assert form.reading() == (
        "2 supervision records: one within the last 6 months and one within the last 9 months"
    )


def test_min_evidence_without_kinds_counts_any_evidence():
    form = rule_form("min_evidence", QueryDict({"count": "3"}))
    assert form.is_valid()
    assert form.rule() == {"type": "min_evidence", "count": 3}
    assert form.reading() == "At least 3 pieces of evidence"


@pytest.mark.parametrize(
    "rule_type, data, field, message",
    [
        ("min_evidence", {"count": "two"}, "count", "must be a whole number"),
        ("min_months_at_level", {"months": "0"}, "months", "must be 1 or more"),
        ("min_months_since", {"months": "24"}, "since", "Choose the date the months count from"),
        ("no_formal_procedures", {"declared_by": "line_manager"}, "procedures", "Choose at least"),
        ("attestation", {"by": ["the_mayor"]}, "by", "from the list"),
        ("max_words", {}, "words", "Enter the word limit"),
        ("recency", {"kind": "case_example"}, "window_1", "Enter the months for item 1"),
        ("min_rating", {"kind": "practice_observation", "rating": "5", "scale": "4"}, "rating",
         "4 or lower"),
        ("certificate_required", {"what": "   "}, "what", "Enter which certificate"),
    ],
)  # fmt: skip
def test_bad_input_is_named_next_to_its_field(rule_type, data, field, message):
    form = rule_form(rule_type, QueryDict(data))
    assert not form.is_valid()
    assert message in " ".join(form.errors[field])
