"""The rule evaluator: a framework's machine-checkable rules against what is known about one
person on one day. Pure (no Django, no database): the calling service gathers the facts. A rule is
a dict like {"type": "min_evidence", "count": 5, "kinds": ["case_example"]}, from the closed list
in fixtures/README.md; each result has a plain-English reason with the numbers, for the worker."""

import calendar
import datetime
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from careerpath.dates import long_date

MET, NOT_MET, JUDGEMENT = "met", "not met", "needs judgement"

RULE_TYPES = {
    "min_evidence": ("count",),
    "min_months_at_level": ("months",),
    "min_months_since": ("months", "since"),
    "permanent_contract": (),
    "no_formal_procedures": ("procedures", "declared_by"),
    "max_words": ("words",),
    "recency": ("kind", "within_months"),
    "min_rating": ("kind", "rating", "scale"),
    "attestation": ("by",),
    "certificate_required": ("what",),
    "asye_completed": (),
}
# Parameters a type may have but need not; "note" and "source" (the seed line) may be on any rule.
OPTIONAL_PARAMETERS = {"min_evidence": ("kinds",)}
ANY_RULE_KEYS = ("type", "note", "source")

# Evidence kind -> (one, several), as a social worker would say them.
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
EVIDENCE_KINDS = tuple(KIND_NAMES)

ROLE_NAMES = {
    "worker": "you",
    "practice_supervisor": "your practice supervisor",
    "line_manager": "your line manager",
    "team_manager": "your team manager",
    "progression_coordinator": "the progression coordinator",
    "panel_member": "a panel member",
    "appeal_authority": "the appeal authority",
    "hr": "HR",
}
ROLES = tuple(ROLE_NAMES)

PROCEDURE_NAMES = {
    "capability": "capability",
    "disciplinary": "disciplinary",
    "sickness": "sickness absence",
    "performance": "performance management",
}
SINCE = {"qualification": "qualifying", "registration": "registration with Social Work England"}


@dataclass(frozen=True)
class EvidenceItem:
    kind: str  # one of EVIDENCE_KINDS
    dated: datetime.date | None  # when the evidenced practice or event happened
    rating: int | None = None  # practice observations: 1..4
    certificate: bool = False  # the item is (or includes) a certificate


@dataclass(frozen=True)
class Facts:
    """What is known about one person and one part of their application, for one set of rules
    (a criterion's rules get the evidence linked to that criterion and the words of its statement;
    a route's rules get the whole application's)."""

    level_started_on: datetime.date | None = None
    qualification_date: datetime.date | None = None
    registration_date: datetime.date | None = None
    contract_type: str | None = None  # "permanent" / "temporary"
    asye_completed: bool | None = None
    words: int | None = None  # words in the statement being checked
    evidence: tuple[EvidenceItem, ...] = ()
    attested_by: frozenset[str] = frozenset()  # roles that have attested
    # "no_formal_procedures" -> True (declared not subject), False (declared subject); absent =
    # not declared yet. Left out of the hash so Facts stays hashable with a plain dict here.
    declarations: Mapping[str, bool] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class RuleResult:
    rule: Mapping = field(hash=False)  # the rule dict as given
    status: str  # MET / NOT_MET / JUDGEMENT
    reason: str  # plain English, with the numbers
    have: int | None = None
    need: int | None = None


@dataclass(frozen=True)
class ReadinessReport:
    results: tuple[RuleResult, ...]

    @property
    def status(self):
        statuses = {result.status for result in self.results}
        return next((status for status in (NOT_MET, JUDGEMENT) if status in statuses), MET)

    @property
    def met(self):
        return self.status == MET

    @property
    def counts(self):
        statuses = Counter(result.status for result in self.results)
        return {status: statuses[status] for status in (MET, NOT_MET, JUDGEMENT)}


# --- Dates and words -----------------------------------------------------------------------


def add_months(day, months):
    """Calendar months later (or earlier, if negative), clamped to the month's end:
    31 August + 6 months is 28 February, or 29 in a leap year."""
    years, month0 = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month0 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_between(start, end):
    """Whole calendar months from start to end: the largest n with add_months(start, n) <= end."""
    n = (end.year - start.year) * 12 + end.month - start.month
    # add_months(start, n) lands in end's month; one fewer if it lands after end's day.
    if n > 0 and add_months(start, n) > end:
        n -= 1
    return max(n, 0)


def count_words(text):
    """Words as Microsoft Word counts them: runs of non-whitespace between any Unicode whitespace
    (str.split() with no argument treats non-breaking and other Unicode spaces as whitespace)."""
    return len(text.split()) if text else 0


def join_words(words, conjunction="and"):
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


def _number(n):
    names = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
    return names[n] if 0 <= n < len(names) else str(n)


def kinds_name(kinds, n=2):
    """'case examples', 'training certificates or learning events', 'pieces of evidence'."""
    if not kinds:
        return "piece of evidence" if n == 1 else "pieces of evidence"
    return join_words((KIND_NAMES[kind][0 if n == 1 else 1] for kind in kinds), "or")


def _tally(have, need, one, several):
    """'3 of 5 case examples'; past what is needed, '7 case examples (5 needed)'."""
    if have > need:
        return f"{have} {several} ({need} needed)"
    return f"{have} of {need} {one if need == 1 else several}"


def _result(rule, met, reason, have=None, need=None):
    return RuleResult(rule, MET if met else NOT_MET, reason, have, need)


# --- One function per rule type ------------------------------------------------------------


def _min_evidence(rule, facts, on):
    kinds, need = rule.get("kinds"), rule["count"]
    have = sum(1 for item in facts.evidence if not kinds or item.kind in kinds)
    reason = _tally(have, need, kinds_name(kinds, 1), kinds_name(kinds))
    return _result(rule, have >= need, reason, have, need)


def _months_reason(rule, start, on, what):
    have, need = months_between(start, on), rule["months"]
    reason = _tally(have, need, f"month {what}", f"months {what}")
    if have < need:
        reason += f" (you reach {need} months on {long_date(add_months(start, need))})"
    return _result(rule, have >= need, reason, have, need)


def _min_months_at_level(rule, facts, on):
    if facts.level_started_on is None:
        reason = "No start date is recorded for your current level"
        return _result(rule, False, reason, None, rule["months"])
    return _months_reason(rule, facts.level_started_on, on, "at your current level")


def _min_months_since(rule, facts, on):
    since = rule["since"]
    start = facts.qualification_date if since == "qualification" else facts.registration_date
    if start is None:
        return _result(rule, False, f"No {since} date is recorded", None, rule["months"])
    return _months_reason(rule, start, on, f"since {SINCE[since]}")


def _permanent_contract(rule, facts, on):
    contract = facts.contract_type
    if contract is None:
        return RuleResult(rule, JUDGEMENT, "Your contract type is not recorded yet")
    if contract == "permanent":
        return _result(rule, True, "You are on a permanent contract")
    reason = f"You are on a {contract} contract; this route needs a permanent one"
    return _result(rule, False, reason)


def _no_formal_procedures(rule, facts, on):
    who = ROLE_NAMES[rule["declared_by"]]
    procedures = f"{join_words((PROCEDURE_NAMES[p] for p in rule['procedures']), 'or')} procedures"
    declared = facts.declarations.get("no_formal_procedures")
    if declared is None:
        reason = f"Waiting for {who} to declare whether you are subject to {procedures}"
        return RuleResult(rule, JUDGEMENT, reason)
    subject = "not subject" if declared else "subject"
    return _result(rule, declared, f"{who.capitalize()} declared you are {subject} to {procedures}")


def _max_words(rule, facts, on):
    words, limit = facts.words, rule["words"]
    # An empty statement is not "within the limit": there is nothing to read yet.
    if not words:
        return _result(rule, False, "No statement written yet", 0, limit)
    if words <= limit:
        return _result(rule, True, f"{words} of {limit} words", words, limit)
    reason = f"{words} words: {words - limit} over the {limit}-word limit"
    return _result(rule, False, reason, words, limit)


def recency_assignment(dates, windows, on):
    """Fill each window ("within the last w months of `on`") with a different dated item.
    Returns (filled, unfilled): lists of window lengths.

    Windows all end on `on`, so they are nested: an item that fits a window fits every longer one.
    Taking windows shortest first and giving each the most recent unused item is then a maximum
    matching (if the most recent unused item does not fit, nothing unused does), and it leaves the
    longest windows unfilled, which is the most lenient thing to ask the worker for.
    """
    usable = sorted((d for d in dates if d is not None and d <= on), reverse=True)
    filled, unfilled, next_item = [], [], 0
    for months in sorted(windows):
        if next_item < len(usable) and usable[next_item] >= add_months(on, -months):
            filled.append(months)
            next_item += 1
        else:
            unfilled.append(months)
    return filled, unfilled


def windows_phrase(windows, on=None):
    """'one within the last 6 months and one within the last 9 months'; with `on`, the dates."""
    parts = []
    for months, n in sorted(Counter(windows).items()):
        part = f"{_number(n)} within the last {months} months"
        if on is not None:
            part += f" (on or after {long_date(add_months(on, -months))})"
        parts.append(part)
    return join_words(parts)


def _recency(rule, facts, on):
    kind, windows = rule["kind"], rule["within_months"]
    dates = [item.dated for item in facts.evidence if item.kind == kind]
    filled, unfilled = recency_assignment(dates, windows, on)
    have, need = len(filled), len(windows)
    reason = f"{have} of {need} {kinds_name([kind], need)} in time"
    if unfilled:
        reason += f"; still needed: {windows_phrase(unfilled, on)}"
    else:
        reason += f": {windows_phrase(filled)}"
    return _result(rule, not unfilled, reason, have, need)


def recency_lookahead(rule, facts, on, today, when):
    """Why a recency rule met today fails on a later day that matters, in the worker's words:
    "Your latest supervision record is from 2 October 2026; by your submission deadline on
    20 March 2027 it will be more than 6 months old". None when the later day changes nothing.
    `when` names the day ("your submission deadline")."""
    if on <= today:
        return None
    kind, windows = rule["kind"], rule["within_months"]
    dates = [item.dated for item in facts.evidence if item.kind == kind and item.dated]
    _, unfilled_then = recency_assignment(dates, windows, on)
    _, unfilled_now = recency_assignment(dates, windows, today)
    past = [day for day in dates if day <= today]
    if len(unfilled_then) <= len(unfilled_now) or not past:
        return None
    one = KIND_NAMES[kind][0]
    return (
        f"Your latest {one} is from {long_date(max(past))}; by {when} on {long_date(on)} it "
        f"will be more than {min(unfilled_then)} months old"
    )


def _min_rating(rule, facts, on):
    kind, need, scale = rule["kind"], rule["rating"], rule["scale"]
    one = KIND_NAMES[kind][0]
    rated = [
        item
        for item in facts.evidence
        if item.kind == kind
        and item.rating is not None
        and (item.dated is None or item.dated <= on)
    ]
    if not rated:
        return _result(rule, False, f"No {one} rated yet", None, need)
    # The most recent counts; undated ones count as oldest; on the same day, the better rating.
    latest = max(rated, key=lambda item: (item.dated is not None, item.dated or on, item.rating))
    reason = f"{one.capitalize()} rated {latest.rating} of {scale} ({need} or above needed)"
    return _result(rule, latest.rating >= need, reason, latest.rating, need)


def _attestation(rule, facts, on):
    roles = list(dict.fromkeys(rule["by"]))
    missing = [role for role in roles if role not in facts.attested_by]
    have, need = len(roles) - len(missing), len(roles)
    if missing:
        reason = f"Waiting for verification by {join_words(ROLE_NAMES[role] for role in missing)}"
        return _result(rule, False, reason, have, need)
    reason = f"Verified by {join_words(ROLE_NAMES[role] for role in roles)}"
    return _result(rule, True, reason, have, need)


def _certificate_required(rule, facts, on):
    # The machine can only see that a certificate is there; whether it is the right one is for
    # the person checking the portfolio.
    have = sum(
        1 for item in facts.evidence if item.certificate or item.kind == "training_certificate"
    )
    if have:
        return _result(rule, True, f"Certificate provided: {rule['what']}", have, 1)
    return _result(rule, False, f"Certificate needed: {rule['what']}", 0, 1)


def _asye_completed(rule, facts, on):
    asye = "your ASYE (Assessed and Supported Year in Employment)"
    if facts.asye_completed is None:
        return RuleResult(rule, JUDGEMENT, f"Not yet recorded whether you have completed {asye}")
    if facts.asye_completed:
        return _result(rule, True, f"You have completed {asye}")
    return _result(rule, False, f"You have not completed {asye} yet")


def _time_rule_start(rule, facts):
    if rule["type"] == "min_months_at_level":
        return facts.level_started_on
    since = rule["since"]
    return facts.qualification_date if since == "qualification" else facts.registration_date


TIME_RULE_TYPES = ("min_months_at_level", "min_months_since")


def eligible_from(rules, facts, on):
    """The first day, from `on`, on which every time-based rule (time at level, time since
    qualifying or registration) is met: `on` itself when they are met already (or there are
    none), None when a start date they count from is not recorded. Only these rules change with
    the calendar alone; whether the others are met is for the readiness report to say."""
    day = on
    for rule in rules or ():
        if rule.get("type") not in TIME_RULE_TYPES:
            continue
        start = _time_rule_start(rule, facts)
        if start is None:
            return None
        day = max(day, add_months(start, rule["months"]))
    return day


CHECKS = {
    "min_evidence": _min_evidence,
    "min_months_at_level": _min_months_at_level,
    "min_months_since": _min_months_since,
    "permanent_contract": _permanent_contract,
    "no_formal_procedures": _no_formal_procedures,
    "max_words": _max_words,
    "recency": _recency,
    "min_rating": _min_rating,
    "attestation": _attestation,
    "certificate_required": _certificate_required,
    "asye_completed": _asye_completed,
}
NO_RULES = RuleResult(
    {}, JUDGEMENT, "No machine check: this is judged by people (your managers or the panel)"
)


def evaluate(rules, facts, on):
    """Check every rule against the facts on the day `on`. Unknown keys on a rule (note, source)
    are ignored; an unknown type or a missing parameter raises ValueError."""
    results = []
    for rule in rules or ():
        check = CHECKS.get(rule.get("type")) if isinstance(rule.get("type"), str) else None
        if check is None:
            raise ValueError(f"Unknown rule type {rule.get('type')!r}")
        try:
            results.append(check(rule, facts, on))
        except (KeyError, TypeError) as error:
            raise ValueError("; ".join(validate_rule(rule)) or str(error)) from error
    return ReadinessReport(tuple(results) or (NO_RULES,))


# --- Validation ----------------------------------------------------------------------------


def _positive_whole_number(value):
    if isinstance(value, bool) or not isinstance(value, int):
        return "must be a whole number"
    return None if value > 0 else "must be more than 0"


def _one_of(choices, what):
    def check(value):
        return None if value in choices else f"{value!r} is not {what} ({', '.join(choices)})"

    return check


def _list_of(check_item):
    def check(value):
        if not isinstance(value, list | tuple) or not value:
            return "must be a list with at least one entry"
        return next((problem for item in value if (problem := check_item(item))), None)

    return check


def _text(value):
    return None if isinstance(value, str) and value.strip() else "must be some text"


# A parameter name means the same thing in every rule type that has it.
PARAMETER_CHECKS = {
    "count": _positive_whole_number,
    "months": _positive_whole_number,
    "words": _positive_whole_number,
    "rating": _positive_whole_number,
    "scale": _positive_whole_number,
    "kind": _one_of(EVIDENCE_KINDS, "an evidence kind"),
    "kinds": _list_of(_one_of(EVIDENCE_KINDS, "an evidence kind")),
    "since": _one_of(tuple(SINCE), "a date to count from"),
    "procedures": _list_of(_one_of(tuple(PROCEDURE_NAMES), "a procedure")),
    "declared_by": _one_of(ROLES, "a role"),
    "by": _list_of(_one_of(ROLES, "a role")),
    "within_months": _list_of(_positive_whole_number),
    "what": _text,
    "note": _text,
    "source": lambda value: None,  # a seed line number or ranges: the importer checks those
}


def validate_rule(rule):
    """Problems with one rule dict, in plain English; [] when it is fine."""
    if not isinstance(rule, Mapping):
        return ["A rule must be a mapping of parameter names to values"]
    kind = rule.get("type")
    if not isinstance(kind, str) or kind not in RULE_TYPES:
        known = ", ".join(RULE_TYPES)
        return [f"Unknown rule type {kind!r}: it must be one of {known}"]
    required = RULE_TYPES[kind]
    allowed = set(required) | set(OPTIONAL_PARAMETERS.get(kind, ())) | set(ANY_RULE_KEYS)
    problems = [f"{kind} needs '{name}'" for name in required if name not in rule]
    problems += [f"{kind} does not take '{name}'" for name in rule if name not in allowed]
    for name, value in rule.items():
        if name in allowed and name != "type":
            problem = PARAMETER_CHECKS[name](value)
            if problem:
                problems.append(f"{kind} {name}: {problem}")
    if kind == "min_rating" and not problems and rule["rating"] > rule["scale"]:
        problems.append(
            f"min_rating rating: {rule['rating']} is above the top of the scale ({rule['scale']})"
        )
    return problems
