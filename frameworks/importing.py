"""Frameworks and standards to and from their YAML file format (fixtures/README.md describes it).

Import checks the whole file first and reports every problem with its file and line; nothing is
written unless the file is sound. Export writes the same format, so export then import gives the
same framework again."""

import datetime
from pathlib import Path

import yaml
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from careerpath.models import Organisation
from frameworks.models import (
    Category,
    Criterion,
    Framework,
    FrameworkStatus,
    Level,
    ProgressionRoute,
    Role,
    RouteKind,
    Rule,
    RuleScope,
    Standard,
    StandardSet,
)
from frameworks.rules import validate_rule


class ImportProblems(Exception):
    def __init__(self, problems):
        self.problems = problems
        super().__init__("\n".join(problems))


class _Mapping(dict):
    line = 0


class _LineLoader(yaml.SafeLoader):
    """Remembers the line each mapping starts on, so problems can say where they are."""


def _construct_mapping(loader, node):
    mapping = _Mapping(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml(text, name):
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 0
        raise ImportProblems([f"{name}:{line}: not valid YAML: {error}"]) from error


class _Checker:
    def __init__(self, name):
        self.name = name
        self.problems = []

    def problem(self, node, message):
        self.problems.append(f"{self.name}:{getattr(node, 'line', 0)}: {message}")

    def require(self, node, *keys):
        if not isinstance(node, dict):
            self.problem(node, "expected a mapping")
            return False
        missing = [key for key in keys if node.get(key) in (None, "")]
        for key in missing:
            self.problem(node, f"'{key}' is required")
        return not missing

    def rules(self, node, rules, where):
        if rules is None:
            return
        if not isinstance(rules, list):
            self.problem(node, f"{where}: rules must be a list")
            return
        for rule in rules:
            if not isinstance(rule, dict):
                self.problem(node, f"{where}: each rule must be a mapping")
                continue
            for message in validate_rule(dict(rule)):
                self.problem(rule, f"{where}: {message}")


# The councils' paper forms, kept as structured field lists under these top-level keys.
FORM_KEYS = (
    "progression_document",
    "application_form",
    "supporting_evidence_form",
    "practice_observation_form",
)
FRAMEWORK_KEYS = {
    "seed", "organisation", "slug", "title", "profession", "service_area", "version_label",
    "version_date", "status", "readings", "development_routes", "roles", "routes", "forms",
    *FORM_KEYS,
}  # fmt: skip


# A route's workflow: which steps its applications go through (see fixtures/README.md).
WORKFLOW_CHOICES = {
    "booking": (None, "worker_books_after_agreement", "coordinator_books_after_referral"),
    "referral_by": (None, "team_manager", "line_manager"),
    "manager_report": (True, False),
    "endorsement_by": (None, "team_manager", "line_manager"),
    "eligibility_check_by": (None, "progression_coordinator"),
    "decided_by": ("panel", "line_manager"),
}


def _check_workflow(check, route):
    workflow = route.get("workflow")
    if workflow is None:
        return
    if not isinstance(workflow, dict):
        check.problem(route, "workflow must be a mapping of step to value")
        return
    for key in workflow:
        if key not in WORKFLOW_CHOICES:
            check.problem(workflow, f"unknown workflow step '{key}'")
    for key, choices in WORKFLOW_CHOICES.items():
        if key not in workflow:
            check.problem(workflow, f"workflow needs '{key}'")
        elif workflow[key] not in choices:
            shown = ", ".join("null" if c is None else str(c).lower() for c in choices)
            check.problem(workflow, f"workflow {key} must be one of {shown}")
    if workflow.get("decided_by") == "panel" and not route.get("panel"):
        check.problem(workflow, "a route decided by a panel needs its panel facts")


def _check_framework(data, name):
    check = _Checker(name)
    if not check.require(data, "organisation", "title", "profession", "roles"):
        raise ImportProblems(check.problems)
    for key in data:
        if key not in FRAMEWORK_KEYS:
            check.problem(data, f"unknown key '{key}'")
    if not Organisation.objects.filter(name=data["organisation"]).exists():
        check.problem(data, f"no organisation called '{data['organisation']}'")
    if data.get("status", "published") not in FrameworkStatus.values:
        check.problem(data, f"status must be one of {', '.join(FrameworkStatus.values)}")
    level_codes = set()
    role_codes = set()
    for role in data["roles"]:
        if not check.require(role, "code", "title", "levels"):
            continue
        if role["code"] in role_codes:
            check.problem(role, f"role code '{role['code']}' is used twice")
        role_codes.add(role["code"])
        for level in role["levels"]:
            if not check.require(level, "code", "order"):
                continue
            if level["code"] in level_codes:
                check.problem(level, f"level code '{level['code']}' is used twice")
            level_codes.add(level["code"])
            for criterion in level.get("criteria") or []:
                if not check.require(criterion, "category", "text"):
                    continue
                if criterion["category"] not in Category.values:
                    check.problem(
                        criterion,
                        f"category '{criterion['category']}' is not one of "
                        f"{', '.join(Category.values)}",
                    )
                check.rules(criterion, criterion.get("rules"), f"criterion of {level['code']}")
                for reference in criterion.get("standards") or []:
                    _check_standard_reference(check, criterion, reference)
    route_codes = set()
    for route in data.get("routes") or []:
        if not check.require(route, "code", "title", "kind", "to_level"):
            continue
        if route["code"] in route_codes:
            check.problem(route, f"route code '{route['code']}' is used twice")
        route_codes.add(route["code"])
        if route["kind"] not in RouteKind.values:
            check.problem(route, f"kind must be one of {', '.join(RouteKind.values)}")
        for end in ("from_level", "to_level"):
            if route.get(end) and route[end] not in level_codes:
                check.problem(route, f"{end} '{route[end]}' is not a level in this file")
        if route["kind"] == RouteKind.PROGRESSION and not route.get("from_level"):
            check.problem(route, "a progression route needs a from_level")
        _check_workflow(check, route)
        check.rules(route, route.get("eligibility_rules"), f"eligibility of {route['code']}")
        check.rules(route, route.get("evidence_rules"), f"evidence of {route['code']}")
        policy = route.get("standards_policy")
        if policy:
            code = policy.get("standard_set")
            standard_set = StandardSet.objects.filter(code=code).first()
            if standard_set is None:
                check.problem(policy, f"no standard set '{code}': import the standards first")
            else:
                numbers = set(standard_set.standards.values_list("number", flat=True))
                listed = [
                    *(policy.get("always") or []),
                    *(policy.get("allocate_from") or []),
                    *(n for group in policy.get("attested") or [] for n in group["standards"]),
                ]
                for number in listed:
                    if number not in numbers:
                        check.problem(policy, f"{code} has no standard {number}")
    if check.problems:
        raise ImportProblems(check.problems)


def _check_standard_reference(check, node, reference):
    code, _, number = str(reference).partition(":")
    if not Standard.objects.filter(standard_set__code=code, number=number or 0).exists():
        check.problem(node, f"no standard '{reference}' (write it as set:number)")


def _standards_by_reference():
    return {
        f"{standard.standard_set.code}:{standard.number}": standard
        for standard in Standard.objects.select_related("standard_set")
    }


def _rules(rules, **owner):
    return [
        Rule(
            type=rule["type"],
            parameters={key: value for key, value in rule.items() if key != "type"},
            order=order,
            **owner,
        )
        for order, rule in enumerate(rules or [])
    ]


def framework_import(*, text, name="<text>", organisation=None, version=None):
    """Create a framework from the text of its file. Returns the new Framework.

    `organisation` overrides the file's (to load one council's framework for another);
    `version` defaults to the next version number for the framework's slug."""
    data = read_yaml(text, name)
    if organisation is not None and isinstance(data, dict):
        data["organisation"] = organisation.name
    return framework_import_data(data=data, name=name, version=version)


@transaction.atomic
def framework_import_data(*, data, name, version=None):
    """Create a framework from data in the file format, after checking all of it."""
    _check_framework(data, name)
    organisation = Organisation.objects.get(name=data["organisation"])
    slug = framework_slug(data)
    versions = Framework.objects.filter(organisation=organisation, slug=slug)
    if version is None:
        version = (versions.order_by("-version").values_list("version", flat=True).first() or 0) + 1
    existing = versions.filter(version=version).first()
    if existing is not None:
        # Import only ever adds a version: what is published or retired stays as it was.
        raise ImportProblems(
            [f"{name}: version {version} of '{slug}' exists already ({existing.status}); "
             "import the file as a new version instead"]
        )  # fmt: skip
    status = data.get("status", FrameworkStatus.PUBLISHED)
    framework = Framework.objects.create(
        organisation=organisation,
        slug=slug,
        version=version,
        title=data["title"],
        profession=data["profession"],
        service_area=data.get("service_area") or "",
        version_label=data.get("version_label") or "",
        version_date=_date(data.get("version_date")),
        status=status,
        seed=data.get("seed") or "",
        readings=data.get("readings") or [],
        development_routes=data.get("development_routes") or [],
        forms={**(data.get("forms") or {}), **{key: data[key] for key in FORM_KEYS if key in data}},
        published_at=timezone.now() if status != FrameworkStatus.DRAFT else None,
    )
    standards = _standards_by_reference()
    levels = {}
    rules = []
    for role_order, role_data in enumerate(data["roles"]):
        role = Role.objects.create(
            framework=framework,
            code=role_data["code"],
            title=role_data["title"],
            order=role_order,
            description=role_data.get("description") or "",
            entry_requirements=role_data.get("entry_requirements") or "",
            pay_range=role_data.get("pay_range") or "",
            grade=role_data.get("grade") or "",
            pay_point=role_data.get("pay_point") or "",
            source=role_data.get("source"),
        )
        for level_data in role_data["levels"]:
            level = Level.objects.create(
                role=role,
                code=level_data["code"],
                name=level_data.get("name") or "",
                order=level_data["order"],
                cumulative=bool(level_data.get("cumulative")),
                summary=level_data.get("summary") or "",
                source=level_data.get("source"),
            )
            levels[level.code] = level
            for order, criterion_data in enumerate(level_data.get("criteria") or []):
                criterion = Criterion.objects.create(
                    level=level,
                    category=criterion_data["category"],
                    order=order,
                    text=criterion_data["text"].strip(),
                    evidence_guidance=(criterion_data.get("evidence_guidance") or "").strip(),
                    source=criterion_data.get("source"),
                )
                criterion.standards.set(
                    standards[str(ref)] for ref in criterion_data.get("standards") or []
                )
                rules += _rules(
                    criterion_data.get("rules"), criterion=criterion, scope=RuleScope.CRITERION
                )
    for order, route_data in enumerate(data.get("routes") or []):
        route = ProgressionRoute.objects.create(
            framework=framework,
            code=route_data["code"],
            title=route_data["title"],
            kind=route_data["kind"],
            from_level=levels.get(route_data.get("from_level")),
            to_level=levels[route_data["to_level"]],
            standards_policy=route_data.get("standards_policy"),
            required_documents=route_data.get("required_documents") or [],
            panel=route_data.get("panel"),
            workflow=route_data.get("workflow"),
            effective_date_rule=route_data.get("effective_date_rule") or "",
            pay_outcome=route_data.get("pay_outcome") or "",
            order=order,
            source=route_data.get("source"),
        )
        rules += _rules(
            route_data.get("eligibility_rules"), route=route, scope=RuleScope.ELIGIBILITY
        )
        rules += _rules(route_data.get("evidence_rules"), route=route, scope=RuleScope.EVIDENCE)
    Rule.objects.bulk_create(rules)
    return framework


def framework_slug(data):
    """The slug every version of a framework shares: the file's, or its title's."""
    return data.get("slug") or slugify(data["title"])[:80]


def framework_import_file(*, path, **kwargs):
    path = Path(path)
    return framework_import(text=path.read_text(encoding="utf-8"), name=str(path), **kwargs)


def _date(value):
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def _clean(mapping):
    """Plain dicts and lists (no line-tracking types) for the YAML writer."""
    if isinstance(mapping, dict):
        return {key: _clean(value) for key, value in mapping.items()}
    if isinstance(mapping, list):
        return [_clean(value) for value in mapping]
    return mapping


def framework_as_data(framework):
    """The framework in the file format, as plain data."""
    roles = framework.roles.prefetch_related(
        "levels__criteria__rules", "levels__criteria__standards__standard_set"
    ).all()
    routes = framework.routes.select_related("from_level", "to_level").prefetch_related("rules")
    data = {
        "seed": framework.seed,
        "organisation": framework.organisation.name,
        "slug": framework.slug,
        "title": framework.title,
        "profession": framework.profession,
        "service_area": framework.service_area,
        "version_label": framework.version_label,
        "version_date": framework.version_date,
        "status": framework.status,
        "readings": framework.readings,
        "development_routes": framework.development_routes,
        "roles": [
            {
                "code": role.code,
                "title": role.title,
                "description": role.description,
                "entry_requirements": role.entry_requirements,
                "pay_range": role.pay_range,
                "grade": role.grade,
                "pay_point": role.pay_point,
                "source": role.source,
                "levels": [
                    {
                        "code": level.code,
                        "name": level.name,
                        "order": level.order,
                        "cumulative": level.cumulative,
                        "summary": level.summary,
                        "source": level.source,
                        "criteria": [
                            {
                                "category": criterion.category,
                                "text": criterion.text,
                                "evidence_guidance": criterion.evidence_guidance,
                                "source": criterion.source,
                                "standards": [
                                    f"{standard.standard_set.code}:{standard.number}"
                                    for standard in criterion.standards.all()
                                ],
                                "rules": [rule.as_dict() for rule in criterion.rules.all()],
                            }
                            for criterion in level.criteria.all()
                        ],
                    }
                    for level in role.levels.all()
                ],
            }
            for role in roles
        ],
        "routes": [
            {
                "code": route.code,
                "title": route.title,
                "kind": route.kind,
                "from_level": route.from_level.code if route.from_level else None,
                "to_level": route.to_level.code,
                "eligibility_rules": [
                    rule.as_dict() for rule in route.rules.all() if rule.scope == "eligibility"
                ],
                "evidence_rules": [
                    rule.as_dict() for rule in route.rules.all() if rule.scope == "evidence"
                ],
                "standards_policy": route.standards_policy,
                "required_documents": route.required_documents,
                "panel": route.panel,
                "workflow": route.workflow,
                "effective_date_rule": route.effective_date_rule,
                "pay_outcome": route.pay_outcome,
                "source": route.source,
            }
            for route in routes
        ],
        "forms": framework.forms,
    }
    return _clean(data)


def framework_export(*, framework):
    """The framework as the text of its file."""
    return yaml.safe_dump(
        framework_as_data(framework), sort_keys=False, allow_unicode=True, width=100
    )


@transaction.atomic
def standard_set_import(*, text, name="<text>"):
    """Create or update a set of standards from its file. Returns the StandardSet."""
    data = read_yaml(text, name)
    check = _Checker(name)
    if check.require(data, "code", "title", "standards"):
        for standard in data["standards"]:
            check.require(standard, "number", "title", "text")
    if check.problems:
        raise ImportProblems(check.problems)
    standard_set, _ = StandardSet.objects.update_or_create(
        code=data["code"], defaults={"title": data["title"], "notes": data.get("notes") or ""}
    )
    for standard in data["standards"]:
        Standard.objects.update_or_create(
            standard_set=standard_set,
            number=standard["number"],
            defaults={"title": standard["title"], "text": standard["text"].strip()},
        )
    return standard_set
