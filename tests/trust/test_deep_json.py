"""Deeply nested JSON is refused with 400 before any parser runs, on every route that takes a
body: /api/v1/ and allauth's /_allauth/ alike, signed in or not.

The routes come from the URL resolver, so a new write route without a row here fails
`test_every_write_route_has_a_row`.
"""

import pytest
from django.db import transaction
from django.urls import URLResolver, get_resolver, reverse

from api.middleware import MAX_JSON_DEPTH, json_nests_deeper_than
from content.models import Post
from org.models import User

from .matrix import path_for
from .test_authorization_matrix import _objects

WRITE_METHODS = ("post", "put", "patch")

# Every write route: (namespaced url name, method). allauth's own rows answer in allauth's shape.
ROUTES = {
    ("me", "patch"),
    ("person-list", "post"),
    ("person-detail", "patch"),
    ("person-deactivate", "post"),
    ("person-reactivate", "post"),
    ("person-erase", "post"),
    ("push-devices", "post"),
    ("push-preferences", "patch"),
    ("push-opened", "post"),
    ("push-alerts", "post"),
    ("push-answer", "post"),
    ("push-sms-report", "post"),
    ("post-list", "post"),
    ("post-detail", "patch"),
    ("post-acknowledge", "post"),
    ("post-archive", "post"),
    ("post-attachments", "post"),
    ("post-publish", "post"),
    ("post-rsvp", "post"),
    ("post-unschedule", "post"),
    ("post-version", "put"),
    ("post-version-approve", "post"),
    ("post-version-machine-draft", "post"),
    ("app-sso-session", "post"),
    ("app-logout", "post"),
    ("onboarding-track-list", "post"),
    ("onboarding-track-detail", "patch"),
    ("onboarding-track-steps", "put"),
    ("onboarding-journey-list", "post"),
    ("onboarding-journey-detail", "patch"),
    ("onboarding-journey-add-step", "post"),
    ("onboarding-journey-cancel", "post"),
    ("onboarding-step-complete", "post"),
    ("onboarding-step-skip", "post"),
    ("survey-list", "post"),
    ("survey-from-template", "post"),
    ("survey-detail", "patch"),
    ("survey-wave-responses", "post"),
    ("cascade-list", "post"),
    ("cascade-task-pass-on", "post"),
    ("cascade-task-meeting", "post"),
    ("cascade-task-delegate", "post"),
    ("cascade-ask", "post"),
    ("cascade-attachments", "post"),
    ("cascade-faq", "post"),
    ("cascade-question-answer", "post"),
    ("cascade-question-forward", "post"),
    ("cascade-question-topic", "post"),
    ("followup-task-actions", "post"),
    ("followup-task-publish", "post"),
    ("followup-action-detail", "patch"),
    ("followup-survey-question", "post"),
    ("dialogue-post-comments", "post"),
    ("dialogue-post-comment-settings", "patch"),
    ("dialogue-post-reactions", "put"),
    ("dialogue-comment", "patch"),
    ("dialogue-comment-report", "post"),
    ("dialogue-comment-moderate", "post"),
    ("dialogue-questions", "post"),
    ("dialogue-question-answer", "post"),
    ("dialogue-question-close", "post"),
    ("dialogue-question-publish", "post"),
    ("headless:app:account:reauthenticate", "post"),
    ("headless:app:account:confirm_login_code", "post"),
    ("headless:app:account:request_reauthentication_code", "post"),
    ("headless:app:account:confirm_reauthentication_code", "post"),
    ("headless:app:account:resend_reauthentication_code", "post"),
    ("headless:app:account:request_password_reset", "post"),
    ("headless:app:account:reset_password", "post"),
    ("headless:app:account:login", "post"),
    ("headless:app:account:signup", "post"),
    ("headless:app:account:verify_email", "post"),
    ("headless:app:account:resend_email_verification_code", "post"),
    ("headless:app:account:verify_phone", "post"),
    ("headless:app:account:resend_phone_verification_code", "post"),
    ("headless:app:account:request_login_code", "post"),
    ("headless:app:account:resend_login_code", "post"),
    ("headless:app:account:change_password", "post"),
    ("headless:app:account:manage_email", "post"),
    ("headless:app:account:manage_email", "put"),
    ("headless:app:account:manage_email", "patch"),
    ("headless:app:account:manage_phone", "post"),
    ("headless:app:tokens:refresh", "post"),
    ("headless:app:socialaccount:provider_signup", "post"),
    ("headless:app:socialaccount:provider_token", "post"),
    ("headless:app:socialaccount:redirect_to_provider", "post"),
}

# ~10,000 levels in ~20 KB: what raised RecursionError (a 500) before the limit.
DEEP = '{"email": ' + "[" * 10_000 + "]" * 10_000 + "}"


def write_routes() -> set[tuple[str, str]]:
    """Every (namespaced name, method) taking a body under /api/v1/ or /_allauth/."""
    routes: set[tuple[str, str]] = set()

    def walk(patterns, prefix: str, namespaces: list[str]) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern).lstrip("^")
            if isinstance(pattern, URLResolver):
                inner = [*namespaces, pattern.namespace] if pattern.namespace else namespaces
                walk(pattern.url_patterns, route, inner)
                continue
            if not route.startswith(("api/v1/", "_allauth/")):
                continue
            if r"\.(?P<format>" in route or "<drf_format_suffix" in route:
                continue
            name = ":".join([*namespaces, pattern.name])
            callback = pattern.callback
            if actions := getattr(callback, "actions", None):
                methods = [m for m in actions if m in WRITE_METHODS]
            else:
                view = getattr(callback, "view_class", None) or callback.cls
                methods = [m for m in WRITE_METHODS if hasattr(view, m)]
            routes.update((name, method) for method in methods)

    walk(get_resolver().url_patterns, "", [])
    return routes


def test_every_write_route_has_a_row():
    routes = write_routes()
    assert {"without_row": routes - ROUTES, "stale_rows": ROUTES - routes} == {
        "without_row": set(),
        "stale_rows": set(),
    }


def _path(name: str, world) -> str:
    if name.startswith("headless:"):
        return reverse(name)
    return path_for(name, _objects(world, "a"))


@pytest.mark.parametrize("as_role", ["anonymous", "employee", "hr"])
def test_deep_json_is_a_400_on_every_write_route(world, client_for, as_role):
    # Given a caller (anonymous, or signed in) and the counts of what a write would add
    user = {"anonymous": None, "employee": world.org.employee, "hr": world.org.hr}[as_role]
    client = client_for(user)
    before = (User.objects.count(), Post.objects.count())
    wrong = []
    # When it sends a 10,000-level body to every write route
    for name, method in sorted(ROUTES):
        path = _path(name, world)
        response = call_raw(client, method, path)
        body = response.json() if response["Content-Type"] == "application/json" else None
        if name.startswith("headless:"):
            ok = body is not None and body["errors"][0]["code"] == "too_deeply_nested"
        else:
            ok = body is not None and body.get("code") == "too_deeply_nested"
        # Then each answers 400 in its own error shape
        if response.status_code != 400 or not ok:
            wrong.append(f"{method.upper()} {path} ({name}): {response.status_code} {body}")
    assert wrong == [], "\n".join(wrong)
    # And nothing was written
    assert (User.objects.count(), Post.objects.count()) == before


def call_raw(client, method: str, path: str):
    """One raw JSON request, its writes (were there any) rolled back."""
    with transaction.atomic():
        response = getattr(client, method)(path, DEEP, content_type="application/json")
        transaction.set_rollback(True)
    return response


def test_deep_json_declared_as_a_form_or_upload_is_refused_by_allauth_too(db, client_for):
    # Given allauth, which parses any body as JSON whatever its declared type
    path = reverse("headless:app:account:request_login_code")
    client = client_for()
    for content_type in ("multipart/form-data; boundary=x", "application/x-www-form-urlencoded"):
        # When a deep body arrives with that type
        response = client.post(path, DEEP, content_type=content_type)
        # Then it is refused in allauth's shape
        assert response.status_code == 400
        assert response.json()["errors"][0]["code"] == "too_deeply_nested"


def test_nesting_up_to_the_limit_passes_and_one_more_is_refused():
    at_limit = ("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH).encode()
    over = ("[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1)).encode()
    assert json_nests_deeper_than(at_limit, MAX_JSON_DEPTH) is False
    assert json_nests_deeper_than(over, MAX_JSON_DEPTH) is True


def test_brackets_inside_strings_do_not_count_and_escapes_are_honoured():
    # Brackets inside a string, with escaped quotes and backslashes, are text, not nesting
    text = '{"title": "' + '[{\\"\\\\' * 1000 + '"}'
    assert json_nests_deeper_than(text.encode(), MAX_JSON_DEPTH) is False
    # An escaped quote does not end the string, so the brackets after it are still text
    assert json_nests_deeper_than(b'{"a": "\\"' + b"[" * 100 + b'"}', MAX_JSON_DEPTH) is False
    # After the string ends, brackets count again
    deep = b'{"a": "\\\\"' + b", " + b"[" * 100 + b"]" * 100 + b"}"
    assert json_nests_deeper_than(deep, MAX_JSON_DEPTH) is True


def test_a_real_body_passes(org, client_for):
    response = client_for(org.employee).patch("/api/v1/me/", {"language": "en"}, format="json")
    assert response.status_code == 200
