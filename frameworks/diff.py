"""What changed between two versions of a framework, for editors before they publish."""

from frameworks.importing import framework_as_data
from frameworks.rule_text import describe_rule


def _lines(data):
    """Every fact of a framework as (place, line) pairs a person can read."""
    facts = {}

    def add(place, line):
        facts.setdefault(place, []).append(line)

    add("Framework", f"Title: {data['title']}")
    add("Framework", f"Version: {data['version_label'] or 'no label'}")
    for route in data.get("development_routes") or []:
        add("Development routes", f"{route.get('name')}: {route.get('description', '')}")
    for role in data["roles"]:
        place = f"Role {role['code']}: {role['title']}"
        for name in ("description", "entry_requirements", "pay_range", "grade", "pay_point"):
            if role[name]:
                add(place, f"{name.replace('_', ' ').capitalize()}: {role[name]}")
        for level in role["levels"]:
            level_place = f"Level {level['code']}" + (
                f" ({level['name']})" if level["name"] else ""
            )
            add(level_place, f"Cumulative: {'yes' if level['cumulative'] else 'no'}")
            for criterion in level["criteria"]:
                rules = "; ".join(describe_rule(rule) for rule in criterion["rules"])
                add(
                    level_place,
                    f"{criterion['category'].replace('_', ' ').capitalize()}: {criterion['text']}"
                    + (f" [{rules}]" if rules else ""),
                )
    for route in data["routes"]:
        place = f"Route {route['code']}: {route['title']}"
        for scope in ("eligibility_rules", "evidence_rules"):
            for rule in route[scope]:
                add(place, f"{scope.split('_')[0].capitalize()}: {describe_rule(rule)}")
        for name in ("standards_policy", "required_documents", "panel", "workflow"):
            if route[name]:
                add(place, f"{name.replace('_', ' ').capitalize()}: {route[name]}")
        if route["pay_outcome"]:
            add(place, f"Pay outcome: {route['pay_outcome']}")
    return facts


def framework_changes(*, old, new):
    """[(place, removed lines, added lines)] for every place that differs, in the new version's
    order (places only in the old version last)."""
    before, after = _lines(framework_as_data(old)), _lines(framework_as_data(new))
    places = list(after) + [place for place in before if place not in after]
    changes = []
    for place in places:
        old_lines, new_lines = before.get(place, []), after.get(place, [])
        removed = [line for line in old_lines if line not in new_lines]
        added = [line for line in new_lines if line not in old_lines]
        if removed or added:
            changes.append((place, removed, added))
    return changes
