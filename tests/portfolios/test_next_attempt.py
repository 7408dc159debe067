"""The next attempt after a deferral (issue 11, "After the decision"): the worker starts it from
the deferred application in one click, once; their writing and evidence links are carried over;
it stays on the version the deferred attempt was pinned to unless they choose the latest one,
when what they wrote and linked is mapped into it by level, criterion and standard. The panel's
targets and further work appear on the new attempt and in their development plan."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from careerpath.models import AuditEvent
from frameworks.models import (
    Criterion,
    DevelopmentPlan,
    FrameworkStatus,
    ProgressionRoute,
    Standard,
)
from frameworks.services import framework_copy_to_draft, framework_publish
from panels.appeals import appeal_decide, appeal_lodge
from panels.decisions import decision_record
from portfolios.applications.reattempt import next_attempt_start
from portfolios.applications.services import (
    ApplicationError,
    application_start,
    application_withdraw,
)
from portfolios.models import Application, ApplicationAnswer, ApplicationState, EvidenceLink
from portfolios.services import evidence_item_delete
from tests.panels.appeal_factories import _actor, guards_hold
from tests.panels.booking_factories import new_worker
from tests.portfolios.application_factories import start
from tests.portfolios.evidence_factories import make_item
from tests.portfolios.next_attempt_factories import (
    FURTHER_WORK,
    defer,
    link,
    targets_due,
    walk_to_decision,
    write,
)

S = ApplicationState
TODAY = timezone.localdate


@pytest.fixture(autouse=True)
def _guards(monkeypatch):
    guards_hold(monkeypatch)


def _route(organisation, code):
    return ProgressionRoute.objects.select_related("framework", "to_level").get(
        framework__organisation__slug=organisation, framework__status="published", code=code
    )


def _kss(number):
    return Standard.objects.get(standard_set__code="kss_child_family", number=number)


@pytest.fixture
def lincs_worker(demo_people):
    return new_worker(demo_people["lincolnshire.worker"], "lincs.deferred")


@pytest.fixture
def medway_worker(demo_people):
    return new_worker(demo_people["medway.worker"], "medway.deferred")


LINCS_ANSWERS = {
    "b": {
        "please-give-a-summary-of-your-current-role-and-res": "I hold a child protection caseload."
    },
    "c": {"kss-4": "I led a strengths-based review.", "kss-5": "I chaired a core group."},
}


def _lincs_deferred(worker, *, items=(), targets=()):
    """A Lincolnshire L1-L2 application, written, with each item linked to KSS 4, deferred."""
    application = start(applicant=worker, route=_route("lincolnshire", "L1-L2"))
    write(application, LINCS_ANSWERS)
    for item in items:
        link(application, item, standard_id=_kss(4).pk, note=f"{item.title} shows KSS 4")
    defer(application, targets=targets)
    application.refresh_from_db()
    return application


# --- The service: what is carried over ---------------------------------------------------------


def test_the_applicant_starts_the_next_attempt_with_their_writing_and_links(lincs_worker):
    kept = make_item(lincs_worker, title="Core group minutes")
    binned = make_item(lincs_worker, title="Old supervision notes")
    previous = _lincs_deferred(lincs_worker, items=[kept, binned], targets=targets_due(2))
    # The practice supervisor's report (section D) is theirs, and is not carried over.
    ApplicationAnswer.objects.create(
        application=previous, section="d", values={"practice-supervisor": "A. Supervisor"}
    )
    evidence_item_delete(item=binned, actor=lincs_worker)

    result = next_attempt_start(application=previous, actor=lincs_worker)

    attempt = result.application
    assert result.started
    assert attempt.previous_attempt_id == previous.pk and attempt.route_id == previous.route_id
    assert attempt.state == S.DRAFTING and attempt.applicant_id == lincs_worker.pk
    carried = {a.section: a.values for a in ApplicationAnswer.objects.filter(application=attempt)}
    assert carried == LINCS_ANSWERS
    links = list(EvidenceLink.objects.filter(application=attempt))
    assert [(x.item_id, x.standard_id, x.note) for x in links] == [
        (kept.pk, _kss(4).pk, "Core group minutes shows KSS 4")
    ]
    kept.refresh_from_db()
    assert kept.linked_count == 2  # the deferred attempt keeps its link too
    assert (result.answers, result.links, result.unmapped, result.binned) == (2, 1, 0, 1)
    assert "2 sections of your writing and 1 evidence link" in result.message
    assert "1 link was not carried over: the item is in your bin" in result.message
    # The deferred attempt keeps its history.
    previous.refresh_from_db()
    assert previous.state == S.DEFERRED
    assert EvidenceLink.objects.filter(application=previous).count() == 2
    event = AuditEvent.objects.get(action="application.next_attempt")
    assert event.target_id == str(attempt.pk)
    assert event.details["previous_attempt"] == previous.pk and event.details["links"] == 1


def test_a_second_click_returns_the_attempt_already_started(lincs_worker):
    previous = _lincs_deferred(lincs_worker)
    first = next_attempt_start(application=previous, actor=lincs_worker)
    second = next_attempt_start(application=previous, actor=lincs_worker)
    assert not second.started and second.application.pk == first.application.pk
    assert "started your next attempt already" in second.message
    assert Application.objects.filter(previous_attempt=previous).count() == 1
    assert AuditEvent.objects.filter(action="application.next_attempt").count() == 1


def test_an_attempt_started_from_the_start_page_is_the_next_attempt(lincs_worker):
    """Starting on the route again links to the deferral too: the button then leads to it, and
    the rule of one open application per route holds."""
    previous = _lincs_deferred(lincs_worker)
    started = application_start(applicant=lincs_worker, route=previous.route)
    result = next_attempt_start(application=previous, actor=lincs_worker)
    assert not result.started and result.application.pk == started.pk


def test_a_withdrawn_next_attempt_is_still_the_next_attempt(lincs_worker):
    previous = _lincs_deferred(lincs_worker)
    withdrawn = next_attempt_start(application=previous, actor=lincs_worker).application
    application_withdraw(application=withdrawn, actor=lincs_worker)
    # The withdrawn next attempt is the next attempt: a second click still leads there.
    assert next_attempt_start(application=previous, actor=lincs_worker).application == withdrawn


@pytest.mark.parametrize(
    "who", ["line_manager", "team_manager", "colleague", "other_organisation_worker"]
)
def test_only_the_applicant_starts_their_next_attempt(demo_people, personas, lincs_worker, who):
    previous = _lincs_deferred(lincs_worker)
    someone = {
        "line_manager": lincs_worker.line_manager,
        "team_manager": lincs_worker.team_manager,
        "colleague": demo_people["lincolnshire.worker"],
        "other_organisation_worker": personas["worker"],
    }[who]
    assert someone is not None
    with pytest.raises(ApplicationError, match="Only the applicant"):
        next_attempt_start(application=previous, actor=someone)
    assert not Application.objects.filter(previous_attempt=previous).exists()


def _medway_at(worker, state):
    """The worker's Medway SW2A-SW2B application in `state`, reached through the services."""
    application = start(applicant=worker, route=_route("medway", "SW2A-SW2B"))
    if state == S.WITHDRAWN:
        application_withdraw(application=application, actor=worker)
    elif state in (S.PROGRESSED, S.DEFERRED):
        walk_to_decision(application)
        decision_record(
            application=application, actor=_actor(application, f"decide_{state}"),
            outcome=state, heard_on=TODAY(), reasons="Decided.",
        )  # fmt: skip
    elif state == S.SUBMITTED:
        walk_to_decision(application)
    application.refresh_from_db()
    assert application.state == state
    return application


@pytest.mark.parametrize("state", [S.DRAFTING, S.SUBMITTED, S.PROGRESSED, S.WITHDRAWN])
def test_only_a_deferred_application_has_a_next_attempt(medway_worker, state):
    application = _medway_at(medway_worker, state)
    with pytest.raises(ApplicationError, match="follows a deferral"):
        next_attempt_start(application=application, actor=medway_worker)
    assert not Application.objects.filter(previous_attempt=application).exists()
    assert not AuditEvent.objects.filter(action="application.next_attempt").exists()


def test_a_medway_deferral_by_the_line_manager_has_a_next_attempt(medway_worker):
    application = _medway_at(medway_worker, S.DEFERRED)
    result = next_attempt_start(application=application, actor=medway_worker)
    assert result.started and result.application.previous_attempt_id == application.pk


def test_a_deferral_whose_appeal_was_dismissed_has_a_next_attempt(demo_people, lincs_worker):
    previous = _lincs_deferred(lincs_worker)
    appeal = appeal_lodge(
        decision=previous.decisions.get(), actor=lincs_worker, grounds="I was not heard on KSS 4."
    )
    appeal_decide(
        appeal=appeal, actor=demo_people["lincolnshire.appeal-authority"], upheld=False,
        reasons="The procedure was followed.",
    )  # fmt: skip
    previous.refresh_from_db()
    assert previous.state == S.APPEAL_DECIDED
    result = next_attempt_start(application=previous, actor=lincs_worker)
    assert result.started and result.application.previous_attempt_id == previous.pk
    assert ApplicationAnswer.objects.filter(application=result.application).count() == 2


def test_an_appeal_still_open_has_no_next_attempt(lincs_worker):
    previous = _lincs_deferred(lincs_worker)
    appeal_lodge(decision=previous.decisions.get(), actor=lincs_worker, grounds="Not heard.")
    previous.refresh_from_db()
    with pytest.raises(ApplicationError, match="follows a deferral"):
        next_attempt_start(application=previous, actor=lincs_worker)


def test_a_deferral_on_a_referral_route_counts_as_referred(demo_people):
    """Dudley's SW-SSW opens only by the team manager's referral. They referred this worker for
    the deferred attempt; a deferral asks for further work, not a new referral, so the next
    attempt starts without one (a panel of this council's that may defer: Dudley's seed lists
    progression and refusal, so the route here allows a deferral too)."""
    route = _route("dudley", "SW-SSW")
    ProgressionRoute.objects.filter(pk=route.pk).update(
        panel={**route.panel, "outcomes": ["progressed", "deferred", "not_progressed"]}
    )
    route = _route("dudley", "SW-SSW")
    worker = new_worker(demo_people["dudley.worker"], "dudley.deferred")
    with pytest.raises(ApplicationError, match="refers you"):
        application_start(applicant=worker, route=route)  # a first attempt needs the referral
    previous = start(applicant=worker, route=route)
    defer(previous)
    previous.refresh_from_db()
    result = next_attempt_start(application=previous, actor=worker)
    assert result.started and result.application.route_id == route.pk


# --- The latest version of the framework -------------------------------------------------------


def _medway_criteria(route):
    return list(Criterion.objects.filter(level_id=route.to_level_id).order_by("order"))


def _publish_next_version(demo_people, framework, change=None):
    editor = demo_people["medway.framework-editor"]
    draft = framework_copy_to_draft(framework=framework, actor=editor)
    if change:
        change(draft)
    return framework_publish(framework=draft, actor=editor)


def _medway_deferred_with_criteria(worker, items):
    """A Medway SW2A-SW2B application with a statement for, and an item linked to, each of
    the target level's first three criteria; deferred by the line manager."""
    route = _route("medway", "SW2A-SW2B")
    criteria = _medway_criteria(route)[:3]
    application = start(applicant=worker, route=route)
    write(application, {f"criterion-{c.pk}": {"statement": f"About {c.order}"} for c in criteria})
    for criterion, item in zip(criteria, items, strict=False):  # items for the first ones
        link(application, item, criterion_id=criterion.pk, note=f"Item for {criterion.order}")
    defer(application)
    application.refresh_from_db()
    return application, criteria


def test_a_next_attempt_stays_on_its_version_unless_the_worker_chooses(demo_people, medway_worker):
    items = [make_item(medway_worker, title=f"Item {n}") for n in range(3)]
    previous, criteria = _medway_deferred_with_criteria(medway_worker, items)
    _publish_next_version(demo_people, previous.route.framework)

    result = next_attempt_start(application=previous, actor=medway_worker)

    assert result.application.route_id == previous.route_id  # the retired version it used
    assert {a.section for a in result.application.answers.all()} == {
        f"criterion-{c.pk}" for c in criteria
    }
    assert result.links == 3


def test_the_latest_version_maps_statements_and_links_by_criterion(demo_people, medway_worker):
    items = [make_item(medway_worker, title=f"Item {n}") for n in range(3)]
    previous, criteria = _medway_deferred_with_criteria(medway_worker, items)
    first, reworded, removed = criteria

    def change(draft):
        level = Criterion.objects.get(
            level__role__framework=draft, level__code=previous.route.to_level.code,
            text=reworded.text,
        ).level  # fmt: skip
        Criterion.objects.filter(level=level, order=reworded.order).update(
            text=reworded.text + " (reworded)"
        )
        Criterion.objects.filter(level=level, order=removed.order).delete()

    latest = _publish_next_version(demo_people, previous.route.framework, change)

    result = next_attempt_start(application=previous, actor=medway_worker, repin=True)

    attempt = result.application
    assert attempt.route.framework_id == latest.pk and attempt.route.code == previous.route.code
    new = {c.order: c for c in Criterion.objects.filter(level_id=attempt.route.to_level_id)}
    assert {a.section: a.values for a in attempt.answers.all()} == {
        f"criterion-{new[first.order].pk}": {"statement": f"About {first.order}"},
        f"criterion-{new[reworded.order].pk}": {"statement": f"About {reworded.order}"},
    }
    assert sorted(
        (x.item_id, x.criterion_id) for x in EvidenceLink.objects.filter(application=attempt)
    ) == sorted([(items[0].pk, new[first.order].pk), (items[1].pk, new[reworded.order].pk)])
    assert (result.links, result.unmapped) == (2, 1)
    assert "1 link was not carried over: what it supported is not in this version" in (
        result.message
    )
    assert AuditEvent.objects.get(action="application.next_attempt").details["repinned"] is True


def test_the_latest_version_without_the_route_is_refused_clearly(demo_people, medway_worker):
    previous, _ = _medway_deferred_with_criteria(medway_worker, [])
    route = previous.route

    def change(draft):
        ProgressionRoute.objects.filter(framework=draft, code=route.code).delete()

    latest = _publish_next_version(demo_people, route.framework, change)
    assert latest.status == FrameworkStatus.PUBLISHED

    with pytest.raises(ApplicationError, match=f"no longer has the route {route.title}"):
        next_attempt_start(application=previous, actor=medway_worker, repin=True)
    assert not Application.objects.filter(previous_attempt=previous).exists()
    assert not AuditEvent.objects.filter(action="application.next_attempt").exists()
    # Staying on the version it used still works.
    assert next_attempt_start(application=previous, actor=medway_worker).started


# --- The pages -----------------------------------------------------------------------------------


def _detail(application):
    return reverse("portfolios:application-detail", args=[application.pk])


def _next(application):
    return reverse("portfolios:application-next-attempt", args=[application.pk])


def test_the_deferred_page_offers_the_next_attempt_and_the_new_one_links_back(client, lincs_worker):
    previous = _lincs_deferred(
        lincs_worker, items=[make_item(lincs_worker)], targets=targets_due(2)
    )
    client.force_login(lincs_worker)
    page = client.get(_detail(previous)).content.decode()
    assert "Start your next attempt" in page and _next(previous) in page
    assert "Use the latest version of the framework" not in page  # no newer version

    response = client.post(_next(previous), follow=True)

    attempt = Application.objects.get(previous_attempt=previous)
    assert response.redirect_chain == [(_detail(attempt), 302)]
    page = response.content.decode()
    assert "govuk-notification-banner--success" in page
    assert "2 sections of your writing and 1 evidence link" in page
    decided_on = f"{TODAY().day} {TODAY():%B %Y}"
    assert f'Attempt 2: <a class="govuk-link" href="{_detail(previous)}">' in page
    assert f"previously deferred on {decided_on}" in page
    assert "From your career progression panel" in page and FURTHER_WORK in page
    assert "Target 1: evidence KSS 1 in a case example" in page
    # Back on the deferred page, the button has become a link to the next attempt.
    page = client.get(_detail(previous)).content.decode()
    assert "Go to your next attempt" in page and _next(previous) not in page


def test_the_latest_version_is_offered_only_when_there_is_one(client, demo_people, medway_worker):
    previous, _ = _medway_deferred_with_criteria(medway_worker, [])
    client.force_login(medway_worker)
    assert b"Use the latest version" not in client.get(_detail(previous)).content
    latest = _publish_next_version(demo_people, previous.route.framework)
    page = client.get(_detail(previous)).content.decode()
    assert "Use the latest version of the framework" in page
    assert f"Version {latest.version} of" in page

    client.post(_next(previous), {"latest_version": "yes"})

    attempt = Application.objects.get(previous_attempt=previous)
    assert attempt.route.framework_id == latest.pk


def test_a_refused_start_goes_back_with_the_reason_and_changes_nothing(client, medway_worker):
    application = _medway_at(medway_worker, S.PROGRESSED)
    client.force_login(medway_worker)
    page = client.get(_detail(application)).content.decode()
    assert "Start your next attempt" not in page
    response = client.post(_next(application), follow=True)
    assert response.redirect_chain == [(_detail(application), 302)]
    assert "A next attempt follows a deferral" in response.content.decode()
    assert not Application.objects.filter(previous_attempt=application).exists()


def test_the_next_attempt_is_started_by_post_only(client, lincs_worker):
    previous = _lincs_deferred(lincs_worker)
    client.force_login(lincs_worker)
    assert client.get(_next(previous)).status_code == 405
    assert not Application.objects.filter(previous_attempt=previous).exists()


# --- The development plan ------------------------------------------------------------------------


def _plan_for(worker, route):
    return DevelopmentPlan.objects.create(person=worker, target_level=route.to_level)


def test_the_plan_shows_the_panels_targets_and_further_work(client, lincs_worker):
    previous = _lincs_deferred(lincs_worker, targets=targets_due(3))
    plan = _plan_for(lincs_worker, previous.route)
    client.force_login(lincs_worker)
    page = client.get(reverse("frameworks:plan-detail", args=[plan.pk])).content.decode()
    assert "From your career progression panel" in page
    assert f"{previous.route.title}: deferred on {TODAY().day} {TODAY():%B %Y}" in page
    assert FURTHER_WORK in page
    for target in previous.decisions.get().targets.all():
        assert target.text in page
        assert target.get_term_display() in page


def test_a_plan_without_a_deferral_has_no_panel_section(client, lincs_worker):
    plan = _plan_for(lincs_worker, _route("lincolnshire", "L1-L2"))
    client.force_login(lincs_worker)
    page = client.get(reverse("frameworks:plan-detail", args=[plan.pk])).content.decode()
    assert "From your career progression panel" not in page


def test_a_deferral_set_aside_on_appeal_is_not_in_the_plan(client, demo_people, lincs_worker):
    previous = _lincs_deferred(lincs_worker, targets=targets_due(1))
    appeal = appeal_lodge(decision=previous.decisions.get(), actor=lincs_worker, grounds="No.")
    appeal_decide(
        appeal=appeal, actor=demo_people["lincolnshire.appeal-authority"], upheld=True,
        reasons="The procedure was not followed.",
    )  # fmt: skip
    plan = _plan_for(lincs_worker, previous.route)
    client.force_login(lincs_worker)
    page = client.get(reverse("frameworks:plan-detail", args=[plan.pk])).content.decode()
    assert "From your career progression panel" not in page


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_plan_page_costs_the_same_queries_for_3_and_30_targets(client, demo_people):
    counts = []
    for n, size in enumerate((3, 30)):
        worker = new_worker(demo_people["lincolnshire.worker"], f"plan.budget-{n}")
        previous = _lincs_deferred(worker, targets=targets_due(size))
        assert previous.decisions.get().targets.count() == size
        plan = _plan_for(worker, previous.route)
        client.force_login(worker)
        counts.append(_queries(client, reverse("frameworks:plan-detail", args=[plan.pk])))
    # The panel's part: the deferrals with their routes (1), their targets (1).
    assert counts[0] == counts[1]


def test_the_new_attempt_page_costs_the_same_queries_for_3_and_30_targets(client, demo_people):
    counts = []
    for n, size in enumerate((3, 30)):
        worker = new_worker(demo_people["lincolnshire.worker"], f"attempt.budget-{n}")
        previous = _lincs_deferred(worker, targets=targets_due(size))
        attempt = next_attempt_start(application=previous, actor=worker).application
        client.force_login(worker)
        counts.append(_queries(client, _detail(attempt)))
    # The earlier attempt: the worker's attempts on the route (1), its decision with its
    # judgements and targets (3).
    assert counts[0] == counts[1]


def test_the_deferred_page_costs_the_same_queries_for_3_and_30_targets(client, demo_people):
    counts = []
    for n, size in enumerate((3, 30)):
        worker = new_worker(demo_people["lincolnshire.worker"], f"deferred.budget-{n}")
        previous = _lincs_deferred(worker, targets=targets_due(size))
        client.force_login(worker)
        counts.append(_queries(client, _detail(previous)))
    # The offer: the next attempt, if any (1), and a newer version of the framework (1).
    assert counts[0] == counts[1]
