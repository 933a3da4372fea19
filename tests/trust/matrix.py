"""The authorization matrix's machinery: the routes from the resolver, paths, and the checker."""

from collections.abc import Iterable, Mapping

from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

METHODS = ("get", "post", "put", "patch", "delete")
ROLES = (
    "anonymous",
    "employee",
    "employee_b",
    "leader",
    "leader_b",
    "buddy",
    "hr",
    "comms",
    "admin",
    "deactivated",
)


def api_routes() -> set[tuple[str, str]]:
    """Every (url name, method) the project serves under /api/v1/, from the URL resolver."""
    routes: set[tuple[str, str]] = set()

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern).lstrip("^")
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and route.startswith("api/v1/"):
                if r"\.(?P<format>" in route or "<drf_format_suffix" in route:
                    continue
                routes.update((pattern.name, method) for method in _methods(pattern.callback))

    walk(get_resolver().url_patterns, "")
    return routes


def _methods(callback) -> list[str]:
    if actions := getattr(callback, "actions", None):  # a ViewSet route: {method: action}
        return sorted(method for method in actions if method in METHODS)  # not head/options
    view = callback.cls
    return [m for m in METHODS if hasattr(view, m)]


def unchecked(routes: Iterable[tuple[str, str]], table: Mapping) -> dict[str, set]:
    """Routes without a row, and rows for routes that no longer exist."""
    routes = set(routes)
    return {"without_row": routes - set(table), "stale_rows": set(table) - routes}


_PK_KIND = {  # longest prefix first: which object a route's {pk} names
    "cascade-task": "cascade_task",
    "cascade-question": "cascade_question",
    "followup-task": "followup_task",
    "followup-action": "followup_action",
    "followup-survey": "survey",
    "cascade": "cascade",
    "onboarding-journey": "journey",
    "onboarding-track": "track",
    "onboarding-step": "step",
    "person": "person",
    "survey": "survey",
    "unit": "unit",
    "post": "post",
}


def route_params(name: str) -> list[str]:
    [(possibilities, *_rest)] = get_resolver().reverse_dict.getlist(name)[:1]
    return list(possibilities[0][1])


def path_for(name: str, objects: Mapping[str, int | str]) -> str:
    """The URL of route `name` for one side's objects ({pk} chosen by the route's name)."""
    kwargs = {}
    for param in route_params(name):
        if param == "pk":
            kind = next(kind for prefix, kind in _PK_KIND.items() if name.startswith(prefix))
            kwargs["pk"] = objects[kind]
        else:
            kwargs[param] = objects[param]
    return reverse(name, kwargs=kwargs)


def call(client, method: str, path: str, query: str = "", body: dict | None = None):
    """One request, its writes rolled back, so every cell starts from the same world."""
    with transaction.atomic():
        if method in {"post", "put", "patch"}:
            fmt = "multipart" if path.endswith("/attachments/") else "json"
            response = getattr(client, method)(path + query, body or {}, format=fmt)
        else:
            response = getattr(client, method)(path + query)
        transaction.set_rollback(True)
    return response
