"""What the service knows about a person, gathered into the rule evaluator's Facts.

The employment record (current level, qualification and registration dates, contract, ASYE) is
read here. Evidence lives in apps that read frameworks, never the other way round, so they
register a source here (portfolios does, in its AppConfig.ready): a function
`source(*, person, on)` returning a tuple of frameworks.rules.EvidenceItem."""

from frameworks.rules import Facts, evaluate

_evidence_sources = []


def register_evidence_source(source):
    if source not in _evidence_sources:
        _evidence_sources.append(source)


def evidence_of(*, person, on):
    """Every registered source's evidence for the person, as the evaluator reads it."""
    return tuple(item for source in _evidence_sources for item in source(person=person, on=on))


def current_level_of(person):
    return person.level_history.filter(ended_on__isnull=True).first()


# "Look the current level up": None is a real answer (no level recorded), so it cannot be the
# default that asks for a look-up.
LOOK_UP = object()


def person_facts(
    *, person, on, from_level=None, time_at_level=True, current=LOOK_UP, with_evidence=False
):
    """(Facts, note) for one person on one day. Time at level counts only when the person's
    recorded current level is `from_level` (or any level, when none is given); the note says
    why it cannot count. `current` saves the query when the caller has the current level."""
    if current is LOOK_UP:
        current = current_level_of(person)
    note, level_started_on = "", None
    if not time_at_level:
        pass  # time at level is not asked (a route with no starting level)
    elif current is None:
        note = "No current level is recorded for you."
    elif from_level is not None and current.level_code != from_level.code:
        note = (
            f"Your recorded level is {current.level_code}; this route starts from "
            f"{from_level.code}."
        )
    else:
        level_started_on = current.started_on
    facts = Facts(
        level_started_on=level_started_on,
        qualification_date=person.qualification_date,
        registration_date=person.swe_registration_date,
        contract_type=person.contract_type or None,
        asye_completed=person.asye_completed,
        evidence=evidence_of(person=person, on=on) if with_evidence else (),
    )
    return facts, note


# Rules about an application's own content: a statement's words, a manager's verification. The
# self-assessment cannot know them yet, so it leaves them out of where the person stands.
APPLICATION_RULE_TYPES = frozenset({"max_words", "attestation"})


def criteria_standing(*, person, criteria, on):
    """criterion pk -> ReadinessReport (where the person stands today), for each criterion with
    rules the person's record and library can answer, from one gathering of the facts.
    Criteria must come with their rules."""
    facts = None
    standing = {}
    for criterion in criteria:
        rules = [
            rule.as_dict()
            for rule in criterion.rules.all()
            if rule.type not in APPLICATION_RULE_TYPES
        ]
        if not rules:
            continue
        if facts is None:
            facts, _ = person_facts(person=person, on=on, with_evidence=True)
        standing[criterion.pk] = evaluate(rules, facts, on)
    return standing
