"""Changes to frameworks: publishing, retiring, copying a published version into a new draft,
and saving a person's development plan. Each writes an audit event in its transaction."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from careerpath.services import audit_record, notification_send
from frameworks.importing import framework_as_data, framework_import_data
from frameworks.models import DevelopmentPlan, Framework, FrameworkStatus


class FrameworkError(Exception):
    """A change that cannot be made, with a message for the person who asked."""


def _locked(framework):
    return Framework.objects.select_for_update(of=("self",)).get(pk=framework.pk)


@transaction.atomic
def framework_publish(*, framework, actor):
    """Publish a draft. The version it replaces is retired: applications already pinned to it
    keep it, new ones start on this one."""
    framework = _locked(framework)
    if framework.status == FrameworkStatus.PUBLISHED:
        return framework
    if framework.status != FrameworkStatus.DRAFT:
        raise FrameworkError("Only a draft can be published.")
    if not framework.roles.exists():
        raise FrameworkError("A framework needs at least one role before it is published.")
    now = timezone.now()
    replaced = Framework.objects.select_for_update(of=("self",)).filter(
        organisation=framework.organisation,
        slug=framework.slug,
        status=FrameworkStatus.PUBLISHED,
    )
    for old in replaced:
        old.status, old.retired_at = FrameworkStatus.RETIRED, now
        old.save(update_fields=["status", "retired_at"])
        audit_record(actor=actor, action="framework_retired", target=old,
                     details={"replaced_by": framework.pk})  # fmt: skip
    framework.status, framework.published_at = FrameworkStatus.PUBLISHED, now
    framework.save(update_fields=["status", "published_at"])
    audit_record(actor=actor, action="framework_published", target=framework)
    return framework


@transaction.atomic
def framework_retire(*, framework, actor):
    framework = _locked(framework)
    if framework.status == FrameworkStatus.RETIRED:
        return framework
    if framework.status != FrameworkStatus.PUBLISHED:
        raise FrameworkError("Only a published framework can be retired; delete a draft instead.")
    framework.status, framework.retired_at = FrameworkStatus.RETIRED, timezone.now()
    framework.save(update_fields=["status", "retired_at"])
    audit_record(actor=actor, action="framework_retired", target=framework)
    return framework


@transaction.atomic
def framework_copy_to_draft(*, framework, actor):
    """Start the next version as an editable copy of this one."""
    if framework.status == FrameworkStatus.DRAFT:
        raise FrameworkError("This is a draft already: edit it instead of copying it.")
    if Framework.objects.filter(
        organisation=framework.organisation, slug=framework.slug, status=FrameworkStatus.DRAFT
    ).exists():
        raise FrameworkError("There is a draft of this framework already: edit or publish it.")
    data = framework_as_data(framework)
    data["status"] = FrameworkStatus.DRAFT
    draft = framework_import_data(data=data, name=str(framework))
    draft.copied_from = framework
    draft.save(update_fields=["copied_from"])
    audit_record(actor=actor, action="framework_copied", target=draft,
                 details={"copied_from": framework.pk})  # fmt: skip
    return draft


@transaction.atomic
def development_plan_save(*, person, target_level, have, actions, plan=None):
    """Create or update a person's development plan for a target level."""
    if plan is None:
        plan = DevelopmentPlan.objects.create(person=person, target_level=target_level)
    else:
        plan.target_level = target_level
    plan.actions = actions
    plan.save()
    plan.have.set(have)
    return plan


@transaction.atomic
def development_plan_share(*, plan, actor, line_manager, practice_supervisor):
    """Share a plan (read-only) with the worker's line manager and practice supervisor, or stop
    sharing it. Those newly shared with are told. Returns the people now told."""
    plan = (
        DevelopmentPlan.objects.select_for_update(of=("self",))
        .select_related("person__line_manager", "person__practice_supervisor", "target_level")
        .get(pk=plan.pk)
    )
    person = plan.person
    wanted = {
        "shared_with_line_manager": bool(line_manager and person.line_manager_id),
        "shared_with_practice_supervisor": bool(
            practice_supervisor and person.practice_supervisor_id
        ),
    }
    old = {field: getattr(plan, field) for field in wanted}
    if old == wanted:
        return []
    # A queryset update leaves updated_at alone: sharing is not an edit of the plan, and must
    # not make a self-assessment open in another tab look stale.
    DevelopmentPlan.objects.filter(pk=plan.pk).update(**wanted)
    audit_record(actor=actor, action="development_plan_sharing_changed", target=plan,
                 organisation=person.organisation, details={"old": old, "new": wanted})  # fmt: skip
    told = []
    for field, manager in (
        ("shared_with_line_manager", person.line_manager),
        ("shared_with_practice_supervisor", person.practice_supervisor),
    ):
        if wanted[field] and not old[field] and manager not in told:
            notification_send(
                recipient=manager,
                subject=f"{person} shared a development plan with you",
                body=f"{person} shared their development plan for {plan.target_level} with you.",
                url=reverse("frameworks:shared-plan-detail", args=[plan.pk]),
            )
            told.append(manager)
    return told
