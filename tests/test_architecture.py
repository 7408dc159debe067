"""The one-way dependency rule: panels -> portfolios -> frameworks -> careerpath."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

MAY_NOT_IMPORT = {
    "careerpath": {"frameworks", "portfolios", "panels"},
    "frameworks": {"portfolios", "panels"},
    "portfolios": {"panels"},
}


def imported_top_levels(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name.split(".")[0], node.lineno
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module.split(".")[0], node.lineno


@pytest.mark.parametrize("app", sorted(MAY_NOT_IMPORT))
def test_apps_only_import_downwards(app):
    offences = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in (ROOT / app).rglob("*.py")
        for module, line in imported_top_levels(path)
        if module in MAY_NOT_IMPORT[app]
    ]
    assert offences == []
