"""What changed between two submissions: answers per field of the form, evidence linked and
unlinked (by item and standard or criterion), notes, and files changed by content."""

from portfolios.applications.changes import (
    ANSWER_ADDED,
    ANSWER_CHANGED,
    ANSWER_REMOVED,
    EVIDENCE_LINKED,
    EVIDENCE_UNLINKED,
    FILES_CHANGED,
    NOTE_CHANGED,
    Change,
    submission_changes,
)

LAYOUT = [
    {
        "key": "section-a",
        "title": "Section A: about you",
        "completed_by": "worker",
        "fields": [
            {"key": "name", "label": "Your name"},
            {"key": "team", "label": "Your team"},
            {"key": "role", "label": "Your role"},
        ],
    },
    {
        "key": "kss-1",
        "title": "KSS 1: the role of child and family social work",
        "completed_by": "worker",
        "fields": [{"key": "statement", "label": "Your statement"}],
    },
]


def _item(pk, title, *files):
    return {
        "id": pk,
        "title": title,
        "files": [{"name": name, "sha256": digest} for name, digest in files],
    }


def _link(item, *, kss=None, criterion=None, note=""):
    return {
        "item": item,
        "standard": {"set": "kss", "number": kss, "title": "Relationships"} if kss else None,
        "criterion": {"id": 1, "text": criterion} if criterion else None,
        "note": note,
    }


def snapshot(sections=None, links=(), items=(), layout=LAYOUT):
    return {
        "layout": layout,
        "sections": [
            {"section": key, "values": values, "revision": 1}
            for key, values in (sections or {}).items()
        ],
        "links": list(links),
        "items": list(items),
    }


def test_the_same_snapshot_twice_has_no_changes():
    same = snapshot(
        {"section-a": {"name": "Amara", "team": "East"}},
        [_link(1, kss=1, note="Shows it")],
        [_item(1, "Sibling group", ("notes.txt", "aa"))],
    )
    assert submission_changes(same, same) == []


def test_answers_changed_added_and_removed_in_the_forms_order():
    before = snapshot({"section-a": {"name": "Amara", "team": "East"}, "kss-1": {}})
    after = snapshot(
        {"section-a": {"name": "Amara Okafor", "role": "Social worker"},
         "kss-1": {"statement": "I build relationships."}}
    )  # fmt: skip
    assert submission_changes(before, after) == [
        Change("Section A: about you: Your name", ANSWER_CHANGED, "Amara", "Amara Okafor"),
        Change("Section A: about you: Your team", ANSWER_REMOVED, "East", ""),
        Change("Section A: about you: Your role", ANSWER_ADDED, "", "Social worker"),
        Change(
            "KSS 1: the role of child and family social work: Your statement",
            ANSWER_ADDED,
            "",
            "I build relationships.",
        ),  # fmt: skip
    ]


def test_whitespace_around_an_answer_is_no_change():
    before = snapshot({"section-a": {"name": "Amara"}})
    after = snapshot({"section-a": {"name": "  Amara \n"}})
    assert submission_changes(before, after) == []


def test_without_a_layout_the_section_and_field_keys_name_the_place():
    before = snapshot({"kss-4": {"statement_text": "Old"}}, layout=[])
    after = snapshot({"kss-4": {"statement_text": "New"}}, layout=[])
    assert submission_changes(before, after) == [
        Change("Kss 4: Statement text", ANSWER_CHANGED, "Old", "New")
    ]


def test_a_field_the_layout_does_not_name_still_counts():
    before = snapshot({"section-a": {"name": "Amara", "extra": ""}})
    after = snapshot({"section-a": {"name": "Amara", "extra": "Something"}})
    assert submission_changes(before, after) == [
        Change("Section A: about you: Extra", ANSWER_ADDED, "", "Something")
    ]


def test_evidence_linked_unlinked_and_notes_by_item_and_standard_or_criterion():
    items = [_item(1, "Sibling group"), _item(2, "Supervision, March"), _item(3, "Court report")]
    before = snapshot(
        links=[
            _link(1, kss=1, note="Shows it"),
            _link(2, criterion="Reflects in supervision"),
        ],
        items=items,
    )
    after = snapshot(
        links=[
            _link(1, kss=1, note="Shows my direct work"),
            _link(3, kss=1),
            _link(1, criterion="Reflects in supervision"),
        ],
        items=items,
    )
    assert submission_changes(before, after) == [
        Change(
            "KSS 1: Relationships: Sibling group",
            NOTE_CHANGED,
            "Shows it",
            "Shows my direct work",
        ),  # fmt: skip
        Change("KSS 1: Relationships", EVIDENCE_LINKED, "", "Court report"),
        Change("Reflects in supervision", EVIDENCE_LINKED, "", "Sibling group"),
        Change("Reflects in supervision", EVIDENCE_UNLINKED, "Supervision, March", ""),
    ]


def test_an_item_whose_file_content_changed_is_listed_a_renamed_same_file_is_not():
    before = snapshot(
        items=[
            _item(1, "Sibling group", ("notes.txt", "aa")),
            _item(2, "Appraisal", ("appraisal.pdf", "bb")),
            _item(3, "Gone", ("gone.txt", "cc")),
        ]
    )
    after = snapshot(
        items=[
            _item(1, "Sibling group", ("notes-v2.txt", "dd")),
            _item(2, "Appraisal", ("appraisal-renamed.pdf", "bb")),
            _item(4, "New", ("new.txt", "ee")),
        ]
    )
    assert submission_changes(before, after) == [
        Change("Sibling group", FILES_CHANGED, "notes.txt", "notes-v2.txt")
    ]


def test_a_file_added_to_an_item_with_none_says_so():
    before = snapshot(items=[_item(1, "Sibling group")])
    after = snapshot(items=[_item(1, "Sibling group", ("notes.txt", "aa"))])
    assert submission_changes(before, after) == [
        Change("Sibling group", FILES_CHANGED, "No files", "notes.txt")
    ]


def test_missing_or_empty_snapshots_compare_without_error():
    assert submission_changes({}, {}) == []
    assert submission_changes(None, snapshot({"section-a": {"name": "Amara"}})) == [
        Change("Section A: about you: Your name", ANSWER_ADDED, "", "Amara")
    ]
