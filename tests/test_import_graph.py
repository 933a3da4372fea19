"""The project's import graph: no cycle inside an app, and apps import downward only.

Read from the source with `ast` (nothing is imported), counting every import, the ones inside
functions too: an import moved into a function to dodge a cycle is still a cycle.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = [
    "api",
    "backend",
    "cascade",
    "content",
    "dashboard",
    "dialogue",
    "followup",
    "hrsync",
    "onboarding",
    "org",
    "push",
    "surveys",
]

# Which apps each app may import (DESIGN: org ← push ← content, onboarding, surveys, cascade ←
# dashboard; hrsync provisions org and onboarding). backend (settings, errors, the celery app)
# is the ground everything stands on, and api (the HTTP layer: base serializers, permissions,
# routing, error format) is shared by every app and knows none of them. The project's URLconf
# assembles everything, so it is above all (TOP).
BASE = {"backend", "api"}
MAY_IMPORT = {
    "backend": set(),
    "api": {"backend"},
    "org": BASE,
    "push": BASE | {"org"},
    "content": BASE | {"org", "push"},
    "onboarding": BASE | {"org", "push", "content"},
    "surveys": BASE | {"org", "push"},
    "cascade": BASE | {"org", "push", "content", "surveys"},
    "dialogue": BASE | {"org", "push", "content"},
    "followup": BASE | {"org", "push", "content", "surveys"},
    # The moderation and questions pages act through dialogue's services.
    "dashboard": BASE
    | {"org", "push", "content", "onboarding", "surveys", "cascade", "dialogue", "followup"},
    "hrsync": BASE | {"org", "onboarding"},
}
TOP = {"backend.urls"}


def _modules() -> dict[str, Path]:
    modules = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            modules[name] = path
    return modules


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The project modules `name` imports (a `from x import y` of a submodule counts as x.y)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(name, path, known) for name, path in modules.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(groups)


def _app(module: str) -> str:
    return module.split(".")[0]


def test_the_graph_is_read_from_the_source():
    graph = _graph()
    # A known edge in each direction of the reading: relative and absolute imports.
    assert "org.models" in graph["org.services"]
    assert "org.models" in graph["surveys.models"]
    assert len(graph) > 100


def test_no_import_cycle_inside_any_app():
    graph = _graph()
    inside = {m: {t for t in targets if _app(t) == _app(m)} for m, targets in graph.items()}
    assert _cycles(inside) == []


def test_apps_import_downward_only():
    graph = _graph()
    upward = sorted(
        (module, target)
        for module, targets in graph.items()
        for target in targets
        if module not in TOP
        and _app(target) != _app(module)
        and _app(target) not in MAY_IMPORT[_app(module)]
    )
    assert upward == []


def test_a_cycle_is_found():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
