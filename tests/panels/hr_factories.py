"""Decisions for HR's pages, for the HR tests and the permission matrix.

HR reads decisions already recorded (the decision service has its own tests), so these are made
directly, many at once where a test counts queries or streams thousands of rows."""

import datetime
import itertools

from django.utils import timezone

from careerpath.models import LevelHistory, LevelSource, Organisation, Role, User
from frameworks.models import FrameworkStatus, ProgressionRoute
from panels.models import ChecklistItem, Decision, Outcome
from portfolios.models import Application

_batches = itertools.count(1)


def route_of(organisation):
    """A published progression route of the council (one that starts from a level)."""
    return (
        ProgressionRoute.objects.filter(
            framework__organisation=organisation,
            framework__status=FrameworkStatus.PUBLISHED,
            from_level__isnull=False,
        )
        .select_related("framework", "from_level", "to_level")
        .order_by("framework__slug", "order")
        .first()
    )


def decisions_in_bulk(organisation, count, *, route=None, outcome=Outcome.PROGRESSED,
                      effective_date=None, team=None, session=None, decided_by=None):  # fmt: skip
    """`count` workers of the council, each with an application on the route and its decision
    (a progression effective from `effective_date` by default), in a handful of queries."""
    route = route or route_of(organisation)
    batch = next(_batches)
    effective_date = effective_date or timezone.localdate() - datetime.timedelta(days=7)
    decided_by = decided_by or User.objects.filter(organisation=organisation).order_by("pk")[0]
    workers = User.objects.bulk_create(
        User(username=f"hr-batch{batch}-{n}", first_name="Worker", last_name=f"B{batch}N{n}",
             employee_number=f"E{batch:03d}{n:05d}", organisation=organisation, team=team)
        for n in range(count)
    )  # fmt: skip
    if not workers[0].pk:  # a database that does not return ids from a bulk insert
        workers = list(User.objects.filter(username__startswith=f"hr-batch{batch}-"))
    applications = Application.objects.bulk_create(
        Application(applicant=worker, organisation=organisation, route=route, state=outcome)
        for worker in workers
    )
    if not applications[0].pk:
        applications = list(Application.objects.filter(applicant__in=workers))
    progressed = outcome == Outcome.PROGRESSED
    level = route.to_level
    return Decision.objects.bulk_create(
        Decision(
            application=application,
            outcome=outcome,
            decided_by=decided_by,
            session=session,
            heard_on=effective_date,
            effective_date=effective_date if progressed else None,
            new_level_code=level.code if progressed else "",
            new_level_name=level.name if progressed else "",
            grade="G9" if progressed else "",
            pay_point="SCP 25" if progressed else "",
        )  # fmt: skip
        for application in applications
    )


def progressed_with_history(organisation, *, previous=("SW1", "Social Worker level 1"),
                            effective_date=None):  # fmt: skip
    """One progression whose worker's level history shows the level they held before (closed
    the day before the effective date) and the new one from it, as the decision service leaves
    it."""
    decision = decisions_in_bulk(organisation, 1, effective_date=effective_date)[0]
    worker = decision.application.applicant
    effective = decision.effective_date
    LevelHistory.objects.create(
        user=worker, level_code=previous[0], level_name=previous[1],
        started_on=effective - datetime.timedelta(days=900),
        ended_on=effective - datetime.timedelta(days=1), source=LevelSource.APPOINTMENT,
    )  # fmt: skip
    LevelHistory.objects.create(
        user=worker, level_code=decision.new_level_code, level_name=decision.new_level_name,
        started_on=effective, source=LevelSource.PANEL_DECISION,
    )  # fmt: skip
    return decision


def hr_officer(organisation, name="Harriet"):
    person = User.objects.create(
        username=f"hr-officer-{organisation.slug}-{User.objects.count()}", first_name=name,
        last_name="Officer", organisation=organisation,
    )  # fmt: skip
    person.role_memberships.create(organisation=organisation, role=Role.HR)
    return person


# --- Builders for the permission matrix (tests/permission_matrix.py) ----------------------------


def _organisation_of(owner):
    return owner.organisation or Organisation.objects.get(slug="medway")


def own_hr_decision(owner):
    """A progression in the owner's council."""
    return {"pk": decisions_in_bulk(_organisation_of(owner), 1)[0].pk}


def own_checklist_item(owner):
    """An active item on the owner's council's checklist."""
    organisation = _organisation_of(owner)
    item = ChecklistItem.objects.create(
        organisation=organisation, label=f"Form {ChecklistItem.objects.count() + 1}", order=9
    )
    return {"pk": item.pk}
