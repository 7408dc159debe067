from django import template

from frameworks.rule_text import describe_rule
from frameworks.rules import ROLE_NAMES, join_words

register = template.Library()


@register.filter
def rule_text(rule):
    """A Rule (model) or rule dict in plain English."""
    return describe_rule(rule.as_dict() if hasattr(rule, "as_dict") else rule)


@register.filter
def role_list(roles):
    """["practice_supervisor", "hr"] -> "your practice supervisor and HR"."""
    return join_words(ROLE_NAMES.get(role, role.replace("_", " ")) for role in roles or [])
