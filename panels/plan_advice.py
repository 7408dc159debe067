"""The panel's targets and recommended further work after each of a person's deferrals, read for
their development plan (registered with careerpath.plan_advice in panels.apps)."""

from careerpath.plan_advice import AdviceTarget, PanelAdvice
from panels.models import Decision, Outcome


def deferrals_advice_for(person):
    """Every deferral of the person's applications, newest first, except one an appeal set aside
    (its hearing no longer stands). Two queries: the decisions with their routes, the targets."""
    decisions = (
        Decision.objects.filter(
            application__applicant_id=person.pk,
            application__organisation_id=person.organisation_id,
            outcome=Outcome.DEFERRED,
        )
        .exclude(appeal__upheld=True)
        .select_related("application__route")
        .prefetch_related("targets")
        .order_by("-heard_on", "-pk")
    )
    return [
        PanelAdvice(
            route_title=decision.application.route.title,
            decided_on=decision.heard_on,
            further_work=decision.further_work,
            targets=tuple(
                AdviceTarget(term=target.get_term_display(), text=target.text, due_on=target.due_on)
                for target in decision.targets.all()
            ),
            application_id=decision.application_id,
        )
        for decision in decisions
    ]
