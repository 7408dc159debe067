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

from django.utils import timezone

from frameworks.rules import eligible_from
from portfolios.applications.readiness.counting import Count
from portfolios.applications.readiness.gathering import Places, gather
from portfolios.applications.readiness.report import ApplicationReadiness, Group, Line
from portfolios.applications.workflow import register_guard

__all__ = ["ApplicationReadiness", "Group", "Line", "application_readiness"]


def _sections(application, standard_titles, criteria):
    from portfolios.applications.forms_engine import application_sections

    return application_sections(
        application=application, standards=standard_titles, criteria=criteria
    )


def application_readiness(*, application, on=None):
    """The readiness report of one application (see the module's docstring)."""
    g = gather(application=application, today=on or timezone.localdate())
    form_route = bool(g.policy or g.documents)
    sections = _sections(application, g.standard_titles, g.criteria) if form_route else []
    count = Count(g, Places(application), sections)
    groups = count.eligibility() + count.form()
    requirements = count.route_requirements()
    groups += count.standards_groups()
    groups += count.portfolio(requirements)
    groups += count.criteria()
    rules = g.eligibility_rules
    first_day = eligible_from(rules, g.base, g.eligible_on) if rules else g.eligible_on
    return ApplicationReadiness(tuple(groups), g.judged_on, g.when, g.eligible_on, first_day)


def _ready_to_submit(application, actor, context):
    """The submit transition's guard: every machine rule met, eligible on the panel date, and
    the declaration accepted. Returns the reason it is refused, listing what is missing."""
    readiness = application_readiness(application=application)
    if readiness.missing:
        missing = "; ".join(f"{line.label}: {line.reason}" for line in readiness.missing)
        return f"You cannot submit yet. Still missing: {missing}"
    if not context.get("declaration"):
        return "Confirm the declaration before you submit"
    return None


register_guard("ready_to_submit", _ready_to_submit)
