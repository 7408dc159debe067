"""The seeds' frameworks and the national standards, loaded from fixtures/ for the demo."""

from pathlib import Path

from django.conf import settings

from frameworks.importing import (
    framework_import_data,
    framework_slug,
    read_yaml,
    standard_set_import,
)
from frameworks.models import Framework, StandardSet

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


def reference_data_load():
    """Load every standard set and framework file that is not loaded yet. Safe to run again."""
    for path in sorted((FIXTURES / "standards").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        if not StandardSet.objects.filter(code=read_yaml(text, str(path))["code"]).exists():
            standard_set_import(text=text, name=str(path))
    loaded = []
    for path in sorted((FIXTURES / "frameworks").glob("*.yaml")):
        data = read_yaml(path.read_text(encoding="utf-8"), str(path))
        if not Framework.objects.filter(
            organisation__name=data["organisation"], slug=framework_slug(data)
        ).exists():
            loaded.append(framework_import_data(data=data, name=str(path)))
    return loaded
