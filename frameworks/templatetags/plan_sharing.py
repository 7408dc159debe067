"""The sharing form on a worker's own plan page, self-contained so the page needs one line."""

from django import template

from frameworks.forms import PlanSharingForm
from frameworks.selectors import plan_managers

register = template.Library()


@register.inclusion_tag("frameworks/includes/plan_sharing.html")
def plan_sharing(plan, person):
    """`person` is the plan's owner, already loaded for the request."""
    form = PlanSharingForm(plan=plan, managers=plan_managers(person=person))
    return {"plan": plan, "form": form}
