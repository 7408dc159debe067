import io

from django.apps import apps
from django.core.management import call_command

from careerpath.models import Organisation, Role, RoleMembership


def snapshot():
    """Every row of every model, as plain values."""
    return {
        model._meta.label: sorted(map(repr, model.objects.values_list()))
        for model in apps.get_models()
        if model._meta.app_label in {"careerpath", "frameworks", "portfolios", "panels"}
        and model._meta.model_name not in {"auditevent"}
    }


def test_demo_data_loads_the_three_councils_with_someone_in_every_role(db):
    call_command("load_demo_data", stdout=io.StringIO())
    assert set(Organisation.objects.values_list("name", flat=True)) == {
        "Medway Council",
        "Lincolnshire County Council",
        "Dudley Council",
    }
    for organisation in Organisation.objects.all():
        held = set(
            RoleMembership.objects.filter(organisation=organisation).values_list("role", flat=True)
        )
        assert held == set(Role.values), organisation


def test_loading_demo_data_twice_changes_nothing(db):
    call_command("load_demo_data", stdout=io.StringIO())
    first = snapshot()
    call_command("load_demo_data", stdout=io.StringIO())
    assert snapshot() == first


def test_demo_workers_have_the_employment_facts_the_rules_need(demo_people):
    worker = demo_people["lincolnshire.worker"]
    assert worker.swe_registration_date and worker.qualification_date
    assert worker.line_manager and worker.practice_supervisor and worker.team_manager
    assert worker.team.organisation == worker.organisation
    assert worker.level_history.filter(ended_on__isnull=True).count() == 1
