"""Django serves the built app at /app/ under the app's own Content-Security-Policy."""

import pytest

from pwa import views

pytestmark = pytest.mark.django_db


def test_the_app_shell_is_served_with_its_own_strict_policy(client):
    # When a phone opens /app/
    response = client.get("/app/")

    # Then it gets the built index.html, revalidated on every start, under the app's policy
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Cache-Control"] == "no-cache"
    assert b'<div id="app"></div>' in response.content
    policy = response["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "style-src 'self';" in policy
    assert "unsafe-inline" not in policy
    assert "worker-src 'self'" in policy
    assert "Content-Security-Policy-Report-Only" not in response


def test_hashed_assets_are_cached_for_a_year_and_the_service_worker_is_not(client):
    # Given the asset names the built index.html refers to
    html = client.get("/app/").content.decode()
    script = html.split('src="/app/')[1].split('"')[0]

    # When the browser fetches them
    asset = client.get(f"/app/{script}")
    worker = client.get("/app/sw.js")
    manifest = client.get("/app/manifest.webmanifest")

    # Then hashed files are immutable for a year; the worker and manifest are revalidated
    assert (asset.status_code, asset["Cache-Control"]) == (
        200,
        "public, max-age=31536000, immutable",
    )
    assert asset["Content-Type"].startswith("text/javascript")
    assert (worker.status_code, worker["Cache-Control"]) == (200, "no-cache")
    assert (manifest.status_code, manifest["Content-Type"]) == (200, "application/manifest+json")


@pytest.mark.parametrize(
    "path",
    ["/app/../manage.py", "/app/assets/missing.js", "/app/package.json", "/app/src/main.tsx"],
)
def test_nothing_outside_the_built_files_is_served(client, path):
    assert client.get(path).status_code == 404


def test_an_unbuilt_app_says_how_to_build_it(client, monkeypatch, tmp_path):
    # Given a checkout without the built app (pwa/dist)
    monkeypatch.setattr(views, "APP_DIST", tmp_path / "dist")

    # When the app is opened
    response = client.get("/app/")

    # Then the answer says what to run, not a stack trace
    assert response.status_code == 503
    assert response.content == b"The app is not built: cd app && npm ci && npm run build"
