"""A framework editor lists, adds, changes and deletes a draft's rules on pages of typed fields,
seeing the sentence a worker will read; other councils' drafts and published versions are out of
reach."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from careerpath.models import AuditEvent
from frameworks.models import Criterion, FrameworkStatus, Rule
from frameworks.rule_text import describe_rule
from frameworks.rules import RULE_TYPES
from tests.frameworks.rule_authoring_factories import draft_with_rules

# For each type: what an editor types, and the rule it makes.
TYPED = {
    "min_evidence": ({"count": "2", "kinds": ["case_example"]},
                     {"count": 2, "kinds": ["case_example"]}),
    "min_months_at_level": ({"months": "18"}, {"months": 18}),
    "min_months_since": ({"months": "24", "since": "registration"},
                         {"months": 24, "since": "registration"}),
    "permanent_contract": ({}, {}),
    "no_formal_procedures": (
        {"procedures": ["disciplinary", "sickness"], "declared_by": "line_manager"},
        {"procedures": ["disciplinary", "sickness"], "declared_by": "line_manager"},
    ),
    "max_words": ({"words": "500"}, {"words": 500}),
    "recency": ({"kind": "supervision_record", "window_1": "6", "window_2": "9"},
                {"kind": "supervision_record", "within_months": [6, 9]}),
    "min_rating": ({"kind": "practice_observation", "rating": "3", "scale": "4"},
                   {"kind": "practice_observation", "rating": 3, "scale": 4}),
    "attestation": ({"by": ["practice_supervisor", "team_manager"]},
                    {"by": ["practice_supervisor", "team_manager"]}),
    "certificate_required": ({"what": "ASYE certificate"}, {"what": "ASYE certificate"}),
    "asye_completed": ({"note": "Newly qualified social workers"},
                       {"note": "Newly qualified social workers"}),
}  # fmt: skip
# The same types changed: a rule as it was, what the editor types instead, the rule it becomes.
CHANGED = {
    "min_evidence": ({"count": 2, "kinds": ["case_example"]}, {"count": "3"}, {"count": 3}),
    "min_months_at_level": ({"months": 18}, {"months": "24"}, {"months": 24}),
    "min_months_since": ({"months": 24, "since": "registration"},
                         {"months": "30", "since": "qualification"},
                         {"months": 30, "since": "qualification"}),
    "permanent_contract": ({}, {"note": "Dudley"}, {"note": "Dudley"}),
    "no_formal_procedures": (
        {"procedures": ["performance"], "declared_by": "line_manager"},
        {"procedures": ["performance", "capability"], "declared_by": "team_manager"},
        {"procedures": ["performance", "capability"], "declared_by": "team_manager"},
    ),
    "max_words": ({"words": 500}, {"words": "200"}, {"words": 200}),
    "recency": ({"kind": "practice_observation", "within_months": [6, 9]},
                {"kind": "practice_observation", "window_1": "6", "window_2": "6"},
                {"kind": "practice_observation", "within_months": [6, 6]}),
    "min_rating": ({"kind": "practice_observation", "rating": 3, "scale": 4},
                   {"kind": "practice_observation", "rating": "4", "scale": "4"},
                   {"kind": "practice_observation", "rating": 4, "scale": 4}),
    "attestation": ({"by": ["team_manager", "practice_supervisor"]},
                    {"by": ["practice_supervisor", "team_manager", "line_manager"]},
                    {"by": ["team_manager", "practice_supervisor", "line_manager"]}),
    "certificate_required": ({"what": "ASYE certificate"}, {"what": "Completed MOSAIC training"},
                             {"what": "Completed MOSAIC training"}),
    "asye_completed": ({"note": "old"}, {"note": ""}, {}),
}  # fmt: skip


@pytest.fixture
def editor(demo_people):
    return demo_people["medway.framework-editor"]


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def draft(editor):
    return draft_with_rules(editor)


def _add_url(framework, owner, part, **query):
    url = reverse("frameworks:draft-rule-add", args=[framework.pk, owner, part.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_the_closed_list_is_covered_by_these_tests():
    assert set(TYPED) == set(CHANGED) == set(RULE_TYPES)


def test_adding_a_rule_starts_with_its_type_from_the_closed_list(editor_client, draft):
    framework, criterion, _ = draft
    html = editor_client.get(_add_url(framework, "criteria", criterion)).content.decode()
    assert "What kind of rule is it?" in html
    assert html.count('name="type"') == len(RULE_TYPES)
    response = editor_client.get(_add_url(framework, "criteria", criterion, type="bogus"))
    assert "Choose a kind of rule from the list" in response.content.decode()


@pytest.mark.parametrize("rule_type", list(RULE_TYPES))
def test_an_editor_adds_a_rule_of_each_type_to_a_criterion(editor_client, draft, rule_type):
    framework, criterion, _ = draft
    typed, parameters = TYPED[rule_type]
    url = _add_url(framework, "criteria", criterion, type=rule_type)
    assert editor_client.get(url).status_code == 200

    response = editor_client.post(url, typed, follow=True)

    rule = criterion.rules.order_by("-order").first()
    assert rule.as_dict() == {"type": rule_type, **parameters}
    assert rule.order == 2  # after the rule already there
    assert describe_rule(rule.as_dict()) in response.content.decode()
    assert AuditEvent.objects.filter(action="framework_rule_added").exists()


@pytest.mark.parametrize("rule_type", list(RULE_TYPES))
def test_an_editor_changes_a_rule_of_each_type(editor_client, draft, rule_type):
    framework, criterion, _ = draft
    before, typed, after = CHANGED[rule_type]
    rule = Rule.objects.create(criterion=criterion, type=rule_type, parameters=before, order=5)
    url = reverse("frameworks:draft-rule-edit", args=[framework.pk, rule.pk])
    assert describe_rule(rule.as_dict()) in editor_client.get(url).content.decode()

    response = editor_client.post(url, typed)

    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.as_dict() == {"type": rule_type, **after}


def test_an_unchanged_rule_keeps_its_seed_line(editor_client, draft):
    framework, criterion, _ = draft
    rule = Rule.objects.create(criterion=criterion, type="max_words",
                               parameters={"words": 500, "source": "L120"})  # fmt: skip
    url = reverse("frameworks:draft-rule-edit", args=[framework.pk, rule.pk])
    editor_client.post(url, {"words": "400"})
    rule.refresh_from_db()
    assert rule.parameters == {"words": 400, "source": "L120"}


def test_a_route_rule_is_added_for_eligibility_or_evidence(editor_client, draft):
    framework, _, route = draft
    url = _add_url(framework, "routes", route, scope="evidence", type="min_evidence")
    editor_client.post(url, {"count": "5", "kinds": ["case_example"]})
    assert route.rules.get(scope="evidence").as_dict() == {
        "type": "min_evidence", "count": 5, "kinds": ["case_example"],
    }  # fmt: skip
    html = editor_client.get(
        reverse("frameworks:draft-rules", args=[framework.pk, "routes", route.pk])
    ).content.decode()
    assert "At least 12 months at the current level" in html  # its eligibility rule
    assert "At least 5 case examples" in html
    assert (
        editor_client.get(_add_url(framework, "routes", route, scope="criterion")).status_code
        == 404
    )


def test_an_editor_deletes_a_rule_after_confirming(editor_client, draft):
    framework, criterion, _ = draft
    rule = criterion.rules.get()
    url = reverse("frameworks:draft-rule-delete", args=[framework.pk, rule.pk])
    html = editor_client.get(url).content.decode()
    assert "Delete this rule?" in html and "At least 1 case example" in html
    assert Rule.objects.filter(pk=rule.pk).exists()  # asking changes nothing

    editor_client.post(url)

    assert not Rule.objects.filter(pk=rule.pk).exists()
    assert AuditEvent.objects.filter(action="framework_rule_deleted").exists()


def test_bad_input_keeps_what_was_typed_and_saves_nothing(editor_client, draft):
    framework, criterion, _ = draft
    url = _add_url(framework, "criteria", criterion, type="min_evidence")
    response = editor_client.post(url, {"count": "two", "kinds": ["case_example", "appraisal"]})
    html = response.content.decode()
    assert response.status_code == 200
    assert "must be a whole number" in html and "govuk-error-summary" in html
    assert 'value="two"' in html
    assert html.count('checked="checked"') == 2  # both kinds still ticked
    assert criterion.rules.count() == 1


def test_show_the_reading_says_the_sentence_without_saving(editor_client, draft):
    framework, criterion, _ = draft
    url = _add_url(framework, "criteria", criterion, type="min_evidence")
    html = editor_client.post(url, {"count": "2", "kinds": ["case_example"],
                                    "reading": "1"}).content.decode()  # fmt: skip
    assert "At least 2 case examples" in html
    assert criterion.rules.count() == 1


def test_the_reading_address_answers_the_sentence_as_text(editor_client, draft):
    framework, criterion, _ = draft
    url = reverse("frameworks:rule-reading", args=[framework.pk])
    response = editor_client.get(url, {"type": "recency", "kind": "practice_observation",
                                       "window_1": "6", "window_2": "9"})  # fmt: skip
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode() == (
        "2 practice observations: one within the last 6 months and one within the last 9 months"
    )
    incomplete = editor_client.get(url, {"type": "max_words", "words": "lots"})
    assert "Fill in the rule's details" in incomplete.content.decode()


def test_another_councils_draft_is_not_found(client, demo_people, editor):
    framework, criterion, _ = draft_with_rules(demo_people["lincolnshire.framework-editor"])
    client.force_login(editor)
    rule = criterion.rules.get()
    rules = reverse("frameworks:draft-rules", args=[framework.pk, "criteria", criterion.pk])
    assert client.get(rules).status_code == 404
    for url in (
        _add_url(framework, "criteria", criterion, type="max_words"),
        reverse("frameworks:draft-rule-edit", args=[framework.pk, rule.pk]),
        reverse("frameworks:draft-rule-delete", args=[framework.pk, rule.pk]),
    ):
        assert client.get(url).status_code == 404
        assert client.post(url, {"words": "5"}).status_code == 404
    assert Rule.objects.filter(pk=rule.pk).exists()


def test_a_rule_of_another_draft_is_not_found_through_this_one(editor_client, editor, draft):
    framework, _, _ = draft
    _, other_criterion, _ = draft_with_rules(editor)
    rule = other_criterion.rules.get()
    url = reverse("frameworks:draft-rule-edit", args=[framework.pk, rule.pk])
    assert editor_client.get(url).status_code == 404


def test_a_published_version_is_refused(editor_client, editor):
    framework, criterion, _ = draft_with_rules(editor, status=FrameworkStatus.PUBLISHED)
    rule = criterion.rules.get()
    add = _add_url(framework, "criteria", criterion, type="max_words")
    assert editor_client.post(add, {"words": "5"}).status_code == 404
    edit = reverse("frameworks:draft-rule-edit", args=[framework.pk, rule.pk])
    assert editor_client.post(edit, {"count": "9"}).status_code == 404
    delete = reverse("frameworks:draft-rule-delete", args=[framework.pk, rule.pk])
    assert editor_client.post(delete).status_code == 404
    assert rule.as_dict() == Rule.objects.get(pk=rule.pk).as_dict()
    assert criterion.rules.count() == 1


def test_a_draft_published_while_the_page_was_open_is_refused_with_a_message(editor_client, draft):
    from frameworks import authoring_rules
    from frameworks.services import FrameworkError

    framework, criterion, _ = draft
    framework.status = FrameworkStatus.PUBLISHED
    framework.save()
    with pytest.raises(FrameworkError):
        authoring_rules.rule_add(framework=framework, actor=None, criterion=criterion,
                                 rule={"type": "max_words", "words": 5})  # fmt: skip


def test_the_framework_page_links_a_draft_to_its_rules(editor_client, draft):
    framework, _, _ = draft
    html = editor_client.get(
        reverse("frameworks:framework-detail", args=[framework.pk])
    ).content.decode()
    assert reverse("frameworks:draft-rule-index", args=[framework.pk]) in html


def _queries(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_the_rules_of_a_criterion_take_the_same_queries_for_3_and_30_rules(editor_client, editor):
    counts = []
    for size in (3, 30):
        framework, criterion, _ = draft_with_rules(editor, criterion_rules=size)
        url = reverse("frameworks:draft-rules", args=[framework.pk, "criteria", criterion.pk])
        counts.append(_queries(editor_client, url))
    assert counts[0] == counts[1]


def test_the_rule_index_takes_the_same_queries_for_3_and_30_criteria(editor_client, editor):
    counts = []
    for size in (3, 30):
        framework, criterion, _ = draft_with_rules(editor, criterion_rules=2)
        for n in range(size - 1):
            copy = Criterion.objects.create(level=criterion.level, category="skills",
                                            text=f"Criterion {n}", order=n + 1)  # fmt: skip
            Rule.objects.create(criterion=copy, type="max_words", parameters={"words": 500})
        url = reverse("frameworks:draft-rule-index", args=[framework.pk])
        html_count = _queries(editor_client, url)
        counts.append(html_count)
    assert counts[0] == counts[1]


def test_the_rule_pages_take_the_same_queries_whatever_the_rule(editor_client, editor):
    counts = []
    for size in (3, 30):
        framework, criterion, _ = draft_with_rules(editor, criterion_rules=size)
        rule = criterion.rules.order_by("-order").first()
        counts.append((
            _queries(editor_client, reverse("frameworks:draft-rule-edit",
                                            args=[framework.pk, rule.pk])),
            _queries(editor_client, reverse("frameworks:draft-rule-delete",
                                            args=[framework.pk, rule.pk])),
            _queries(editor_client, _add_url(framework, "criteria", criterion,
                                             type="min_evidence")),
        ))  # fmt: skip
    assert counts[0] == counts[1]
