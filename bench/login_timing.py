"""Login-code timing: does a code request for a known address take longer than for an unknown one?

Runs in process against a database built by `manage.py seed_demo` (the demo-like setup),
with allauth's rate limits off for the run, interleaving a known and an unknown address 50
times (after 5 warm-up pairs) and reporting the median of each and the median of the
per-pair differences. With --broker the login-code task is published to that Redis (nobody
consumes it) instead of running in process, as in production.

    DATABASE_URL=sqlite:////tmp/demo.sqlite3 python -m bench.login_timing [--broker redis://…]
"""

import argparse
import os
import statistics
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs", type=int, default=50)
    parser.add_argument("--broker", default="")
    parser.add_argument("--phone", action="store_true", help="by mobile number, not e-mail")
    args = parser.parse_args()
    if args.broker:
        os.environ["CELERY_BROKER_URL"] = args.broker
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from org.models import User

    settings.ACCOUNT_RATE_LIMITS = False
    settings.ALLOWED_HOSTS = ["*"]
    if args.phone:
        known_user = User.objects.filter(is_active=True, email__isnull=True).exclude(phone=None)
        known = {"phone": known_user.first().phone}
        unknown = {"phone": "+4529999999"}
    else:
        known = {"email": User.objects.filter(is_active=True).exclude(email=None).first().email}
        unknown = {"email": "ukendt-person@example.dk"}
    client = Client()

    def request(body) -> float:
        started = time.perf_counter()
        response = client.post(
            "/_allauth/app/v1/auth/code/request", body, content_type="application/json"
        )
        elapsed = time.perf_counter() - started
        assert response.status_code == 401, response.content
        return elapsed * 1000

    for _ in range(5):
        request(known), request(unknown)
    pairs = []
    for i in range(args.pairs):
        # Alternate which goes first, so neither always meets a warm cache.
        if i % 2:
            u, k = request(unknown), request(known)
        else:
            k, u = request(known), request(unknown)
        pairs.append((k, u))
    known_ms = [k for k, _ in pairs]
    unknown_ms = [u for _, u in pairs]
    print(
        f"mode={'broker' if args.broker else 'in-process tasks'} by={'phone' if args.phone else 'email'} "
        f"pairs={len(pairs)} known median={statistics.median(known_ms):.1f} ms "
        f"unknown median={statistics.median(unknown_ms):.1f} ms "
        f"median gap={statistics.median(k - u for k, u in pairs):.1f} ms"
    )


if __name__ == "__main__":
    main()
