"""Writing a draft on its own pages: each page saves on its own, parts move without order
numbers, other councils' drafts and published versions are out of reach, and publishing says who
keeps the version it replaces."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from careerpath.models import Organisation
from frameworks.models import Criterion, DevelopmentPlan, Framework, FrameworkStatus, Level, Role
from tests.frameworks.authoring_factories import draft_of


@pytest.fixture
def editor(client, demo_people):
    client.force_login(demo_people["medway.framework-editor"])
    return client


@pytest.fixture
def medway():
    return Organisation.objects.get(slug="medway")


def test_an_editor_creates_a_framework_from_nothing(editor, medway):
    response = editor.post(reverse("frameworks:framework-new"), {
        "title": "Occupational Therapy Progression", "profession": "Occupational therapy",
    })  # fmt: skip
    framework = Framework.objects.get(title="Occupational Therapy Progression")
    assert response.url == reverse("frameworks:draft", args=[framework.pk])
    assert (framework.organisation, framework.status, framework.version) == (medway, "draft", 1)
    assert framework.slug == "occupational-therapy-progression"
    html = editor.get(response.url).content.decode()
    assert "Not started" in html and "Coming soon" in html


def test_a_new_framework_without_a_title_is_refused_and_nothing_is_made(editor):
    before = Framework.objects.count()
    response = editor.post(reverse("frameworks:framework-new"), {"profession": "Nursing"})
    assert response.status_code == 200
    assert "Enter the title" in response.content.decode()
    assert Framework.objects.count() == before


def test_each_page_saves_on_its_own(editor, medway):
    draft = draft_of(medway, roles=0)
    editor.post(reverse("frameworks:draft-details", args=[draft.pk]), {
        "title": "Renamed", "profession": "Social work", "version_label": "April 2027",
    })  # fmt: skip
    draft.refresh_from_db()
    assert (draft.title, draft.version_label) == ("Renamed", "April 2027")

    editor.post(reverse("frameworks:draft-role-add", args=[draft.pk]), {
        "title": "Senior Practitioner", "pay_range": "£40,000 to £45,000", "grade": "M1",
    })  # fmt: skip
    role = Role.objects.get(framework=draft)
    assert (role.title, role.pay, role.code) == (
        "Senior Practitioner", "£40,000 to £45,000, M1", "SENIOR_PRACTITIONER",
    )  # fmt: skip
    for code in ("SP1", "SP2", "SP3"):
        editor.post(reverse("frameworks:draft-level-add", args=[draft.pk, role.pk]),
                    {"code": code, "name": f"Stage {code[-1]}"})  # fmt: skip
    assert list(role.levels.values_list("code", flat=True)) == ["SP1", "SP2", "SP3"]

    level = role.levels.get(code="SP2")
    editor.post(reverse("frameworks:draft-criterion-add", args=[draft.pk, level.pk]),
                {"category": "knowledge", "text": "Knows the law"})  # fmt: skip
    criterion = level.criteria.get()
    editor.post(reverse("frameworks:draft-criterion-edit", args=[draft.pk, criterion.pk]),
                {"category": "skills", "text": "Applies the law"})  # fmt: skip
    criterion.refresh_from_db()
    assert (criterion.category, criterion.text) == ("skills", "Applies the law")

    editor.post(reverse("frameworks:draft-part-remove", args=[draft.pk, "levels", level.pk]))
    assert list(role.levels.values_list("code", flat=True)) == ["SP1", "SP3"]
    assert not Criterion.objects.filter(pk=criterion.pk).exists()


def test_a_level_code_used_twice_in_a_role_is_refused(editor, medway):
    draft = draft_of(medway, levels=1)
    role = draft.roles.get()
    response = editor.post(reverse("frameworks:draft-level-add", args=[draft.pk, role.pk]),
                           {"code": "L0"})  # fmt: skip
    assert response.status_code == 200
    assert "has a level L0 already" in response.content.decode()
    assert role.levels.count() == 1


def test_moving_a_level_swaps_it_with_its_neighbour_and_renumbers_them(editor, medway):
    draft = draft_of(medway, levels=3, criteria=0)
    role = draft.roles.get()
    last = role.levels.get(code="L2")
    url = reverse("frameworks:draft-part-move", args=[draft.pk, "levels", last.pk])
    editor.post(url, {"direction": "up"})
    assert list(role.levels.order_by("order").values_list("code", "order")) == [
        ("L0", 1), ("L2", 2), ("L1", 3),
    ]  # fmt: skip
    first = role.levels.get(code="L0")
    editor.post(reverse("frameworks:draft-part-move", args=[draft.pk, "levels", first.pk]),
                {"direction": "up"})  # fmt: skip
    assert role.levels.order_by("order").first().code == "L0"  # past the top: nothing moves


def test_a_criterion_moves_among_its_own_category(editor, medway):
    draft = draft_of(medway, levels=1, criteria=2)
    level = Level.objects.get(role__framework=draft)
    Criterion.objects.create(level=level, category="knowledge", order=0, text="Knowledge one")
    second = level.criteria.get(text="Criterion 1 of L0")
    editor.post(reverse("frameworks:draft-part-move", args=[draft.pk, "criteria", second.pk]),
                {"direction": "up"})  # fmt: skip
    skills = level.criteria.filter(category="skills").order_by("order")
    assert [c.text for c in skills] == ["Criterion 1 of L0", "Criterion 0 of L0"]


def test_another_councils_draft_is_not_found(editor):
    theirs = draft_of(Organisation.objects.get(slug="lincolnshire"))
    level = Level.objects.filter(role__framework=theirs).first()
    for url in (
        reverse("frameworks:draft", args=[theirs.pk]),
        reverse("frameworks:draft-levels", args=[theirs.pk, level.role_id]),
        reverse("frameworks:draft-criteria", args=[theirs.pk, level.pk]),
        reverse("frameworks:draft-preview", args=[theirs.pk]),
        reverse("frameworks:draft-publish", args=[theirs.pk]),
    ):
        assert editor.get(url).status_code == 404, url
    response = editor.post(reverse("frameworks:draft-part-remove",
                                   args=[theirs.pk, "levels", level.pk]))  # fmt: skip
    assert response.status_code == 404
    assert Level.objects.filter(pk=level.pk).exists()


def test_a_part_of_another_draft_is_not_found_through_ones_own(editor, medway):
    mine, other = draft_of(medway), draft_of(medway)
    level = Level.objects.filter(role__framework=other).first()
    url = reverse("frameworks:draft-level-edit", args=[mine.pk, level.pk])
    assert editor.post(url, {"code": "X"}).status_code == 404
    level.refresh_from_db()
    assert level.code != "X"


def test_a_published_version_is_read_only(editor, medway):
    published = Framework.objects.filter(organisation=medway, status="published").first()
    role = published.roles.first()
    assert editor.get(reverse("frameworks:draft", args=[published.pk])).status_code == 404
    response = editor.post(reverse("frameworks:draft-role-edit", args=[published.pk, role.pk]),
                           {"title": "Changed"})  # fmt: skip
    assert response.status_code == 404
    role.refresh_from_db()
    assert role.title != "Changed"


def test_a_worker_cannot_reach_the_authoring_pages(client, demo_people, medway):
    draft = draft_of(medway)
    client.force_login(demo_people["medway.worker"])
    assert client.get(reverse("frameworks:draft", args=[draft.pk])).status_code == 403
    assert client.get(reverse("frameworks:framework-new")).status_code == 403


def test_the_preview_shows_the_draft_role_as_workers_will_read_it(editor, medway):
    draft = draft_of(medway, levels=2, criteria=1)
    role = draft.roles.get()
    html = editor.get(
        reverse("frameworks:draft-preview-role", args=[draft.pk, role.pk])
    ).content.decode()
    assert "Preview" in html and "Criterion 0 of L1" in html and "Levels side by side" in html
    other_role = draft_of(medway).roles.get()
    url = reverse("frameworks:draft-preview-role", args=[draft.pk, other_role.pk])
    assert editor.get(url).status_code == 404


def test_publishing_says_how_many_people_keep_the_current_version(editor, medway, demo_people):
    published = Framework.objects.get(organisation=medway, slug="family-worker", version=1)
    draft = draft_of(medway, slug="family-worker", version=2)
    level = Level.objects.filter(role__framework=published).first()
    for username in ("medway.worker", "medway.family-worker"):
        DevelopmentPlan.objects.create(person=demo_people[username], target_level=level)
    DevelopmentPlan.objects.create(person=demo_people["medway.worker"], target_level=level)
    html = editor.get(reverse("frameworks:draft-publish", args=[draft.pk])).content.decode()
    from frameworks.authoring import people_on_version

    assert f"{people_on_version(published)} people have a development plan" in html
    assert people_on_version(published) >= 2

    response = editor.post(reverse("frameworks:draft-publish", args=[draft.pk]))
    assert response.status_code == 200  # not confirmed: nothing published
    draft.refresh_from_db()
    assert draft.status == FrameworkStatus.DRAFT
    editor.post(reverse("frameworks:draft-publish", args=[draft.pk]), {"confirm": "on"})
    draft.refresh_from_db()
    published.refresh_from_db()
    assert (draft.status, published.status) == ("published", "retired")


def test_a_draft_published_meanwhile_refuses_a_change(editor, medway):
    from frameworks import authoring
    from frameworks.services import FrameworkError

    draft = draft_of(medway)
    stale = Framework.objects.get(pk=draft.pk)
    Framework.objects.filter(pk=draft.pk).update(status="published")
    with pytest.raises(FrameworkError):
        authoring.role_save(framework=stale, actor=None, title="Late")
    assert not Role.objects.filter(framework=draft, title="Late").exists()


@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("frameworks:draft", lambda d: [d.pk]),
        ("frameworks:draft-roles", lambda d: [d.pk]),
        ("frameworks:draft-levels", lambda d: [d.pk, d.roles.order_by("order").first().pk]),
        ("frameworks:draft-criteria",
         lambda d: [d.pk, d.roles.order_by("order").first().levels.first().pk]),
        ("frameworks:draft-preview", lambda d: [d.pk]),
        ("frameworks:draft-preview-role", lambda d: [d.pk, d.roles.order_by("order").first().pk]),
        ("frameworks:draft-publish", lambda d: [d.pk]),
    ],
)  # fmt: skip
def test_each_page_reads_in_a_fixed_number_of_queries(editor, medway, name, kwargs):
    def count(size):
        # size roles; the first role has size levels more, its first level size criteria more.
        draft = draft_of(medway, roles=size, levels=1, criteria=1)
        role = draft.roles.order_by("order").first()
        level = role.levels.first()
        Level.objects.bulk_create(Level(role=role, code=f"X{n}", order=n + 1) for n in range(size))
        Criterion.objects.bulk_create(
            Criterion(level=level, category="knowledge", order=n, text=f"More {n}")
            for n in range(size)
        )
        url = reverse(name, args=kwargs(draft))
        with CaptureQueriesContext(connection) as queries:
            assert editor.get(url).status_code == 200
        return len(queries)

    assert count(3) == count(30)
