"""Who sits on a panel, what they may not judge, and the pack they read."""

import datetime

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from careerpath.models import AuditEvent, Delegation, Notification, Role, User
from careerpath.services import audit_record
from panels import services_membership as services
from panels.membership import conflicts_for, is_chair_for, may_judge
from panels.models import ConflictDeclaration, MemberRole, SessionMember
from panels.services import PanelSessionError
from portfolios.applications.permissions import get_submission_for
from tests.panels.booking_factories import session_on
from tests.panels.pack_factories import booked_application, plain_route, seat

pytestmark = pytest.mark.django_db


def staff(organisation, username, role=Role.PANEL_MEMBER):
    person = User.objects.create(
        username=username, first_name="Pat", last_name=username.title(), email=f"{username}@x.org",
        organisation=organisation,
    )  # fmt: skip
    person.role_memberships.create(organisation=organisation, role=role)
    return person


@pytest.fixture
def member(personas):
    return personas["panel_member"]


@pytest.fixture
def coordinator(personas):
    return personas["progression_coordinator"]


@pytest.fixture
def session(member):
    return session_on(plain_route(member.organisation), days=30)


def released(session, by):
    services.pack_release(session=session, actor=by)
    session.refresh_from_db()
    return session


# --- Conflicts ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field, words",
    [
        ("line_manager", "line manager"),
        ("practice_supervisor", "practice supervisor"),
        ("team_manager", "team manager"),
    ],
)
def test_a_member_who_manages_the_applicant_cannot_judge(session, member, coordinator, field,
                                                        words):  # fmt: skip
    seat(session, member)
    application = booked_application(session, booked_by=coordinator, **{field: member})
    assert conflicts_for(member, application) == [f"You are the applicant's {words}."]
    assert not may_judge(member, application)


def test_a_member_who_covered_for_the_applicants_manager_cannot_judge(
    session, member, coordinator, personas
):
    manager = personas["line_manager"]
    seat(session, member)
    application = booked_application(session, booked_by=coordinator, line_manager=manager)
    today = timezone.localdate()
    Delegation.objects.create(
        organisation=member.organisation, delegator=manager, delegate=member, starts_on=today,
        ends_on=today + datetime.timedelta(days=3), created_by=manager,
    )  # fmt: skip
    [reason] = conflicts_for(member, application)
    assert reason.startswith("You covered for the applicant's line manager")
    assert not may_judge(member, application)


def test_cover_that_ended_before_the_application_began_is_no_conflict(
    session, member, coordinator, personas
):
    manager = personas["line_manager"]
    seat(session, member)
    application = booked_application(session, booked_by=coordinator, line_manager=manager)
    long_ago = timezone.localdate() - datetime.timedelta(days=400)
    Delegation.objects.create(
        organisation=member.organisation, delegator=manager, delegate=member, starts_on=long_ago,
        ends_on=long_ago + datetime.timedelta(days=3), created_by=manager,
    )  # fmt: skip
    assert conflicts_for(member, application) == []
    assert may_judge(member, application)


@pytest.mark.parametrize(
    "action, reason",
    [
        ("application.review", "You wrote the manager's report on this application."),
        ("application.endorse", "You endorsed this application for the panel."),
        ("application.confirm_eligibility", "You confirmed this application's eligibility."),
    ],
)
def test_a_member_who_took_a_review_step_cannot_judge(session, member, coordinator, action,
                                                     reason):  # fmt: skip
    seat(session, member)
    application = booked_application(session, booked_by=coordinator)
    # The audit event each review transition writes, with the member as its actor.
    audit_record(actor=member, action=action, target=application)
    assert conflicts_for(member, application) == [reason]
    assert not may_judge(member, application)


def test_a_member_who_declared_a_conflict_cannot_judge(session, member, coordinator):
    mine = seat(session, member)
    application = booked_application(session, booked_by=coordinator)
    services.conflict_declare(
        member=mine, application=application, reason="We trained together", actor=member
    )
    assert conflicts_for(member, application) == ["You declared a conflict: We trained together"]
    assert not may_judge(member, application)
    assert AuditEvent.objects.filter(action="panel_conflict_declared", actor=member).exists()


def test_a_conflict_is_declared_once_with_a_reason_for_an_application_on_the_panel(
    session, member, coordinator
):
    mine = seat(session, member)
    application = booked_application(session, booked_by=coordinator)
    with pytest.raises(PanelSessionError, match="Say why"):
        services.conflict_declare(member=mine, application=application, reason=" ", actor=member)
    elsewhere = booked_application(session_on(session.route, days=90), booked_by=coordinator)
    with pytest.raises(PanelSessionError, match="not booked on your panel"):
        services.conflict_declare(member=mine, application=elsewhere, reason="X", actor=member)
    services.conflict_declare(member=mine, application=application, reason="X", actor=member)
    with pytest.raises(PanelSessionError, match="already declared"):
        services.conflict_declare(member=mine, application=application, reason="Y", actor=member)
    assert ConflictDeclaration.objects.filter(member=mine).count() == 1


def test_who_may_judge_and_who_chairs(session, member, coordinator):
    application = booked_application(session, booked_by=coordinator)
    assert not may_judge(member, application)  # no seat
    chair = staff(member.organisation, "the-chair")
    observer = staff(member.organisation, "the-observer")
    seat(session, chair, MemberRole.CHAIR)
    seat(session, observer, MemberRole.OBSERVER)
    seat(session, member, MemberRole.CO_OPTED)
    assert is_chair_for(chair, application) and may_judge(chair, application)
    assert may_judge(member, application) and not is_chair_for(member, application)
    assert not may_judge(observer, application)
    # The chair conflicted is no longer the chair for this application.
    audit_record(actor=chair, action="application.endorse", target=application)
    assert not is_chair_for(chair, application)


# --- Membership ---------------------------------------------------------------------------------


def test_a_session_has_one_chair(session, member, coordinator):
    services.member_add(session=session, person=member, role=MemberRole.CHAIR, actor=coordinator)
    other = staff(member.organisation, "second-chair")
    with pytest.raises(PanelSessionError, match="already has a chair"):
        services.member_add(session=session, person=other, role=MemberRole.CHAIR, actor=coordinator)
    with pytest.raises(PanelSessionError, match="already sits"):
        services.member_add(
            session=session, person=member, role=MemberRole.MEMBER, actor=coordinator
        )
    assert SessionMember.objects.filter(session=session).count() == 1
    assert AuditEvent.objects.filter(action="panel_member_added", actor=coordinator).count() == 1


def test_only_the_councils_coordinator_seats_only_the_councils_staff(
    session, member, coordinator, personas
):
    with pytest.raises(PanelSessionError, match="coordinator"):
        services.member_add(session=session, person=member, role=MemberRole.MEMBER, actor=member)
    stranger = personas["other_organisation_worker"]
    with pytest.raises(PanelSessionError, match="council's staff"):
        services.member_add(
            session=session, person=stranger, role=MemberRole.MEMBER, actor=coordinator
        )
    assert not SessionMember.objects.filter(session=session).exists()


def test_the_members_page_adds_and_removes_with_the_server_checking(
    client, session, member, coordinator, personas
):
    client.force_login(coordinator)
    url = reverse("panels:session-members", args=[session.pk])
    stranger = personas["other_organisation_worker"]
    response = client.post(url, {"action": "add", "person": stranger.pk, "role": "member"})
    assert response.status_code == 200
    assert "Choose someone on your council" in response.content.decode()
    response = client.post(url, {"action": "add", "person": member.pk, "role": "chair"})
    assert response.status_code == 302
    seat_ = SessionMember.objects.get(session=session)
    assert seat_.role == MemberRole.CHAIR
    response = client.post(url, {"action": "remove", "member": seat_.pk})
    assert response.status_code == 302
    assert not SessionMember.objects.filter(session=session).exists()
    assert AuditEvent.objects.filter(action="panel_member_removed").count() == 1


# --- The pack -----------------------------------------------------------------------------------


def test_releasing_the_pack_tells_the_members_once(session, member, coordinator):
    seat(session, member)
    assert services.pack_release(session=session, actor=coordinator) is True
    assert services.pack_release(session=session, actor=coordinator) is False
    session.refresh_from_db()
    assert session.pack_released_by == coordinator
    pack = reverse("panels:pack", args=[session.pk])
    assert Notification.objects.filter(recipient=member, url=pack).count() == 1
    released_events = AuditEvent.objects.filter(
        action="panel_pack_released", target_id=str(session.pk)
    )  # this session's (the demo releases a pack of its own)
    assert released_events.count() == 1


def test_the_pack_is_invisible_to_non_members_and_before_release(
    client, session, member, coordinator
):
    application = booked_application(session, booked_by=coordinator)
    pack = reverse("panels:pack", args=[session.pk])
    page = reverse("panels:pack-application", args=[session.pk, application.pk])
    submission = application.submissions.get()

    client.force_login(member)  # a panel member, not on this session
    assert client.get(pack).status_code == 404
    assert client.get(page).status_code == 404

    seat(session, member)
    response = client.get(pack)
    assert "The coordinator has not released the pack yet" in response.content.decode()
    assert client.get(page).status_code == 404
    with pytest.raises(Http404):
        get_submission_for(member, submission.pk)

    released(session, coordinator)
    assert client.get(page).status_code == 200
    assert get_submission_for(member, submission.pk) == submission

    client.force_login(coordinator)  # the coordinator arranges it, but does not sit on it
    assert client.get(pack).status_code == 403


def test_every_opening_of_a_pack_page_is_audited(client, session, member, coordinator):
    application = booked_application(session, booked_by=coordinator)
    seat(session, member)
    released(session, coordinator)
    client.force_login(member)
    page = reverse("panels:pack-application", args=[session.pk, application.pk])
    for _ in range(2):
        response = client.get(page)
        assert "Download the portfolio (PDF)" in response.content.decode()
    opened = AuditEvent.objects.filter(action="panel_pack_opened", actor=member)
    assert opened.count() == 2
    assert opened.first().target_id == str(application.pk)


def test_the_pack_shows_why_a_member_cannot_judge(client, session, member, coordinator):
    application = booked_application(session, booked_by=coordinator, line_manager=member)
    seat(session, member)
    released(session, coordinator)
    client.force_login(member)
    response = client.get(reverse("panels:pack", args=[session.pk]))
    page_text = response.content.decode()
    assert "You cannot judge this application" in page_text
    assert "<li>You are the applicant&#x27;s line manager.</li>" in page_text
    page = reverse("panels:pack-application", args=[session.pk, application.pk])
    response = client.post(page, {"reason": ""})
    assert "Say why you cannot judge this application" in response.content.decode()
    assert not ConflictDeclaration.objects.exists()
    response = client.post(page, {"reason": "I supervised them last year"})
    assert response.status_code == 302
    assert ConflictDeclaration.objects.get().reason == "I supervised them last year"


def _pack_queries(client, session, member):
    """The pack list's queries: the session (Django's), the user, their roles; the session and
    the reader's seat; the bookings with applicants and routes; the latest submissions; cover,
    review steps and declared conflicts (conflicts_by_application); the organisation (base)."""
    client.force_login(member)
    url = reverse("panels:pack", args=[session.pk])
    client.get(url)  # warm the session and the caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_pack_costs_the_same_queries_for_3_and_30_applications(client, member, coordinator):
    route = plain_route(member.organisation)
    small, large = session_on(route, days=30), session_on(route, days=60, capacity=40)
    for session, count in ((small, 3), (large, 30)):
        for _ in range(count):
            booked_application(session, booked_by=coordinator, line_manager=coordinator)
        seat(session, member)
        released(session, coordinator)
    assert _pack_queries(client, small, member) == _pack_queries(client, large, member) == 11


def test_the_members_page_costs_the_same_queries_for_3_and_30_members(client, coordinator):
    route = plain_route(coordinator.organisation)
    counts = []
    for number, days in ((3, 30), (30, 60)):
        session = session_on(route, days=days)
        for index in range(number):
            seat(session, staff(coordinator.organisation, f"seated-{days}-{index}"))
        client.force_login(coordinator)
        url = reverse("panels:session-members", args=[session.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_member_finds_their_coming_panels_on_the_home_page(client, session, member, coordinator):
    seat(session, member)
    client.force_login(member)
    text = client.get(reverse("careerpath:home")).content.decode()
    assert reverse("panels:pack", args=[session.pk]) in text
    assert "The coordinator has not released the pack yet" in text
    released(session, coordinator)
    assert "The pack is ready to read" in client.get(reverse("careerpath:home")).content.decode()
