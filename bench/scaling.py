"""Benchmark 6, scaling: feed, post detail, results and dashboard pages at 1x and 8x the data.

8x is Copenhagen-sized: 56,000 people, 160,000 posts, 16 M receipts (`--scales 1,8`, the
default; any sizes with `--scales 1,2,4`). Per request: CPU (app + database) against 1x,
the goal at most 1.3x; communications' results, which list every unit, also per unit;
dashboard pages in process (app CPU and server time).

Each size has its own database (`bro_bench` for 1x, `bro_x2_bench`, `bro_x4_bench`, built
with the same seed by `python -m bench build --scale N`; built here when missing). For each,
a child process runs the feed and results pairs (`python -m bench run --only feed,results`)
against that database, so the app, its settings and its connections are those of a normal
run. The report puts the per-request costs side by side, divided by the 1x figure, with the
data sizes and the query plans of every SELECT (EXPLAIN ANALYZE, from each run).

What "flat" means here: the feed reads one page of 20 through indexes, so its cost should
not follow the number of posts or receipts; the leader's results read one afdeling's units,
whose size does not change with the municipality's. Communications' whole-organisation
results read every unit's tallies, so they grow with the number of units (and not with the
number of answers: closed waves are read from their tallies).
"""

import json
import os
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

import psycopg

from . import database, system

RESULTS_DIR = Path(__file__).resolve().parent / "results"
BENCHMARKS = (
    "feed",
    "post detail + receipt",
    "results (communications)",
    "results (leader)",
)
# Issue 20: at 8x (56,000 people, the largest Danish municipality) the CPU per request may be
# at most this many times the 1x figure.
CPU_GOAL_VS_1X = 1.3


def url_for(scale: int) -> str:
    """bro_bench for 1x, bro_x2_bench for 2x… (database.recreate drops only *bench names)."""
    base = database.database_url()
    return base if scale == 1 else f"{base.removesuffix('bench')}x{scale}_bench"


def _exists(url: str) -> bool:
    info = psycopg.conninfo.conninfo_to_dict(url)
    name = info.pop("dbname")
    with psycopg.connect(**info, dbname="postgres", autocommit=True) as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    if row is None:
        return False
    with psycopg.connect(url) as conn:  # built to the end: the generator analyses last
        try:
            return conn.execute("SELECT count(*) FROM org_user").fetchone()[0] > 0
        except psycopg.errors.UndefinedTable:
            return False


def _run_one(scale: int, args) -> dict:
    url = url_for(scale)
    env = {**os.environ, "BENCH_DATABASE_URL": url}
    built_seconds = None
    if args.rebuild or not _exists(url):
        print(f"building {scale}x data in {url} …", flush=True)
        built = subprocess.run(
            [sys.executable, "-m", "bench", "build", "--seed", "1", "--scale", str(scale)],
            cwd=database.ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        built_seconds = built.stdout.strip().splitlines()[-1]
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out:
        path = out.name
    print(f"measuring {scale}x …", flush=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "run",
            "--only",
            "feed,detail,results,dashboard",
            "--duration",
            str(args.duration),
            "--rounds",
            str(args.rounds),
            "--no-write",
            "--json-out",
            path,
        ],
        cwd=database.ROOT,
        env=env,
        check=True,
    )
    result = json.loads(Path(path).read_text())
    Path(path).unlink()
    result["built"] = built_seconds
    return result


def _has(result: dict, name: str) -> bool:
    return any(b["name"] == name for b in result.get("benchmarks", []))


def _row(result: dict, name: str) -> dict:
    bench = next(b for b in result["benchmarks"] if b["name"] == name)
    bro = bench["sides"]["bro"]
    queries_key = {"feed": "feed", "post detail + receipt": "post detail"}.get(name, name)
    return {
        "req_per_s": bro["req_per_s"],
        "p50_ms": bro["p50_ms"],
        "cpu_ms_per_request": round(
            bro["app_cpu_ms_per_request"] + bro["database_cpu_ms_per_request"], 3
        ),
        "queries": result["queries_per_request"].get(queries_key, {}).get("queries"),
        "ratio_to_baseline": bench["ratio"],
    }


def summarise(results: dict[int, dict]) -> dict:
    first = results[min(results)]
    rows: dict[str, dict] = {}
    for name in BENCHMARKS:
        if not all(_has(result, name) for result in results.values()):
            continue  # not measured at every size (an older run, or `--only`)
        base = _row(first, name)
        rows[name] = {}
        for scale, result in sorted(results.items()):
            row = _row(result, name)
            row["cpu_vs_1x"] = (
                round(row["cpu_ms_per_request"] / base["cpu_ms_per_request"], 2)
                if base["cpu_ms_per_request"]
                else None
            )
            row["p50_vs_1x"] = round(row["p50_ms"] / base["p50_ms"], 2) if base["p50_ms"] else None
            if name == "results (communications)":
                # It lists every unit, so it is read per unit.
                units = result["data"].get("units") or 1
                row["cpu_ms_per_unit"] = round(row["cpu_ms_per_request"] / units, 4)
            rows[name][scale] = row
    pages: dict[str, dict] = {}
    for scale, result in sorted(results.items()):
        for viewer, by_page in (result.get("dashboard") or {}).get("viewers", {}).items():
            for page, figures in by_page.items():
                key = f"dashboard {page} ({viewer})"
                first_page = (first.get("dashboard") or {}).get("viewers", {})
                base = first_page.get(viewer, {}).get(page, {})
                pages.setdefault(key, {})[scale] = {
                    "p50_ms": figures["median_ms"],
                    "cpu_ms_per_request": figures.get("app_cpu_ms"),
                    "queries": figures["queries"],
                    "cpu_vs_1x": round(figures["app_cpu_ms"] / base["app_cpu_ms"], 2)
                    if base.get("app_cpu_ms")
                    else None,
                }
    rows.update(pages)
    goals = [
        {
            "goal": f"{name}: CPU per request at {scale}× ≤ {CPU_GOAL_VS_1X}× of 1×",
            "measured": row["cpu_vs_1x"],
            "met": row["cpu_vs_1x"] is not None and row["cpu_vs_1x"] <= CPU_GOAL_VS_1X,
        }
        for name, by_scale in rows.items()
        if name != "results (communications)"
        for scale, row in by_scale.items()
        if scale != min(results)
    ]
    sizes = {
        scale: {k: r["data"].get(k) for k in ("posts", "read_receipts", "units", "people")}
        | {"answers": r["data"].get("answers")}
        for scale, r in results.items()
    }
    return {"sizes": sizes, "rows": rows, "goals": goals}


def table(summary: dict) -> str:
    scales = sorted(next(iter(summary["rows"].values())))
    lines = [
        "| benchmark | " + " | ".join(f"{s}× p50 ms / CPU ms / queries" for s in scales) + " |",
        "|---|" + "---:|" * len(scales),
    ]
    for name, by_scale in summary["rows"].items():
        cells = [
            f"{r['p50_ms']} / {r['cpu_ms_per_request']} / {r['queries']} "
            f"(CPU {r['cpu_vs_1x']}× of 1×)"
            for r in (by_scale[s] for s in scales)
        ]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "| goal | measured | met |", "|---|---|---|"]
    for goal in summary.get("goals", []):
        lines.append(f"| {goal['goal']} | {goal['measured']} | {'yes' if goal['met'] else 'NO'} |")
    lines += ["", "| data | " + " | ".join(f"{s}×" for s in scales) + " |"]
    lines.append("|---|" + "---:|" * len(scales))
    for key in ("people", "units", "posts", "read_receipts", "answers"):
        values = [summary["sizes"][s].get(key) for s in scales]
        lines.append(f"| {key} | " + " | ".join(f"{v:,}" if v else "" for v in values) + " |")
    return "\n".join(lines)


def run(args) -> dict:
    scales = [int(s) for s in args.scales.split(",")]
    results = {scale: _run_one(scale, args) for scale in scales}
    summary = summarise(results)
    output = {
        "date": results[scales[0]]["date"],
        "machine": system.machine(),
        "config": {"duration_s": args.duration, "rounds": args.rounds, "scales": scales},
        **summary,
        "built": {scale: r["built"] for scale, r in results.items()},
        "dashboard": {scale: r.get("dashboard") for scale, r in results.items()},
        "loadavg": {
            scale: [r["loadavg_before"], r["loadavg_after"]] for scale, r in results.items()
        },
        "plans": {scale: r["plans"] for scale, r in results.items()},
    }
    print(table(summary))
    if not args.no_write:
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        path = RESULTS_DIR / f"{date.today().isoformat()}-{output['machine']['host']}-scaling.json"
        path.write_text(json.dumps(output, indent=2, ensure_ascii=False, default=str) + "\n")
        print(f"written: {path}")
    return output
