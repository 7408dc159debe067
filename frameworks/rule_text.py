"""Rules in plain English for the pages that show what a level or route needs. The wording of
evidence kinds, roles and procedures is shared with the evaluator's reasons."""

from dataclasses import dataclass

from frameworks.rules import PROCEDURE_NAMES, ROLE_NAMES, SINCE, join_words, kinds_name


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
        each = join_words(f"one within the last {months} months" for months in windows)
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


def _rule_kinds(rule):
    kinds = rule.get("kinds") if rule["type"] == "min_evidence" else [rule.get("kind")]
    return frozenset(kinds) if kinds and all(kinds) else None


def route_requirements(rules, documents):
    """A route's evidence rules and required documents, each requirement once: a document the
    source names ("two supervision records, one within 6 months ...") carries the rules about
    its kind of evidence (the count, the recency) beneath it; the remaining rules about one kind
    are read together, the count first."""
    rules = list(rules)
    used = set()
    requirements = []
    for document in documents or ():
        kind = frozenset([document.get("kind")])
        checks = []
        for index, rule in enumerate(rules):
            if index not in used and _rule_kinds(rule) == kind:
                used.add(index)
                checks.append(describe_rule(rule))
        text = document.get("text") or (checks.pop(0) if checks else document.get("kind", ""))
        requirements.append(Requirement(text, tuple(checks)))
    groups = {}
    for index, rule in enumerate(rules):
        if index in used:
            continue
        key = _rule_kinds(rule) if rule["type"] in ("min_evidence", "recency") else None
        groups.setdefault(key if key else ("alone", index), []).append(rule)
    for group in groups.values():
        group.sort(key=lambda rule: rule["type"] != "min_evidence")
        requirements.append(
            Requirement(describe_rule(group[0]), tuple(describe_rule(r) for r in group[1:]))
        )
    return requirements
