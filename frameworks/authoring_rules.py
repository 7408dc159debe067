"""Adding, changing and deleting a draft's rules, on a criterion or on a route. Each change locks
the draft, refuses a version that is no longer a draft or a rule the evaluator could not read,
and writes an audit event in its transaction."""

from django.db import transaction
from django.db.models import Max

from careerpath.services import audit_record
from frameworks.models import Framework, FrameworkStatus, Rule, RuleScope
from frameworks.rule_text import describe_rule
from frameworks.rules import validate_rule
from frameworks.services import FrameworkError


def _locked_draft(framework):
    framework = Framework.objects.select_for_update(of=("self",)).get(pk=framework.pk)
    if framework.status != FrameworkStatus.DRAFT:
        raise FrameworkError("This version is published: copy it to a new draft to change it.")
    return framework


def _checked(rule):
    problems = validate_rule(rule)
    if problems:
        raise FrameworkError("; ".join(problems))
    return rule["type"], {key: value for key, value in rule.items() if key != "type"}


def _owner_framework_id(criterion, route):
    return criterion.level.role.framework_id if criterion is not None else route.framework_id


@transaction.atomic
def rule_add(*, framework, actor, rule, criterion=None, route=None, scope=RuleScope.CRITERION):
    """A new rule, last on its criterion, or last among its route's rules of its scope."""
    framework = _locked_draft(framework)
    if (criterion is None) == (route is None) or _owner_framework_id(criterion, route) != (
        framework.pk
    ):
        raise FrameworkError("A rule belongs to one criterion or one route of this draft.")
    if (route is None) != (scope == RuleScope.CRITERION):
        raise FrameworkError("A route's rule is about eligibility or evidence.")
    rule_type, parameters = _checked(rule)
    siblings = Rule.objects.filter(criterion=criterion, route=route, scope=scope)
    order = (siblings.aggregate(last=Max("order"))["last"] or 0) + 1
    created = Rule.objects.create(
        criterion=criterion, route=route, scope=scope, type=rule_type, parameters=parameters,
        order=order,
    )  # fmt: skip
    audit_record(actor=actor, action="framework_rule_added", target=framework,
                 details={"rule": rule, "reading": describe_rule(rule)})  # fmt: skip
    return created


@transaction.atomic
def rule_change(*, framework, actor, rule_object, rule):
    """New parameters for a rule; its type stays (a different type is a different rule)."""
    framework = _locked_draft(framework)
    rule_object = Rule.objects.select_for_update(of=("self",)).get(pk=rule_object.pk)
    if rule["type"] != rule_object.type:
        raise FrameworkError("A rule keeps its type: delete it and add one of the other type.")
    _, parameters = _checked(rule)
    old = rule_object.as_dict()
    if old == rule:
        return rule_object
    rule_object.parameters = parameters
    rule_object.save(update_fields=["parameters"])
    audit_record(actor=actor, action="framework_rule_changed", target=framework,
                 details={"old": old, "new": rule, "reading": describe_rule(rule)})  # fmt: skip
    return rule_object


@transaction.atomic
def rule_delete(*, framework, actor, rule_object):
    framework = _locked_draft(framework)
    old = rule_object.as_dict()
    deleted, _ = Rule.objects.filter(pk=rule_object.pk).delete()
    if deleted:
        audit_record(actor=actor, action="framework_rule_deleted", target=framework,
                     details={"rule": old, "reading": describe_rule(old)})  # fmt: skip
