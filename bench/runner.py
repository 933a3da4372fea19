"""The command line: build the data, run the benchmarks, print the table, write the results."""

import argparse
import os
import sys


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()


def _generate(args) -> None:
    _setup()
    from .generate import Size, generate

    report = generate(seed=args.seed, size=Size().scaled(args.scale))
    for name, count in report.counts.items():
        print(f"{name:>36}: {count:,}")
    print(f"{'seconds':>36}: {report.seconds}")


def _build(args) -> None:
    from . import database

    seconds = database.build(seed=args.seed, scale=args.scale)
    print(f"built in {seconds:.0f} s")


def _run(args) -> None:
    _setup()
    from .suite import run_suite

    run_suite(args)


def _scaling(args) -> None:
    from .scaling import run

    run(args)


def _stampede(args) -> None:
    from .push_fanout import write_results
    from .stampede import run, table

    result = run(args)
    print(table(result))
    if not args.no_write:
        write_results("stampede" if not args.smoke else "stampede-smoke", result)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description="Bro's benchmarks.")
    sub = parser.add_subparsers(dest="command")
    for name, helptext in (
        ("generate", "fill the (empty, migrated) benchmark database"),
        ("build", "drop and create the benchmark database, migrate, generate"),
    ):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("--seed", type=int, default=1)
        p.add_argument("--scale", type=float, default=1.0)
    run = sub.add_parser("run", help="measure (the default)")
    for p in (parser, run):
        p.add_argument("--duration", type=float, default=10.0, help="seconds per measured run")
        p.add_argument("--rounds", type=int, default=3, help="alternating rounds per pair")
        p.add_argument("--connections", type=int, default=16)
        p.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
        p.add_argument("--port", type=int, default=8765)
        p.add_argument("--only", default="", help="comma-separated benchmark names")
        p.add_argument("--burst-rate", type=float, default=50.0)
        p.add_argument("--no-write", action="store_true", help="do not write the results file")
        p.add_argument("--json-out", default="", help="also write the whole result here")
    scaling = sub.add_parser("scaling", help="feed, detail, results, dashboard at 1x and 8x")
    scaling.add_argument("--scales", default="1,8")
    scaling.add_argument("--duration", type=float, default=8.0)
    scaling.add_argument("--rounds", type=int, default=2)
    scaling.add_argument("--rebuild", action="store_true", help="build every size afresh")
    scaling.add_argument("--no-write", action="store_true")
    stampede = sub.add_parser(
        "stampede", help="the crisis stampede, end to end (bench/stampede.py)"
    )
    stampede.add_argument("--compress", type=float, default=2.0, help="time runs this much faster")
    stampede.add_argument("--workers", type=int, default=1, help="Celery worker processes")
    stampede.add_argument("--gunicorn-workers", type=int, default=2)
    stampede.add_argument("--reload", type=float, default=3.0, help="roll-call reload, seconds")
    stampede.add_argument("--phones", type=int, default=64, help="answers in flight at most")
    stampede.add_argument("--timeout", type=float, default=600.0)
    stampede.add_argument("--port", type=int, default=8766)
    stampede.add_argument("--log-dir", default="/tmp")
    stampede.add_argument("--smoke", action="store_true", help="name the results file a smoke run")
    stampede.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    command = {
        "generate": _generate,
        "build": _build,
        "scaling": _scaling,
        "stampede": _stampede,
    }.get(args.command, _run)
    command(args)
    sys.stdout.flush()
