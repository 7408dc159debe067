"""Row locks lock the row a service changes, and only that row.

On PostgreSQL `select_for_update()` with `select_related()` also locks every joined row (the
applicant's user, their council: everyone in a council would queue behind one save), and fails
outright when a join is nullable ("FOR UPDATE cannot be applied to the nullable side of an outer
join"), which SQLite never shows. So every lock names the rows it takes with `of=`."""

import ast
from pathlib import Path

from django.conf import settings

APPS = ("careerpath", "frameworks", "portfolios", "panels")


def lock_calls():
    for app in APPS:
        for path in sorted((Path(settings.BASE_DIR) / app).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "select_for_update"
                ):
                    yield path.relative_to(settings.BASE_DIR), node


def test_there_are_row_locks_to_check():
    assert len(list(lock_calls())) > 5


def test_every_row_lock_names_the_rows_it_takes():
    unnamed = [
        f"{path}:{node.lineno}"
        for path, node in lock_calls()
        if not any(keyword.arg == "of" for keyword in node.keywords)
    ]
    assert unnamed == [], "select_for_update() without of=: " + ", ".join(unnamed)
