"""The framework editor keeps councils apart and published versions read-only, for writes too.

Every add and change page is posted to as a crafted request naming another council's object (a
draft, so only the council check can refuse it) and a published or retired version's object (of
the editor's own council, so only the status check can refuse it); each must change nothing. The
same data naming the editor's own draft saves, so the refusals are not an accident of bad data."""

from html.parser import HTMLParser

import pytest
from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse

from careerpath.models import Organisation, User
from frameworks.admin import CriterionAdmin
from frameworks.importing import (
    ImportProblems,
    framework_as_data,
    framework_export,
    framework_import,
    framework_import_data,
)
from frameworks.models import (
    Criterion,
    Framework,
    FrameworkStatus,
    Level,
    ProgressionRoute,
    Role,
    Rule,
    Standard,
    StandardSet,
)
from frameworks.permissions import can_edit_framework, frameworks_editable_by
from frameworks.services import framework_copy_to_draft

CONTENT = [Framework, Role, Level, Criterion, ProgressionRoute, Rule, Criterion.standards.through]


def snapshot():
    """Every row of every framework table, to compare before and after a request."""
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in CONTENT}


class _FormReader(HTMLParser):
    """What a browser would send from the admin's main form, as it was rendered."""

    def __init__(self):
        super().__init__()
        self.data = {}
        self._in_form = False
        self._select = self._textarea = None
        self._first_option = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._in_form = (attrs.get("id") or "").endswith("_form")
        name = attrs.get("name") or ""
        if not self._in_form or "__prefix__" in name:
            return
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.data.setdefault(name, []).append(attrs.get("value") or "on")
            else:
                self.data.setdefault(name, []).append(attrs.get("value") or "")
        elif tag == "select" and name:
            self._select, self._first_option = name, None
            self.data.setdefault(name, [])
            self._multiple = "multiple" in attrs
        elif tag == "option" and self._select:
            if self._first_option is None:
                self._first_option = attrs.get("value") or ""
            if "selected" in attrs:
                self.data[self._select].append(attrs.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "select" and self._select:
            if not self.data[self._select] and not self._multiple:
                self.data[self._select] = [self._first_option or ""]
            self._select = None
        elif tag == "textarea" and self._textarea:
            # Browsers drop the newline that follows <textarea>.
            self.data[self._textarea][0] = self.data[self._textarea][0].removeprefix("\n")
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data


def form_data(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    reader = _FormReader()
    reader.feed(response.content.decode())
    return reader.data


def post(client, url, data, **changes):
    return client.post(url, {**data, **{key: str(value) for key, value in changes.items()}})


def url(name, *args):
    return reverse(f"admin:frameworks_{name}", args=args)


# Another council's draft (only the council check can refuse it), and the editor's own council's
# published and retired versions (only the status check can).
READ_ONLY = ["other_council", "published", "retired"]


class Versions:
    """The editor's own draft, and objects they must not write to."""

    def __init__(self, demo_people):
        self.editor = demo_people["medway.framework-editor"]
        self.published = Framework.objects.get(
            organisation__slug="medway", slug="asc-social-workers", version=1
        )
        self.draft = framework_copy_to_draft(framework=self.published, actor=self.editor)
        dudley = Framework.objects.get(organisation__slug="dudley", status="published")
        self.other_council = framework_copy_to_draft(
            framework=dudley, actor=demo_people["dudley.framework-editor"]
        )
        # A retired version of the same framework (version 3), whole, routes and all.
        data = framework_as_data(self.published)
        data["status"] = FrameworkStatus.RETIRED
        self.retired = framework_import_data(data=data, name="retired")

    def of(self, target):
        return {"own_draft": self.draft, "other_council": self.other_council,
                "published": self.published, "retired": self.retired}[target]  # fmt: skip


def role_of(framework):
    return framework.roles.order_by("pk").first()


def level_of(framework, index=0):
    return Level.objects.filter(role__framework=framework).order_by("pk")[index]


def criterion_of(framework):
    return (
        Criterion.objects.filter(level__role__framework=framework, rules__isnull=False)
        .order_by("pk")
        .first()
    )


def route_of(framework):
    return framework.routes.filter(rules__isnull=False).order_by("pk").first()


def rule_of(framework):
    return Rule.objects.filter(criterion__level__role__framework=framework).order_by("pk").first()


def route_rule_of(framework):
    return Rule.objects.filter(route__framework=framework).order_by("pk").first()


@pytest.fixture
def versions(demo_people):
    return Versions(demo_people)


@pytest.fixture
def editor_client(client, versions):
    client.force_login(versions.editor)
    return client


# Each add page, with the field naming its parent (or another object it points at) and the rest
# of a valid new object.
ADD_PAGES = {
    "role": lambda f: {"framework": f.pk, "code": "NEW", "title": "A new role", "order": 9},
    "level": lambda f: {"role": role_of(f).pk, "code": "NEW", "order": 9},
    "criterion": lambda f: {"level": level_of(f).pk, "category": "knowledge", "text": "New"},
    "progressionroute": lambda f: {
        "framework": f.pk,
        "code": "NEW",
        "title": "A new route",
        "kind": "progression",
        "from_level": level_of(f).pk,
        "to_level": level_of(f, 1).pk,
        "order": 9,
    },  # fmt: skip
}


@pytest.mark.parametrize("page", list(ADD_PAGES))
@pytest.mark.parametrize("target", ["own_draft", *READ_ONLY])
def test_an_add_page_saves_only_into_the_editors_own_draft(editor_client, versions, page, target):
    data = form_data(editor_client, url(f"{page}_add"))
    named = ADD_PAGES[page](versions.of(target))
    before = snapshot()
    response = post(editor_client, url(f"{page}_add"), data, **named)
    if target == "own_draft":
        assert response.status_code == 302, response.context["adminform"].form.errors
        return
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "Select a valid choice" in str(errors)
    assert snapshot() == before


@pytest.mark.parametrize("field", ["from_level", "to_level"])
@pytest.mark.parametrize("target", READ_ONLY)
def test_a_new_route_in_a_draft_cannot_point_at_anyone_elses_level(
    editor_client, versions, field, target
):
    data = form_data(editor_client, url("progressionroute_add"))
    named = {
        **ADD_PAGES["progressionroute"](versions.draft),
        field: level_of(versions.of(target)).pk,
    }
    before = snapshot()
    response = post(editor_client, url("progressionroute_add"), data, **named)
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert snapshot() == before


def test_a_new_route_runs_between_levels_of_its_own_framework(editor_client, versions):
    """Both frameworks are the editor's own drafts: the route still may not cross them."""
    second_draft = framework_copy_to_draft(
        framework=Framework.objects.get(organisation__slug="medway", slug="family-worker"),
        actor=versions.editor,
    )
    data = form_data(editor_client, url("progressionroute_add"))
    named = {**ADD_PAGES["progressionroute"](versions.draft), "to_level": level_of(second_draft).pk}
    before = snapshot()
    response = post(editor_client, url("progressionroute_add"), data, **named)
    assert response.status_code == 200
    assert "own framework" in str(response.context["adminform"].form.errors["to_level"])
    assert snapshot() == before


# Each change page of the editor's draft, with the fields that name another object.
CHANGE_PAGES = {
    "role": (role_of, lambda f: {"framework": f.pk}),
    "level": (level_of, lambda f: {"role": role_of(f).pk}),
    "criterion": (criterion_of, lambda f: {"level": level_of(f).pk}),
    "progressionroute": (
        route_of,
        lambda f: {"framework": f.pk, "from_level": level_of(f).pk, "to_level": level_of(f, 1).pk},
    ),
}


@pytest.mark.parametrize("page", list(CHANGE_PAGES))
@pytest.mark.parametrize("target", READ_ONLY)
def test_a_drafts_object_cannot_be_moved_into_anyone_elses_version(
    editor_client, versions, page, target
):
    fetch, names = CHANGE_PAGES[page]
    obj = fetch(versions.draft)
    change = url(f"{page}_change", obj.pk)
    data = form_data(editor_client, change)
    for field, value in names(versions.of(target)).items():
        before = snapshot()
        response = post(editor_client, change, data, **{field: value})
        assert response.status_code == 200, field
        assert field in response.context["adminform"].form.errors
        assert snapshot() == before


@pytest.mark.parametrize("page", [*CHANGE_PAGES, "framework"])
def test_a_drafts_change_page_saves_as_it_was_rendered(editor_client, versions, page):
    """The control for the refusals: the same page's data, unaltered, saves."""
    fetch = CHANGE_PAGES[page][0] if page in CHANGE_PAGES else (lambda framework: framework)
    change = url(f"{page}_change", fetch(versions.draft).pk)
    response = post(editor_client, change, form_data(editor_client, change))
    assert response.status_code == 302, response.context["adminform"].form.errors


OBJECTS = {
    "framework": lambda f: f,
    "role": role_of,
    "level": level_of,
    "criterion": criterion_of,
    "progressionroute": route_of,
}


@pytest.mark.parametrize("page", list(OBJECTS))
@pytest.mark.parametrize("target", READ_ONLY)
def test_anyone_elses_version_cannot_be_changed_or_deleted(editor_client, versions, page, target):
    own = OBJECTS[page](versions.draft)
    data = form_data(editor_client, url(f"{page}_change", own.pk))
    obj = OBJECTS[page](versions.of(target))
    # Another council's object is not there for this editor; a read-only one is there to read.
    refused = 404 if target == "other_council" else 403
    before = snapshot()
    assert post(editor_client, url(f"{page}_change", obj.pk), data).status_code == refused
    assert editor_client.post(url(f"{page}_delete", obj.pk), {"post": "yes"}).status_code == refused
    assert snapshot() == before


@pytest.mark.parametrize("page", list(OBJECTS))
@pytest.mark.parametrize("target", ["published", "retired"])
def test_a_read_only_version_cannot_be_deleted_in_bulk(editor_client, versions, page, target):
    obj = OBJECTS[page](versions.of(target))
    action = {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"}
    before = snapshot()
    response = editor_client.post(url(f"{page}_changelist"), action)
    # Refused (403), or, when other records hold on to it, the page saying so comes first.
    assert response.status_code in (200, 403)
    assert snapshot() == before


@pytest.mark.parametrize("page", list(OBJECTS))
def test_a_bulk_delete_naming_another_councils_objects_deletes_nothing(
    editor_client, versions, page
):
    obj = OBJECTS[page](versions.other_council)
    action = {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"}
    before = snapshot()
    editor_client.post(url(f"{page}_changelist"), action)
    assert snapshot() == before


def test_a_drafts_objects_can_be_deleted_in_bulk(editor_client, versions):
    criterion = criterion_of(versions.draft)
    action = {"action": "delete_selected", "_selected_action": [criterion.pk], "post": "yes"}
    assert editor_client.post(url("criterion_changelist"), action).status_code == 302
    assert not Criterion.objects.filter(pk=criterion.pk).exists()


@pytest.mark.parametrize("page", list(OBJECTS))
@pytest.mark.parametrize("target", READ_ONLY)
def test_the_bulk_delete_refuses_a_read_only_object_even_if_asked_directly(versions, page, target):
    """The backstop under the admin's own checks: delete_queryset refuses on its own."""
    request = RequestFactory().post("/")
    request.user = versions.editor
    obj = OBJECTS[page](versions.of(target))
    model_admin = admin.site.get_model_admin(type(obj))
    before = snapshot()
    with pytest.raises(PermissionDenied):
        model_admin.delete_queryset(request, type(obj).objects.filter(pk=obj.pk))
    assert snapshot() == before


# Inline rows on a draft's change page: (parent page, parent, inline prefix, child of a version).
INLINES = [
    ("framework", lambda f: f, "roles", role_of),
    ("framework", lambda f: f, "routes", route_of),
    ("role", role_of, "levels", level_of),
    ("level", lambda f: criterion_of(f).level, "criteria", criterion_of),
    ("criterion", criterion_of, "rules", rule_of),
    ("progressionroute", route_of, "rules", route_rule_of),
]


@pytest.mark.parametrize(("page", "parent", "prefix", "child"), INLINES)
@pytest.mark.parametrize("target", READ_ONLY)
@pytest.mark.parametrize("delete", [False, True], ids=["change", "delete"])
def test_an_inline_row_cannot_reach_into_anyone_elses_version(
    editor_client, versions, page, parent, prefix, child, target, delete
):
    change = url(f"{page}_change", parent(versions.draft).pk)
    data = form_data(editor_client, change)
    crafted = {f"{prefix}-0-id": child(versions.of(target)).pk}
    if delete:
        crafted[f"{prefix}-0-DELETE"] = "on"
    before = snapshot()
    response = post(editor_client, change, data, **crafted)
    assert response.status_code == 200
    assert snapshot() == before


@pytest.mark.parametrize(("page", "parent", "prefix", "child"), INLINES)
@pytest.mark.parametrize("target", ["own_draft", *READ_ONLY])
def test_a_new_inline_row_cannot_name_another_parent(
    editor_client, versions, page, parent, prefix, child, target
):
    """The row's parent is the page's object, whatever the POST says."""
    change = url(f"{page}_change", parent(versions.draft).pk)
    data = form_data(editor_client, change)
    row = int(data[f"{prefix}-TOTAL_FORMS"][0])
    fk = {"roles": "framework", "routes": "framework", "levels": "role", "criteria": "level"}
    fk_name = fk.get(prefix) or ("criterion" if page == "criterion" else "route")
    # A copy of the first row, as a new row.
    for key, value in list(data.items()):
        if key.startswith(f"{prefix}-0-") and not key.endswith(("-id", f"-{fk_name}")):
            data[f"{prefix}-{row}-{key.removeprefix(f'{prefix}-0-')}"] = value
    crafted = {
        f"{prefix}-TOTAL_FORMS": row + 1,
        f"{prefix}-{row}-{fk_name}": getattr(child(versions.of(target)), f"{fk_name}_id"),
        f"{prefix}-{row}-code": "NEW",
    }
    before = snapshot()
    response = post(editor_client, change, data, **crafted)
    if target == "own_draft":
        assert response.status_code == 302
        return
    assert response.status_code == 200
    assert snapshot() == before


def test_a_route_row_on_a_drafts_page_cannot_point_at_anyone_elses_level(editor_client, versions):
    change = url("framework_change", versions.draft.pk)
    data = form_data(editor_client, change)
    for target in (versions.other_council, versions.published, versions.retired):
        for field in ("from_level", "to_level"):
            before = snapshot()
            response = post(
                editor_client, change, data, **{f"routes-0-{field}": level_of(target).pk}
            )
            assert response.status_code == 200
            assert snapshot() == before


def test_a_published_versions_page_saves_nothing_through_its_inlines(editor_client, versions):
    """The published page has no form to send; a crafted one, copied from the draft's, fails."""
    data = form_data(editor_client, url("level_change", criterion_of(versions.draft).level.pk))
    level = criterion_of(versions.published).level
    data["criteria-0-id"] = [str(level.criteria.order_by("order", "pk").first().pk)]
    before = snapshot()
    assert post(editor_client, url("level_change", level.pk), data).status_code == 403
    assert snapshot() == before


def test_the_framework_list_names_no_other_council(editor_client, versions):
    html = editor_client.get(url("framework_changelist")).content.decode()
    assert "Medway Council" in html
    assert "Dudley Council" not in html
    assert "Lincolnshire County Council" not in html


def test_a_new_framework_belongs_to_the_editors_council_whatever_the_post_says(
    editor_client, versions
):
    data = form_data(editor_client, url("framework_add"))
    dudley = Organisation.objects.get(slug="dudley")
    data.update(slug=["new-framework"], title=["New"], profession=["Social work"])
    response = post(editor_client, url("framework_add"), data, organisation=dudley.pk)
    assert response.status_code == 302
    framework = Framework.objects.get(slug="new-framework")
    assert (framework.organisation, framework.status) == (versions.editor.organisation, "draft")


def test_a_drafts_slug_cannot_take_another_versions_place(editor_client, versions):
    second_draft = framework_copy_to_draft(
        framework=Framework.objects.get(organisation__slug="medway", slug="family-worker"),
        actor=versions.editor,
    )
    change = url("framework_change", versions.draft.pk)
    before = snapshot()
    response = post(editor_client, change, form_data(editor_client, change), slug=second_draft.slug)
    assert response.status_code == 200
    assert "choose another slug" in str(response.context["adminform"].form.errors["slug"])
    assert snapshot() == before


def test_a_superuser_may_choose_any_councils_draft_but_never_a_published_version(client, versions):
    client.force_login(User.objects.create_superuser("root", "root@example.org", "x"))
    data = form_data(client, url("criterion_add"))
    before = snapshot()
    response = post(
        client, url("criterion_add"), data, **ADD_PAGES["criterion"](versions.published)
    )
    assert "level" in response.context["adminform"].form.errors
    assert snapshot() == before
    named = ADD_PAGES["criterion"](versions.other_council)
    assert post(client, url("criterion_add"), data, **named).status_code == 302


# The walk over every form the editor can open.


def _framework_of(obj):
    """Climbs to an object's framework, independently of the admin's own map."""
    while obj is not None and not isinstance(obj, Framework):
        parent = next(
            (name for name in ("framework", "role", "level", "criterion", "route")
             if getattr(obj, f"{name}_id", None)),
            None,
        )  # fmt: skip
        obj = getattr(obj, parent) if parent else None
    return obj


def _may_be_offered(user, obj):
    if isinstance(obj, (Standard, StandardSet)):
        return True  # the national standards are shared
    if isinstance(obj, Organisation):
        return user.is_superuser or obj.pk == user.organisation_id
    framework = _framework_of(obj)
    if framework is None:
        return user.is_superuser  # a model outside the frameworks: administrators only
    return framework.status == FrameworkStatus.DRAFT and (
        user.is_superuser or framework.organisation_id == user.organisation_id
    )


def offered_outside(form, user):
    """Every choice a form offers that this person may not choose."""
    return [
        (name, obj)
        for name, field in form.fields.items()
        if isinstance(field, forms.ModelChoiceField)  # ModelMultipleChoiceField is one too
        for obj in field.queryset
        if not _may_be_offered(user, obj)
    ]


def every_editor_form(user, samples):
    """Every add and change form (and each inline's forms) of every registered admin."""
    request = RequestFactory().get("/admin/")
    request.user = user
    for model, model_admin in admin.site._registry.items():
        pages = [None] + [obj for obj in samples if isinstance(obj, model)]
        for obj in pages:
            allowed = (
                model_admin.has_add_permission(request)
                if obj is None
                else model_admin.has_change_permission(request, obj)
            )
            if not allowed:
                continue
            form_class = model_admin.get_form(request, obj, change=obj is not None)
            yield f"{model.__name__} {obj or 'add'}", form_class(instance=obj)
            for formset_class, inline in model_admin.get_formsets_with_inlines(request, obj):
                formset = formset_class(instance=obj, prefix=inline.model.__name__)
                for form in [*formset.forms, formset.empty_form]:
                    yield f"{model.__name__} {obj or 'add'}: {inline.model.__name__}", form


@pytest.fixture
def samples(versions):
    """One object of every kind in Medway's and Dudley's drafts, so change pages are walked too."""
    return [
        obj
        for framework in (versions.draft, versions.other_council)
        for obj in (framework, role_of(framework), level_of(framework), criterion_of(framework),
                    route_of(framework))
    ]  # fmt: skip


@pytest.mark.parametrize(
    "username", ["medway.framework-editor", "dudley.framework-editor", "superuser"]
)
def test_every_choice_in_the_editor_is_the_persons_own_councils_drafts(
    demo_people, samples, username
):
    if username == "superuser":
        user = User.objects.create_superuser("root", "root@example.org", "x")
    else:
        user = demo_people[username]
    walked = 0
    for where, form in every_editor_form(user, samples):
        walked += 1
        outside = offered_outside(form, user)
        assert not outside, f"{where} offers {outside[:5]}"
    assert walked > 10


def test_the_walk_would_catch_an_unscoped_field(versions):
    level = forms.ModelChoiceField(queryset=Level.objects.all())
    form = forms.Form()
    form.fields["level"] = level
    assert offered_outside(form, versions.editor)


def test_a_declared_field_is_scoped_too(versions):
    """A field someone adds to an admin form by hand is limited like the generated ones."""

    class LeakyForm(forms.ModelForm):
        moved_from = forms.ModelChoiceField(queryset=Level.objects.all())
        written_by = forms.ModelChoiceField(queryset=User.objects.all())

    class LeakyAdmin(CriterionAdmin):
        form = LeakyForm

    request = RequestFactory().get("/admin/")
    request.user = versions.editor
    form = LeakyAdmin(Criterion, admin.site).get_form(request)()
    assert not offered_outside(form, versions.editor)
    assert form.fields["moved_from"].queryset.exists()
    assert not form.fields["written_by"].queryset.exists()
    assert not LeakyForm.base_fields["moved_from"].queryset.query.where  # left as declared


def test_the_editable_versions_query_agrees_with_the_predicate(demo_people, versions):
    people = [*demo_people.values(), User.objects.create_superuser("root", "r@example.org", "x")]
    frameworks = list(Framework.objects.all())
    for person in people:
        editable = set(frameworks_editable_by(person))
        for framework in frameworks:
            assert (framework in editable) == can_edit_framework(person, framework), (
                person.username,
                str(framework),
            )


# Import only ever adds a version.


def test_import_refuses_to_write_into_an_existing_published_version(versions):
    text = framework_export(framework=versions.published)
    before = snapshot()
    with pytest.raises(ImportProblems, match="exists already"):
        framework_import(text=text, version=versions.published.version)
    assert snapshot() == before


def test_import_refuses_to_write_into_an_existing_draft(versions):
    text = framework_export(framework=versions.published)
    with pytest.raises(ImportProblems, match=r"version 2 .* exists already \(draft\)"):
        framework_import(text=text, version=versions.draft.version)


def test_the_import_command_adds_a_new_version_and_leaves_the_published_one_alone(
    versions, tmp_path
):
    path = tmp_path / "asc.yaml"
    path.write_text(framework_export(framework=versions.published), encoding="utf-8")
    published_rows = Criterion.objects.filter(level__role__framework=versions.published).count()
    call_command("import_framework", str(path), stdout=open(tmp_path / "out", "w"))  # noqa: SIM115
    newest = Framework.objects.filter(slug="asc-social-workers").order_by("-version").first()
    assert newest.version == 4  # after the published 1, the draft 2 and the retired 3
    versions.published.refresh_from_db()
    assert versions.published.status == FrameworkStatus.PUBLISHED
    assert (
        Criterion.objects.filter(level__role__framework=versions.published).count()
        == published_rows
    )
