import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from careerpath.models import AuditEvent
from panels.models import PanelSession, SessionStatus
from panels.selectors import sessions_for_route
from panels.services import (
    PanelSessionError,
    panel_session_cancel,
    panel_session_create,
    panel_session_update,
    panel_sessions_create_from_proposals,
    session_version,
)

from .conftest import at


def create(actor, route, **overrides):
    values = dict(actor=actor, route=route, starts_at=at(60), ends_at=at(60, 13), capacity=6,
                  meeting_url="https://meet.example.org/p")  # fmt: skip
    values.update(overrides)
    return panel_session_create(**values)


def test_creating_a_session_records_the_route_its_version_and_who_with_an_audit_event(
    coordinator, lincolnshire_route
):
    session = create(coordinator, lincolnshire_route)
    assert session.organisation == coordinator.organisation
    assert (session.framework_slug, session.route_code) == ("childrens-social-workers", "L1-L2")
    assert session.created_by == coordinator
    assert session.status == SessionStatus.PLANNED
    event = AuditEvent.objects.get(action="panel_session_created", target_id=str(session.pk))
    assert event.actor == coordinator
    assert event.details["capacity"] == 6


def test_the_deadline_comes_from_the_routes_lead_time_when_not_given(demo_people, dudley_route):
    session = create(demo_people["dudley.coordinator"], dudley_route, meeting_url="",
                     location="Room 1", starts_at=at(60), ends_at=at(60, 12))  # fmt: skip
    expected = timezone.localdate(session.starts_at) - datetime.timedelta(days=14)
    # Brought back to a working day when 14 days before is not one.
    assert session.submission_deadline <= expected
    assert (expected - session.submission_deadline).days < 5


def test_a_given_deadline_is_kept(coordinator, lincolnshire_route):
    deadline = timezone.localdate() + datetime.timedelta(days=30)
    assert (
        create(coordinator, lincolnshire_route, submission_deadline=deadline).submission_deadline
        == deadline
    )


def test_another_councils_route_is_refused(demo_people, dudley_route):
    with pytest.raises(PanelSessionError) as error:
        create(demo_people["lincolnshire.coordinator"], dudley_route)
    assert error.value.field == "route"
    assert not PanelSession.objects.filter(
        route=dudley_route, created_by__username="lincolnshire.coordinator"
    ).exists()


def test_only_a_coordinator_arranges_sessions(demo_people, lincolnshire_route):
    with pytest.raises(PanelSessionError):
        create(demo_people["lincolnshire.worker"], lincolnshire_route)


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"capacity": 0}, "capacity"),
        ({"meeting_url": "", "location": ""}, "location"),
        ({"ends_at": at(60, 9)}, "end_time"),
        ({"submission_deadline": timezone.localdate() + datetime.timedelta(days=60)},
         "submission_deadline"),
        ({"starts_at": at(-1), "ends_at": at(-1, 13)}, "date"),
    ],
)  # fmt: skip
def test_bad_details_are_refused_and_nothing_is_saved(
    coordinator, lincolnshire_route, overrides, field
):
    before = PanelSession.objects.count()
    with pytest.raises(PanelSessionError) as error:
        create(coordinator, lincolnshire_route, **overrides)
    assert error.value.field == field
    assert PanelSession.objects.count() == before


@pytest.mark.parametrize(
    "values",
    [
        {"capacity": 0},
        {"meeting_url": "", "location": ""},
        {"submission_deadline": timezone.localdate() + datetime.timedelta(days=61)},
    ],
)
def test_the_database_refuses_what_the_services_refuse(coordinator, lincolnshire_route, values):
    session = create(coordinator, lincolnshire_route)
    with pytest.raises(IntegrityError), transaction.atomic():
        PanelSession.objects.filter(pk=session.pk).update(**values)


def test_updating_changes_only_what_changed_and_audits_old_and_new(coordinator, lincolnshire_route):
    session = create(coordinator, lincolnshire_route)
    panel_session_update(session=session, actor=coordinator, seen_version=session_version(session),
                         capacity=8, location="")  # fmt: skip
    session.refresh_from_db()
    assert session.capacity == 8
    event = AuditEvent.objects.get(action="panel_session_changed", target_id=str(session.pk))
    assert event.details == {"old": {"capacity": 6}, "new": {"capacity": 8}}


def test_a_stale_edit_is_refused(coordinator, lincolnshire_route):
    session = create(coordinator, lincolnshire_route)
    opened = session_version(session)
    panel_session_update(session=session, actor=coordinator, seen_version=opened, capacity=7)
    with pytest.raises(PanelSessionError, match="changed this session after you opened it"):
        panel_session_update(session=session, actor=coordinator, seen_version=opened, capacity=9)
    session.refresh_from_db()
    assert session.capacity == 7


def test_a_coordinator_of_another_council_cannot_update_or_cancel(
    demo_people, coordinator, lincolnshire_route
):
    session = create(coordinator, lincolnshire_route)
    stranger = demo_people["dudley.coordinator"]
    with pytest.raises(PanelSessionError):
        panel_session_update(
            session=session, actor=stranger, seen_version=session_version(session), capacity=9
        )
    with pytest.raises(PanelSessionError):
        panel_session_cancel(session=session, actor=stranger)
    session.refresh_from_db()
    assert (session.capacity, session.status) == (6, SessionStatus.PLANNED)


def test_cancelling_twice_changes_nothing_the_second_time(coordinator, lincolnshire_route):
    session = create(coordinator, lincolnshire_route)
    panel_session_cancel(session=session, actor=coordinator)
    panel_session_cancel(session=session, actor=coordinator)
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED
    assert (
        AuditEvent.objects.filter(
            action="panel_session_cancelled", target_id=str(session.pk)
        ).count()
        == 1
    )
    with pytest.raises(PanelSessionError, match="cancelled"):
        panel_session_update(
            session=session, actor=coordinator, seen_version=session_version(session), capacity=9
        )


def test_creating_from_proposals_skips_dates_already_arranged(coordinator, lincolnshire_route):
    days = [timezone.localdate() + datetime.timedelta(days=n) for n in (40, 41)]
    details = dict(actor=coordinator, route=lincolnshire_route, dates=days,
                   start_time=datetime.time(10), end_time=datetime.time(13), capacity=5,
                   meeting_url="https://meet.example.org/p", location="")  # fmt: skip
    assert len(panel_sessions_create_from_proposals(**details)) == 2
    assert panel_sessions_create_from_proposals(**details) == []


def test_a_new_framework_versions_route_still_finds_its_sessions(
    demo_people, coordinator, lincolnshire_route
):
    from frameworks.services import framework_copy_to_draft, framework_publish

    session = create(coordinator, lincolnshire_route)
    editor = demo_people["lincolnshire.framework-editor"]
    draft = framework_copy_to_draft(framework=lincolnshire_route.framework, actor=editor)
    framework_publish(framework=draft, actor=editor)
    new_route = draft.routes.get(code="L1-L2")
    assert new_route.pk != lincolnshire_route.pk
    assert session in sessions_for_route(route=new_route)
