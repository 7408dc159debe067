"""The facts of one application, gathered in a fixed number of queries whatever its size, and the
places a line links to for fixing it."""

import dataclasses
import datetime
import re
from dataclasses import dataclass

from django.urls import reverse

from frameworks.facts import current_level_of
from frameworks.models import RuleScope, Standard
from frameworks.rules import EvidenceItem, Facts
from frameworks.selectors import criteria_for_target, route_facts_for
from portfolios.applications.booking import booking_link
from portfolios.models import ApplicationAnswer, Attestation, Declaration, EvidenceLink

NOT_APPLICABLE = {"", "n/a", "na", "n / a"}
# A statement typed into the application counts as a written statement where one is asked for.
STATEMENT = EvidenceItem("written_statement", None)

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


def written_in(answers):
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


class Places:
    def __init__(self, application):
        self.application = application
        self.pk = application.pk
        self.detail = reverse("portfolios:application-detail", args=[self.pk])
        self.library = reverse("portfolios:evidence-list")

    def section(self, section):
        if section:
            return reverse("portfolios:application-section", args=[self.pk, section]), "Write it"
        return self.detail, "Go to your application"

    def links(self, target=""):
        """The links page of one standard ("kss-4") or criterion ("criterion-23")."""
        if target:
            return reverse("portfolios:application-links", args=[self.pk, target]), "Link evidence"
        return self.detail, "Link evidence"

    def add_to_library(self):
        return self.library, "Add it to your evidence library"

    def booking(self):
        # Straight to the page that books, where the route lets the worker book.
        link = booking_link(self.application)
        return (link[1], link[0]) if link else (self.detail, "Book your panel place")

    def for_rule(self, rule, section="", target=""):
        """Where to fix a rule's line: the section for what is written, the links page (or the
        library) for evidence."""
        if rule.get("kinds") == ["written_statement"] or rule.get("kind") == "written_statement":
            return self.section(section)  # written in the application itself
        if rule.get("type") in ("min_evidence", "recency", "min_rating", "certificate_required"):
            return self.links(target) if target else self.add_to_library()
        return self.section(section)


# --- The facts ------------------------------------------------------------------------------


def fact_item(item):
    return EvidenceItem(item.kind, item.dated, item.rating, item.is_certificate)


def dates_that_matter(application, today):
    """((the day recency is judged on, its name), the day eligibility is judged on)."""
    if application.submission_deadline:
        judged = (application.submission_deadline, "your submission deadline")
    elif application.panel_date:
        judged = (application.panel_date, "your panel date")
    else:
        judged = (today, "today")
    return judged, application.panel_date or today


@dataclass
class Gathered:
    application: object
    today: datetime.date
    judged_on: datetime.date
    when: str
    eligible_on: datetime.date
    policy: dict
    documents: list
    eligibility_rules: list
    evidence_rules: list
    criteria: list
    standard_titles: dict
    answers: dict  # section key -> values
    base: Facts  # the person's record and the agreements, no evidence
    verified: dict  # role -> the standards' numbers it has verified
    portfolio: Facts  # ... with every linked item and every statement written
    by_standard: dict  # standard number -> linked EvidenceItems
    by_criterion: dict  # criterion pk -> linked EvidenceItems
    written_standards: dict
    written_criteria: dict


def gather(*, application, today):
    """Queries: the route's rules, the target level's criteria and their rules, the links with
    their items and standards, the answers, the attestations, the person's current level, and
    the standards of the policy's set. Never more, whatever the size."""
    (judged_on, when), eligible_on = dates_that_matter(application, today)
    route = application.route
    person = application.applicant
    route_rules = list(route.rules.all())
    criteria = list(criteria_for_target(level=route.to_level))
    links = list(
        EvidenceLink.objects.filter(application=application).select_related("item", "standard")
    )
    answers = list(ApplicationAnswer.objects.filter(application=application))
    # One query for both purposes: agreements feed the route's attestation rules, standards
    # verified feed the standards policy's "attested" lines; neither stands for the other.
    attested, verified = set(), {}
    for role, purpose, numbers in Attestation.objects.filter(application=application).values_list(
        "role", "purpose", "standards"
    ):
        if purpose == Attestation.Purpose.AGREEMENT:
            attested.add(role)
        elif purpose == Attestation.Purpose.STANDARDS:
            verified[role] = frozenset(numbers or ())
    current = current_level_of(person)
    policy = route.standards_policy or {}
    standard_titles = {}
    if policy.get("standard_set"):
        standard_titles = dict(
            Standard.objects.filter(standard_set__code=policy["standard_set"]).values_list(
                "number", "title"
            )
        )

    base, _ = route_facts_for(person=person, route=route, on=eligible_on, current=current)
    # What managers declared in their report (after submission), for the rules that need it.
    declarations = {
        kind: not subject
        for kind, subject in Declaration.objects.filter(application=application).values_list(
            "kind", "subject"
        )
    }
    base = dataclasses.replace(base, attested_by=frozenset(attested), declarations=declarations)
    by_standard, by_criterion = {}, {}
    for link in links:
        if link.standard_id:
            by_standard.setdefault(link.standard.number, []).append(fact_item(link.item))
        else:
            by_criterion.setdefault(link.criterion_id, []).append(fact_item(link.item))
    written_standards, written_criteria, other_sections = written_in(answers)
    # For the whole portfolio, each statement written and each other section of the form
    # written in counts as a written statement (a form the route asks for, say).
    statements = tuple(
        STATEMENT
        for written in [*written_standards.values(), *written_criteria.values()]
        if written.given
    ) + tuple(STATEMENT for _ in other_sections)
    distinct_items = {link.item_id: fact_item(link.item) for link in links}
    return Gathered(
        application=application,
        today=today,
        judged_on=judged_on,
        when=when,
        eligible_on=eligible_on,
        policy=policy,
        documents=route.required_documents or [],
        eligibility_rules=[r.as_dict() for r in route_rules if r.scope == RuleScope.ELIGIBILITY],
        evidence_rules=[r.as_dict() for r in route_rules if r.scope == RuleScope.EVIDENCE],
        criteria=criteria,
        standard_titles=standard_titles,
        answers={answer.section: answer.values for answer in answers},
        base=base,
        verified=verified,
        portfolio=dataclasses.replace(base, evidence=tuple(distinct_items.values()) + statements),
        by_standard=by_standard,
        by_criterion=by_criterion,
        written_standards=written_standards,
        written_criteria=written_criteria,
    )
