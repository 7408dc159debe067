"""Applications through the services: starting on a route (own council, published, one open
per route, attempts linked), withdrawing, saving sections (word limits, stale saves) and linking
evidence (own library only, linked counts kept)."""

import datetime
import os

import pytest
from django.db import IntegrityError, transaction

from careerpath.models import AuditEvent
from frameworks.models import Framework, FrameworkStatus
from portfolios.applications import forms_engine, selectors
from portfolios.applications.services import (
    StaleSave,
    application_answer_save,
    application_start,
    application_withdraw,
    evidence_link_remove,
    evidence_links_add,
)
from portfolios.applications.workflow import ApplicationError, transition_apply
from portfolios.models import Application, ApplicationState, EvidenceItem
from tests.portfolios.application_factories import (
    family_worker_route,
    fresh_application,
    route_of,
)
from tests.portfolios.evidence_factories import make_item, new_worker


@pytest.fixture
def family_worker(demo_people):
    return demo_people["medway.family-worker"]


@pytest.fixture
def draft(family_worker):
    return fresh_application(family_worker, family_worker_route())


def test_a_worker_starts_on_a_published_route_of_their_council_pinned_to_its_version(
    family_worker,
):
    route = family_worker_route()
    application = fresh_application(family_worker, route)
    assert application.state == ApplicationState.DRAFTING
    assert application.route == route
    assert application.organisation_id == family_worker.organisation_id
    assert AuditEvent.objects.filter(action="application.start", target_id=str(application.pk))


def test_another_councils_route_cannot_be_started(family_worker):
    with pytest.raises(ApplicationError, match="own council"):
        application_start(
            applicant=family_worker,
            route=route_of("lincolnshire", "childrens-social-workers", "L1-L2"),
        )


def test_a_route_of_a_version_no_longer_published_cannot_be_started(family_worker):
    route = family_worker_route()
    Framework.objects.filter(pk=route.framework_id).update(status=FrameworkStatus.RETIRED)
    route.framework.refresh_from_db()
    with pytest.raises(ApplicationError):
        application_start(applicant=family_worker, route=route)


def test_one_open_application_per_route_with_a_clear_message(family_worker, draft):
    with pytest.raises(ApplicationError, match="already have an application"):
        application_start(applicant=family_worker, route=family_worker_route())
    assert (
        Application.objects.filter(applicant=family_worker).exclude(state__in=["withdrawn"]).count()
        == 1
    )


def test_the_database_refuses_a_second_open_application_too(family_worker, draft):
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(
            applicant=family_worker, organisation=family_worker.organisation, route=draft.route
        )


def test_after_withdrawing_a_new_application_may_start(family_worker, draft):
    result = application_withdraw(application=draft, actor=family_worker)
    assert result.changed
    again = application_withdraw(application=draft, actor=family_worker)
    assert not again.changed and "already" in again.message
    assert application_start(applicant=family_worker, route=draft.route).pk != draft.pk


def test_someone_else_cannot_withdraw(demo_people, draft):
    with pytest.raises(ApplicationError):
        application_withdraw(application=draft, actor=demo_people["medway.line-manager"])
    draft.refresh_from_db()
    assert draft.state == ApplicationState.DRAFTING


def test_a_new_attempt_after_a_deferral_links_to_the_earlier_one(
    demo_people, family_worker, draft, monkeypatch
):
    line_manager = demo_people["medway.line-manager"]
    from portfolios.applications import workflow

    monkeypatch.setitem(workflow.GUARDS, "ready_to_submit", lambda *a: None)
    transition_apply(application=draft, name="submit", actor=family_worker)
    transition_apply(application=draft, name="decide_deferred", actor=line_manager)
    second = application_start(applicant=family_worker, route=draft.route)
    assert second.previous_attempt == draft
    draft.refresh_from_db()
    assert draft.state == ApplicationState.DEFERRED  # the earlier attempt stays as it was


def test_sections_for_a_route_with_no_form_are_the_target_levels_criteria(draft):
    sections = selectors.sections_for(application=draft)
    assert sections and all(s.key.startswith("criterion-") for s in sections)
    assert all(s.targets and s.targets[0].criterion_id for s in sections)


def test_saving_a_section_keeps_a_revision_and_refuses_a_stale_save(family_worker, draft):
    section = selectors.sections_for(application=draft)[0]
    answer, changed = application_answer_save(
        application=draft, section=section, actor=family_worker,
        values={"statement": "First words."}, revision=0,
    )  # fmt: skip
    assert changed and answer.revision == 1
    # The same page, opened at revision 0 in another tab, saves again: refused, not overwritten.
    with pytest.raises(StaleSave) as stale:
        application_answer_save(
            application=draft, section=section, actor=family_worker,
            values={"statement": "Other words."}, revision=0,
        )  # fmt: skip
    assert stale.value.values == {"statement": "First words."}
    answer.refresh_from_db()
    assert answer.values == {"statement": "First words."} and answer.revision == 1


def test_a_save_over_the_word_limit_is_refused_and_nothing_changes(family_worker, draft):
    spec = forms_engine.FieldSpec(key="statement", label="Statement", max_words=3)
    section = forms_engine.SectionSpec(key="criterion-1", title="A", fields=(spec,))
    with pytest.raises(ApplicationError, match="3 words or fewer: it has 4"):
        application_answer_save(
            application=draft, section=section, actor=family_worker,
            values={"statement": "one two three four"}, revision=0,
        )  # fmt: skip
    assert not draft.answers.exists()


def test_a_submitted_application_cannot_be_written(family_worker, draft, monkeypatch):
    from portfolios.applications import workflow

    monkeypatch.setitem(workflow.GUARDS, "ready_to_submit", lambda *a: None)
    transition_apply(application=draft, name="submit", actor=family_worker)
    section = selectors.sections_for(application=draft)[0]
    with pytest.raises(ApplicationError, match="can no longer be changed"):
        application_answer_save(
            application=draft, section=section, actor=family_worker,
            values={"statement": "Late words."}, revision=0,
        )  # fmt: skip


def _target(draft):
    return selectors.sections_for(application=draft)[0].targets[0]


def test_linking_keeps_the_items_linked_count_and_one_item_supports_several(family_worker, draft):
    item = make_item(family_worker, title="Home visit")
    first, second = selectors.sections_for(application=draft)[:2]
    for section in (first, second):
        added = evidence_links_add(
            application=draft, actor=family_worker,
            criterion_id=section.targets[0].criterion_id, standard_id=None,
            items=[item], note=f"Shows {section.key}",
        )  # fmt: skip
        assert added == 1
    item.refresh_from_db()
    assert item.linked_count == 2
    # Linking it again to the same criterion changes nothing.
    assert evidence_links_add(
        application=draft, actor=family_worker, criterion_id=first.targets[0].criterion_id,
        standard_id=None, items=[item], note="again",
    ) == 0  # fmt: skip
    link = draft.links.first()
    assert evidence_link_remove(application=draft, actor=family_worker, link=link)
    item.refresh_from_db()
    assert item.linked_count == 1
    supports = selectors.item_supports(item=item)
    assert [s["note"] for s in supports] == [f"Shows {second.key}"]


def test_only_the_applicants_own_items_in_their_library_can_be_linked(family_worker, draft):
    stranger = new_worker()
    theirs = make_item(stranger)
    binned = make_item(family_worker)
    from portfolios.services import evidence_item_delete

    evidence_item_delete(item=binned, actor=family_worker)
    target = _target(draft)
    for item in (theirs, binned):
        with pytest.raises(ApplicationError, match="own library"):
            evidence_links_add(
                application=draft, actor=family_worker, criterion_id=target.criterion_id,
                standard_id=None, items=[item], note="",
            )  # fmt: skip
    assert not draft.links.exists()
    assert EvidenceItem.objects.get(pk=theirs.pk).linked_count == 0


def test_eligibility_looks_ahead_to_the_first_panel_the_person_can_attend(demo_people):
    from portfolios.applications.selectors import eligibility_for, register_next_panel_date

    worker = new_worker("fresh.lincs", "lincolnshire")
    worker.swe_registration_date = datetime.date(2025, 3, 3)
    worker.save()
    route = route_of("lincolnshire", "childrens-social-workers", "L1-L2")
    today = datetime.date(2026, 11, 25)
    previous = list(selectors._next_panel_date)
    try:
        selectors._next_panel_date.clear()
        eligibility = eligibility_for(person=worker, route=route, today=today)
        assert eligibility.eligible_on == datetime.date(2027, 3, 3)
        assert "You will be eligible on 3 March 2027: the April 2027 panel" in eligibility.message
        register_next_panel_date(lambda *, route, on: datetime.date(on.year, 4, 14))
        eligibility = eligibility_for(person=worker, route=route, today=today)
        assert "the panel on 14 April 2027 is the first you can attend" in eligibility.message
    finally:
        selectors._next_panel_date[:] = previous


def test_eligibility_on_a_booked_panel_date_at_its_boundary(demo_people):
    from portfolios.applications.selectors import eligibility_for

    worker = new_worker("edge.lincs", "lincolnshire")
    worker.swe_registration_date = datetime.date(2025, 4, 14)
    worker.save()
    route = route_of("lincolnshire", "childrens-social-workers", "L1-L2")
    on_the_day = Application(applicant=worker, route=route, panel_date=datetime.date(2027, 4, 14))
    day_before = Application(applicant=worker, route=route, panel_date=datetime.date(2027, 4, 13))
    today = datetime.date(2026, 11, 25)
    met = eligibility_for(person=worker, route=route, application=on_the_day, today=today)
    assert met.on == datetime.date(2027, 4, 14)
    assert not any(
        r.status == "not met" and r.rule["type"] == "min_months_since" for r in met.report.results
    )
    early = eligibility_for(person=worker, route=route, application=day_before, today=today)
    assert any(
        r.status == "not met" and r.rule["type"] == "min_months_since" for r in early.report.results
    )
    assert "after your panel" in early.message


# --- Who may see and change an application: every persona x state x council -----------------

ALL_STATES = list(ApplicationState)


@pytest.mark.parametrize("state", ALL_STATES)
def test_only_the_applicant_sees_and_only_while_with_them_changes(personas, state):
    from portfolios.applications.permissions import (
        applications_visible_to,
        can_change_application,
        can_view_application,
    )

    applicant = personas["worker"]
    # A stand-in in each state (never saved: the permissions read its fields only).
    application = Application(
        pk=10**9, applicant=applicant, organisation=applicant.organisation,
        route=family_worker_route(), state=state,
    )  # fmt: skip
    for name, person in personas.items():
        mine = name == "worker"
        assert can_view_application(person, application) is mine, name
        assert can_change_application(person, application) is (
            mine and state in (ApplicationState.DRAFTING, ApplicationState.RETURNED)
        ), (name, state)
        visible = applications_visible_to(person)
        assert visible.filter(applicant=applicant).exists() is (
            mine and Application.objects.filter(applicant=applicant).exists()
        )


@pytest.mark.parametrize(
    "code, has_qualification_date, has_return_details",
    [("SW-SSW", True, False), ("ENTRY-RSW", True, True), ("ENTRY-SWA", False, False)],
)
def test_each_route_gets_its_own_variant_of_the_application_form(
    db, code, has_qualification_date, has_return_details
):
    route = route_of("dudley", "childrens-social-workers", code)
    application = Application(route=route, allocated_standards=[])
    applicant_part = selectors.sections_for(application=application)[0]
    keys = [field.key for field in applicant_part.fields]
    assert any(k.startswith("please-note-qualification") for k in keys) is has_qualification_date
    assert any(k.startswith("if-you-have-previously-been") for k in keys) is has_return_details
    applying_as = applicant_part.field("are-you-applying-as-a")
    assert len(applying_as.options) == 1 and applying_as.prefilled == applying_as.options[0]


def test_the_allocation_rows_are_not_typed_and_no_other_field_looks_like_a_standard(db):
    route = route_of("lincolnshire", "childrens-social-workers", "L1-L2")
    application = Application(route=route, allocated_standards=[4, 5, 7, 1, 2])
    section_a = selectors.sections_for(application=application)[0]
    assert not any(field.key.startswith("kss") for field in section_a.fields)
    assert [f.key for f in section_a.fields][-3:] == ["date-portfolio-completed", "signed", "date"]


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="Two connections at once need PostgreSQL (CI sets DATABASE_URL)",
)
@pytest.mark.django_db(transaction=True)
def test_two_starts_at_once_leave_one_application_and_a_clear_message():
    import threading

    from django.db import connection

    from careerpath.demo import demo_data_load

    demo_data_load()
    person = new_worker("racing.starter")
    route = family_worker_route()
    start, outcomes = threading.Barrier(2), []

    def begin():
        try:
            start.wait()
            outcomes.append(application_start(applicant=person, route=route).pk)
        except ApplicationError as error:
            outcomes.append(str(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=begin) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Application.objects.filter(applicant=person).count() == 1
    assert sum(isinstance(outcome, int) for outcome in outcomes) == 1
    assert any("already have an application" in str(outcome) for outcome in outcomes)


def test_a_retired_version_stays_readable_to_those_with_an_application_on_it(demo_people):
    """Issue 7: a retired version's pages stay readable to people with plans or applications
    on it; everyone else in the council reads the current version."""
    from frameworks.models import FrameworkStatus
    from frameworks.permissions import can_view_framework
    from frameworks.services import framework_copy_to_draft, framework_publish
    from portfolios.models import Application

    application = Application.objects.select_related("route__framework", "applicant").get(
        applicant=demo_people["medway.adult-worker"]
    )
    old = application.route.framework
    editor = demo_people["medway.framework-editor"]
    draft = framework_copy_to_draft(framework=old, actor=editor)
    framework_publish(framework=draft, actor=editor)
    old.refresh_from_db()
    assert old.status == FrameworkStatus.RETIRED
    assert can_view_framework(application.applicant, old)
    assert can_view_framework(demo_people["medway.adult-worker-2"], old)  # a draft on it too
    assert not can_view_framework(demo_people["medway.family-worker"], old)  # nothing on it
