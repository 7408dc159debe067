"""An attestation says what it attests: the managers' one-click agreement that a worker may go
ahead feeds the route's attestation rules only; their verification of KSS 9 and 10 (recorded by
the manager's report) feeds the standards policy's "verified for you" lines only."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from frameworks.rules import JUDGEMENT, MET
from portfolios.applications.agreement import agreement_complete, agreement_missing
from portfolios.applications.readiness import application_readiness
from portfolios.applications.services import application_start
from portfolios.models import Attestation
from tests.panels.booking_factories import agreed_application, new_worker

STANDARDS = Attestation.Purpose.STANDARDS
AGREEMENT = Attestation.Purpose.AGREEMENT
ROLES = ("practice_supervisor", "team_manager")


@pytest.fixture
def worker(demo_people):
    return new_worker(demo_people["lincolnshire.worker"], "kit")


@pytest.fixture
def lincolnshire_route(db):
    from frameworks.models import ProgressionRoute

    return ProgressionRoute.objects.select_related("framework").get(
        framework__organisation__slug="lincolnshire", framework__status="published", code="L1-L2"
    )


def verify(application, role, person, standards=(9, 10)):
    # Made directly: the manager's report (issue 10) will record these through its service.
    return Attestation.objects.create(
        application=application, role=role, purpose=STANDARDS, standards=list(standards),
        person=person,
    )  # fmt: skip


def verified_lines(application):
    readiness = application_readiness(application=application, on=timezone.localdate())
    groups = {group.key: group for group in readiness.groups}
    return readiness, [line.status for line in groups["attested-9 and 10"].lines]


def agreement_lines(readiness):
    """The route's eligibility attestation rule: the agreement to book."""
    return [
        line.status
        for group in readiness.groups
        if group.key == "eligibility"
        for line in group.lines
        if line.rule.get("type") == "attestation"
    ]


def test_the_managers_agreement_does_not_verify_kss_9_and_10(worker, lincolnshire_route):
    application = agreed_application(worker, lincolnshire_route)
    assert agreement_complete(application)
    readiness, verified = verified_lines(application)
    assert verified == [JUDGEMENT]  # still for a person to judge
    assert agreement_lines(readiness) == [MET]


def test_both_managers_verifying_kss_9_and_10_turns_the_line_met(worker, lincolnshire_route):
    application = application_start(applicant=worker, route=lincolnshire_route)
    verify(application, "practice_supervisor", worker.practice_supervisor)
    assert verified_lines(application)[1] == [JUDGEMENT]  # one of the two
    verify(application, "team_manager", worker.team_manager)
    readiness, verified = verified_lines(application)
    assert verified == [MET]
    # ... and verifying standards is not agreeing that the worker may book.
    assert set(agreement_missing(application)) == set(ROLES)
    assert agreement_lines(readiness) == [JUDGEMENT]


def test_verifying_other_standards_does_not_count_for_9_and_10(worker, lincolnshire_route):
    application = application_start(applicant=worker, route=lincolnshire_route)
    for role in ROLES:
        verify(application, role, getattr(worker, role), standards=(9,))
    assert verified_lines(application)[1] == [JUDGEMENT]


def test_one_attestation_per_application_role_and_purpose(worker, lincolnshire_route):
    application = agreed_application(worker, lincolnshire_route)
    supervisor = worker.practice_supervisor
    verify(application, "practice_supervisor", supervisor)  # agreed already: another purpose
    with pytest.raises(IntegrityError), transaction.atomic():
        verify(application, "practice_supervisor", supervisor)
    with pytest.raises(IntegrityError), transaction.atomic():
        Attestation.objects.create(
            application=application, role="practice_supervisor", purpose=AGREEMENT,
            person=supervisor,
        )  # fmt: skip
    assert Attestation.objects.filter(application=application).count() == 3
