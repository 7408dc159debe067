"""Dudley's apprenticeship and return to social work, end to end through the services, as the seed
says: "The member of staff should submit the Career Progression Application Form, with their
Manager's endorsement. A Panel consisting of the Principal Social Worker, CPP Team Manager, and
respective Head of Service will be arranged when the application is received ... The member of
staff will be notified of the outcome of Panel within 3 working days."

A member of staff who is not yet a social worker starts an application on each route, fills the
worker's parts of Appendix A, submits; their line manager completes the Manager's part and
endorses; the application then waits for the coordinator to book it; the panel's chair records
the decision (progressed or not progressed: the only outcomes the route has)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from careerpath.models import LevelHistory, Organisation, Role, User
from frameworks.models import Criterion
from panels.coordinator_bookings import waiting_for_coordinator
from panels.decisions import DecisionError, decision_record
from panels.models import Booking, Decision, MemberRole
from portfolios.applications.booking import application_record_booking
from portfolios.applications.reviews import step_complete, step_form
from portfolios.applications.selectors import resolve_target, sections_for
from portfolios.applications.services import (
    application_answer_save,
    application_start,
    evidence_links_add,
)
from portfolios.applications.steps import current_holder, review_sources, route_workflow
from portfolios.applications.submission import application_submit
from portfolios.applications.workflow import ApplicationError
from portfolios.models import EvidenceItem, Submission
from tests.panels.booking_factories import session_on
from tests.panels.pack_factories import seat
from tests.portfolios.review_factories import managed_worker, route_in

ROUTES = ["ENTRY-SWA", "ENTRY-RSW"]
# The seed's Appendix A choice each route answers "Are you applying as a:" with.
APPLYING_AS = {
    "ENTRY-SWA": "Member of staff applying to qualify as a Social Worker?",
    "ENTRY-RSW": "Previously qualified Social Worker wishing to return to the profession?",
}


@pytest.fixture
def dudley(db):
    return Organisation.objects.get(slug="dudley")


@pytest.fixture
def line_manager(demo_people):
    return demo_people["dudley.team-manager"]


@pytest.fixture
def panel(demo_people, dudley):
    """The seed's panel: the Principal Social Worker, the CPP Team Manager and a Head of
    Service."""
    head = User.objects.create(
        username="dudley.head-of-service-test", first_name="Gail", last_name="Rowley",
        job_title="Head of Service", organisation=dudley,
    )  # fmt: skip
    head.role_memberships.create(organisation=dudley, role=Role.PANEL_MEMBER)
    return {
        "principal": demo_people["dudley.panel-member"],
        "cpp_team_manager": demo_people["dudley.coordinator"],
        "head_of_service": head,
    }


def member_of_staff(dudley, line_manager):
    """Someone from Business Support: no social work level on their record."""
    person = managed_worker(dudley, line_manager=line_manager, name="Jade")
    person.job_title = "Business Support Officer"
    person.save(update_fields=["job_title"])
    return person


def fill_the_workers_parts(application):
    """Every part of the form the worker completes, each field answered (the route answers
    "Are you applying as a:" itself)."""
    filled = {}
    for section in sections_for(application=application):
        if not section.is_workers:
            continue
        values = {
            spec.key: spec.prefilled
            or ("2016-07-01" if spec.kind == "date" else f"{application.applicant}: {spec.label}")
            for spec in section.fields
        }
        application_answer_save(
            application=application, section=section, actor=application.applicant,
            values=values, revision=0,
        )  # fmt: skip
        filled[section.key] = values
    return filled


def link_certificate(application):
    """The returning social worker's qualification certificate, from their library, linked
    through the task the form offers for it (the form itself has nowhere to link evidence)."""
    section, [target] = evidence_task(application)
    item = EvidenceItem.objects.create(
        owner=application.applicant, kind="training_certificate",
        title="BA (Hons) Social Work certificate", dated=timezone.localdate().replace(year=2016),
    )  # fmt: skip
    criterion_id, standard_id = resolve_target(application=application, target=target)
    evidence_links_add(
        application=application, actor=application.applicant, criterion_id=criterion_id,
        standard_id=standard_id, items=[item], note="My Social Work qualification",
    )  # fmt: skip


def evidence_task(application):
    """The worker's task of linking evidence, and what it links to."""
    [section] = [s for s in sections_for(application=application) if s.targets]
    return section, list(section.targets)


def endorse(application, line_manager):
    form = step_form(application, "endorse")
    values = {
        spec.key: ("No" if spec.kind == "choice" else "Supportive; good attendance.")
        for spec in form.fields
        if not spec.condition
    }
    return step_complete(application=application, actor=line_manager, step="endorse",
                         values=values)  # fmt: skip


def submitted_and_endorsed(dudley, line_manager, code):
    route = route_in("dudley", code)
    staff = member_of_staff(dudley, line_manager)
    application = application_start(applicant=staff, route=route)
    fill_the_workers_parts(application)
    if code == "ENTRY-RSW":
        link_certificate(application)
    result = application_submit(application=application, actor=staff, declaration=True)
    assert result.changed, result.message
    endorse(application, line_manager)
    application.refresh_from_db()
    return application


def booked_on_todays_panel(application, panel, coordinator):
    """Booked by the coordinator (made directly: their booking page is built elsewhere) on a
    session held today, the seed's panel seated."""
    session = session_on(application.route, days=0)
    Booking.objects.create(application=application, session=session, booked_by=coordinator)
    application_record_booking(
        application=application, panel_date=timezone.localdate(session.starts_at),
        submission_deadline=session.submission_deadline, standards=[], seed="", actor=coordinator,
    )  # fmt: skip
    seat(session, panel["principal"], MemberRole.CHAIR)
    seat(session, panel["cpp_team_manager"], MemberRole.MEMBER)
    seat(session, panel["head_of_service"], MemberRole.MEMBER)
    return session


@pytest.mark.parametrize("code", ROUTES)
def test_a_member_of_staff_starts_on_the_seeds_form_with_no_social_work_level(
    dudley, line_manager, code
):
    route = route_in("dudley", code)
    assert route.from_level is None
    staff = member_of_staff(dudley, line_manager)
    assert not LevelHistory.objects.filter(user=staff).exists()
    application = application_start(applicant=staff, route=route)
    sections = sections_for(application=application)
    workers = [s for s in sections if s.is_workers and not s.targets]
    managers = [s for s in sections if s.completed_by == Role.LINE_MANAGER]
    # Appendix A: the Applicant's part and their signature; the Manager's part is theirs.
    assert [s.title for s in workers] == [
        "Appendix A, Applicant",
        "Appendix A, Applicant’s signature",
    ]
    assert [s.title for s in managers] == ["Appendix A, Manager"]
    applying_as = next(f for f in workers[0].fields if f.kind == "choice")
    assert applying_as.options == (APPLYING_AS[code],)
    asks_for_return = any("return to the profession" in f.label for f in workers[0].fields)
    assert asks_for_return == (code == "ENTRY-RSW")


@pytest.mark.parametrize("code", ROUTES)
def test_the_worker_cannot_submit_before_filling_in_the_form(dudley, line_manager, code):
    staff = member_of_staff(dudley, line_manager)
    application = application_start(applicant=staff, route=route_in("dudley", code))
    with pytest.raises(ApplicationError, match="Appendix A, Applicant"):
        application_submit(application=application, actor=staff, declaration=True)
    application.refresh_from_db()
    assert application.state == "drafting"


def test_a_returning_social_worker_links_their_qualification_certificate(
    client, dudley, line_manager
):
    staff = member_of_staff(dudley, line_manager)
    application = application_start(applicant=staff, route=route_in("dudley", "ENTRY-RSW"))
    fill_the_workers_parts(application)
    with pytest.raises(ApplicationError, match="Social Work qualification"):
        application_submit(application=application, actor=staff, declaration=True)
    # The criterion that asks for the certificate is a task of its own, on the worker's pages.
    section, [target] = evidence_task(application)
    criterion = Criterion.objects.get(pk=target.criterion_id)
    assert criterion.rules.filter(type="certificate_required").exists()
    client.force_login(staff)
    links = reverse("portfolios:application-links", args=[application.pk, section.key])
    assert client.get(links).status_code == 200
    link_certificate(application)
    assert application_submit(application=application, actor=staff, declaration=True).changed


def test_the_apprentices_form_asks_for_no_evidence_to_link(dudley, line_manager):
    staff = member_of_staff(dudley, line_manager)
    application = application_start(applicant=staff, route=route_in("dudley", "ENTRY-SWA"))
    assert not [s for s in sections_for(application=application) if s.targets]


@pytest.mark.parametrize("code", ROUTES)
def test_only_the_line_managers_endorsement_moves_it_on(dudley, line_manager, demo_people, code):
    route = route_in("dudley", code)
    staff = member_of_staff(dudley, line_manager)
    application = application_start(applicant=staff, route=route)
    fill_the_workers_parts(application)
    if code == "ENTRY-RSW":
        link_certificate(application)
    application_submit(application=application, actor=staff, declaration=True)
    assert application.state == "submitted"
    assert current_holder(application).person_ids == (line_manager.pk,)
    for someone in (staff, demo_people["dudley.coordinator"], demo_people["dudley.panel-member"]):
        with pytest.raises(ApplicationError):
            endorse(application, someone)
    # The Manager's part must be completed first.
    with pytest.raises(ApplicationError, match="Complete these first"):
        step_complete(application=application, actor=line_manager, step="endorse")
    assert endorse(application, line_manager).changed
    application.refresh_from_db()
    assert application.state == "endorsed"


@pytest.mark.parametrize("code", ROUTES)
def test_endorsed_it_waits_for_the_coordinator_to_book_a_panel(dudley, line_manager, code):
    application = submitted_and_endorsed(dudley, line_manager, code)
    workflow = route_workflow(application.route)
    assert workflow["booking"] == "coordinator_books_after_referral"
    # No eligibility check on these routes: endorsed is where the decision starts from.
    assert review_sources(workflow)["decide"] == application.state == "endorsed"
    assert current_holder(application).at_panel
    assert not application.panel_bookings.exists() and application.panel_date is None
    assert waiting_for_coordinator(application)


@pytest.mark.parametrize("code", ROUTES)
@pytest.mark.parametrize("outcome", ["progressed", "not_progressed"])
def test_the_principal_social_worker_chairs_and_records_the_decision(
    dudley, line_manager, panel, django_capture_on_commit_callbacks, code, outcome
):
    application = submitted_and_endorsed(dudley, line_manager, code)
    session = booked_on_todays_panel(application, panel, panel["cpp_team_manager"])
    # A member who is not the chair cannot record it.
    with pytest.raises(ApplicationError):
        decision_record(application=application, actor=panel["head_of_service"],
                        outcome=outcome, heard_on=timezone.localdate())  # fmt: skip
    criteria = Criterion.objects.filter(level_id=application.route.to_level_id)
    with django_capture_on_commit_callbacks(execute=True):
        decision = decision_record(
            application=application, actor=panel["principal"], outcome=outcome,
            heard_on=timezone.localdate(session.starts_at), sat=list(panel.values()),
            judgements=[{"criterion_id": c.pk, "met": outcome == "progressed"} for c in criteria],
            reasons="The panel discussed the course commitment and post-employment plans.",
        )  # fmt: skip
    application.refresh_from_db()
    assert application.state == outcome
    assert decision.session == session and decision.decided_by == panel["principal"]
    assert set(decision.sat.all()) == set(panel.values())
    assert decision.judgements.count() == criteria.count()
    assert decision.appeal_due_on is None  # the seed describes no appeal
    staff = application.applicant
    if outcome == "progressed":
        level = LevelHistory.objects.get(user=staff, ended_on__isnull=True)
        assert level.level_code == application.route.to_level.code
    else:
        assert not LevelHistory.objects.filter(user=staff).exists()
    assert Submission.objects.filter(application=application).count() == 1


@pytest.mark.parametrize("code", ROUTES)
def test_a_deferral_is_not_an_outcome_of_these_panels(dudley, line_manager, panel, code):
    application = submitted_and_endorsed(dudley, line_manager, code)
    booked_on_todays_panel(application, panel, panel["cpp_team_manager"])
    with pytest.raises(DecisionError, match="outcome"):
        decision_record(application=application, actor=panel["principal"], outcome="deferred",
                        heard_on=timezone.localdate(), further_work="Shadowing")  # fmt: skip
    application.refresh_from_db()
    assert application.state == "endorsed"
    assert not Decision.objects.filter(application=application).exists()
