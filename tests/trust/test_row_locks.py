"""A row lock with joined rows locks only its own table.

PostgreSQL refuses `FOR UPDATE` on the nullable side of an outer join (a `select_related`
over a nullable foreign key, e.g. a comment's author after erasure), and SQLite ignores
`FOR UPDATE`: such a query passed every SQLite test and answered 500 on PostgreSQL. Locking
`of=("self",)` is also what the services mean (the row they change, not its neighbours).
"""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def _chain(node):
    """The calls of a method chain, outermost first: a.b().c().d() → d, c, b."""
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        yield node
        node = node.func.value


def _unbounded_locks(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if not isinstance(node, ast.Call):
            continue
        calls = list(_chain(node))
        if not calls or calls[0] is not node:
            continue
        names = {call.func.attr: call for call in calls}
        lock = names.get("select_for_update")
        if lock and "select_related" in names and not any(k.arg == "of" for k in lock.keywords):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_every_row_lock_over_a_join_names_the_table_it_locks():
    apps = {name.split(".")[0] for name in settings.INSTALLED_APPS}
    paths = [
        path
        for app in sorted(apps)
        if (ROOT / app / "__init__.py").is_file()
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
    ]
    assert paths
    assert sorted({hit for path in paths for hit in _unbounded_locks(path)}) == []
