"""Run the test OpenID Connect provider: `python -m tests.oidc_provider.serve CONFIG.json`.

The configuration names the SQLite file, the RSA key file, the clients and the people. The
server binds a free loopback port first (the issuer URL needs it), migrates, writes the clients
and people, then prints `READY <port>` and serves until killed.
"""

import json
import os
import sys
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # the test output stays readable
        pass


def _populate(config: dict) -> None:
    from django.contrib.auth import get_user_model
    from oauth2_provider.models import Application

    for client in config["clients"]:
        Application.objects.create(
            name=client["client_id"],
            client_id=client["client_id"],
            client_secret=client.get("secret", ""),
            client_type=client.get("type", Application.CLIENT_CONFIDENTIAL),
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=" ".join(client["redirect_uris"]),
            post_logout_redirect_uris=" ".join(client.get("post_logout_redirect_uris", [])),
            algorithm=Application.RS256_ALGORITHM,
            skip_authorization=True,
        )
    for user in config["users"]:
        get_user_model().objects.create_user(username=user["username"], password=user["password"])


def main(config_path: str) -> None:
    with open(config_path) as f:
        config = json.load(f)
    if days := config.get("clock_ahead_days"):
        # The suite's --clock-ahead-days moves Bro's clock; the provider's must move with it,
        # or every ID token it issues would look long expired to Bro.
        import datetime as dt

        import time_machine

        time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=days), tick=True).start()
    server = make_server(
        "127.0.0.1", 0, None, server_class=ThreadingServer, handler_class=QuietHandler
    )
    port = server.server_port
    os.environ.update(
        DJANGO_SETTINGS_MODULE="tests.oidc_provider.settings",
        OIDC_PROVIDER_CONFIG=config_path,
        OIDC_PROVIDER_DB=config["database"],
        OIDC_PROVIDER_KEY=config["key_file"],
        OIDC_PROVIDER_ISSUER=f"http://127.0.0.1:{port}/o",
    )
    import django
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application

    django.setup()
    call_command("migrate", verbosity=0)
    _populate(config)
    server.set_app(get_wsgi_application())
    print(f"READY {port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1])
