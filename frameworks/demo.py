"""The seeds' frameworks and the national standards, loaded from fixtures/ for the demo."""

from pathlib import Path

from django.conf import settings
from django.utils.text import slugify

from frameworks.importing import framework_import_file, read_yaml, standard_set_import
from frameworks.models import Framework, StandardSet

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


def reference_data_load():
    """Load every standard set and framework file that is not loaded yet. Safe to run again."""
    for path in sorted((FIXTURES / "standards").glob("*.yaml")):
        data = read_yaml(path.read_text(encoding="utf-8"), str(path))
        if not StandardSet.objects.filter(code=data["code"]).exists():
            standard_set_import(text=path.read_text(encoding="utf-8"), name=str(path))
    loaded = []
    for path in sorted((FIXTURES / "frameworks").glob("*.yaml")):
        data = read_yaml(path.read_text(encoding="utf-8"), str(path))
        slug = data.get("slug") or slugify(data["title"])[:80]
        if not Framework.objects.filter(
            organisation__name=data["organisation"], slug=slug
        ).exists():
            loaded.append(framework_import_file(path=path))
    return loaded
