"""A draft's rules on their own pages: a criterion's or a route's rules listed with the sentence a
worker reads for each, a rule added (its type from the closed list, then that type's fields),
changed or deleted, and the reading of a rule as it is being typed. Every request checks the
draft is the editor's council's and still a draft (frameworks.permissions.get_draft_for), and
that the criterion, route or rule belongs to it."""

from django.contrib import messages
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from frameworks import authoring_rules
from frameworks.models import Criterion, Level, ProgressionRoute, Rule, RuleScope
from frameworks.permissions import get_draft_for
from frameworks.rule_forms import RULE_FORMS, TYPE_NAMES, RuleTypeForm, rule_form
from frameworks.rule_text import describe_rule
from frameworks.services import FrameworkError

OWNERS = ("criteria", "routes")
ROUTE_SCOPES = {
    RuleScope.ELIGIBILITY: "Eligibility: before the worker can start or book",
    RuleScope.EVIDENCE: "Evidence: the portfolio as a whole",
}
NO_READING = "Fill in the rule's details to see the sentence a worker will read."


def _owner(draft, owner, part_pk):
    """The criterion or route of this draft whose rules are edited; anything else is a 404."""
    if owner == "criteria":
        found = Criterion.objects.select_related("level__role").filter(
            pk=part_pk, level__role__framework=draft
        )
    elif owner == "routes":
        found = ProgressionRoute.objects.filter(pk=part_pk, framework=draft)
    else:
        raise Http404
    part = found.first()
    if part is None:
        raise Http404
    return part


def _rule(draft, rule_pk):
    if not str(rule_pk).isdigit():
        raise Http404
    rule = (
        Rule.objects.select_related("criterion__level__role", "route")
        .filter(Q(criterion__level__role__framework=draft) | Q(route__framework=draft))
        .filter(pk=rule_pk)
        .first()
    )
    if rule is None:
        raise Http404
    return rule


def _owner_of(rule):
    if rule.criterion_id:
        return "criteria", rule.criterion
    return "routes", rule.route


def _owner_name(owner, part):
    if owner == "criteria":
        return f"{part.level.role.title}, {part.level.code}: {part.text}"
    return part.title


def _rules_url(draft, owner, part):
    return reverse("frameworks:draft-rules", args=[draft.pk, owner, part.pk])


def _context(draft, owner, part, **extra):
    return {
        "framework": draft, "owner": owner, "part": part,
        "owner_name": _owner_name(owner, part), "rules_url": _rules_url(draft, owner, part),
        **extra,
    }  # fmt: skip


@require_GET
def draft_rule_index(request, pk):
    """Every criterion and route of the draft, with how many rules each has."""
    draft = get_draft_for(request.user, pk)
    criteria = Criterion.objects.order_by("order", "pk").prefetch_related(
        Prefetch("rules", queryset=Rule.objects.order_by("order", "pk"))
    )
    levels = (
        Level.objects.filter(role__framework=draft)
        .select_related("role")
        .order_by("role__order", "order", "pk")
        .prefetch_related(Prefetch("criteria", queryset=criteria))
    )
    routes = draft.routes.order_by("order", "pk").prefetch_related(
        Prefetch("rules", queryset=Rule.objects.order_by("order", "pk"))
    )
    return render(request, "frameworks/authoring/rule_index.html", {
        "framework": draft, "levels": levels, "routes": routes,
    })  # fmt: skip


@require_GET
def draft_rules(request, pk, owner, part_pk):
    draft = get_draft_for(request.user, pk)
    part = _owner(draft, owner, part_pk)
    rules = [(rule, describe_rule(rule.as_dict())) for rule in part.rules.order_by("order", "pk")]
    if owner == "criteria":
        groups = [("", RuleScope.CRITERION, rules)]
    else:
        groups = [
            (label, scope, [(rule, reading) for rule, reading in rules if rule.scope == scope])
            for scope, label in ROUTE_SCOPES.items()
        ]
    return render(request, "frameworks/authoring/rule_list.html",
                  _context(draft, owner, part, groups=groups))  # fmt: skip


def _scope_for(owner, request):
    if owner == "criteria":
        return RuleScope.CRITERION
    scope = request.GET.get("scope")
    if scope not in ROUTE_SCOPES:
        raise Http404
    return scope


def _rule_form_page(request, context, form, template="frameworks/authoring/rule_form.html"):
    """The rule's fields, with the reading shown when they are valid."""
    context["form"] = form
    context["reading"] = form.reading() if form.is_bound and form.is_valid() else ""
    context["type_name"] = TYPE_NAMES[form.rule_type][0]
    return render(request, template, context)


def draft_rule_add(request, pk, owner, part_pk):
    """Choose the type (GET ?type=), then the type's fields; POST saves, or with "reading"
    shows the sentence a worker will read without saving."""
    draft = get_draft_for(request.user, pk)
    part = _owner(draft, owner, part_pk)
    scope = _scope_for(owner, request)
    context = _context(draft, owner, part, scope=scope, scope_label=ROUTE_SCOPES.get(scope, ""))
    rule_type = request.GET.get("type")
    if rule_type not in RULE_FORMS:
        asked = "type" in request.GET or "chosen" in request.GET  # Continue with none ticked
        type_form = RuleTypeForm(request.GET if asked else None)
        type_form.is_valid()  # a chosen type outside the list is said next to the question
        return render(request, "frameworks/authoring/rule_type.html",
                      {**context, "form": type_form})  # fmt: skip
    form = rule_form(rule_type, request.POST if request.method == "POST" else None)
    context["reading_url"] = reverse("frameworks:rule-reading", args=[draft.pk])
    if request.method == "POST" and "reading" not in request.POST and form.is_valid():
        owners = {"criterion": part} if owner == "criteria" else {"route": part}
        try:
            authoring_rules.rule_add(framework=draft, actor=request.user, rule=form.rule(),
                                     scope=scope, **owners)  # fmt: skip
        except FrameworkError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Rule added: {form.reading()}")
            return redirect(context["rules_url"])
    return _rule_form_page(request, context, form)


def draft_rule_edit(request, pk, rule_pk):
    draft = get_draft_for(request.user, pk)
    rule = _rule(draft, rule_pk)
    owner, part = _owner_of(rule)
    original = rule.as_dict()
    form = rule_form(rule.type, request.POST if request.method == "POST" else None, rule=original)
    context = _context(draft, owner, part, rule=rule, original_reading=describe_rule(original),
                       reading_url=reverse("frameworks:rule-reading", args=[draft.pk]))  # fmt: skip
    if request.method == "POST" and "reading" not in request.POST and form.is_valid():
        try:
            authoring_rules.rule_change(framework=draft, actor=request.user, rule_object=rule,
                                        rule=form.rule())  # fmt: skip
        except FrameworkError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Rule saved: {form.reading()}")
            return redirect(context["rules_url"])
    if not form.is_bound:
        context["reading"] = context["original_reading"]
        context["form"], context["type_name"] = form, TYPE_NAMES[rule.type][0]
        return render(request, "frameworks/authoring/rule_form.html", context)
    return _rule_form_page(request, context, form)


def draft_rule_delete(request, pk, rule_pk):
    """GET asks to confirm; POST deletes."""
    draft = get_draft_for(request.user, pk)
    rule = _rule(draft, rule_pk)
    owner, part = _owner_of(rule)
    context = _context(draft, owner, part, rule=rule, reading=describe_rule(rule.as_dict()))
    if request.method == "POST":
        try:
            authoring_rules.rule_delete(framework=draft, actor=request.user, rule_object=rule)
        except FrameworkError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Rule deleted: {context['reading']}")
        return redirect(context["rules_url"])
    return render(request, "frameworks/authoring/rule_delete.html", context)


@require_GET
def rule_reading(request, pk):
    """The sentence a worker will read for the rule in the query string, as plain text: what
    the rule pages show, live, as the editor types."""
    draft = get_draft_for(request.user, pk)
    rule_type = request.GET.get("type")
    if rule_type not in RULE_FORMS:
        return HttpResponse("Choose a kind of rule.", content_type="text/plain; charset=utf-8")
    # A rule being changed: ticked roles and procedures keep its order, as saving would.
    original = _rule(draft, request.GET["rule"]).as_dict() if request.GET.get("rule") else None
    form = rule_form(rule_type, request.GET, rule=original)
    reading = form.reading() if form.is_valid() else NO_READING
    return HttpResponse(reading, content_type="text/plain; charset=utf-8")
