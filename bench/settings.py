"""Settings for benchmark runs: the app's own settings plus the bare baselines' URLs.

Only the benchmark uses this module. It points at its own PostgreSQL database (never the one
the app or the tests use) and turns DEBUG off, since DEBUG keeps every query in memory.
"""

import environ

from backend.settings import *  # noqa: F403
from backend.settings import DATABASES, USING_POSTGRESQL

_env = environ.Env()

BENCH_DATABASE_URL = _env.str(
    "BENCH_DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/bro_bench"
)
DATABASES["default"] = {
    **_env.db_url_config(BENCH_DATABASE_URL),
    "CONN_MAX_AGE": 60,
    "CONN_HEALTH_CHECKS": True,
    "ATOMIC_REQUESTS": False,
    # The app's own options only when they are PostgreSQL's: on the embedded default they are
    # SQLite's (transaction_mode, timeout), which psycopg refuses.
    "OPTIONS": (DATABASES["default"].get("OPTIONS") if USING_POSTGRESQL else None)
    or {"options": "-c jit=off"},
}
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "bench.urls"

# One communications user reads results at up to hundreds of requests a second here: the
# per-user throttle (600/min by default) would answer 429 instead of measuring the endpoint.
# The throttle still runs (its cache lookups are part of every request); it just never trips.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {
        scope: "1000000/min"
        for scope in REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {})  # noqa: F405
    },
}

# The crisis stampede (bench/stampede.py) sends through a real worker on a queue of its own.
CELERY_TASK_DEFAULT_QUEUE = _env.str("BENCH_CELERY_QUEUE", default="celery")
