import pytest

from careerpath.models import AuditEvent
from frameworks.diff import framework_changes
from frameworks.models import Framework, FrameworkStatus
from frameworks.services import (
    FrameworkError,
    framework_copy_to_draft,
    framework_publish,
    framework_retire,
)


@pytest.fixture
def published(db):
    return Framework.objects.get(organisation__slug="medway", slug="family-worker", version=1)


@pytest.fixture
def editor(demo_people):
    return demo_people["medway.framework-editor"]


def test_copying_a_published_version_makes_the_next_version_as_a_draft(published, editor):
    draft = framework_copy_to_draft(framework=published, actor=editor)
    assert (draft.version, draft.status) == (2, FrameworkStatus.DRAFT)
    assert draft.copied_from == published
    assert framework_changes(old=published, new=draft) == []
    assert AuditEvent.objects.filter(action="framework_copied", target_id=str(draft.pk)).exists()


def test_there_is_only_ever_one_draft_of_a_framework(published, editor):
    framework_copy_to_draft(framework=published, actor=editor)
    with pytest.raises(FrameworkError, match="draft of this framework already"):
        framework_copy_to_draft(framework=published, actor=editor)


def test_publishing_a_new_version_retires_the_old_one_without_changing_it(published, editor):
    draft = framework_copy_to_draft(framework=published, actor=editor)
    criterion = draft.roles.get().levels.get(code="FWA").criteria.first()
    criterion.text = "A new first criterion"
    criterion.save()
    framework_publish(framework=draft, actor=editor)
    published.refresh_from_db()
    draft.refresh_from_db()
    assert published.status == FrameworkStatus.RETIRED
    assert draft.status == FrameworkStatus.PUBLISHED
    # Applications pinned to version 1 still see version 1's criteria.
    assert (
        not published.roles.get()
        .levels.get(code="FWA")
        .criteria.filter(text="A new first criterion")
        .exists()
    )
    changes = dict((place, (removed, added)) for place, removed, added in
                   framework_changes(old=published, new=draft))  # fmt: skip
    removed, added = changes["Level FWA (Entry)"]
    assert len(added) == 1
    assert added[0].startswith("Qualifications: A new first criterion [Certificate required")
    assert len(removed) == 1


def test_publishing_twice_is_a_no_op(published, editor):
    assert framework_publish(framework=published, actor=editor).status == "published"
    assert not AuditEvent.objects.filter(action="framework_published").exists()


def test_retiring(published, editor):
    framework_retire(framework=published, actor=editor)
    published.refresh_from_db()
    assert published.status == FrameworkStatus.RETIRED
    with pytest.raises(FrameworkError):
        framework_publish(framework=published, actor=editor)


def test_a_draft_cannot_be_retired_or_copied(published, editor):
    draft = framework_copy_to_draft(framework=published, actor=editor)
    with pytest.raises(FrameworkError):
        framework_retire(framework=draft, actor=editor)
    with pytest.raises(FrameworkError):
        framework_copy_to_draft(framework=draft, actor=editor)


def test_a_published_version_is_read_only_in_the_framework_editor(client, published, editor):
    client.force_login(editor)
    level = published.roles.get().levels.get(code="FWA")
    url = f"/admin/frameworks/level/{level.pk}/change/"
    response = client.get(url)
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()
    response = client.post(url, {"code": "CHANGED", "order": 1})
    assert response.status_code == 403
    level.refresh_from_db()
    assert level.code == "FWA"


def test_editors_see_only_their_own_councils_frameworks_in_the_editor(client, editor):
    client.force_login(editor)
    html = client.get("/admin/frameworks/framework/").content.decode()
    assert "Family Worker" in html
    assert "Level 1 to Level 2" not in html
    assert client.get("/admin/careerpath/user/").status_code == 403


def test_an_editor_starts_a_new_framework_as_a_draft_of_their_own_council(client, editor):
    client.force_login(editor)
    response = client.post(
        "/admin/frameworks/framework/add/",
        {
            "slug": "family-worker",
            "title": "Family Worker framework, 2026",
            "profession": "Family Workers",
            "readings": "[]",
            "development_routes": "[]",
            "forms": "{}",
            "roles-TOTAL_FORMS": "0", "roles-INITIAL_FORMS": "0",
            "routes-TOTAL_FORMS": "0", "routes-INITIAL_FORMS": "0",
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    framework = Framework.objects.get(title="Family Worker framework, 2026")
    assert framework.organisation == editor.organisation
    assert framework.status == FrameworkStatus.DRAFT
    assert framework.version == 2  # continues the family-worker line
