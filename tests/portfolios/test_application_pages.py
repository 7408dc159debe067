"""Application pages for the applicant: the list, starting with eligibility first, the task
list, writing a section (drafts, word limits, stale saves side by side, autosave), linking
evidence, check your answers and withdrawing; nobody else reads them; fixed query budgets."""

import datetime
import json

import pytest
from django.urls import reverse

from portfolios.applications import selectors, workflow
from portfolios.applications.services import application_start, evidence_links_add
from portfolios.applications.workflow import transition_apply
from portfolios.models import Application, ApplicationAnswer, ApplicationState, EvidenceLink
from tests.portfolios.application_factories import (
    family_worker_route,
    fresh_application,
    route_of,
)
from tests.portfolios.evidence_factories import make_item, new_worker


@pytest.fixture
def lincs_worker(db):
    person = new_worker("lee.lincs", "lincolnshire")
    person.email = "lee@example.org"
    person.swe_registration_date = datetime.date(2023, 9, 1)
    person.save()
    return person


@pytest.fixture
def lincs(lincs_worker):
    return fresh_application(lincs_worker, route_of("lincolnshire", "childrens-social-workers",
                                                    "L1-L2"))  # fmt: skip


@pytest.fixture
def medway_worker(db):
    return new_worker("fay.medway", "medway")


@pytest.fixture
def medway(medway_worker):
    return fresh_application(medway_worker, family_worker_route())


def _url(name, *args):
    return reverse(f"portfolios:{name}", args=args)


def _first_section(application):
    return next(s for s in selectors.sections_for(application=application) if s.is_workers)


def test_the_list_shows_open_and_earlier_applications_with_their_state(
    client, medway_worker, medway
):
    application_withdrawn = medway
    transition_apply(application=application_withdrawn, name="withdraw", actor=medway_worker)
    current = fresh_application(medway_worker, route_of("medway", "family-worker", "FWB-FWC"))
    client.force_login(medway_worker)
    page = client.get(_url("application-list")).content.decode()
    assert "Family Worker level B to level C" in page and "Drafting" in page
    assert "Withdrawn" in page
    assert current.pk and application_withdrawn.pk


def test_the_start_page_shows_eligibility_on_the_date_that_matters_then_starts(
    client, lincs_worker
):
    route = route_of("lincolnshire", "childrens-social-workers", "L1-L2")
    lincs_worker.swe_registration_date = datetime.date(2026, 1, 10)
    lincs_worker.save()
    client.force_login(lincs_worker)
    page = client.get(_url("application-start", route.pk)).content.decode()
    assert "You will be eligible on 10 January 2028" in page
    assert "Not met" in page
    response = client.post(_url("application-start", route.pk))
    application = Application.objects.get(applicant=lincs_worker)
    assert response["Location"] == _url("application-detail", application.pk)
    # A second start is a message, not a second application.
    again = client.post(_url("application-start", route.pk))
    assert again.status_code == 200
    assert "already have an application" in again.content.decode()
    assert Application.objects.filter(applicant=lincs_worker).count() == 1


def test_another_councils_route_cannot_be_started(client, medway_worker):
    client.force_login(medway_worker)
    route = route_of("lincolnshire", "childrens-social-workers", "L1-L2")
    assert client.get(_url("application-start", route.pk)).status_code == 404
    assert client.post(_url("application-start", route.pk)).status_code == 404
    assert not Application.objects.filter(applicant=medway_worker).exists()


@pytest.mark.parametrize("who", ["medway.worker", "medway.line-manager", "lincolnshire.worker"])
def test_nobody_but_the_applicant_reads_an_application(client, demo_people, medway, who):
    client.force_login(demo_people[who])
    section = _first_section(medway)
    for url in (
        _url("application-detail", medway.pk),
        _url("application-section", medway.pk, section.key),
        _url("application-links", medway.pk, section.key),
        _url("application-check", medway.pk),
        _url("application-withdraw", medway.pk),
    ):
        assert client.get(url).status_code == 404, url


def test_anonymous_people_are_sent_to_sign_in(client, medway):
    response = client.get(_url("application-detail", medway.pk))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("careerpath:login"))


def test_the_overview_is_a_task_list_with_others_sections_shown_as_theirs(client, lincs_worker,
                                                                          lincs):  # fmt: skip
    client.force_login(lincs_worker)
    page = client.get(_url("application-detail", lincs.pk)).content.decode()
    assert "govuk-task-list" in page
    assert "Section A: Personal Details" in page
    assert "To be completed by your practice supervisor" in page  # Section D
    # Section C waits for the standards, allocated when a panel place is booked.
    assert "Cannot start yet" in page
    response = client.get(_url("application-section", lincs.pk, "c"))
    assert response.status_code == 302


def test_personal_details_are_prefilled_from_the_persons_record(client, lincs_worker, lincs):
    client.force_login(lincs_worker)
    page = client.get(_url("application-section", lincs.pk, "a")).content.decode()
    assert 'value="Sam Reid"' in page
    assert 'value="lee@example.org"' in page


def test_the_standards_section_needs_the_allocated_ones_and_prefills_na_for_the_rest(
    client, lincs_worker, lincs
):
    Application.objects.filter(pk=lincs.pk).update(allocated_standards=[1, 4, 5, 6, 7])
    client.force_login(lincs_worker)
    page = client.get(_url("application-section", lincs.pk, "c")).content.decode()
    assert page.count("\nN/A</textarea>") == 5  # 2, 3, 8, 9 and 10
    lincs.refresh_from_db()
    section = next(s for s in selectors.sections_for(application=lincs) if s.key == "c")
    assert [f.key for f in section.fields if f.required] == [
        "kss-1", "kss-4", "kss-5", "kss-6", "kss-7",
        "other-traininglearning-attended-in-last-12-months",
    ]  # fmt: skip
    assert [t.key for t in section.targets] == ["kss-1", "kss-4", "kss-5", "kss-6", "kss-7"]


def test_a_section_saves_as_a_draft_with_a_revision(client, medway_worker, medway):
    section = _first_section(medway)
    client.force_login(medway_worker)
    url = _url("application-section", medway.pk, section.key)
    response = client.post(url, {"statement": "I passed four GCSEs.", "revision": "0"})
    assert response.status_code == 302
    answer = ApplicationAnswer.objects.get(application=medway, section=section.key)
    assert answer.values == {"statement": "I passed four GCSEs."} and answer.revision == 1
    page = client.get(_url("application-detail", medway.pk)).content.decode()
    assert "Completed" in page


def test_a_stale_save_is_refused_with_both_versions_side_by_side(client, medway_worker, medway):
    section = _first_section(medway)
    client.force_login(medway_worker)
    url = _url("application-section", medway.pk, section.key)
    client.post(url, {"statement": "Saved in the other tab.", "revision": "0"})
    # This page was opened at revision 0, before the other tab saved.
    response = client.post(url, {"statement": "Typed here.", "revision": "0"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "changed in another tab" in page
    assert "Saved in the other tab." in page and "Typed here." in page
    answer = ApplicationAnswer.objects.get(application=medway, section=section.key)
    assert answer.values["statement"] == "Saved in the other tab." and answer.revision == 1
    # Having compared the two, the person saves what they chose: it is saved this time.
    assert 'name="revision" value="1"' in page
    merged = client.post(url, {"statement": "Typed here, and saved there.", "revision": "1"})
    assert merged.status_code == 302
    answer.refresh_from_db()
    assert answer.values["statement"] == "Typed here, and saved there." and answer.revision == 2


def test_words_over_the_limit_are_refused_and_the_text_is_kept(client, lincs_worker, lincs):
    client.force_login(lincs_worker)
    url = _url("application-section", lincs.pk, "b")
    key = _first_section_field(lincs, "b")
    text = "word " * 201
    response = client.post(url, {key: text, "revision": "0"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "must be 200 words or fewer: it has 201" in page
    assert text.strip() in page
    assert 'data-module="govuk-character-count"' in page and 'data-maxwords="200"' in page
    assert not ApplicationAnswer.objects.filter(application=lincs, section="b").exists()


def _first_section_field(application, key):
    section = next(s for s in selectors.sections_for(application=application) if s.key == key)
    return section.fields[0].key


def test_autosave_answers_in_json_and_refuses_a_stale_save(client, medway_worker, medway):
    section = _first_section(medway)
    client.force_login(medway_worker)
    url = _url("application-section", medway.pk, section.key)
    headers = {"X-Autosave": "1"}
    saved = client.post(url, {"statement": "Draft one.", "revision": "0"}, headers=headers)
    assert json.loads(saved.content) == {"saved": True, "revision": 1}
    stale = client.post(url, {"statement": "Old tab.", "revision": "0"}, headers=headers)
    assert stale.status_code == 409
    assert json.loads(stale.content)["stale"] is True
    too_long = client.post(url, {"statement": "x" * 20001, "revision": "1"}, headers=headers)
    assert too_long.status_code == 400
    assert ApplicationAnswer.objects.get(application=medway, section=section.key).values == {
        "statement": "Draft one."
    }


def test_linking_items_with_a_note_and_seeing_what_supports_what(client, medway_worker, medway):
    first, second = [s for s in selectors.sections_for(application=medway)][:2]
    item = make_item(medway_worker, title="GCSE certificates")
    client.force_login(medway_worker)
    for section in (first, second):
        key = section.targets[0].key
        response = client.post(
            _url("application-links", medway.pk, key),
            {"target": key, f"{key}-target": key, f"{key}-items": [item.pk],
             f"{key}-note": f"Shows {key}"},
        )  # fmt: skip
        assert response.status_code == 302, response.content.decode()[:2000]
    item.refresh_from_db()
    assert item.linked_count == 2
    page = client.get(_url("application-detail", medway.pk)).content.decode()
    assert page.count("GCSE certificates") == 2
    # The item's page says what it supports, with the notes.
    item_page = client.get(_url("evidence-detail", item.pk)).content.decode()
    assert f"Shows {first.targets[0].key}" in item_page
    assert f"Shows {second.targets[0].key}" in item_page


def test_only_the_applicants_own_items_can_be_linked(client, medway_worker, medway, demo_people):
    stranger_item = make_item(demo_people["medway.worker"], title="Someone else's")
    key = _first_section(medway).targets[0].key
    client.force_login(medway_worker)
    response = client.post(
        _url("application-links", medway.pk, key),
        {"target": key, f"{key}-target": key, f"{key}-items": [stranger_item.pk]},
    )
    assert response.status_code == 200
    assert "Choose items from your own library" in response.content.decode()
    assert not EvidenceLink.objects.filter(application=medway).exists()


def test_removing_a_link_keeps_the_item_and_its_count_right(client, medway_worker, medway):
    target = _first_section(medway).targets[0]
    item = make_item(medway_worker)
    evidence_links_add(application=medway, actor=medway_worker, criterion_id=target.criterion_id,
                       standard_id=None, items=[item], note="")  # fmt: skip
    link = medway.links.get()
    client.force_login(medway_worker)
    response = client.post(_url("application-link-remove", medway.pk, link.pk),
                           {"next": _url("application-links", medway.pk, target.key)})  # fmt: skip
    assert response["Location"] == _url("application-links", medway.pk, target.key)
    item.refresh_from_db()
    assert item.linked_count == 0 and not item.in_bin


def test_check_your_answers_lists_every_section_with_change_links(client, medway_worker, medway):
    section = _first_section(medway)
    client.force_login(medway_worker)
    client.post(_url("application-section", medway.pk, section.key),
                {"statement": "My answer.", "revision": "0"})  # fmt: skip
    page = client.get(_url("application-check", medway.pk)).content.decode()
    assert "Check your answers" in page and "My answer." in page
    assert _url("application-section", medway.pk, section.key) in page
    assert "Accept and submit" not in page  # not ready yet


def test_withdrawing_needs_confirmation(client, medway_worker, medway):
    client.force_login(medway_worker)
    url = _url("application-withdraw", medway.pk)
    response = client.post(url, {})
    assert "Confirm that you want to withdraw" in response.content.decode()
    medway.refresh_from_db()
    assert medway.state == ApplicationState.DRAFTING
    response = client.post(url, {"confirm": "on"})
    assert response["Location"] == _url("application-list")
    medway.refresh_from_db()
    assert medway.state == ApplicationState.WITHDRAWN
    # Withdrawn: the page says so instead of offering it again.
    assert client.get(url)["Location"] == _url("application-detail", medway.pk)


def test_a_submitted_application_is_read_only(client, medway_worker, medway, monkeypatch):
    monkeypatch.setitem(workflow.GUARDS, "ready_to_submit", lambda *a: None)
    transition_apply(application=medway, name="submit", actor=medway_worker)
    section = _first_section(medway)
    client.force_login(medway_worker)
    url = _url("application-section", medway.pk, section.key)
    assert client.get(url).status_code == 200
    assert client.post(url, {"statement": "Late.", "revision": "0"}).status_code == 403
    assert not ApplicationAnswer.objects.filter(application=medway).exists()


# --- Query budgets ---------------------------------------------------------------------------


def _with_links(application, owner, count):
    """`count` library items linked across the application's standards."""
    targets = [t for s in selectors.sections_for(application=application) for t in s.targets]
    for n in range(count):
        target = targets[n % len(targets)]
        criterion_id, standard_id = selectors.resolve_target(application=application, target=target)
        item = make_item(owner, title=f"Item {n}")
        evidence_links_add(application=application, actor=owner, criterion_id=criterion_id,
                           standard_id=standard_id, items=[item], note=f"Note {n}")  # fmt: skip


@pytest.fixture
def sized(lincs_worker, lincs, request):
    standards, links = request.param
    numbers = [4, 5] if standards == 2 else list(range(1, 11))
    Application.objects.filter(pk=lincs.pk).update(allocated_standards=numbers)
    lincs.refresh_from_db()
    _with_links(lincs, lincs_worker, links)
    return lincs


SIZES = [(2, 10), (10, 200)]


# The readiness panel (portfolios.applications.readiness) gathers its facts in a fixed set of
# queries of its own: the route's evidence rules, the target level's criteria and their rules,
# the links with their items, the answers, the attestations, the level history (once, even when
# no level is recorded), the standards' titles and the managers' declarations.
READINESS = 9


@pytest.mark.parametrize("sized", SIZES, indirect=True)
def test_overview_query_budget(client, lincs_worker, sized, django_assert_num_queries):
    client.force_login(lincs_worker)
    # session, user, roles; the application with its route and applicant; the form: standards'
    # titles, answers, standard ids, links with items; the readiness check; eligibility: the
    # route's rules, the next panel session, the current level (once, even when the record has
    # none, as here); the comment thread, and the timeline's audit events and comments;
    # organisation (header).
    with django_assert_num_queries(4 + 4 + READINESS + 3 + 3 + 1):
        response = client.get(_url("application-detail", sized.pk))
    assert response.status_code == 200


@pytest.mark.parametrize("sized", SIZES, indirect=True)
def test_section_query_budget(client, lincs_worker, sized, django_assert_num_queries):
    client.force_login(lincs_worker)
    # session, user, roles, the application, standards' titles, the section's answer,
    # organisation (header).
    with django_assert_num_queries(7):
        response = client.get(_url("application-section", sized.pk, "c"))
    assert response.status_code == 200


@pytest.mark.parametrize("sized", SIZES, indirect=True)
def test_links_query_budget(client, lincs_worker, sized, django_assert_num_queries):
    client.force_login(lincs_worker)
    # session, user, roles, the application, standards' titles, links with items, standard ids,
    # the library's items (once for every target's form), organisation (header).
    with django_assert_num_queries(9):
        response = client.get(_url("application-links", sized.pk, "c"))
    assert response.status_code == 200


@pytest.mark.parametrize("sized", SIZES, indirect=True)
def test_check_answers_query_budget(client, lincs_worker, sized, django_assert_num_queries):
    client.force_login(lincs_worker)
    # session, user, roles; the application; the form: standards' titles, answers, standard ids,
    # links with items; the readiness check; organisation (header).
    with django_assert_num_queries(4 + 4 + READINESS + 1):
        response = client.get(_url("application-check", sized.pk))
    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 12])
def test_list_query_budget(client, medway_worker, count, django_assert_num_queries):
    route = family_worker_route()
    for n in range(count):
        application = application_start(applicant=medway_worker, route=route)
        if n < count - 1:  # earlier attempts, withdrawn
            transition_apply(application=application, name="withdraw", actor=medway_worker)
    client.force_login(medway_worker)
    # session, user, roles, the applications with their routes and frameworks, organisation.
    with django_assert_num_queries(5):
        response = client.get(_url("application-list"))
    assert response.status_code == 200
    assert response.content.decode().count("Withdrawn") == count - 1


def _earlier_attempts(person, count):
    route = family_worker_route()
    for _ in range(count):
        application = application_start(applicant=person, route=route)
        transition_apply(application=application, name="withdraw", actor=person)
    return route


@pytest.mark.parametrize("count", [1, 12])
def test_start_pages_query_budget(client, medway_worker, count, django_assert_num_queries):
    route = _earlier_attempts(medway_worker, count)
    client.force_login(medway_worker)
    # session, user, roles, the council's published routes with their frameworks and levels,
    # the person's current level, their open applications, organisation (header).
    with django_assert_num_queries(7):
        assert client.get(_url("application-start-choose")).status_code == 200
    # session, user, roles, the route with its rules, the open application on it, eligibility
    # (the route has no rules: nothing more), organisation (header).
    with django_assert_num_queries(7):
        assert client.get(_url("application-start", route.pk)).status_code == 200


@pytest.mark.parametrize("count", [1, 12])
def test_withdraw_page_query_budget(client, medway_worker, count, django_assert_num_queries):
    _earlier_attempts(medway_worker, count)
    application = application_start(applicant=medway_worker, route=family_worker_route())
    client.force_login(medway_worker)
    # session, user, roles, the application, organisation (header).
    with django_assert_num_queries(5):
        assert client.get(_url("application-withdraw", application.pk)).status_code == 200


def test_the_start_page_leads_to_the_open_application_instead(client, medway_worker, medway):
    client.force_login(medway_worker)
    page = client.get(_url("application-start", medway.route_id)).content.decode()
    assert "Carry on with your application" in page
    assert _url("application-detail", medway.pk) in page
