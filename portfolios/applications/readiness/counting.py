"""Where each rule is counted, once: the lines of each part of the report."""

import dataclasses
import json

from frameworks.rule_text import describe_rule, distinct_rules, route_requirement_groups
from frameworks.rules import (
    JUDGEMENT,
    MET,
    NOT_MET,
    count_words,
    evaluate,
    recency_lookahead,
)
from portfolios.applications.readiness.gathering import STATEMENT, Written
from portfolios.applications.readiness.report import Group, Line


def rule_key(rule):
    """The requirement a rule states, without its note or source line (lists in any order)."""
    plain = {
        name: sorted(value) if isinstance(value, list) and name in ("by", "kinds") else value
        for name, value in rule.items()
        if name not in ("note", "source")
    }
    return json.dumps(plain, sort_keys=True)


def form_word_limits(forms):
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


class CriteriaPool:
    """The target level's criteria rules not yet counted elsewhere (a count that a recency rule
    beside it already asks for is not counted at all)."""

    def __init__(self, criteria):
        self.rules = {
            criterion.pk: list(distinct_rules([rule.as_dict() for rule in criterion.rules.all()]))
            for criterion in criteria
        }
        self.restated = set()  # criteria whose rules are all counted elsewhere
        self.claimed = set()

    def take(self, rule):
        """The rule is counted elsewhere: leave one criterion rule stating the same out."""
        key = rule_key(rule)
        for pk, rules in self.rules.items():
            for index, candidate in enumerate(rules):
                if rule_key(candidate) == key:
                    del rules[index]
                    if not rules:
                        self.restated.add(pk)
                    return True
        return False

    def claims(self, rule):
        """Does a criterion state this (route) rule? Each criterion rule answers once."""
        key = rule_key(rule)
        for pk, rules in self.rules.items():
            for index, candidate in enumerate(rules):
                if (pk, index) not in self.claimed and rule_key(candidate) == key:
                    self.claimed.add((pk, index))
                    return True
        return False


def _is_statements(rules, count=None):
    return bool(rules) and all(
        rule["type"] == "min_evidence"
        and rule.get("kinds") == ["written_statement"]
        and (count is None or rule["count"] == count)
        for rule in rules
    )


class Count:
    """One report's counting: each part's lines, in order, each rule once."""

    def __init__(self, gathered, places, sections):
        self.g = gathered
        self.places = places
        self.sections = sections
        self.section_of = {t.key: s.key for s in sections for t in s.targets}
        self.pool = CriteriaPool(gathered.criteria)
        policy = gathered.policy
        self.form_route = bool(policy or gathered.documents)
        self.standards = (
            list(policy.get("always") or [])
            if policy.get("mode") == "all"
            else list(gathered.application.allocated_standards or [])
        ) if policy else []  # fmt: skip

    # --- evaluating -----------------------------------------------------------------------

    def lines(self, rules, facts, on, place, requirement=None):
        """One line per rule; place is (url, text), or a function of the rule giving them."""
        if not rules:
            return []
        return [
            self.line(result, requirement or describe_rule(result.rule),
                      place(result.rule) if callable(place) else place, on, facts)
            for result in evaluate(rules, facts, on).results
        ]  # fmt: skip

    def line(self, result, requirement, place, on, facts):
        status, reason, rule = result.status, result.reason, dict(result.rule)
        if rule.get("type") == "attestation" and status == NOT_MET:
            # Another person's step: the worker cannot do it, and it does not hold them back.
            status = JUDGEMENT
        if rule.get("type") == "recency" and status == NOT_MET:
            ahead = recency_lookahead(rule, facts, on, self.g.today, self.g.when)
            if ahead:
                reason = f"{ahead}. {reason}"
        url, url_text = place if status == NOT_MET else ("", "")
        return Line(requirement, status, reason, url, url_text, rule)

    # --- the parts, in the order they are counted -----------------------------------------

    def eligibility(self):
        """The route's eligibility rules on the panel date (certificates from linked items)."""
        rules = self.g.eligibility_rules
        for rule in rules:
            self.pool.take(rule)
        if not rules:
            return []
        lines = self.lines(rules, self.g.portfolio, self.g.eligible_on, ("", ""))
        return [Group("eligibility", "Who can apply", tuple(lines))]

    def form(self):
        """The form's own sections that are not about one standard or criterion (personal
        details, a summary, a signature): completed, or what is still to answer."""
        from portfolios.applications import forms_engine

        lines = []
        for section in self.sections:
            if not section.is_workers or section.targets or section.observation:
                continue
            values = self.g.answers.get(section.key) or {}
            status = forms_engine.section_status(section, values)
            if status == forms_engine.COMPLETED:
                lines.append(Line(section.title, MET, "Completed"))
                continue
            if status == forms_engine.CANNOT_START:
                reason = section.blocked
            else:
                texts = {spec.key: str(values.get(spec.key) or "") for spec in section.fields}
                missing = [
                    spec for spec in section.fields
                    if spec.required and not spec.condition and not texts[spec.key].strip()
                ]  # fmt: skip
                problems = [
                    problem for spec in section.fields
                    if (problem := forms_engine.field_problems(spec, texts[spec.key]))
                ]  # fmt: skip
                still = f"{len(missing)} required answer{'s' if len(missing) != 1 else ''}"
                reason = "; ".join(([f"{still} still to give"] if missing else []) + problems)
                reason = reason or "Not completed yet"
            url, url_text = self.places.section(section.key)
            lines.append(Line(section.title, NOT_MET, reason, url, url_text))
        return [Group("form", "Your application form", tuple(lines))] if lines else []

    def route_requirements(self):
        """The route's evidence rules grouped with its documents and standards policy; on a
        route with no form, a route rule restating a criterion's is counted at the criterion
        (on the evidence linked to it), never again on the whole portfolio."""
        evidence = self.g.evidence_rules
        if not self.form_route:
            evidence = [rule for rule in evidence if not self.pool.claims(rule)]
        requirements, _, standards_rules = route_requirement_groups(
            evidence, self.g.documents, self.g.policy
        )
        for rules in standards_rules.values():
            for rule in rules:
                self.pool.take(rule)
        return requirements

    def standards_groups(self):
        """The standards policy, per standard in play: the statement (its word limit), its
        sources, the case examples and learning events linked to it; then the standards others
        verify."""
        g, policy, groups = self.g, self.g.policy, []
        if policy.get("mode") == "allocated" and not self.standards:
            url, url_text = self.places.booking()
            line = Line("Standards allocated", NOT_MET,
                        "Your standards are allocated when you book your panel place", url,
                        url_text)  # fmt: skip
            groups.append(Group("standards", "Your standards", (line,)))
        for number in self.standards:
            target = f"kss-{number}"
            written = g.written_standards.get(number) or Written(self.section_of.get(target, ""))
            words = count_words(written.text) if written.given else 0
            facts = dataclasses.replace(g.base, evidence=tuple(g.by_standard.get(number, ())),
                                        words=words)  # fmt: skip
            write_it = self.places.section(written.section)
            lines = []
            if policy.get("max_words_per_standard"):
                rule = {"type": "max_words", "words": policy["max_words_per_standard"]}
                lines += self.lines([rule], facts, g.judged_on, write_it, "A statement")
            elif written.given:
                lines.append(Line("A statement", MET, f"{words} words written"))
            else:
                lines.append(Line("A statement", NOT_MET, "No statement written yet", *write_it))
            if policy.get("sources_of_evidence_required"):
                if written.sources.strip():
                    lines.append(Line("Sources of evidence", MET, "Sources of evidence given"))
                else:
                    lines.append(Line("Sources of evidence", NOT_MET,
                                      "No sources of evidence given yet", *write_it))  # fmt: skip
            for kind, key in (
                ("case_example", "min_case_examples_per_standard"),
                ("learning_event", "min_learning_events_per_standard"),
            ):
                if policy.get(key):
                    rule = {"type": "min_evidence", "count": policy[key], "kinds": [kind]}
                    lines += self.lines([rule], facts, g.judged_on, self.places.links(target))
            title = f"KSS {number}: {g.standard_titles.get(number, '')}".strip(": ")
            groups.append(Group(f"standard-{number}", title, tuple(lines)))
        for group in policy.get("attested") or ():
            rule = {"type": "attestation", "by": list(group.get("by") or ())}
            wanted = frozenset(group.get("standards") or ())
            numbers = " and ".join(str(number) for number in group.get("standards") or ())
            # Only a verification of these standards counts here, never the managers' agreement
            # to go ahead (that is g.base's attested_by, read by the route's own rules).
            verified_by = frozenset(role for role, done in g.verified.items() if wanted <= done)
            facts = dataclasses.replace(g.base, attested_by=verified_by)
            lines = self.lines([rule], facts, g.judged_on, ("", ""))
            groups.append(Group(f"attested-{numbers}", f"KSS {numbers}: verified for you",
                                tuple(lines)))  # fmt: skip
        return groups

    def portfolio(self, requirements):
        """Required documents and the route's other evidence rules, on every linked item."""
        g, lines = self.g, []
        for index, requirement in enumerate(requirements):
            rules = list(requirement.rules)
            if index < len(g.documents) and not rules:
                document = g.documents[index]
                rules = [{"type": "min_evidence", "count": document.get("count") or 1,
                          "kinds": [document["kind"]]}]  # fmt: skip
            for rule in rules:
                self.pool.take(rule)
            if self.sections and _is_statements(rules):
                continue  # the form itself (an application form): its sections' lines say it
            if self.standards and _is_statements(rules, len(self.standards)):
                continue  # "a written statement for each standard": the standards' lines say it
            lines += self.lines(rules, g.portfolio, g.judged_on, self.portfolio_place,
                                requirement.text)  # fmt: skip
        return [Group("portfolio", "Your portfolio as a whole", tuple(lines))] if lines else []

    def portfolio_place(self, rule):
        """Where to fix a whole-portfolio rule. A practice observation on a form with an
        observation task is recorded and signed by the observer, so it is already in the
        library: the fix is to link it there, not to add it."""
        kinds = rule.get("kinds") or [rule.get("kind")]
        observation = next((s for s in self.sections if s.observation), None)
        if observation is not None and "practice_observation" in kinds:
            url, _ = self.places.links(observation.key)
            return url, "Link your signed observation"
        return self.places.for_rule(rule)

    def criteria(self):
        """What is left of the target level's criteria."""
        g, groups = self.g, []
        form_limits = form_word_limits(g.application.route.framework.forms) | {
            g.policy.get("max_words_per_standard")
        }
        for criterion in g.criteria:
            if criterion.pk in self.pool.restated:
                continue  # every rule it states is counted above
            rules = self.pool.rules[criterion.pk]
            if self.form_route:
                lines = self._form_route_criterion(rules, form_limits)
            else:
                lines = self._criterion(criterion, rules)
            if lines:
                groups.append(Group(f"criterion-{criterion.pk}", criterion.text, tuple(lines)))
        return groups

    def _form_route_criterion(self, rules, form_limits):
        # The form's own word limits are checked on the form's fields; a limit on something
        # others write is for them; the rest is judged on the whole portfolio.
        lines = []
        for rule in rules:
            if rule["type"] != "max_words":
                lines += self.lines([rule], self.g.portfolio, self.g.judged_on,
                                    self.places.for_rule)  # fmt: skip
            elif rule["words"] not in form_limits:
                lines.append(Line(describe_rule(rule), JUDGEMENT,
                                  "Checked by the people reviewing your application",
                                  rule=rule))  # fmt: skip
        return lines

    def _criterion(self, criterion, rules):
        # A route with no form: the criterion's statement and the evidence linked to it.
        g = self.g
        written = g.written_criteria.get(criterion.pk, Written())
        linked = tuple(g.by_criterion.get(criterion.pk, ()))
        facts = dataclasses.replace(
            g.base, evidence=linked + ((STATEMENT,) if written.given else ()),
            words=count_words(written.text) if written.given else 0,
        )  # fmt: skip
        key = f"criterion-{criterion.pk}"
        lines = self.lines(rules, facts, g.judged_on,
                           lambda rule: self.places.for_rule(rule, key, key))  # fmt: skip
        if rules:
            return lines
        if written.given or linked:
            return [Line("A statement or evidence", JUDGEMENT, "Judged by the person who decides")]
        return [Line("A statement or evidence", NOT_MET, "Nothing written or linked yet",
                     *self.places.section(key))]  # fmt: skip
