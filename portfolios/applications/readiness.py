"""The live readiness check: every rule that applies to one application, each counted once, as
met, not met (with the reason, the numbers and a link to the place that fixes it) or for a person
to judge. The facts are gathered here in a fixed number of queries whatever the application's
size; the pure evaluator in frameworks.rules does the judging.

Where each rule is counted (the same requirement is often stated in several places: a route's
rules restate its target level's criteria and its standards policy):
- eligibility: the route's eligibility rules, on the panel date (else today);
- standards: the standards policy, per allocated standard, on the evidence linked to it and the
  words of its statement (with the route rules that restate the policy);
- the whole portfolio: the required documents and the route's other evidence rules, on every
  item the application links, recency judged on the submission deadline (else the panel date,
  else today);
- criteria: what is left of the target level's criteria. On a route with no form (the
  application is a statement per criterion), a route evidence rule that restates a criterion's
  rule is counted at the criterion, on the evidence linked to that criterion, not on the whole
  portfolio, so the same case examples never satisfy two criteria.
"""

import dataclasses
import datetime
import json
import re
from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from frameworks.facts import current_level_of, person_facts
from frameworks.models import RuleScope, Standard
from frameworks.rule_text import describe_rule, distinct_rules, route_requirement_groups
from frameworks.rules import (
    JUDGEMENT,
    MET,
    NOT_MET,
    EvidenceItem,
    RuleResult,
    count_words,
    eligible_from,
    evaluate,
    recency_lookahead,
)
from frameworks.selectors import criteria_for_target, level_code_matches
from portfolios.applications.workflow import register_guard
from portfolios.models import ApplicationAnswer, Attestation, EvidenceLink

STATUS_LABELS = {MET: "Met", NOT_MET: "Not met", JUDGEMENT: "For a person to judge"}
NOT_APPLICABLE = {"", "n/a", "na", "n / a"}


@dataclass(frozen=True)
class Line:
    requirement: str  # what is asked, in plain English
    status: str  # MET / NOT_MET / JUDGEMENT
    reason: str  # why, with the numbers
    url: str = ""  # the place that fixes it
    url_text: str = ""
    rule: dict = field(default_factory=dict, compare=False)

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]


@dataclass(frozen=True)
class Group:
    key: str
    title: str
    lines: tuple


@dataclass(frozen=True)
class ApplicationReadiness:
    groups: tuple
    judged_on: datetime.date  # the day recency is judged on
    judged_on_label: str  # "your submission deadline", "your panel date", "today"
    eligible_on: datetime.date  # the day eligibility is judged on
    eligible_from: datetime.date | None  # the first day the time rules are met

    @property
    def lines(self):
        return [line for group in self.groups for line in group.lines]

    @property
    def counts(self):
        counts = {MET: 0, NOT_MET: 0, JUDGEMENT: 0}
        for line in self.lines:
            counts[line.status] += 1
        return counts

    @property
    def missing(self):
        return [line for line in self.lines if line.status == NOT_MET]

    @property
    def can_submit(self):
        """Every machine rule met (eligibility on the panel date included)."""
        return not self.missing

    @property
    def met(self):
        return self.counts[MET]

    @property
    def not_met(self):
        return self.counts[NOT_MET]

    @property
    def to_judge(self):
        return self.counts[JUDGEMENT]

    def as_dict(self):
        """Plain data for the frozen snapshot."""
        return {
            "judged_on": self.judged_on.isoformat(),
            "judged_on_label": self.judged_on_label,
            "eligible_on": self.eligible_on.isoformat(),
            "eligible_from": self.eligible_from.isoformat() if self.eligible_from else None,
            "counts": self.counts,
            "groups": [
                {
                    "key": group.key,
                    "title": group.title,
                    "lines": [
                        {
                            "requirement": line.requirement,
                            "status": line.status,
                            "reason": line.reason,
                            "rule": line.rule,
                        }
                        for line in group.lines
                    ],
                }
                for group in self.groups
            ],
        }


# --- Where things are typed: answers by standard and by criterion ---------------------------

STANDARD_KEY = re.compile(r"(?:kss|standard)[-_ ]?(\d+)", re.IGNORECASE)
CRITERION_KEY = re.compile(r"criterion[-_ ]?(\d+)", re.IGNORECASE)


@dataclass
class Written:
    section: str = ""
    text: str = ""
    sources: str = ""

    @property
    def given(self):
        return self.text.strip().lower() not in NOT_APPLICABLE


def _written(answers):
    """(by standard number, by criterion pk, other sections written in), from the answers'
    section and field keys ("kss-4", "c.kss-4", "criterion-23": see forms_engine); a field
    whose key mentions "source" holds the sources of evidence."""
    standards, criteria, others = {}, {}, set()
    for answer in answers:
        for key, value in (answer.values or {}).items():
            if not isinstance(value, str):
                continue
            where = f"{answer.section}.{key}"
            for pattern, found in ((STANDARD_KEY, standards), (CRITERION_KEY, criteria)):
                match = pattern.search(where)
                if match is None:
                    continue
                written = found.setdefault(int(match.group(1)), Written(answer.section))
                if "source" in key.lower():
                    written.sources = f"{written.sources} {value}".strip()
                else:
                    written.text = f"{written.text}\n{value}".strip()
                break
            else:
                if value.strip():
                    others.add(answer.section)
    return standards, criteria, others


# --- Links to the place that fixes a line ---------------------------------------------------


def _reverse(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


class _Places:
    def __init__(self, application):
        self.pk = application.pk
        self.detail = _reverse("portfolios:application-detail", self.pk) or _reverse(
            "portfolios:application-readiness", self.pk
        )
        self.library = _reverse("portfolios:evidence-list")

    def section(self, section):
        if section:
            url = _reverse("portfolios:application-section", self.pk, section)
            if url:
                return url, "Write it"
        return self.detail, "Go to your application"

    def links(self, target=""):
        """The links page of one standard ("kss-4") or criterion ("criterion-23")."""
        url = _reverse("portfolios:application-links", self.pk, target) if target else ""
        return (url, "Link evidence") if url else (self.detail, "Link evidence")

    def add_to_library(self):
        return self.library, "Add it to your evidence library"


# --- Gathering the facts --------------------------------------------------------------------


def _rule_key(rule):
    """The requirement a rule states, without its note or source line (lists in any order)."""
    plain = {
        name: sorted(value) if isinstance(value, list) and name in ("by", "kinds") else value
        for name, value in rule.items()
        if name not in ("note", "source")
    }
    return json.dumps(plain, sort_keys=True)


def _fact_item(item):
    return EvidenceItem(item.kind, item.dated, item.rating, item.is_certificate)


STATEMENT = EvidenceItem("written_statement", None)


def _dates(application, today):
    if application.submission_deadline:
        judged = (application.submission_deadline, "your submission deadline")
    elif application.panel_date:
        judged = (application.panel_date, "your panel date")
    else:
        judged = (today, "today")
    return judged, application.panel_date or today


def _form_word_limits(forms):
    """Every word limit the framework's forms set on a field or part."""
    limits = set()
    stack = [forms or {}]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("max_words"), int):
                limits.add(node["max_words"])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return limits


def _result_line(result, requirement, place, on, facts, today, when):
    status, reason = result.status, result.reason
    rule = dict(result.rule)
    if rule.get("type") == "attestation" and status == NOT_MET:
        # Another person's step: the worker cannot do it, and it does not hold them back.
        status = JUDGEMENT
    if rule.get("type") == "recency" and status == NOT_MET:
        ahead = recency_lookahead(rule, facts, on, today, when)
        if ahead:
            reason = f"{ahead}. {reason}"
    url, url_text = place if status == NOT_MET else ("", "")
    return Line(requirement, status, reason, url, url_text, rule)


def _lines(rules, facts, on, place, today, when, requirement=None):
    """One line per rule; place is (url, text), or a function of the rule giving them."""
    if not rules:
        return []
    results = evaluate(rules, facts, on).results
    return [
        _result_line(
            result,
            requirement or describe_rule(result.rule),
            place(result.rule) if callable(place) else place,
            on,
            facts,
            today,
            when,
        )
        for result in results
    ]


def _evidence_place(rule, places, section="", target=""):
    if rule.get("kinds") == ["written_statement"] or rule.get("kind") == "written_statement":
        return places.section(section)  # written in the application itself
    if rule.get("type") in ("min_evidence", "recency", "min_rating", "certificate_required"):
        return places.links(target) if target else places.add_to_library()
    return places.section(section)


def _form_lines(sections, answers, places):
    """The form's own sections that are not about one standard or criterion (personal
    details, a summary, a signature): completed, or what is still to answer."""
    from portfolios.applications import forms_engine

    lines = []
    for section in sections:
        if not section.is_workers or section.targets or section.observation:
            continue
        values = answers.get(section.key) or {}
        status = forms_engine.section_status(section, values)
        if status == forms_engine.COMPLETED:
            lines.append(Line(section.title, MET, "Completed"))
            continue
        if status == forms_engine.CANNOT_START:
            reason = section.blocked
        else:
            texts = {spec.key: str(values.get(spec.key) or "") for spec in section.fields}
            missing = [
                spec.label
                for spec in section.fields
                if spec.required and not spec.condition and not texts[spec.key].strip()
            ]
            problems = [
                problem
                for spec in section.fields
                if (problem := forms_engine.field_problems(spec, texts[spec.key]))
            ]
            reason = "; ".join(
                ([f"{len(missing)} required answer{'s' if len(missing) != 1 else ''} "
                  "still to give"] if missing else []) + problems
            ) or "Not completed yet"  # fmt: skip
        url, url_text = places.section(section.key)
        lines.append(Line(section.title, NOT_MET, reason, url, url_text))
    return lines


def _sections(application, standard_titles, criteria):
    from portfolios.applications.forms_engine import application_sections

    return application_sections(
        application=application, standards=standard_titles, criteria=criteria
    )


def application_readiness(*, application, on=None):
    """The readiness report of one application (see the module's docstring)."""
    today = on or timezone.localdate()
    (judged_on, when), eligible_on = _dates(application, today)
    route = application.route
    person = application.applicant
    places = _Places(application)

    # The queries: the route's rules, the target level's criteria and their rules, the links
    # with their items and standards, the answers, the attestations, the person's current level,
    # and the standards of the policy's set. Never more, whatever the size.
    route_rules = list(route.rules.all())
    criteria = list(criteria_for_target(level=route.to_level))
    links = list(
        EvidenceLink.objects.filter(application=application).select_related("item", "standard")
    )
    answers = list(ApplicationAnswer.objects.filter(application=application))
    attested = frozenset(
        Attestation.objects.filter(application=application).values_list("role", flat=True)
    )
    current = current_level_of(person)
    policy = route.standards_policy or {}
    standard_titles = {}
    if policy.get("standard_set"):
        standard_titles = dict(
            Standard.objects.filter(standard_set__code=policy["standard_set"]).values_list(
                "number", "title"
            )
        )

    from_level = route.from_level
    if from_level is not None and current and level_code_matches(current, from_level):
        from_level = None  # the record names the route's starting level: time at level counts
    base, _ = person_facts(
        person=person,
        on=eligible_on,
        from_level=from_level,
        current=current,
        time_at_level=route.from_level is not None,
    )
    base = dataclasses.replace(base, attested_by=attested)
    by_standard, by_criterion = {}, {}
    for link in links:
        if link.standard_id:
            by_standard.setdefault(link.standard.number, []).append(_fact_item(link.item))
        else:
            by_criterion.setdefault(link.criterion_id, []).append(_fact_item(link.item))
    written_standards, written_criteria, other_sections = _written(answers)
    # For the whole portfolio, each statement written and each other section of the form
    # written in counts as a written statement (a form the route asks for, say).
    statements = tuple(
        STATEMENT
        for written in [*written_standards.values(), *written_criteria.values()]
        if written.given
    ) + tuple(STATEMENT for _ in other_sections)
    distinct_items = {link.item_id: _fact_item(link.item) for link in links}
    portfolio = dataclasses.replace(base, evidence=tuple(distinct_items.values()) + statements)

    documents = route.required_documents or []
    form_route = bool(policy or documents)
    sections = _sections(application, standard_titles, criteria) if form_route else []
    section_of = {target.key: section.key for section in sections for target in section.targets}
    form_lines = _form_lines(sections, {a.section: a.values for a in answers}, places)
    eligibility = [rule.as_dict() for rule in route_rules if rule.scope == RuleScope.ELIGIBILITY]
    evidence = [rule.as_dict() for rule in route_rules if rule.scope == RuleScope.EVIDENCE]
    # A count that a recency rule beside it already asks for is not counted again.
    pool = {
        criterion.pk: list(distinct_rules([rule.as_dict() for rule in criterion.rules.all()]))
        for criterion in criteria
    }

    restated = set()  # criteria whose rules are all counted elsewhere

    def take_from_criteria(rule):
        """Counted elsewhere: leave one criterion rule stating the same out."""
        key = _rule_key(rule)
        for pk, rules in pool.items():
            for index, candidate in enumerate(rules):
                if _rule_key(candidate) == key:
                    del rules[index]
                    if not rules:
                        restated.add(pk)
                    return True
        return False

    claimed = set()

    def claimed_by_criterion(rule):
        """Is this (route) rule one a criterion states? Each criterion rule answers once."""
        key = _rule_key(rule)
        for pk, rules in pool.items():
            for index, candidate in enumerate(rules):
                if (pk, index) not in claimed and _rule_key(candidate) == key:
                    claimed.add((pk, index))
                    return True
        return False

    groups = []

    # Eligibility, on the panel date.
    for rule in eligibility:
        take_from_criteria(rule)
    if eligibility:
        lines = _lines(eligibility, portfolio, eligible_on, ("", ""), today, when)
        groups.append(Group("eligibility", "Who can apply", tuple(lines)))
    first_day = eligible_from(eligibility, base, eligible_on) if eligibility else eligible_on
    if form_lines:
        groups.append(Group("form", "Your application form", tuple(form_lines)))

    # A route with no form: a route rule restating a criterion's is counted at the criterion.
    if not form_route:
        evidence = [rule for rule in evidence if not claimed_by_criterion(rule)]
    requirements, _, standards_rules = route_requirement_groups(evidence, documents, policy)
    for rules in standards_rules.values():
        for rule in rules:
            take_from_criteria(rule)

    # The standards policy, per standard.
    standards = (
        list(policy.get("always") or [])
        if policy.get("mode") == "all"
        else list(application.allocated_standards or [])
    )
    if policy and policy.get("mode") == "allocated" and not standards:
        url = _reverse("portfolios:application-detail", application.pk)
        groups.append(
            Group(
                "standards",
                "Your standards",
                (
                    Line(
                        "Standards allocated",
                        NOT_MET,
                        "Your standards are allocated when you book your panel place",
                        url,
                        "Book your panel place",
                    ),
                ),
            )
        )
    for number in standards if policy else []:
        target = f"kss-{number}"
        written = written_standards.get(number) or Written(section_of.get(target, ""))
        facts = dataclasses.replace(
            base,
            evidence=tuple(by_standard.get(number, ())),
            words=count_words(written.text) if written.given else 0,
        )
        lines = []
        if policy.get("max_words_per_standard"):
            rule = {"type": "max_words", "words": policy["max_words_per_standard"]}
            lines += _lines(
                [rule],
                facts,
                judged_on,
                places.section(written.section),
                today,
                when,
                "A statement",
            )
        elif written.given:
            lines.append(Line("A statement", MET, f"{count_words(written.text)} words written"))
        else:
            url, url_text = places.section(written.section)
            lines.append(Line("A statement", NOT_MET, "No statement written yet", url, url_text))
        if policy.get("sources_of_evidence_required"):
            if written.sources.strip():
                lines.append(Line("Sources of evidence", MET, "Sources of evidence given"))
            else:
                url, url_text = places.section(written.section)
                lines.append(
                    Line(
                        "Sources of evidence",
                        NOT_MET,
                        "No sources of evidence given yet",
                        url,
                        url_text,
                    )
                )
        for kind, key in (
            ("case_example", "min_case_examples_per_standard"),
            ("learning_event", "min_learning_events_per_standard"),
        ):
            if policy.get(key):
                rule = {"type": "min_evidence", "count": policy[key], "kinds": [kind]}
                lines += _lines([rule], facts, judged_on, places.links(target), today, when)
        title = standard_titles.get(number, "")
        groups.append(
            Group(f"standard-{number}", f"KSS {number}: {title}".strip(": "), tuple(lines))
        )
    for group in policy.get("attested") or ():
        rule = {"type": "attestation", "by": list(group.get("by") or ())}
        numbers = " and ".join(str(number) for number in group.get("standards") or ())
        lines = _lines([rule], base, judged_on, ("", ""), today, when)
        groups.append(
            Group(f"attested-{numbers}", f"KSS {numbers}: verified for you", tuple(lines))
        )

    # The whole portfolio: required documents and the route's other evidence rules.
    portfolio_lines = []
    for index, requirement in enumerate(requirements):
        rules = list(requirement.rules)
        if index < len(documents) and not rules:
            document = documents[index]
            rules = [
                {
                    "type": "min_evidence",
                    "count": document.get("count") or 1,
                    "kinds": [document["kind"]],
                }
            ]
        for rule in rules:
            take_from_criteria(rule)
        if sections and all(
            rule["type"] == "min_evidence" and rule.get("kinds") == ["written_statement"]
            for rule in rules
        ):
            continue  # the form itself (an application form): its sections' lines say it
        if (
            policy
            and standards
            and all(
                rule["type"] == "min_evidence"
                and rule.get("kinds") == ["written_statement"]
                and rule["count"] == len(standards)
                for rule in rules
            )
        ):
            continue  # "a written statement for each standard": the standards' lines say it
        portfolio_lines += _lines(
            rules,
            portfolio,
            judged_on,
            lambda rule: _evidence_place(rule, places),
            today,
            when,
            requirement.text,
        )
    if portfolio_lines:
        groups.append(Group("portfolio", "Your portfolio as a whole", tuple(portfolio_lines)))

    # The target level's criteria: what is left of their rules.
    form_limits = _form_word_limits(route.framework.forms) | {policy.get("max_words_per_standard")}
    for criterion in criteria:
        rules = pool[criterion.pk]
        if criterion.pk in restated:
            continue  # every rule it states is counted above
        if form_route:
            # The form's own word limits are checked on the form's fields; what else is left is
            # judged on the whole portfolio.
            rules = [
                rule
                for rule in rules
                if not (rule["type"] == "max_words" and rule["words"] in form_limits)
            ]
            lines = []
            for rule in rules:
                if rule["type"] == "max_words":
                    lines.append(
                        Line(
                            describe_rule(rule),
                            JUDGEMENT,
                            "Checked by the people reviewing your application",
                            rule=rule,
                        )
                    )
                else:
                    lines += _lines(
                        [rule],
                        portfolio,
                        judged_on,
                        lambda rule: _evidence_place(rule, places),
                        today,
                        when,
                    )
        else:
            written = written_criteria.get(criterion.pk, Written())
            linked = tuple(by_criterion.get(criterion.pk, ()))
            facts = dataclasses.replace(
                base,
                evidence=linked + ((STATEMENT,) if written.given else ()),
                words=count_words(written.text) if written.given else 0,
            )
            section = target = f"criterion-{criterion.pk}"
            lines = _lines(
                rules,
                facts,
                judged_on,
                lambda rule, s=section, t=target: _evidence_place(rule, places, s, t),
                today,
                when,
            )
            if not rules:
                if written.given or linked:
                    lines.append(
                        Line(
                            "A statement or evidence", JUDGEMENT, "Judged by the person who decides"
                        )
                    )
                else:
                    url, url_text = places.section(section)
                    lines.append(
                        Line(
                            "A statement or evidence",
                            NOT_MET,
                            "Nothing written or linked yet",
                            url,
                            url_text,
                        )
                    )
        if lines:
            groups.append(Group(f"criterion-{criterion.pk}", criterion.text, tuple(lines)))

    return ApplicationReadiness(tuple(groups), judged_on, when, eligible_on, first_day)


def _ready_to_submit(application, actor, context):
    """The submit transition's guard: every machine rule met, eligible on the panel date, and
    the declaration accepted. Returns the reason it is refused, listing what is missing."""
    readiness = application_readiness(application=application)
    if readiness.missing:
        missing = "; ".join(f"{line.requirement}: {line.reason}" for line in readiness.missing)
        return f"You cannot submit yet. Still missing: {missing}"
    if not context.get("declaration"):
        return "Confirm the declaration before you submit"
    return None


register_guard("ready_to_submit", _ready_to_submit)
__all__ = ["ApplicationReadiness", "Group", "Line", "RuleResult", "application_readiness"]
