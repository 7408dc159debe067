from django.urls import reverse

from panels.models import PanelSession


def test_the_service_administrators_see_panel_sessions_in_the_admin(client, personas):
    session = PanelSession.objects.filter(organisation__slug="lincolnshire").first()
    client.force_login(personas["superuser"])
    assert client.get(reverse("admin:panels_panelsession_changelist")).status_code == 200
    change = reverse("admin:panels_panelsession_change", args=[session.pk])
    assert client.get(change).status_code == 200
    assert client.get(reverse("admin:panels_panelsession_add")).status_code == 403


def test_a_framework_editor_does_not_see_panel_sessions_in_the_admin(client, personas):
    client.force_login(personas["framework_editor"])
    assert client.get(reverse("admin:panels_panelsession_changelist")).status_code == 403
    assert b"panelsession" not in client.get(reverse("admin:index")).content


def test_the_admin_refuses_a_deadline_after_the_session(client, personas):
    session = PanelSession.objects.filter(organisation__slug="dudley").first()
    client.force_login(personas["superuser"])
    change = reverse("admin:panels_panelsession_change", args=[session.pk])
    form = client.get(change).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    late = session.starts_at.date().isoformat()
    data.update(
        {"starts_at_0": session.starts_at.strftime("%Y-%m-%d"), "starts_at_1": "10:00:00",
         "ends_at_0": session.ends_at.strftime("%Y-%m-%d"), "ends_at_1": "13:00:00",
         "submission_deadline": late}
    )  # fmt: skip
    data.pop("starts_at"), data.pop("ends_at")
    response = client.post(change, data)
    assert response.status_code == 200
    assert "The submission deadline must be before the session" in response.content.decode()
