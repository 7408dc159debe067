"""Rules in plain English for the pages that show what a level or route needs. The wording of
evidence kinds, roles and procedures is shared with the evaluator's reasons."""

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
