"""The reviewer's page for one application, on each seed's shape: Lincolnshire L1-L2 (the
practice supervisor's report with KSS 9 and 10 verified, then the team manager's endorsement),
Dudley SW-SSW (the line manager's report, whose answer on disciplinary procedures is the
declaration the eligibility rule reads, then the coordinator's confirmation), Medway (the line
manager decides). Returns need a comment; comments for reviewers only never reach the worker;
only the application's own reviewers read it; the page costs the same queries whatever its size.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from careerpath.models import Role
from careerpath.services import delegation_create
from portfolios.applications import reviews
from portfolios.applications.agreement import attestation_record
from portfolios.applications.readiness import application_readiness
from portfolios.models import (
    ApplicationAnswer,
    ApplicationState,
    Attestation,
    Comment,
    Declaration,
)
from tests.portfolios.evidence_factories import make_item, text_file
from tests.portfolios.review_factories import (
    managed_worker,
    route_in,
    submit,
    submitted_application,
)

S = ApplicationState

# Lincolnshire's Section D, as the practice supervisor and the team manager complete it.
SUPERVISOR_REPORT = {
    "name-of-applicant": "Sam Reviewed",
    "practice-supervisor": "Pat Supervisor",
    "has-the-applicant-been-subject-to-any-informalform": "No",
    "has-the-applicant-completed-at-least-2-years-since": "Yes",
    "1-is-your-assessment-that-the-applicant-is-ready-t": "Yes",
    "2-have-the-knowledge-and-skills-as-set-out-in-all": "Yes",
    "3-is-this-portfolio-and-accompanying-evidence-a-go": "Yes",
    "4-please-provide-a-brief-overview-of-the-practitio": "Strong relationships with families.",
    "signed-practice-supervisor": "Pat Supervisor",
    **{f"{key}_{i}": value for key in ("date-progression-application-read-and-approved", "date")
       for i, value in enumerate((3, 11, 2025))},
}  # fmt: skip
ENDORSEMENT = {
    "team-manager-of-applicant": "Terry Manager",
    "i-confirm-that-i-agree-with-the-assessment-of-this": "on",
    "signature-of-team-manager": "Terry Manager",
    **{f"date-2_{i}": v for i, v in enumerate((4, 11, 2025))},
}
# Dudley's Appendix A, the manager's part.
DISCIPLINARY = "is-the-member-of-staff-subject-to-any-disciplinary"
MANAGER_SUMMARY = {
    "managers-summary-and-recommendations": "Reliable, punctual, committed to learning.",
    "managers-signature": "Dee Manager",
}
WORKER_SECTION = "a"
WORKER_FIELD = "name-of-social-worker"


def _url(application, name="review-detail"):
    return reverse(f"portfolios:{name}", args=[application.pk])


@pytest.fixture
def lincs(demo_people):
    supervisor = demo_people["lincolnshire.practice-supervisor"]
    manager = demo_people["lincolnshire.team-manager"]
    worker = managed_worker(
        supervisor.organisation, practice_supervisor=supervisor, line_manager=manager,
        team_manager=manager,
    )  # fmt: skip
    application = submitted_application(
        worker, route_in("lincolnshire", "L1-L2"),
        answers={WORKER_SECTION: {WORKER_FIELD: "Sam Reviewed, as submitted"}},
    )  # fmt: skip
    return application, supervisor, manager


@pytest.fixture
def dudley(demo_people):
    manager = demo_people["dudley.team-manager"]  # their line manager and team manager
    coordinator = demo_people["dudley.coordinator"]
    worker = managed_worker(manager.organisation, line_manager=manager, team_manager=manager)
    worker.qualification_date = datetime.date(2019, 7, 1)
    worker.save(update_fields=["qualification_date"])
    application = submitted_application(worker, route_in("dudley", "SW-SSW"))
    return application, manager, coordinator


def _state(application):
    application.refresh_from_db()
    return application.state


def _eligibility(application, rule_type):
    readiness = application_readiness(application=application)
    return next(
        line
        for group in readiness.groups
        if group.key == "eligibility"
        for line in group.lines
        if line.rule.get("type") == rule_type
    )


# --- Lincolnshire: the practice supervisor's report, then the team manager's endorsement -------


def test_the_practice_supervisor_reads_the_frozen_submission_and_their_part_of_section_d(
    client, lincs
):
    application, supervisor, _ = lincs
    # The worker's live answers change nothing the reviewer reads: the snapshot is what counts.
    ApplicationAnswer.objects.filter(application=application, section=WORKER_SECTION).update(
        values={WORKER_FIELD: "Changed after submitting"}
    )
    client.force_login(supervisor)
    response = client.get(_url(application))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Sam Reviewed, as submitted" in page
    assert "Changed after submitting" not in page
    submission = application.submissions.get()
    assert reverse("portfolios:submission-pdf", args=[submission.pk]) in page
    assert "Complete the report" in page and "Save as draft" in page
    assert "I verify KSS 9 and 10" in page
    assert "Up to 500 words" in page  # the word limit of the overview
    assert "Return to Sam" in page
    assert "What changed since the last submission" not in page  # only one submission


def test_a_draft_is_saved_and_an_incomplete_report_says_what_is_missing_keeping_what_was_typed(
    client, lincs
):
    application, supervisor, _ = lincs
    client.force_login(supervisor)
    response = client.post(_url(application), {"name-of-applicant": "Sam", "save": "1"})
    assert response.status_code == 302
    answer = ApplicationAnswer.objects.get(application=application, section="d")
    assert answer.values["name-of-applicant"] == "Sam"

    typed = {"name-of-applicant": "Sam R", "signed-practice-supervisor": "Pat", "complete": "1"}
    response = client.post(_url(application), typed)
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and "Complete these first" in page
    assert 'value="Pat"' in page and 'value="Sam R"' in page
    assert _state(application) == S.SUBMITTED
    answer.refresh_from_db()
    assert answer.values["name-of-applicant"] == "Sam"  # the refused step saved nothing


def test_the_report_is_refused_until_kss_9_and_10_are_verified(client, lincs):
    application, supervisor, _ = lincs
    client.force_login(supervisor)
    response = client.post(_url(application), {**SUPERVISOR_REPORT, "complete": "1"})
    assert response.status_code == 200
    assert "verify KSS 9 and 10" in response.content.decode()
    assert _state(application) == S.SUBMITTED


def test_the_supervisor_reports_and_verifies_then_the_team_manager_endorses(client, lincs):
    application, supervisor, manager = lincs
    client.force_login(supervisor)
    report = {**SUPERVISOR_REPORT, "verify": "on", "complete": "1"}
    response = client.post(_url(application), report)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert _state(application) == S.REVIEWED
    assert Attestation.objects.get(
        application=application, role=Role.PRACTICE_SUPERVISOR, purpose="standards"
    ).standards == [9, 10]

    # The supervisor can still read it, and no longer holds a step.
    page = client.get(_url(application)).content.decode()
    assert "Complete the report" not in page
    assert "Completed the manager&#x27;s report" in page or "Completed the manager's report" in page

    client.force_login(manager)
    page = client.get(_url(application)).content.decode()
    assert "Endorse attendance at panel" in page
    assert "The manager&#x27;s report" in page and "Strong relationships with families." in page
    assert "I verify KSS 9 and 10" in page  # the team manager verifies them too
    response = client.post(_url(application), {**ENDORSEMENT, "verify": "on", "complete": "1"})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert _state(application) == S.ENDORSED
    assert set(
        Attestation.objects.filter(application=application, purpose="standards").values_list(
            "role", flat=True
        )
    ) == {Role.PRACTICE_SUPERVISOR, Role.TEAM_MANAGER}
    timeline = client.get(_url(application)).content.decode()
    assert "Endorsed the application" in timeline


def test_someone_covering_for_the_supervisor_is_told_whom_they_act_for(client, lincs, demo_people):
    application, supervisor, _ = lincs
    cover = demo_people["lincolnshire.coordinator"]
    today = timezone.localdate()
    delegation_create(
        delegator=supervisor, delegate=cover, starts_on=today,
        ends_on=today + datetime.timedelta(days=7), reason="Leave", created_by=supervisor,
    )  # fmt: skip
    client.force_login(cover)
    page = client.get(_url(application)).content.decode()
    assert f"You are acting for {supervisor.get_full_name()}" in page
    assert "Complete the report" in page


# --- Dudley: the line manager's report and its declaration, then the coordinator -------------


@pytest.mark.parametrize("answer, status", [("No", "met"), ("Yes", "not met")])
def test_the_line_managers_answer_on_disciplinary_procedures_decides_the_eligibility_rule(
    client, dudley, answer, status
):
    application, manager, _ = dudley
    assert _eligibility(application, "no_formal_procedures").status == "needs judgement"
    client.force_login(manager)
    page = client.get(_url(application)).content.decode()
    assert "Manager’s Summary and Recommendations" in page
    assert "Complete the report" in page and "I verify" not in page
    response = client.post(
        _url(application), {**MANAGER_SUMMARY, DISCIPLINARY: answer, "save": "1"}
    )
    assert response.status_code == 302
    declaration = Declaration.objects.get(application=application, kind="no_formal_procedures")
    assert declaration.subject is (answer == "Yes")
    assert _eligibility(application, "no_formal_procedures").status == status
    page = client.get(_url(application)).content.decode()
    label = "Met" if status == "met" else "Not met"
    assert "Eligibility checks now" in page and f">{label}</strong>" in page


def _report_by_line_manager(client, application, manager, answer="No"):
    client.force_login(manager)
    response = client.post(
        _url(application), {**MANAGER_SUMMARY, DISCIPLINARY: answer, "complete": "1"}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert _state(application) == S.REVIEWED


def test_the_coordinator_sees_the_checks_with_their_numbers_and_cannot_confirm_a_failing_one(
    client, dudley
):
    application, manager, coordinator = dudley
    _report_by_line_manager(client, application, manager, answer="Yes")
    client.force_login(coordinator)
    page = client.get(_url(application)).content.decode()
    assert "Confirm the criteria are met" in page
    assert "At least 30 months since qualifying" in page
    response = client.post(_url(application), {"confirm": "1"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Not every eligibility check is met" in page
    assert _state(application) == S.REVIEWED


def test_the_coordinator_confirms_when_every_check_is_met(client, dudley):
    application, manager, coordinator = dudley
    for role in (Role.LINE_MANAGER, Role.TEAM_MANAGER):
        attestation_record(application=application, role=role, person=manager)
    _report_by_line_manager(client, application, manager)
    failing = [
        line.label
        for group in application_readiness(application=application).groups
        if group.key == "eligibility"
        for line in group.lines
        if line.status != "met"
    ]
    assert failing == []
    client.force_login(coordinator)
    response = client.post(_url(application), {"confirm": "1"})
    assert response.status_code == 302
    assert _state(application) == S.ELIGIBILITY_CONFIRMED


# --- Medway: the line manager decides -----------------------------------------------------------


def test_the_deciding_line_manager_is_led_to_record_the_decision(client, demo_people):
    manager = demo_people["medway.line-manager"]
    worker = managed_worker(manager.organisation, line_manager=manager)
    application = submitted_application(worker, route_in("medway", "SW2A-SW2B"))
    client.force_login(manager)
    page = client.get(_url(application)).content.decode()
    assert "Record the decision" in page
    assert "Complete the report" not in page and "Return to Sam" in page


# --- Returning it, and what changed when it comes back -----------------------------------------


def test_a_return_needs_a_comment_and_the_next_submission_shows_what_changed(client, lincs):
    application, supervisor, _ = lincs
    client.force_login(supervisor)
    response = client.post(_url(application, "review-return"), {"comment": "  "})
    assert response.status_code == 200
    assert "Say what needs to change" in response.content.decode()
    assert _state(application) == S.SUBMITTED

    response = client.post(
        _url(application, "review-return"), {"comment": "Add your team to Section A."}
    )
    assert response.status_code == 302
    assert _state(application) == S.RETURNED
    assert "to change it and submit it again" in client.get(_url(application)).content.decode()
    assert Comment.objects.get(application=application, step="return").body == (
        "Add your team to Section A."
    )

    submit(application, answers={WORKER_SECTION: {WORKER_FIELD: "Sam Reviewed, second go"}})
    page = client.get(_url(application)).content.decode()
    assert "What changed since the last submission" in page
    assert "Sam Reviewed, as submitted" in page and "Sam Reviewed, second go" in page
    assert "Returned it with this comment" in page  # the timeline
    assert "Add your team to Section A." in page


# --- The comment thread -------------------------------------------------------------------------


def test_comments_for_reviewers_only_are_marked_and_never_reach_the_worker(client, lincs):
    application, supervisor, manager = lincs
    client.force_login(supervisor)
    response = client.post(_url(application, "review-comment"), {"body": ""})
    assert response.status_code == 200
    assert "Write your comment" in response.content.decode()
    assert not Comment.objects.filter(application=application).exists()

    client.post(_url(application, "review-comment"), {"body": "Lovely direct work."})
    client.post(
        _url(application, "review-comment"),
        {"body": "Check the dates with HR.", "reviewers_only": "on"},
    )
    client.force_login(manager)
    page = client.get(_url(application)).content.decode()
    assert "Lovely direct work." in page and "Check the dates with HR." in page
    assert "For reviewers only" in page
    assert supervisor.get_full_name() in page and "practice supervisor" in page

    worker = application.applicant
    assert [c.body for c in reviews.comments_for(application, worker)] == ["Lovely direct work."]
    from portfolios.applications.queues import timeline

    assert "Check the dates with HR." not in [
        entry.comment for entry in timeline(application=application, viewer=worker)
    ]


# --- Who may read it ---------------------------------------------------------------------------


def test_only_the_applications_reviewers_read_it(client, lincs, demo_people):
    application, _, _ = lincs
    organisation = application.organisation
    other_team_manager = managed_worker(organisation, name="Other")
    other_team_manager.role_memberships.create(organisation=organisation, role=Role.TEAM_MANAGER)
    another_council = demo_people["dudley.team-manager"]
    peer = demo_people["lincolnshire.worker"]
    for person, status in ((other_team_manager, 404), (another_council, 404), (peer, 403)):
        client.force_login(person)
        assert client.get(_url(application)).status_code == status, person
        assert client.post(_url(application, "review-comment"), {"body": "x"}).status_code == (
            status
        )
        assert client.post(_url(application, "review-return"), {"comment": "x"}).status_code == (
            status
        )
    assert not Comment.objects.filter(application=application).exists()
    assert _state(application) == S.SUBMITTED
    # The coordinator reads every submitted application of the council.
    client.force_login(demo_people["lincolnshire.coordinator"])
    assert client.get(_url(application)).status_code == 200


def test_an_applicant_who_reviews_others_gets_404_on_their_own_application(client, demo_people):
    supervisor = demo_people["lincolnshire.practice-supervisor"]
    organisation = supervisor.organisation
    applicant = managed_worker(organisation, practice_supervisor=supervisor)
    applicant.role_memberships.create(organisation=organisation, role=Role.TEAM_MANAGER)
    application = submitted_application(applicant, route_in("lincolnshire", "L1-L2"))
    client.force_login(applicant)
    assert client.get(_url(application)).status_code == 404


def test_a_worker_who_reviews_nobody_is_refused_the_reviewers_pages(client, lincs):
    application, _, _ = lincs
    client.force_login(application.applicant)
    assert client.get(_url(application)).status_code == 403


# --- Queries -----------------------------------------------------------------------------------


def _with_items(supervisor, manager, count):
    worker = managed_worker(
        supervisor.organisation, practice_supervisor=supervisor, line_manager=manager,
        team_manager=manager,
    )  # fmt: skip
    items = [
        make_item(worker, title=f"Item {n}", files=[text_file(f"n{n}.txt", f"Note {n}")])
        for n in range(count)
    ]
    return submitted_application(worker, route_in("lincolnshire", "L1-L2"), items=items)


def _queries(client, application):
    with CaptureQueriesContext(connection) as context:
        response = client.get(_url(application))
    assert response.status_code == 200
    return len(context.captured_queries)


def test_the_page_costs_the_same_queries_for_3_and_30_linked_items(client, demo_people):
    supervisor = demo_people["lincolnshire.practice-supervisor"]
    manager = demo_people["lincolnshire.team-manager"]
    small = _with_items(supervisor, manager, 3)
    large = _with_items(supervisor, manager, 30)
    assert len(large.submissions.get().snapshot["items"]) == 30
    client.force_login(supervisor)
    _queries(client, small)  # warm the per-process caches (content types, sessions)
    page = client.get(_url(large)).content.decode()
    assert "Item 29" in page and "n29.txt" in page
    # The session, the user, their roles, whom they cover for; the application; its last two
    # submissions; the answers and the verified standards (the reviewers' parts of the form);
    # the live readiness check (route rules, criteria, criterion rules, links, answers,
    # attestations, level history, standard titles, declarations); the holder's name (where it
    # is); the timeline's audit events and comments; the header's council; the thread.
    assert _queries(client, small) == _queries(client, large) == 22
