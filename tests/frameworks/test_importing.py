import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from careerpath.models import Organisation
from frameworks.importing import (
    ImportProblems,
    framework_as_data,
    framework_export,
    framework_import,
)
from frameworks.models import Framework

FIXTURES = sorted((Path(settings.BASE_DIR) / "fixtures" / "frameworks").glob("*.yaml"))

MINIMAL = """\
organisation: Medway Council
title: Test framework
profession: Testers
roles:
  - code: T
    title: Tester
    levels:
      - code: TA
        order: 1
        criteria:
          - category: experience
            text: Six months of testing.
            rules:
              - {type: min_months_at_level, months: 6}
      - code: TB
        order: 2
routes:
  - code: TA-TB
    title: Tester A to B
    kind: progression
    from_level: TA
    to_level: TB
"""


@pytest.mark.parametrize("path", FIXTURES, ids=lambda path: path.stem)
def test_export_then_import_gives_the_same_framework(db, path):
    original = Framework.objects.get(
        organisation__name=framework_data_of(path)["organisation"],
        slug=framework_data_of(path)["slug"],
        version=1,
    )
    text = framework_export(framework=original)
    copy = framework_import(text=text, name="exported.yaml")
    assert copy.version == 2
    assert framework_as_data(copy) == framework_as_data(original)
    # And the export of the copy is the same file, byte for byte.
    assert framework_export(framework=copy) == text


def framework_data_of(path):
    import yaml

    return yaml.safe_load(path.read_text())


def test_a_sound_file_imports_as_the_next_version(db):
    first = framework_import(text=MINIMAL)
    second = framework_import(text=MINIMAL)
    assert (first.version, second.version) == (1, 2)
    assert first.roles.get().levels.count() == 2
    assert first.routes.get().from_level.code == "TA"


@pytest.mark.parametrize(
    "change, expected",
    [
        (("category: experience", "category: feelings"), "test.yaml:11: category 'feelings'"),
        (("months: 6}", "months: -6}"), "test.yaml:14:"),
        (("type: min_months_at_level", "type: vibes"), "test.yaml:14:"),
        (("to_level: TB", "to_level: TZ"), "test.yaml:18: to_level 'TZ' is not a level"),
        (("organisation: Medway Council", "organisation: Nowhere"), "test.yaml:1: no organisation"),
        (("      - code: TB", "      - code: TA"), "test.yaml:15: level code 'TA' is used twice"),
        (("title: Tester\n", "title: Tester\n  colour: blue\n"), "test.yaml:"),
        (("roles:", "roles: ["), "test.yaml:"),
    ],
)
def test_problems_are_reported_with_file_and_line_and_nothing_is_written(db, change, expected):
    before = Framework.objects.count()
    with pytest.raises(ImportProblems) as raised:
        framework_import(text=MINIMAL.replace(*change), name="test.yaml")
    assert any(problem.startswith(expected) for problem in raised.value.problems), (
        raised.value.problems
    )
    assert Framework.objects.count() == before


def test_every_problem_in_a_file_is_reported_at_once(db):
    text = MINIMAL.replace("category: experience", "category: x").replace(
        "to_level: TB", "to_level: TZ"
    )
    with pytest.raises(ImportProblems) as raised:
        framework_import(text=text, name="test.yaml")
    assert len(raised.value.problems) == 2


def test_a_framework_can_be_loaded_for_another_organisation(db):
    dudley = Organisation.objects.get(slug="dudley")
    framework = framework_import(text=MINIMAL, organisation=dudley)
    assert framework.organisation == dudley


def test_the_import_and_export_commands(db, tmp_path):
    path = tmp_path / "framework.yaml"
    path.write_text(MINIMAL)
    out = io.StringIO()
    call_command("import_framework", str(path), stdout=out)
    assert "Imported Test framework (version 1)" in out.getvalue()
    exported = tmp_path / "exported.yaml"
    call_command("export_framework", "medway", "test-framework", "--output", str(exported))
    assert "title: Test framework" in exported.read_text()


def test_the_import_command_reports_problems_with_their_lines(db, tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(MINIMAL.replace("category: experience", "category: feelings"))
    with pytest.raises(CommandError, match=r"broken.yaml:11: category 'feelings'"):
        call_command("import_framework", str(path))


WORKFLOW = (
    "    workflow: {booking: null, referral_by: null, manager_report: false,"
    " endorsement_by: null, eligibility_check_by: null, decided_by: line_manager}\n"
)


def test_a_routes_workflow_is_imported_and_exported(db):
    framework = Framework.objects.get(
        pk=framework_import(text=MINIMAL + WORKFLOW, name="test.yaml").pk
    )
    route = framework.routes.get()
    assert route.workflow["decided_by"] == "line_manager"
    assert "decided_by: line_manager" in framework_export(framework=framework)


@pytest.mark.parametrize(
    "change, expected",
    [
        (("booking: null", "booking: sometimes"), "workflow booking must be one of"),
        (("booking: null, ", ""), "workflow needs 'booking'"),
        (("decided_by: line_manager", "decided_by: panel"), "decided by a panel needs its panel"),
        (("manager_report: false", "manager_report: false, colour: blue"), "unknown workflow"),
    ],
)
def test_a_workflow_with_unknown_steps_or_values_is_refused(db, change, expected):
    with pytest.raises(ImportProblems) as raised:
        framework_import(text=MINIMAL + WORKFLOW.replace(*change), name="test.yaml")
    assert any(expected in problem for problem in raised.value.problems), raised.value.problems
