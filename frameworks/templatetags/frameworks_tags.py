from django import template

from frameworks.rule_text import ROLE_NAMES, and_list, describe_rule

register = template.Library()


@register.filter
def rule_text(rule):
    """A Rule (model) or rule dict in plain English."""
    return describe_rule(rule.as_dict() if hasattr(rule, "as_dict") else rule)


@register.filter
def role_list(roles):
    """["practice_supervisor", "team_manager"] -> "the practice supervisor and the team manager"."""
    return and_list(ROLE_NAMES.get(role, role.replace("_", " ")) for role in roles or [])
