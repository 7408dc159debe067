"""What changed between two submissions of one application, read from their frozen snapshots only:
the answers in each section of the form, the evidence linked to each standard or criterion (and
its note), and the files of items submitted both times. A returned application's next submission
is compared with the last one, so reviewers read what the worker changed, not all of it again.

A pure function over plain data (the snapshots' JSON): no queries, no live library."""

from dataclasses import dataclass

ANSWER_CHANGED = "Answer changed"
ANSWER_ADDED = "Answer added"
ANSWER_REMOVED = "Answer removed"
EVIDENCE_LINKED = "Evidence linked"
EVIDENCE_UNLINKED = "Evidence no longer linked"
NOTE_CHANGED = "Note changed"
FILES_CHANGED = "Files changed"


@dataclass(frozen=True)
class Change:
    where: str  # the section and field, or the standard or criterion
    what: str  # one of the constants above
    before: str = ""
    after: str = ""


def _label(key):
    return str(key).replace("_", " ").replace("-", " ").strip().capitalize()


def _text(value):
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(_text(part) for part in value)
    return str(value).strip()


def _answers(snapshot):
    return {
        section.get("section"): section.get("values") or {}
        for section in snapshot.get("sections") or ()
    }


def _fields(previous, current):
    """(section key, section title, [(field key, label)]) in the form's order: the current
    layout's, then the earlier one's for anything it no longer names, then any section or field
    typed that no layout names (in key order)."""
    order = []
    seen = set()
    for snapshot in (current, previous):
        for section in snapshot.get("layout") or ():
            for field in section.get("fields") or ():
                place = (section.get("key"), field.get("key"))
                if place not in seen:
                    seen.add(place)
                    order.append((*place, section.get("title") or _label(place[0]), field["label"]))
    answered = {}
    for snapshot in (current, previous):
        for key, values in _answers(snapshot).items():
            for name in values:
                answered.setdefault((key, name), None)
    titles = {place[0]: place[2] for place in order}
    for key, name in sorted(answered, key=lambda place: (str(place[0]), str(place[1]))):
        if (key, name) not in seen:
            seen.add((key, name))
            order.append((key, name, titles.get(key) or _label(key), _label(name)))
    return order


def _answer_changes(previous, current):
    before_answers, after_answers = _answers(previous), _answers(current)
    changes = []
    for key, name, title, label in _fields(previous, current):
        before = _text((before_answers.get(key) or {}).get(name))
        after = _text((after_answers.get(key) or {}).get(name))
        if before == after:
            continue
        what = ANSWER_ADDED if not before else ANSWER_REMOVED if not after else ANSWER_CHANGED
        changes.append(Change(f"{title}: {label}", what, before, after))
    return changes


def _target(link):
    standard = link.get("standard")
    if standard:
        return f"KSS {standard.get('number')}: {standard.get('title', '')}".rstrip(": ")
    return (link.get("criterion") or {}).get("text") or "The whole portfolio"


def _links(snapshot):
    """(item title, target) -> note, for every link of the snapshot."""
    titles = {item.get("id"): item.get("title") or "" for item in snapshot.get("items") or ()}
    return {
        (titles.get(link.get("item"), ""), _target(link)): _text(link.get("note"))
        for link in snapshot.get("links") or ()
    }


def _link_changes(previous, current):
    before, after = _links(previous), _links(current)
    changes = []
    for place in after:
        title, target = place
        if place not in before:
            changes.append(Change(target, EVIDENCE_LINKED, "", title))
        elif before[place] != after[place]:
            changes.append(Change(f"{target}: {title}", NOTE_CHANGED, before[place], after[place]))
    for place in before:
        if place not in after:
            title, target = place
            changes.append(Change(target, EVIDENCE_UNLINKED, title, ""))
    return changes


def _file_changes(previous, current):
    """Items submitted both times whose files differ (by content, not by name)."""
    earlier = {item.get("id"): item for item in previous.get("items") or ()}
    changes = []
    for item in current.get("items") or ():
        old = earlier.get(item.get("id"))
        if old is None:
            continue
        old_files, new_files = old.get("files") or (), item.get("files") or ()
        if {f.get("sha256") for f in old_files} != {f.get("sha256") for f in new_files}:
            changes.append(
                Change(
                    item.get("title") or "",
                    FILES_CHANGED,
                    ", ".join(f.get("name") or "" for f in old_files) or "No files",
                    ", ".join(f.get("name") or "" for f in new_files) or "No files",
                )
            )
    return changes


def submission_changes(previous_snapshot, current_snapshot):
    """[Change] from the earlier submission's snapshot to the later one's, in the form's order,
    then evidence, then files. Empty when nothing the worker submitted changed."""
    previous, current = previous_snapshot or {}, current_snapshot or {}
    return (
        _answer_changes(previous, current)
        + _link_changes(previous, current)
        + _file_changes(previous, current)
    )
