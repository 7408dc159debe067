"""Rules in plain English, for the pages that show what a level or route needs."""

KIND_NAMES = {
    "case_example": ("case example", "case examples"),
    "reflective_account": ("reflective account", "reflective accounts"),
    "supervision_record": ("supervision record", "supervision records"),
    "practice_observation": ("practice observation", "practice observations"),
    "appraisal": ("appraisal", "appraisals"),
    "service_user_feedback": ("piece of service user feedback", "pieces of service user feedback"),
    "training_certificate": ("training certificate", "training certificates"),
    "learning_event": ("learning event", "learning events"),
    "meeting_minutes": ("set of meeting minutes", "sets of meeting minutes"),
    "risk_assessment": ("risk assessment", "risk assessments"),
    "written_report": ("written report", "written reports"),
    "written_statement": ("written statement", "written statements"),
    "case_recording": ("case recording", "case recordings"),
    "plan": ("plan", "plans"),
}
ROLE_NAMES = {
    "worker": "the worker",
    "practice_supervisor": "the practice supervisor",
    "line_manager": "the line manager",
    "team_manager": "the team manager",
    "progression_coordinator": "the progression coordinator",
    "panel_member": "the panel",
    "appeal_authority": "the appeal authority",
    "hr": "HR",
}


def kind_name(kind, count=2):
    singular, plural = KIND_NAMES.get(kind, (kind.replace("_", " "),) * 2)
    return singular if count == 1 else plural


def kinds_name(kinds, count=2):
    if not kinds:
        return "piece of evidence" if count == 1 else "pieces of evidence"
    return " or ".join(kind_name(kind, count) for kind in kinds)


def and_list(words):
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def ordinal_windows(windows):
    parts = [f"one within the last {months} months" for months in windows]
    return and_list(parts)


def describe_rule(rule):
    """One sentence for one rule dict."""
    kind = rule["type"]
    if kind == "min_evidence":
        count = rule["count"]
        return f"At least {count} {kinds_name(rule.get('kinds'), count)}"
    if kind == "min_months_at_level":
        return f"At least {rule['months']} months at the current level"
    if kind == "min_months_since":
        since = (
            "registration with Social Work England"
            if rule["since"] == "registration"
            else "qualifying"
        )
        return f"At least {rule['months']} months since {since}"
    if kind == "permanent_contract":
        return "A permanent contract"
    if kind == "no_formal_procedures":
        procedures = and_list(rule.get("procedures") or ["formal"])
        who = ROLE_NAMES.get(rule.get("declared_by"), "a manager")
        return f"Not subject to {procedures} procedures (declared by {who})"
    if kind == "max_words":
        return f"No more than {rule['words']} words"
    if kind == "recency":
        windows = rule["within_months"]
        return f"{len(windows)} {kind_name(rule['kind'], len(windows))}: " + ordinal_windows(
            windows
        )
    if kind == "min_rating":
        return (
            f"{kind_name(rule['kind'], 1).capitalize()} rated at least "
            f"{rule['rating']} of {rule['scale']}"
        )
    if kind == "attestation":
        return "Verified by " + and_list(ROLE_NAMES.get(role, role) for role in rule["by"])
    if kind == "certificate_required":
        what = rule.get("what")
        return f"Certificate required: {what}" if what else "Certificate required"
    if kind == "asye_completed":
        return "Assessed and Supported Year in Employment (ASYE) completed"
    return kind.replace("_", " ").capitalize()
