import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from frameworks.models import Criterion, DevelopmentPlan, Framework, Level, Role, Rule


def medway(slug):
    return Framework.objects.get(organisation__slug="medway", slug=slug, version=1)


@pytest.fixture
def worker_client(client, demo_people):
    client.force_login(demo_people["medway.worker"])
    return client


def test_the_catalogue_shows_only_the_persons_own_council(worker_client):
    html = worker_client.get(reverse("frameworks:framework-list")).content.decode()
    assert "Specialist Assessment Team Career Progression Framework" in html
    assert "Family Worker" in html
    assert "Level 1 Social Worker" not in html  # Lincolnshire's
    assert "Range 3" in html  # pay ranges


def test_drafts_are_for_framework_editors_only(client, demo_people):
    draft = medway("family-worker")
    Framework.objects.filter(pk=draft.pk).update(status="draft")
    client.force_login(demo_people["medway.worker"])
    assert client.get(reverse("frameworks:framework-detail", args=[draft.pk])).status_code == 404
    client.force_login(demo_people["medway.framework-editor"])
    response = client.get(reverse("frameworks:framework-detail", args=[draft.pk]))
    assert response.status_code == 200
    assert "Publish this version" in response.content.decode()


def test_the_role_page_shows_levels_side_by_side_and_what_is_judged_by_people(worker_client):
    role = Role.objects.get(framework=medway("asc-social-workers"), code="SW2")
    html = worker_client.get(reverse("frameworks:role-detail", args=[role.pk])).content.decode()
    for code in ("SW2A", "SW2B", "SW2C"):
        assert code in html
    assert "At least 24 months at the current level" in html
    assert "Judged by people" in html


def test_search_finds_criteria_across_the_councils_frameworks_only(worker_client):
    response = worker_client.get(reverse("frameworks:criteria-search"), {"q": "signs of safety"})
    html = response.content.decode()
    assert "Specialist Assessment Team" in html
    assert "criteria found" in html or "criterion found" in html
    response = worker_client.get(reverse("frameworks:criteria-search"), {"q": "Qualified for 30"})
    assert "0 criteria found" in response.content.decode()  # Dudley's criterion is not Medway's


def test_comparing_two_levels(worker_client):
    framework = medway("asc-social-workers")
    sw2c = Level.objects.get(role__framework=framework, code="SW2C")
    sw3a = Level.objects.get(role__framework=framework, code="SW3A")
    url = reverse("frameworks:level-compare", args=[framework.pk])
    html = worker_client.get(url, {"from_level": sw2c.pk, "to_level": sw3a.pk}).content.decode()
    assert "SW2C compared with SW3A" in html
    assert "Social Worker SW2C to Senior Social Worker SW3A" in html  # the route between them


@pytest.mark.parametrize(
    "params, message",
    [
        ({}, "Choose the level to compare from"),
        ({"from_level": "x", "to_level": "y"}, "Choose a level of this framework to compare from"),
        ("same", "Choose a different level to compare to"),
        ("other framework", "Choose a level of this framework to compare to"),
    ],
)
def test_comparing_with_bad_input_says_what_to_fix(worker_client, params, message):
    framework = medway("asc-social-workers")
    level = Level.objects.filter(role__framework=framework).first()
    if params == "same":
        params = {"from_level": level.pk, "to_level": level.pk}
    elif params == "other framework":
        elsewhere = Level.objects.exclude(role__framework=framework).first()
        params = {"from_level": level.pk, "to_level": elsewhere.pk}
    response = worker_client.get(
        reverse("frameworks:level-compare", args=[framework.pk]), params or {"go": "1"}
    )
    assert response.status_code == 200
    assert message in response.content.decode()


def test_a_self_assessment_becomes_a_development_plan_of_the_gaps(worker_client, demo_people):
    level = Level.objects.get(role__framework=medway("family-worker"), code="FWB")
    criteria = list(Criterion.objects.filter(level__role=level.role, level__order__lte=2))
    assert len(criteria) == 18 + 25  # level B is "in addition to level A"
    have, gap = criteria[0], criteria[1]
    response = worker_client.post(
        reverse("frameworks:self-assessment", args=[level.pk]),
        {f"have_{have.pk}": "on", f"route_{gap.pk}": "acting_up", f"note_{gap.pk}": "Ask Grace"},
    )
    plan = DevelopmentPlan.objects.get(person=demo_people["medway.worker"])
    assert response["Location"] == reverse("frameworks:plan-detail", args=[plan.pk])
    assert list(plan.have.all()) == [have]
    html = worker_client.get(response["Location"]).content.decode()
    assert "Gaps to close (42)" in html
    assert "Acting up" in html and "Ask Grace" in html


def test_a_note_that_is_too_long_is_refused_and_what_was_typed_is_kept(worker_client):
    level = Level.objects.get(role__framework=medway("family-worker"), code="FWA")
    criterion = level.criteria.first()
    response = worker_client.post(
        reverse("frameworks:self-assessment", args=[level.pk]),
        {f"have_{criterion.pk}": "on", f"note_{criterion.pk}": "x" * 1001},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Notes must be 1000 characters or fewer" in html
    assert "govuk-error-summary" in html
    assert "x" * 1001 in html
    assert not DevelopmentPlan.objects.filter(person__username="medway.worker").exists()


def test_editors_publish_copy_and_compare_versions_from_the_framework_page(client, demo_people):
    client.force_login(demo_people["medway.framework-editor"])
    published = medway("family-worker")
    response = client.post(reverse("frameworks:framework-copy", args=[published.pk]))
    draft = Framework.objects.get(slug="family-worker", version=2)
    assert response["Location"] == reverse("frameworks:framework-detail", args=[draft.pk])
    client.post(reverse("frameworks:framework-publish", args=[draft.pk]))
    published.refresh_from_db()
    assert published.status == "retired"
    html = client.get(reverse("frameworks:framework-changes", args=[draft.pk])).content.decode()
    assert "The two versions are the same" in html


# Query budgets: each page's queries are fixed, whatever the number of criteria.


def grow(role, extra):
    """Add criteria, each with rules and standards, to every level of a role."""
    for level in role.levels.all():
        for number in range(extra):
            criterion = Criterion.objects.create(
                level=level, category="skills", order=100 + number, text=f"Extra {number}"
            )
            Rule.objects.create(criterion=criterion, type="max_words", parameters={"words": 500})


def queries(client, url, data=None):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, data or {})
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "page",
    [
        "catalogue",
        "framework",
        "role",
        "compare",
        "search",
        "self-assessment",
        "plan",
        "route",
        "standards",
        "start",
    ],  # fmt: skip
)
def test_query_budget_does_not_grow_with_the_number_of_criteria(worker_client, demo_people, page):
    framework = medway("asc-social-workers")
    role = Role.objects.get(framework=framework, code="SW2")
    a, b = role.levels.all()[:2]
    plan = DevelopmentPlan.objects.create(person=demo_people["medway.worker"], target_level=b)
    url, data = {
        "catalogue": (reverse("frameworks:framework-list"), None),
        "framework": (reverse("frameworks:framework-detail", args=[framework.pk]), None),
        "role": (reverse("frameworks:role-detail", args=[role.pk]), None),
        "compare": (reverse("frameworks:level-compare", args=[framework.pk]),
                    {"from_level": a.pk, "to_level": b.pk}),
        "search": (reverse("frameworks:criteria-search"), {"q": "Extra"}),
        "self-assessment": (reverse("frameworks:self-assessment", args=[b.pk]), None),
        "plan": (reverse("frameworks:plan-detail", args=[plan.pk]), None),
        "route": (reverse("frameworks:route-detail", args=[framework.routes.first().pk]), None),
        "standards": (reverse("frameworks:standard-set-detail", args=["kss_child_family"]), None),
        "start": (reverse("frameworks:self-assessment-start"), None),
    }[page]  # fmt: skip
    grow(role, 2)
    small = queries(worker_client, url, data)
    grow(role, 20)
    assert queries(worker_client, url, data) == small
    assert small == BUDGETS[page]


# Every page starts with 4 queries: session, user, the person's roles, their organisation (for
# the header). Then:
BUDGETS = {
    "catalogue": 4 + 4,  # frameworks, their roles, the roles' levels, their routes
    "framework": 4 + 4,  # framework, roles, levels, routes
    "role": 4 + 5,  # role with framework, levels, criteria, rules, standards
    # framework; the two levels chosen (validating each); the two levels with criteria, rules
    # and standards; both select lists (count and rows each); the routes between and their rules
    "compare": 4 + 13,
    "search": 4 + 2,  # count of matches, the first 100 with their level, role and framework
    # level; its criteria, their rules; the current level; the evidence library's facts
    "self-assessment": 4 + 5,
    # plan; level; criteria, their rules; what the person has; their managers, to share with;
    # the panel's deferrals of the person (their targets too, when there are any)
    "plan": 4 + 7,
    "route": 4 + 3,  # route with framework and levels; its rules; the person's current level
    "standards": 4 + 2,  # the set; its statements
    "start": 4 + 3,  # the levels to choose from (count, rows); the person's plans
}


@pytest.mark.parametrize("criteria", [2, 20])
def test_version_changes_query_budget(client, demo_people, django_assert_num_queries, criteria):
    from frameworks.services import framework_copy_to_draft

    editor = demo_people["medway.framework-editor"]
    published = medway("family-worker")
    draft = framework_copy_to_draft(framework=published, actor=editor)
    grow(draft.roles.get(), criteria)
    client.force_login(editor)
    # 4 as every page; the framework; the version compared with; the other versions (twice: to
    # choose from and to list); the compared version's organisation; each version as data
    # (roles, levels, criteria, rules, standards, routes, their rules): 7 each.
    with django_assert_num_queries(4 + 5 + 7 * 2):
        client.get(reverse("frameworks:framework-changes", args=[draft.pk]))


def test_a_framework_editors_home_page_lists_drafts_to_publish(client, demo_people):
    editor = demo_people["medway.framework-editor"]
    from frameworks.services import framework_copy_to_draft

    draft = framework_copy_to_draft(framework=medway("family-worker"), actor=editor)
    client.force_login(editor)
    html = client.get(reverse("careerpath:home")).content.decode()
    assert "is a draft: check it and publish it" in html
    assert reverse("frameworks:framework-detail", args=[draft.pk]) in html


def test_the_route_page_checks_the_persons_eligibility_today(client, demo_people):
    import datetime

    from frameworks.selectors import route_eligibility_for

    worker = demo_people["lincolnshire.worker"]  # registered with Social Work England 12 June 2023
    route = Framework.objects.get(organisation__slug="lincolnshire").routes.get(code="L1-L2")

    report, note = route_eligibility_for(person=worker, route=route, on=datetime.date(2025, 6, 11))
    assert "23 of 24 months since registration with Social Work England" in report.results[0].reason
    assert report.results[0].status == "not met"
    report, note = route_eligibility_for(person=worker, route=route, on=datetime.date(2025, 6, 12))
    assert report.results[0].status == "met"
    assert note == ""  # the worker's recorded level is L1, where the route starts

    client.force_login(worker)
    html = client.get(reverse("frameworks:route-detail", args=[route.pk])).content.decode()
    assert "Your eligibility today" in html
    assert "months since registration with Social Work England" in html


def test_eligibility_says_when_the_person_is_not_at_the_routes_starting_level(demo_people):
    import datetime

    from frameworks.selectors import route_eligibility_for

    route = Framework.objects.get(
        organisation__slug="medway", slug="asc-social-workers"
    ).routes.get(code="SW2B-SW2C")
    report, note = route_eligibility_for(
        person=demo_people["medway.worker"], route=route, on=datetime.date(2026, 1, 1)
    )
    assert note == "Your recorded level is SW2A; this route starts from SW2B."


def test_a_plan_saved_elsewhere_since_it_was_opened_is_not_overwritten(worker_client):
    level = Level.objects.get(role__framework=medway("family-worker"), code="FWA")
    criterion = level.criteria.first()
    url = reverse("frameworks:self-assessment", args=[level.pk])
    worker_client.post(url, {f"note_{criterion.pk}": "First"})
    plan = DevelopmentPlan.objects.get(person__username="medway.worker")
    update = reverse("frameworks:self-assessment-update", args=[level.pk, plan.pk])
    opened = plan.updated_at.isoformat()
    worker_client.post(update, {"saved_version": opened, f"note_{criterion.pk}": "Second"})
    # The first tab, opened before "Second" was saved, tries to save.
    response = worker_client.post(update, {"saved_version": opened, f"note_{criterion.pk}": "Old"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "This plan was saved somewhere else after you opened it" in html
    assert ">Old</textarea>" in html
    plan.refresh_from_db()
    assert plan.actions[str(criterion.pk)]["note"] == "Second"


# Route pages: each requirement once, no empty headings, eligibility for workers only.


def route_page(client, person, organisation, code):
    from frameworks.models import ProgressionRoute

    route = ProgressionRoute.objects.get(
        framework__organisation__slug=organisation, framework__status="published", code=code
    )
    client.force_login(person)
    html = client.get(reverse("frameworks:route-detail", args=[route.pk])).content.decode()
    return html[html.index("<main") : html.index("</main>")]


def test_the_lincolnshire_route_lists_each_requirement_once(client, demo_people):
    html = route_page(client, demo_people["lincolnshire.worker"], "lincolnshire", "L1-L2")
    # The seed's words, once each, with what the service checks beneath them.
    assert html.count("A minimum of two practice observations") == 1
    assert html.count("Two professional supervision records") == 1
    assert html.count("A minimum of two recent pieces of service user feedback") == 1
    assert html.count("2 practice observations: one within the last 6 months") == 1
    assert html.count("2 supervision records: one within the last 6 months") == 1
    assert html.count("2 pieces of service user feedback: two within the last 6 months") == 1
    # The bare counts are not said again when the recency rule asks for as many.
    assert "At least 2 practice observations" not in html
    assert "At least 2 supervision records" not in html
    assert "At least 2 pieces of service user feedback" not in html
    # Per-statement counts and the verified statements are said once, under the standards.
    assert html.count("case examples for each statement") == 1
    assert html.count("Checked</strong> At least 2 case examples") == 1
    assert html.count("Verified by your practice supervisor and your team manager") == 1


def test_headings_with_nothing_under_them_are_not_shown(client, demo_people):
    html = route_page(client, demo_people["medway.family-worker"], "medway", "FWA-FWB")
    assert "Who can apply" not in html
    assert "Evidence for the whole portfolio" not in html
    assert "Family Worker level A to level B" in html


@pytest.mark.parametrize("username", ["medway.hr", "medway.framework-editor", "medway.coordinator"])
def test_people_without_a_worker_role_see_the_route_not_their_eligibility(
    client, demo_people, username
):
    html = route_page(client, demo_people[username], "medway", "SW2A-SW2B")
    assert "No current level is recorded for you" not in html
    assert "Your eligibility today" not in html
    assert "At least 24 months at the current level" in html  # the route itself


def test_notes_for_the_transcription_never_reach_a_workers_pages(client, demo_people):
    import re

    from frameworks.models import ProgressionRoute

    for username in ("medway.worker", "lincolnshire.worker", "dudley.worker"):
        person = demo_people[username]
        client.force_login(person)
        frameworks = Framework.objects.filter(organisation=person.organisation, status="published")
        urls = []
        for framework in frameworks:
            urls.append(reverse("frameworks:framework-detail", args=[framework.pk]))
            urls += [reverse("frameworks:role-detail", args=[r.pk]) for r in framework.roles.all()]
        urls += [
            reverse("frameworks:route-detail", args=[route.pk])
            for route in ProgressionRoute.objects.filter(framework__in=frameworks)
        ]
        for url in urls:
            html = client.get(url).content.decode()
            main = html[html.index("<main") : html.index("</main>")]
            assert "seed" not in main.lower(), url
            assert not re.search(r"\(lines? \d|, lines? \d", main), url
            assert "How the source document was read" not in main, url


def test_the_editor_still_reads_how_the_source_was_read(client, demo_people):
    client.force_login(demo_people["medway.framework-editor"])
    html = client.get(
        reverse("frameworks:framework-detail", args=[medway("family-worker").pk])
    ).content.decode()
    assert "How the source document was read" in html


def test_route_requirements_put_the_checks_beneath_the_document_they_check():
    from frameworks.rule_text import Requirement, route_requirements

    rules = [
        {"type": "min_evidence", "count": 2, "kinds": ["appraisal"]},
        {"type": "min_evidence", "count": 3, "kinds": ["case_example"]},
        {"type": "recency", "kind": "supervision_record", "within_months": [6, 9]},
        {"type": "min_evidence", "count": 2, "kinds": ["supervision_record"]},
        {"type": "min_evidence", "count": 1},
        {"type": "attestation", "by": ["hr"]},
    ]
    documents = [
        {"kind": "supervision_record", "text": "Two supervision records, as the seed says"}
    ]
    requirements, standards = route_requirements(rules, documents, {"attested": [{"by": ["hr"]}]})
    recency = "2 supervision records: one within the last 6 months and one within the last 9 months"
    assert requirements == [
        Requirement("Two supervision records, as the seed says", (recency,)),
        Requirement("At least 2 appraisals"),
        Requirement("At least 3 case examples"),
        Requirement("At least 1 piece of evidence"),
    ]
    assert standards == {"attested": ("Verified by HR",)}


def test_a_level_recorded_by_its_letter_counts_as_the_routes_starting_level(client, demo_people):
    from frameworks.models import ProgressionRoute

    # The family worker's record says "A", "Family Worker level A (Entry)": level FWA.
    route = ProgressionRoute.objects.get(framework=medway("family-worker"), code="FWA-FWB")
    Rule.objects.create(
        route=route, scope="eligibility", type="min_months_at_level", parameters={"months": 6}
    )
    html = route_page(client, demo_people["medway.family-worker"], "medway", "FWA-FWB")
    assert "Your eligibility today" in html
    assert "months at your current level" in html
    assert "Your recorded level is A" not in html
    # The same letter does not name another role's level A.
    other = ProgressionRoute.objects.get(
        framework__slug="specialist-assessment-team", code="MHPA-MHPB"
    )
    client.force_login(demo_people["medway.family-worker"])
    html = client.get(reverse("frameworks:route-detail", args=[other.pk])).content.decode()
    assert "Your recorded level is A; this route starts from MHPA." in html
