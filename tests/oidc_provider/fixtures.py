"""Start the test OpenID Connect provider once per test session, and point Bro at it."""

import json
import selectors
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwcrypto import jwk

REPO = Path(__file__).resolve().parents[2]
PROVIDER_ID = "arbejdskonto"
WEB_CLIENT = ("bro-web", "bro-web-secret")
APP_CLIENT = "bro-app"  # a native app: a public client with PKCE
OTHER_CLIENT = ("other-app", "other-app-secret")  # another municipality system
APP_REDIRECT = "http://127.0.0.1/app/callback"
CALLBACK = f"/accounts/oidc/{PROVIDER_ID}/login/callback/"
PASSWORD = "Hemmelig-1234"
START_DEADLINE_SECONDS = 90

# The people the provider knows. Bro's tests give their Bro people the same e-mails.
PEOPLE = {
    "lone": {
        "email": "lone.jensen@slagelse.dk",
        "employee_number": "10001",
        "groups": ["g-ledere"],
    },
    "hanne": {"email": "hanne.hr@slagelse.dk", "employee_number": "10002", "groups": ["g-hr"]},
    "mette": {"email": "mette.hansen@slagelse.dk", "employee_number": "10003", "groups": []},
    "ukendt": {"email": "ukendt@slagelse.dk", "employee_number": "99999", "groups": []},
    "lukket": {"email": "lukket@slagelse.dk", "employee_number": "10004", "groups": []},
    "uverificeret": {
        "email": "mette.hansen@slagelse.dk",
        "email_verified": False,
        "employee_number": "10005",
        "groups": [],
    },
}


@dataclass
class Provider:
    url: str
    issuer: str
    private_key_pem: bytes
    kid: str

    def claims_of(self, username: str) -> dict:
        return PEOPLE[username]


def _config(tmp: Path, key_file: Path) -> dict:
    hosts = ("testserver", "127.0.0.1", "localhost")
    return {
        "database": str(tmp / "idp.sqlite3"),
        "key_file": str(key_file),
        "clients": [
            {
                "client_id": WEB_CLIENT[0],
                "secret": WEB_CLIENT[1],
                "redirect_uris": [f"http://{host}{CALLBACK}" for host in hosts],
                "post_logout_redirect_uris": [
                    f"http://{host}{page}"
                    for host in hosts
                    for page in ("/dashboard/login/", "/admin/login/", "/app/")
                ],
            },
            {
                "client_id": APP_CLIENT,
                "type": "public",
                "redirect_uris": [APP_REDIRECT, *(f"http://{h}{CALLBACK}" for h in hosts)],
            },
            {
                "client_id": OTHER_CLIENT[0],
                "secret": OTHER_CLIENT[1],
                "redirect_uris": [APP_REDIRECT],
            },
        ],
        "users": [
            {
                "username": username,
                "password": PASSWORD,
                "claims": {
                    "name": username.capitalize(),
                    "upn": claims["email"],
                    "email_verified": True,
                    **claims,
                },
            }
            for username, claims in PEOPLE.items()
        ],
    }


def _wait_ready(process: subprocess.Popen) -> int:
    deadline = time.monotonic() + START_DEADLINE_SECONDS
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    while (left := deadline - time.monotonic()) > 0:
        if selector.select(timeout=left):
            line = process.stdout.readline()
            if line.startswith("READY "):
                return int(line.split()[1])
            if not line:  # the process ended
                break
    process.kill()
    raise RuntimeError(f"the test OpenID Connect provider did not start: {process.stderr.read()}")


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory, pytestconfig):
    tmp = tmp_path_factory.mktemp("oidc-provider")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    key_file = tmp / "idp-key.pem"
    key_file.write_bytes(pem)
    config_file = tmp / "idp.json"
    config = _config(tmp, key_file)
    config["clock_ahead_days"] = pytestconfig.getoption("--clock-ahead-days")
    config_file.write_text(json.dumps(config))
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.oidc_provider.serve", str(config_file)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        port = _wait_ready(process)
        url = f"http://127.0.0.1:{port}"
        yield Provider(
            url=url,
            issuer=f"{url}/o",
            private_key_pem=pem,
            kid=jwk.JWK.from_pem(pem).thumbprint(),
        )
    finally:
        process.terminate()
        process.wait(timeout=30)


def bro_sso_apps(provider: Provider) -> list[dict]:
    """Bro's SOCIALACCOUNT apps for this provider, as settings.py builds them from the env."""
    common = {
        "provider_id": PROVIDER_ID,
        "name": "Log ind med Slagelse-konto",
        "settings": {
            "server_url": provider.issuer,
            "oauth_pkce_enabled": True,
            "scope": ["openid", "profile", "email"],
        },
    }
    return [
        {**common, "client_id": WEB_CLIENT[0], "secret": WEB_CLIENT[1]},
        {
            **common,
            "client_id": APP_CLIENT,
            "secret": "",
            "settings": {**common["settings"], "hidden": True},
        },
    ]


@pytest.fixture
def sso(settings, oidc_provider):
    """Bro with SSO on, against the test provider; yields the provider."""
    settings.SSO_PROVIDER_ID = PROVIDER_ID
    settings.SOCIALACCOUNT_PROVIDERS = {
        **settings.SOCIALACCOUNT_PROVIDERS,
        "openid_connect": {
            **settings.SOCIALACCOUNT_PROVIDERS["openid_connect"],
            "APPS": bro_sso_apps(oidc_provider),
        },
    }
    return oidc_provider
