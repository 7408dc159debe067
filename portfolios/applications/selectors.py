"""Reads for application pages, each in a fixed number of queries whatever the application's size:
the person's applications, the routes they may start with their eligibility on the date that
matters, the overview's task list, one section, and what supports what."""

import calendar
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone

from careerpath.dates import long_date
from frameworks.facts import current_level_of
from frameworks.models import FrameworkStatus, ProgressionRoute, Rule, Standard
from frameworks.rules import NOT_MET, TIME_RULE_TYPES, eligible_from, evaluate
from frameworks.selectors import (
    criteria_for_target,
    eligibility_rules_of,
    level_code_matches,
    route_facts_for,
)
from portfolios.applications import forms_engine
from portfolios.applications.permissions import applications_visible_to
from portfolios.models import CLOSED_STATES, ApplicationAnswer, EvidenceItem, EvidenceLink

# --- The next panel date: panels knows its sessions; portfolios never imports panels ----------

_next_panel_date = []


def register_next_panel_date(function):
    """panels registers function(*, route, on) -> the date of the route's first panel session
    with space on or after `on` (None when none is scheduled)."""
    _next_panel_date[:] = [function]


def next_panel_date(*, route, on):
    if not route.panel or not _next_panel_date:
        return None
    return _next_panel_date[0](route=route, on=on)


# --- The decision: panels records it; the worker's page reads it through this hook ----------

_decision_reader = []


def register_decision_reader(function):
    """panels registers function(application) -> the latest decision on it (outcome, dates,
    judgements, targets, further work, the appeal's last day), or None."""
    _decision_reader[:] = [function]


# The states an application is in once its decision is recorded.
DECIDED_STATES = ("progressed", "deferred", "not_progressed", "appeal_lodged", "appeal_decided")


def decision_for(*, application):
    if application.state not in DECIDED_STATES or not _decision_reader:
        return None
    return _decision_reader[0](application)


# --- Lists ------------------------------------------------------------------------------------


def applications_for(*, user):
    """(open, earlier): the person's applications with their routes, newest first."""
    applications = list(
        applications_visible_to(user)
        .select_related("route__framework", "route__to_level__role", "route__from_level")
        .order_by("-created_at", "-id")
    )
    open_ = [a for a in applications if a.state not in CLOSED_STATES]
    earlier = [a for a in applications if a.state in CLOSED_STATES]
    return open_, earlier


def startable_routes_for(*, user):
    """The published routes of the person's council, those out of their current level first."""
    if user.organisation_id is None:
        return []
    routes = list(
        ProgressionRoute.objects.filter(
            framework__organisation_id=user.organisation_id,
            framework__status=FrameworkStatus.PUBLISHED,
        ).select_related("framework", "from_level__role", "to_level__role")
        .order_by("framework__title", "order")
    )  # fmt: skip
    current = current_level_of(user)
    if current is None:
        return routes
    return sorted(
        routes,
        key=lambda r: not (r.from_level is not None and level_code_matches(current, r.from_level)),
    )


def open_application_on(*, user, route):
    """The person's open application on this route (in any version of its framework), if any."""
    return (
        applications_visible_to(user)
        .exclude(state__in=CLOSED_STATES)
        .filter(
            route__code=route.code,
            route__framework__slug=route.framework.slug,
            route__framework__organisation_id=route.framework.organisation_id,
        )
        .first()
    )


def get_startable_route_for(user, pk):
    """A published route of the person's own council, or None."""
    if user.organisation_id is None:
        return None
    return (
        ProgressionRoute.objects.filter(
            pk=pk,
            framework__organisation_id=user.organisation_id,
            framework__status=FrameworkStatus.PUBLISHED,
        )
        .select_related("framework", "from_level__role", "to_level__role")
        .prefetch_related(Prefetch("rules", queryset=Rule.objects.order_by("order", "pk")))
        .first()
    )


# --- Eligibility on the date that matters ---------------------------------------------------


@dataclass(frozen=True)
class StartEligibility:
    report: object  # ReadinessReport or None (no rules)
    on: object  # the date it is judged on
    eligible_on: object  # the first day the time rules are met (None: a start date missing)
    first_panel: object  # the date of the first panel they can attend, if known
    message: str


def _first_panel_month(route, on):
    """The first month of the route's panel cadence on or after `on`, as (year, month)."""
    months = sorted(int(m) for m in (route.panel or {}).get("months") or [])
    for year in (on.year, on.year + 1):
        for month in months:
            if (year, month) >= (on.year, on.month):
                return year, month
    return None


def eligibility_for(*, person, route, application=None, today=None):
    """The route's eligibility rules against the person's record, judged on the date that
    matters: the booked panel's date, else the route's next panel, else today. Where the time
    rules are met only later, it says when, and which panel is the first they can attend."""
    today = today or timezone.localdate()
    rules = eligibility_rules_of(route)
    booked = application.panel_date if application is not None else None
    on = booked or next_panel_date(route=route, on=today) or today
    if not rules:
        return StartEligibility(None, on, on, booked, "There are no eligibility rules to check")
    facts, note = route_facts_for(person=person, route=route, on=on)
    report = evaluate(rules, facts, on)
    eligible_on = eligible_from(rules, facts, today)
    time_not_met = any(
        r.status == NOT_MET and r.rule.get("type") in TIME_RULE_TYPES for r in report.results
    )
    first_panel, message = booked, ""
    if booked:
        where = f"on {long_date(on)}, the date of your panel"
    else:
        where = f"on {long_date(on)}, the date of the next panel" if on != today else "today"
    if not time_not_met:
        message = f"You meet the time rules {where}"
    elif eligible_on is None:
        message = "A date the time counts from is not on your record: ask HR to add it"
    elif booked:
        message = (
            f"You will be eligible on {long_date(eligible_on)}: that is after your panel on "
            f"{long_date(booked)}"
        )
    elif route.panel:
        first_panel = next_panel_date(route=route, on=eligible_on)
        if first_panel:
            message = (
                f"You will be eligible on {long_date(eligible_on)}: the panel on "
                f"{long_date(first_panel)} is the first you can attend"
            )
        elif (month := _first_panel_month(route, eligible_on)) is not None:
            message = (
                f"You will be eligible on {long_date(eligible_on)}: the "
                f"{calendar.month_name[month[1]]} {month[0]} panel is the first you can attend"
            )
        else:
            message = f"You will be eligible on {long_date(eligible_on)}"
    else:
        message = f"You will be eligible on {long_date(eligible_on)}"
    if note:
        message = f"{message}. {note}"
    return StartEligibility(report, on, eligible_on, first_panel, message)


# --- The application's sections, answers and links --------------------------------------------


@dataclass
class Overview:
    application: object
    sections: list  # SectionState
    links_by_target: dict  # target key -> [EvidenceLink]
    targets: list  # every LinkTarget, in order

    @property
    def workers_sections(self):
        return [s for s in self.sections if s.section.is_workers]

    @property
    def documents(self):
        """The route's required documents, each with the linked items of its kind."""
        linked = {}
        for links in self.links_by_target.values():
            for link in links:
                linked.setdefault(link.item.kind, {})[link.item_id] = link.item
        return [
            {
                "text": document.get("text") or document.get("kind", ""),
                "count": document.get("count") or 1,
                "items": list(linked.get(document.get("kind"), {}).values()),
                # A written statement on a route with a form is the form itself: the readiness
                # check counts it by its sections, and so does this page.
                "is_form": bool(self.workers_sections)
                and document.get("kind") == "written_statement",
            }
            for document in self.application.route.required_documents or []
            if isinstance(document, dict)
        ]

    @property
    def evidence_rows(self):
        return [{"target": t, "links": self.links_by_target.get(t.key, [])} for t in self.targets]

    @property
    def completed(self):
        return sum(1 for s in self.workers_sections if s.status == forms_engine.COMPLETED)


def _standards_of(route):
    code = (route.standards_policy or {}).get("standard_set")
    if not code:
        return {}
    return dict(Standard.objects.filter(standard_set__code=code).values_list("number", "title"))


def _standard_ids(route):
    code = (route.standards_policy or {}).get("standard_set")
    if not code:
        return {}
    return dict(Standard.objects.filter(standard_set__code=code).values_list("pk", "number"))


def sections_for(*, application):
    """The section specs of this application's form (2 queries: standards, and the target
    level's criteria with their rules when the route has no form or a form without standards)."""
    route = application.route
    standards = _standards_of(route)
    forms = route.framework.forms or {}
    has_form = any(isinstance(f, dict) and forms_engine._applies(f, route) for f in forms.values())
    # A form without standards (Dudley's entry routes) may have nothing to link evidence to:
    # the target level's criteria that need an item (a certificate) are read for their tasks.
    needs_criteria = not has_form or not route.standards_policy
    criteria = criteria_for_target(level=route.to_level) if needs_criteria else []
    return forms_engine.application_sections(
        application=application, standards=standards, criteria=criteria
    )


def _link_key(link, standard_numbers):
    if link.criterion_id:
        return f"criterion-{link.criterion_id}"
    return f"kss-{standard_numbers.get(link.standard_id, 0)}"


def application_links(*, application):
    """Every link of the application with its item, in order."""
    return list(
        EvidenceLink.objects.filter(application=application)
        .select_related("item")
        .order_by("created_at", "id")
    )


def application_overview(*, application):
    """The task list: each section with its status, and what supports each standard or
    criterion. Queries: standards (1), criteria with rules (2, only without a form), answers
    (1), links with items (1), standard ids (1)."""
    sections = sections_for(application=application)
    answers = {a.section: a for a in ApplicationAnswer.objects.filter(application=application)}
    numbers = _standard_ids(application.route)
    by_target = {}
    for link in application_links(application=application):
        by_target.setdefault(_link_key(link, numbers), []).append(link)
    observation_links = [
        link for links in by_target.values() for link in links
        if link.item.kind == "practice_observation"
    ]  # fmt: skip
    states, targets = [], []
    for section in sections:
        answer = answers.get(section.key)
        values = answer.values if answer else {}
        links = observation_links if section.observation else [
            link for t in section.targets for link in by_target.get(t.key, [])
        ]  # fmt: skip
        if section.observation:
            states.append(
                forms_engine.SectionState(
                    section=section,
                    status=forms_engine.section_status(section, values, links=links),
                    links=links,
                )
            )
            continue
        states.append(
            forms_engine.SectionState(
                section=section,
                status=forms_engine.section_status(section, values, links=links),
                values=values,
                revision=answer.revision if answer else 0,
                links=links,
            )
        )
        targets += [t for t in section.targets if t not in targets]
    return Overview(application, states, by_target, targets)


def section_state(*, application, key):
    """One section with what is saved for it, or None when the form has no such section."""
    section = next((s for s in sections_for(application=application) if s.key == key), None)
    if section is None:
        return None
    answer = ApplicationAnswer.objects.filter(application=application, section=key).first()
    return forms_engine.SectionState(
        section=section,
        status=forms_engine.section_status(section, answer.values if answer else {}),
        values=answer.values if answer else {},
        revision=answer.revision if answer else 0,
    )


def targets_for(*, application, key):
    """The link targets a key names: a section's (several for a section with a statement per
    standard), or one standard or criterion."""
    sections = sections_for(application=application)
    for section in sections:
        if section.key == key:
            return section, list(section.targets)
        for target in section.targets:
            if target.key == key:
                return section, [target]
    return None, []


def library_items_for(*, application):
    """The applicant's own library items (not the bin), newest first: what may be linked."""
    return EvidenceItem.objects.filter(owner_id=application.applicant_id).in_library()


def link_keys(*, application, links):
    """Link pk -> the key of the standard or criterion it supports ("kss-4", "criterion-23")."""
    numbers = _standard_ids(application.route)
    return {link.pk: _link_key(link, numbers) for link in links}


def resolve_target(*, application, target):
    """(criterion_id, standard_id) for a link target of this application's route."""
    if target.criterion_id:
        return target.criterion_id, None
    code = (application.route.standards_policy or {}).get("standard_set")
    standard = Standard.objects.filter(
        standard_set__code=code, number=target.standard_number
    ).first()
    return None, standard.pk if standard else None


def item_supports(*, item):
    """What one evidence item supports, across the owner's applications: (application,
    criterion or standard label, note), for the item page's "Linked to"."""
    links = (
        EvidenceLink.objects.filter(item=item)
        .select_related("application__route", "criterion", "standard__standard_set")
        .order_by("application_id", "created_at")
    )
    return [
        {
            "application": link.application,
            "label": (
                link.criterion.text
                if link.criterion_id
                else f"KSS {link.standard.number}: {link.standard.title}"
            ),
            "note": link.note,
        }
        for link in links
    ]


def applications_attention(user):
    """The worker's home page: their open applications (one line each) or a way to start one."""
    from django.urls import reverse

    from careerpath.models import Role
    from careerpath.permissions import has_role
    from careerpath.selectors import AttentionItem

    if not has_role(user, Role.WORKER):
        return []
    open_ = list(
        applications_visible_to(user)
        .exclude(state__in=CLOSED_STATES)
        .select_related("route__framework", "applicant")  # where_is reads both
        .order_by("-created_at", "-id")
    )
    if not open_:
        return [
            AttentionItem(
                label="Apply for progression: check when you are eligible, then start",
                url=reverse("portfolios:application-list"),
            )
        ]
    return [
        AttentionItem(
            label=f"Your application: {application.route.title}",
            url=reverse("portfolios:application-detail", args=[application.pk]),
            hint=_where_hint(application),
        )
        for application in open_
    ]


def _where_hint(application):
    """Where it is and who holds it once it is with a reviewer, e.g. "Submitted for review. With
    Tom Bradley (line manager) to decide."."""
    from portfolios.applications.queues import where_is
    from portfolios.applications.steps import WITH_THE_WORKER

    if application.state in WITH_THE_WORKER:
        return application.get_state_display()
    where = where_is(application)
    return f"{where.status}. {where.holder_text}" if where.holder_text else where.status
