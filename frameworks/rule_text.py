"""Rules in plain English for the pages that show what a level or route needs. The wording of
evidence kinds, roles and procedures is shared with the evaluator's reasons."""

from dataclasses import dataclass, field

from frameworks.rules import (
    PROCEDURE_NAMES,
    ROLE_NAMES,
    SINCE,
    join_words,
    kinds_name,
    windows_phrase,
)


def describe_rule(rule):
    """One sentence for one rule dict."""
    kind = rule["type"]
    if kind == "min_evidence":
        return f"At least {rule['count']} {kinds_name(rule.get('kinds'), rule['count'])}"
    if kind == "min_months_at_level":
        return f"At least {rule['months']} months at the current level"
    if kind == "min_months_since":
        return f"At least {rule['months']} months since {SINCE[rule['since']]}"
    if kind == "permanent_contract":
        return "A permanent contract"
    if kind == "no_formal_procedures":
        procedures = join_words(PROCEDURE_NAMES.get(p, p) for p in rule.get("procedures") or [])
        who = ROLE_NAMES.get(rule.get("declared_by"), "a manager")
        return f"Not subject to {procedures} procedures (declared by {who})"
    if kind == "max_words":
        return f"No more than {rule['words']} words"
    if kind == "recency":
        windows = rule["within_months"]
        each = windows_phrase(windows)
        return f"{len(windows)} {kinds_name([rule['kind']], len(windows))}: {each}"
    if kind == "min_rating":
        return (
            f"{kinds_name([rule['kind']], 1).capitalize()} rated at least "
            f"{rule['rating']} of {rule['scale']}"
        )
    if kind == "attestation":
        return "Verified by " + join_words(ROLE_NAMES.get(role, role) for role in rule["by"])
    if kind == "certificate_required":
        what = rule.get("what")
        return f"Certificate required: {what}" if what else "Certificate required"
    if kind == "asye_completed":
        return "Assessed and Supported Year in Employment (ASYE) completed"
    return kind.replace("_", " ").capitalize()


@dataclass(frozen=True)
class Requirement:
    """One thing a route asks for: as the source says it, with what the service checks."""

    text: str
    checks: tuple = ()
    # The rule dicts behind it, each once (a count a recency rule already asks for left out):
    # what the readiness check evaluates for this requirement.
    rules: tuple = field(default=(), compare=False)


def _rule_kinds(rule):
    kinds = rule.get("kinds") if rule["type"] == "min_evidence" else [rule.get("kind")]
    return frozenset(kinds) if kinds and all(kinds) else None


def distinct_rules(rules):
    """Rules about one thing without the same asked twice: a count ("at least 2 practice
    observations") is left out when a recency rule already asks for as many ("2 practice
    observations: one within the last 6 months and one ...")."""
    recent = {
        rule["kind"]: len(rule["within_months"]) for rule in rules if rule["type"] == "recency"
    }
    return tuple(
        rule
        for rule in rules
        if not (
            rule["type"] == "min_evidence"
            and len(rule.get("kinds") or ()) == 1
            and recent.get(rule["kinds"][0], 0) >= rule["count"]
        )
    )


def _readings(rules):
    """Plain-English readings of rules about one thing, without saying the same twice."""
    return tuple(describe_rule(rule) for rule in distinct_rules(rules))


def _take(rules, used, wanted):
    """The rules not used yet that `wanted(rule)` accepts, marking them used."""
    taken = []
    for index, rule in enumerate(rules):
        if index not in used and wanted(rule):
            used.add(index)
            taken.append(rule)
    return taken


def route_requirements(rules, documents, policy=None):
    """A route's evidence rules, required documents and standards policy, each requirement
    once. Returns (requirements, standards_checks); route_requirement_groups also says which
    rules each line of the standards stands for."""
    requirements, standards_checks, _ = route_requirement_groups(rules, documents, policy)
    return requirements, standards_checks


def route_requirement_groups(rules, documents, policy=None):
    """(requirements, standards_checks, standards_rules): standards_rules holds, under the same
    keys as standards_checks, the rule dicts each line stands for.

    A document the source names ("two supervision records, one within 6 months ...") carries
    the rules about its kind of evidence beneath it. Rules that restate the standards policy
    (case examples and learning events for each statement, verification of the attested
    statements) go beneath that line of the standards instead, in standards_checks under
    "case_example", "learning_event" and "attested". What is left is read by kind, the count
    first."""
    rules = list(rules)
    used = set()
    requirements = []
    for document in documents or ():
        kind = frozenset([document.get("kind")])
        taken = _take(rules, used, lambda rule, kind=kind: _rule_kinds(rule) == kind)
        checks = _readings(taken)
        text = document.get("text")
        if not text:  # the first reading stands for the document
            text, checks = (checks[0], checks[1:]) if checks else (document.get("kind", ""), ())
        requirements.append(Requirement(text, checks, distinct_rules(taken)))
    standards_checks, standards_rules = {}, {}
    policy = policy or {}
    for kind, key in (
        ("case_example", "min_case_examples_per_standard"),
        ("learning_event", "min_learning_events_per_standard"),
    ):
        if policy.get(key):
            wanted = frozenset([kind])
            taken = _take(rules, used, lambda rule, wanted=wanted: _rule_kinds(rule) == wanted)
            standards_checks[kind] = _readings(taken)
            standards_rules[kind] = tuple(taken)
    for group in policy.get("attested") or ():
        by = set(group.get("by") or ())
        taken = _take(rules, used, lambda rule, by=by: rule["type"] == "attestation"
                      and set(rule["by"]) == by)  # fmt: skip
        standards_checks["attested"] = standards_checks.get("attested", ()) + _readings(taken)
        standards_rules["attested"] = standards_rules.get("attested", ()) + tuple(taken)
    groups = {}
    for index, rule in enumerate(rules):
        if index in used:
            continue
        key = _rule_kinds(rule) if rule["type"] in ("min_evidence", "recency") else None
        groups.setdefault(key if key else ("alone", index), []).append(rule)
    for group in groups.values():
        group.sort(key=lambda rule: rule["type"] != "min_evidence")
        readings = _readings(group)
        requirements.append(Requirement(readings[0], readings[1:], distinct_rules(group)))
    return requirements, standards_checks, standards_rules
