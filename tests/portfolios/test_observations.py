"""Practice observations: the observer drafts and signs; signed is read-only for everyone; the
worker's library counts it; nobody else reads it."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from careerpath.models import AuditEvent, Notification
from frameworks.models import Framework, Level, Standard
from frameworks.rules import evaluate
from portfolios.models import EvidenceItem, ObservationStatus, PracticeObservation
from portfolios.selectors import evidence_facts_for
from portfolios.services_observations import (
    ObservationError,
    observation_save_draft,
    observation_sign,
)

WORDS_500 = " ".join(["word"] * 500)


@pytest.fixture
def observer(demo_people):
    return demo_people["dudley.practice-supervisor"]


@pytest.fixture
def worker(demo_people):
    return demo_people["dudley.worker"]


def kss(*numbers):
    return list(Standard.objects.filter(standard_set__code="kss_child_family", number__in=numbers))


def complete(**overrides):
    values = {
        "observed_on": timezone.localdate() - datetime.timedelta(days=7),
        "practice_type": "home_visit",
        "practice_type_other": "",
        "rating": 3,
        "assessment": "A warm, authoritative home visit that kept the child's voice central.",
        "short_term_targets": "Record the child's words on the day.",
        "medium_term_targets": "",
        "long_term_targets": "",
        "feedback": "Mother: she listened to me.",
    }
    return values | overrides


def draft(observer, worker, **overrides):
    return observation_save_draft(
        observer=observer, worker=worker, standards=kss(1, 5), **complete(**overrides)
    )


def form_data(worker, **overrides):
    day = overrides.pop("observed_on", timezone.localdate() - datetime.timedelta(days=7))
    data = {
        "worker": worker.pk,
        "observed_on_0": day.day,
        "observed_on_1": day.month,
        "observed_on_2": day.year,
        "practice_type": "direct_work",
        "rating": "3",
        "assessment": "Clear purpose, good use of a three houses tool (KSS 1, 3).",
        "standards": [standard.pk for standard in kss(1, 3)],
        "feedback": "Young person: they explained things.",
    }
    return data | overrides


def test_an_observer_drafts_and_signs_and_it_joins_the_workers_library(client, observer, worker):
    client.force_login(observer)
    response = client.post(reverse("portfolios:observation-create"), form_data(worker))
    observation = PracticeObservation.objects.get(observer=observer, worker=worker,
                                                  practice_type="direct_work")  # fmt: skip
    assert response.url == reverse("portfolios:observation-detail", args=[observation.pk])
    assert observation.status == ObservationStatus.DRAFT
    assert list(observation.standards.values_list("number", flat=True)) == [1, 3]

    sign = reverse("portfolios:observation-sign", args=[observation.pk])
    assert "Once you sign, nobody can change" in client.get(sign).content.decode()
    refused = client.post(sign, {})  # the confirmation is not ticked
    assert "Confirm that you observed this practice" in refused.content.decode()
    response = client.post(sign, {"confirm": "on"})
    assert response.status_code == 302

    observation.refresh_from_db()
    assert observation.is_signed and observation.signed_at
    assert observation.observer_name == observer.get_full_name()
    assert observation.observer_role.startswith("Practice supervisor")
    item = observation.evidence_item
    assert (item.owner, item.kind, item.dated, item.rating) == (
        worker, "practice_observation", observation.observed_on, 3
    )  # fmt: skip
    assert AuditEvent.objects.filter(action="observation.sign", target_id=str(observation.pk))
    detail = reverse("portfolios:observation-detail", args=[observation.pk])
    notification = Notification.objects.get(recipient=worker, url=detail)
    assert "rated 3 (Good)" in notification.body

    client.force_login(worker)
    html = client.get(reverse("portfolios:evidence-list")).content.decode()
    assert "Practice observation: Direct work session" in html
    page = client.get(reverse("portfolios:observation-detail", args=[observation.pk]))
    assert "Clear purpose, good use of a three houses tool" in page.content.decode()


def test_the_worker_is_told_by_email_only_after_the_commit(
    observer, worker, django_capture_on_commit_callbacks
):
    observation = draft(observer, worker)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        observation_sign(observation=observation, actor=observer)
        assert Notification.objects.filter(recipient=worker).exists()  # in the service at once
    assert mail.outbox == []
    assert callbacks
    for callback in callbacks:
        callback()
    assert [message.to for message in mail.outbox] == [[worker.email]]
    assert "practice observation" in mail.outbox[0].subject.lower()


def test_signing_twice_changes_nothing_and_says_so(client, observer, worker):
    observation = draft(observer, worker)
    signed, done = observation_sign(observation=observation, actor=observer)
    assert done
    again, done = observation_sign(observation=observation, actor=observer)
    assert not done and again.signed_at == signed.signed_at
    assert EvidenceItem.objects.filter(observation=observation).count() == 1

    client.force_login(observer)
    response = client.post(
        reverse("portfolios:observation-sign", args=[observation.pk]), {"confirm": "on"},
        follow=True,
    )  # fmt: skip
    assert "signed already: nothing changed" in response.content.decode()
    signs = AuditEvent.objects.filter(action="observation.sign", target_id=str(observation.pk))
    assert signs.count() == 1


def test_a_draft_missing_what_signing_needs_is_not_signed(client, observer, worker):
    observation = draft(observer, worker, rating=None, feedback="")
    with pytest.raises(ObservationError, match="the rating, the feedback"):
        observation_sign(observation=observation, actor=observer)
    client.force_login(observer)
    url = reverse("portfolios:observation-sign", args=[observation.pk])
    html = client.get(url).content.decode()
    assert "Before you can sign" in html and "the rating" in html
    client.post(url, {"confirm": "on"})
    observation.refresh_from_db()
    assert not observation.is_signed
    assert not EvidenceItem.objects.filter(observation=observation).exists()


def test_a_signed_observation_cannot_be_changed_by_anyone(client, demo_people, observer, worker):
    observation = draft(observer, worker)
    observation_sign(observation=observation, actor=observer)
    before = PracticeObservation.objects.get(pk=observation.pk)
    update = reverse("portfolios:observation-update", args=[observation.pk])
    crafted = form_data(worker, rating="1", assessment="Rewritten after signing")

    client.force_login(observer)
    response = client.post(update, crafted, follow=True)
    assert "signed: it can no longer be changed" in response.content.decode()
    with pytest.raises(ObservationError, match="signed"):
        observation_save_draft(observer=observer, worker=worker, observation=observation,
                               **complete(rating=1))  # fmt: skip
    for username, status in (
        ("dudley.worker", 403),  # the worker observed: may read it, never change it
        ("dudley.team-manager", 404),  # another observer in the council
        ("lincolnshire.practice-supervisor", 404),
    ):
        client.force_login(demo_people[username])
        assert client.post(update, crafted).status_code == status, username

    admin_url = reverse("admin:portfolios_practiceobservation_change", args=[observation.pk])
    from careerpath.models import User

    root = User.objects.create_superuser("root", "root@example.org", "x")
    client.force_login(root)
    assert client.post(admin_url, {"rating": "1"}).status_code == 403
    delete = reverse("admin:portfolios_practiceobservation_delete", args=[observation.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403

    after = PracticeObservation.objects.get(pk=observation.pk)
    fields = ["rating", "assessment", "updated_at", "status", "signed_at", "evidence_item_id"]
    assert [getattr(after, f) for f in fields] == [getattr(before, f) for f in fields]


def test_only_practice_supervisors_line_managers_and_team_managers_record_observations(
    client, demo_people
):
    for username in ("dudley.worker", "dudley.hr", "dudley.coordinator"):
        client.force_login(demo_people[username])
        assert client.get(reverse("portfolios:observation-create")).status_code == 403
    for username in ("dudley.practice-supervisor", "dudley.team-manager"):
        client.force_login(demo_people[username])
        assert client.get(reverse("portfolios:observation-create")).status_code == 200


def test_another_councils_worker_cannot_be_chosen_even_in_a_crafted_post(
    client, demo_people, observer
):
    stranger = demo_people["lincolnshire.worker"]
    client.force_login(observer)
    form = client.get(reverse("portfolios:observation-create")).content.decode()
    assert str(stranger) not in form
    assert str(demo_people["dudley.worker"]) in form
    count = PracticeObservation.objects.count()
    response = client.post(reverse("portfolios:observation-create"), form_data(stranger))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Choose a worker in your organisation from the list" in html
    assert "Clear purpose, good use of a three houses tool" in html  # nothing typed is lost
    assert PracticeObservation.objects.count() == count
    with pytest.raises(ObservationError, match="own organisation"):
        draft(observer, stranger)
    with pytest.raises(ObservationError, match="own organisation"):
        draft(observer, demo_people["dudley.hr"])  # not a worker


def test_a_draft_moved_to_another_councils_worker_is_refused(client, demo_people, observer, worker):
    observation = draft(observer, worker)
    client.force_login(observer)
    url = reverse("portfolios:observation-update", args=[observation.pk])
    data = form_data(demo_people["lincolnshire.worker"],
                     saved_version=observation.updated_at.isoformat())  # fmt: skip
    assert client.post(url, data).status_code == 200
    observation.refresh_from_db()
    assert observation.worker == worker


def test_only_kss_statements_can_be_linked(client, observer, worker):
    pcf = Standard.objects.filter(standard_set__code="pcf").first()
    client.force_login(observer)
    count = PracticeObservation.objects.count()
    response = client.post(
        reverse("portfolios:observation-create"), form_data(worker, standards=[pcf.pk])
    )
    assert "Choose statements from the list" in response.content.decode()
    assert PracticeObservation.objects.count() == count
    with pytest.raises(ObservationError, match="Knowledge and Skills Statement"):
        observation_save_draft(observer=observer, worker=worker, standards=[pcf], **complete())


def test_the_holistic_assessment_is_500_words_at_most(client, observer, worker):
    client.force_login(observer)
    url = reverse("portfolios:observation-create")
    too_long = WORDS_500 + " more"
    response = client.post(url, form_data(worker, assessment=too_long))
    html = response.content.decode()
    assert "must be 500 words or fewer: it has 501" in html
    assert too_long in html
    assert 'data-maxwords="500"' in html  # the character count, in words
    assert client.post(url, form_data(worker, assessment=WORDS_500)).status_code == 302
    with pytest.raises(ObservationError, match="500 words"):
        draft(observer, worker, assessment=too_long)


def test_a_future_date_is_refused(client, observer, worker):
    client.force_login(observer)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(
        reverse("portfolios:observation-create"), form_data(worker, observed_on=tomorrow)
    )
    assert "must be today or in the past" in response.content.decode()


def test_a_stale_draft_is_not_overwritten(client, observer, worker):
    observation = draft(observer, worker)
    opened = observation.updated_at.isoformat()
    observation_save_draft(observer=observer, worker=worker, observation=observation,
                           **complete(assessment="Saved in another tab"))  # fmt: skip
    client.force_login(observer)
    url = reverse("portfolios:observation-update", args=[observation.pk])
    response = client.post(url, form_data(worker, saved_version=opened, assessment="Old tab"))
    assert "saved somewhere else after you opened it" in response.content.decode()
    observation.refresh_from_db()
    assert observation.assessment == "Saved in another tab"


@pytest.mark.parametrize(
    "username, draft_status, signed_status",
    [
        ("dudley.practice-supervisor", 200, 200),  # the observer
        ("dudley.worker", 404, 200),  # the worker observed, once it is signed
        ("dudley.temporary-worker", 404, 404),  # another worker
        ("dudley.team-manager", 404, 404),  # another observer
        ("lincolnshire.practice-supervisor", 404, 404),  # another council
        ("dudley.hr", 403, 403),  # observation pages are not for HR
    ],
)
def test_who_reads_an_observation(
    client, demo_people, observer, worker, username, draft_status, signed_status
):
    observation = draft(observer, worker)
    url = reverse("portfolios:observation-detail", args=[observation.pk])
    client.force_login(demo_people[username])
    assert client.get(url).status_code == draft_status
    observation_sign(observation=observation, actor=observer)
    assert client.get(url).status_code == signed_status


def test_anonymous_people_are_sent_to_sign_in(client, observer, worker):
    observation = draft(observer, worker)
    response = client.get(reverse("portfolios:observation-detail", args=[observation.pk]))
    assert response.status_code == 302 and "sign-in" in response.url


def lincolnshire_route_rules():
    route = Framework.objects.get(organisation__slug="lincolnshire").routes.get(code="L1-L2")
    return [r.as_dict() for r in route.rules.all() if r.type == "recency" and
            r.parameters["kind"] == "practice_observation"]  # fmt: skip


def dudley_rating_rules():
    level = Level.objects.get(role__framework__organisation__slug="dudley", code="SSW")
    return [rule.as_dict() for rule in level.criteria.get(rules__type="min_rating").rules.all()]


def test_a_signed_rating_counts_for_the_minimum_rating_rule(observer, worker):
    today = timezone.localdate()
    before = evaluate(dudley_rating_rules(), _facts(worker, today), today)
    assert not before.met  # the demo observation is rated 2
    observation_sign(observation=draft(observer, worker, rating=3), actor=observer)
    after = evaluate(dudley_rating_rules(), _facts(worker, today), today)
    assert after.met
    assert "rated 3 of 4" in after.results[-1].reason
    # A draft counts for nothing: only signing puts it in the library.
    draft(observer, worker, rating=4, observed_on=today)
    assert "rated 3 of 4" in evaluate(dudley_rating_rules(), _facts(worker, today), today
                                      ).results[-1].reason  # fmt: skip


def _facts(person, on):
    from frameworks.rules import Facts

    return Facts(evidence=evidence_facts_for(person=person, on=on))


def test_signed_observations_count_for_the_recency_rule(demo_people):
    worker = demo_people["lincolnshire.worker"]
    observer = demo_people["lincolnshire.practice-supervisor"]
    today = timezone.localdate()
    rules = lincolnshire_route_rules()
    assert rules, "Lincolnshire asks for observations within 6 and 9 months"
    # The demo observation is 100 days old: it fills the 6-month window, the 9-month one waits.
    report = evaluate(rules, _facts(worker, today), today)
    assert not report.met
    observation_sign(
        observation=draft(observer, worker, observed_on=today - datetime.timedelta(days=230)),
        actor=observer,
    )
    assert evaluate(rules, _facts(worker, today), today).met


def test_home_pages_lead_observers_to_their_drafts_and_workers_to_their_observations(
    client, observer, worker
):
    observation = draft(observer, worker)
    client.force_login(observer)
    html = client.get(reverse("careerpath:home")).content.decode()
    assert f"Finish and sign your observation of {worker}" in html
    assert reverse("portfolios:observation-update", args=[observation.pk]) in html
    assert "Record a practice observation" in html
    observation_sign(observation=observation, actor=observer)
    client.force_login(worker)
    html = client.get(reverse("careerpath:home")).content.decode()
    assert "rated 3 (Good)" in html
    assert reverse("portfolios:observation-detail", args=[observation.pk]) in html


def test_a_person_with_two_observer_roles_sees_their_drafts_once(client, demo_people):
    line_manager = demo_people["medway.line-manager"]  # line manager and practice supervisor
    client.force_login(line_manager)
    html = client.get(reverse("careerpath:home")).content.decode()
    assert html.count("Record a practice observation") == 1


def test_demo_data_gives_each_worker_a_signed_observation_and_each_supervisor_a_draft(
    demo_people,
):
    from careerpath.models import RoleMembership
    from frameworks.models import DevelopmentPlan
    from portfolios.demo_observations import demo_observations_load

    workers = RoleMembership.objects.filter(role="worker").values_list("user_id", flat=True)
    for person in demo_people.values():
        if person.pk in workers:
            assert PracticeObservation.objects.filter(worker=person, status="signed").exists()
    supervisors = RoleMembership.objects.filter(role="practice_supervisor")
    for membership in supervisors:
        assert PracticeObservation.objects.filter(observer_id=membership.user_id,
                                                  status="draft").exists()  # fmt: skip
    assert DevelopmentPlan.objects.filter(shared_with_line_manager=True).exists()
    assert demo_observations_load() == 0  # idempotent


@pytest.mark.parametrize("extra", [1, 20])
def test_observation_list_query_budget(client, observer, worker, django_assert_num_queries, extra):
    for _ in range(extra):
        draft(observer, worker)
    client.force_login(observer)
    # session, user, roles, organisation (every page); the observer's observations with their
    # workers; the observations of their own practice.
    with django_assert_num_queries(4 + 2):
        assert client.get(reverse("portfolios:observation-list")).status_code == 200


@pytest.mark.parametrize("library", [10, 1000])
@pytest.mark.parametrize("page", ["detail", "update", "sign", "create"])
def test_observation_page_query_budget(
    client, observer, worker, django_assert_num_queries, library, page
):
    EvidenceItem.objects.bulk_create(
        EvidenceItem(owner=worker, kind="case_example", title=f"Case {n}",
                     dated=datetime.date(2025, 1, 1))
        for n in range(library)
    )  # fmt: skip
    observation = draft(observer, worker)
    url = {
        "detail": reverse("portfolios:observation-detail", args=[observation.pk]),
        "update": reverse("portfolios:observation-update", args=[observation.pk]),
        "sign": reverse("portfolios:observation-sign", args=[observation.pk]),
        "create": reverse("portfolios:observation-create"),
    }[page]
    client.force_login(observer)
    # session, user, roles, organisation (every page); then
    budget = {
        "detail": 2,  # the observation with its people and item; its standards
        # the observation, its standards; the workers to choose from; the KSS statements to
        # choose from (count and rows)
        "update": 2 + 1 + 2,
        "sign": 2,  # the observation, its standards
        "create": 1 + 2,  # the workers to choose from; the KSS statements (count and rows)
    }[page]
    with django_assert_num_queries(4 + budget):
        assert client.get(url).status_code == 200


def test_the_library_item_links_to_the_observation_and_cannot_be_changed(client, observer, worker):
    observation, _ = observation_sign(observation=draft(observer, worker), actor=observer)
    item = observation.evidence_item
    client.force_login(worker)
    html = client.get(reverse("portfolios:evidence-detail", args=[item.pk])).content.decode()
    assert reverse("portfolios:observation-detail", args=[observation.pk]) in html
    assert "Change details or add files" not in html
    update = reverse("portfolios:evidence-update", args=[item.pk])
    assert client.post(update, {"kind": "case_example", "title": "Changed"}).status_code == 403
    assert client.post(reverse("portfolios:evidence-delete", args=[item.pk])).status_code == 403
    item.refresh_from_db()
    assert (item.kind, item.rating, item.deleted_at) == ("practice_observation", 3, None)
