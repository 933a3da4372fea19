"""The benchmark's own PostgreSQL database: made fresh, migrated, filled by the generator."""

import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = "bench.settings"


def bench_env(**extra: str) -> dict[str, str]:
    """The environment every benchmark process runs with."""
    return {**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS, **extra}


def database_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bro_bench")


def recreate(url: str | None = None) -> None:
    """Drop and create a benchmark database (refuses any name but one ending in `bench`)."""
    info = psycopg.conninfo.conninfo_to_dict(url or database_url())
    name = info.pop("dbname")
    if not name.endswith("bench"):
        raise SystemExit(
            f"Refusing to drop {name!r}: the benchmark database's name ends in 'bench'."
        )
    with psycopg.connect(**info, dbname="postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def build(*, seed: int, scale: float) -> float:
    """Fresh database, migrations, generator; returns the seconds the generator took."""
    recreate()
    python = sys.executable
    subprocess.run(
        [python, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=bench_env(),
        check=True,
    )
    started = time.perf_counter()
    subprocess.run(
        [python, "-m", "bench", "generate", "--seed", str(seed), "--scale", str(scale)],
        cwd=ROOT,
        env=bench_env(),
        check=True,
    )
    return time.perf_counter() - started
