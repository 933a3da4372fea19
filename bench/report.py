"""Figures into a summary, the benchmark goals, a table and the results file."""

import json
import statistics
from datetime import date
from pathlib import Path

from content.models import Post, ReadReceipt
from onboarding.models import Journey
from org.models import Audience, OrgUnit, User
from push.models import Device
from surveys.models import Answer, AnswerChoice, Response, Wave


def data_size() -> dict:
    return {
        "people": User.objects.count(),
        "units": OrgUnit.objects.count(),
        "max_unit_depth": OrgUnit.objects.order_by("-depth").values_list("depth", flat=True)[0],
        "posts": Post.objects.count(),
        "audiences": Audience.objects.count(),
        "read_receipts": ReadReceipt.objects.count(),
        "devices": Device.objects.count(),
        "waves": Wave.objects.count(),
        "responses": Response.objects.count(),
        "answers": Answer.objects.count(),
        "answer_choices": AnswerChoice.objects.count(),
        "journeys": Journey.objects.count(),
    }


def summarise(runs: list[dict]) -> dict:
    """Per side the median over rounds; the ratio of the medians."""
    sides = {}
    for side in dict.fromkeys(r["side"] for r in runs):
        mine = [r for r in runs if r["side"] == side]
        if not mine:
            continue
        sides[side] = {
            "req_per_s": round(statistics.median(r["req_per_s"] for r in mine), 1),
            "p50_ms": round(statistics.median(r["latency_ms"]["p50"] for r in mine), 2),
            "p99_ms": round(statistics.median(r["latency_ms"]["p99"] for r in mine), 2),
            "errors": sum(r["errors"] for r in mine),
            "not_modified_share": round(
                sum(r["statuses"].get("not_modified", 0) for r in mine)
                / max(1, sum(r["requests"] for r in mine)),
                3,
            ),
            "app_cpu_ms_per_request": round(
                statistics.median(r["cpu"]["app_ms_per_request"] for r in mine), 3
            ),
            "database_cpu_ms_per_request": round(
                statistics.median(r["cpu"]["database_ms_per_request"] for r in mine), 3
            ),
            "other_processes_cpu_seconds": round(
                sum(r["cpu"]["other_processes_seconds"] for r in mine), 2
            ),
        }
    ratio = {}
    if "bro" in sides and "baseline" in sides:
        b, base = sides["bro"], sides["baseline"]
        ratio = {
            "throughput": round(b["req_per_s"] / base["req_per_s"], 3)
            if base["req_per_s"]
            else None,
            "p50_latency": round(b["p50_ms"] / base["p50_ms"], 3) if base["p50_ms"] else None,
        }
    return {"sides": sides, "ratio": ratio}


def _bench(result: dict, name: str) -> dict | None:
    return next((b for b in result.get("benchmarks", []) if b["name"] == name), None)


def goals(result: dict) -> list[dict]:
    """Each benchmark goal with the figure measured and whether it was met."""
    out = []
    queries = result.get("queries_per_request", {})
    feed = _bench(result, "feed")
    if feed:
        counts = [queries.get(k, {}).get("queries") for k in ("feed", "feed page_size=100")]
        counts += [queries.get("feed (second page)", {}).get("queries")]
        counts = [c for c in counts if c is not None]
        out.append(
            {
                "goal": "feed ≥ 0.8× baseline req/s",
                "measured": feed["ratio"].get("throughput"),
                "met": (feed["ratio"].get("throughput") or 0) >= 0.8,
            }
        )
        out.append(
            {
                "goal": "feed queries/request constant and ≤ 6",
                "measured": counts,
                "met": bool(counts) and len(set(counts)) == 1 and max(counts) <= 6,
            }
        )
    poll = _bench(result, "quiet poll")
    if poll:
        sides = poll["sides"]
        full = sides.get("full page", {}).get("req_per_s") or 0
        over_full = round(sides["bro"]["req_per_s"] / full, 2) if full else None
        over_bare = poll["ratio"].get("throughput")
        out.append(
            {
                "goal": "quiet poll: 304 ≥ 4× the full feed page req/s",
                "measured": over_full,
                "met": (over_full or 0) >= 4,
            }
        )
        out.append(
            {
                "goal": "quiet poll: 304 ≥ 0.8× the bare freshness check req/s",
                "measured": over_bare,
                "met": (over_bare or 0) >= 0.8,
            }
        )
        out.append(
            {
                "goal": "quiet poll: every poll a 304, 0 errors",
                "measured": {
                    "errors": sides["bro"]["errors"],
                    "not_modified_share": sides["bro"].get("not_modified_share"),
                },
                "met": sides["bro"]["errors"] == 0 and sides["bro"].get("not_modified_share") == 1,
            }
        )
    detail = _bench(result, "post detail + receipt")
    if detail:
        out.append(
            {
                "goal": "post detail + receipt ≥ 0.8× baseline req/s",
                "measured": detail["ratio"].get("throughput"),
                "met": (detail["ratio"].get("throughput") or 0) >= 0.8,
            }
        )
    for label in ("communications", "leader"):
        bench = _bench(result, f"results ({label})")
        if not bench:
            continue
        ratio = bench["ratio"].get("p50_latency")
        p50 = bench["sides"]["bro"]["p50_ms"]
        out.append(
            {
                "goal": f"results ({label}) ≤ 1.5× the SQL GROUP BY (p50, HTTP)",
                "measured": ratio,
                "met": ratio is not None and ratio <= 1.5,
            }
        )
        out.append(
            {
                "goal": f"results ({label}) < 100 ms (p50)",
                "measured": p50,
                "met": p50 < 100,
            }
        )
    burst = result.get("burst")
    if burst:
        fixed = burst["at_fixed_rate"]
        out.append(
            {
                "goal": f"burst at {fixed['rate']:g} req/s: 0 errors, p99 < 200 ms",
                "measured": {"errors": fixed["errors"], "p99_ms": fixed["latency_ms"]["p99"]},
                "met": fixed["errors"] == 0 and fixed["latency_ms"]["p99"] < 200,
            }
        )
        top = burst["max_rate"]
        out.append(
            {
                "goal": "burst as fast as it goes: every employee once, 0 errors",
                "measured": {
                    "req_per_s": top["req_per_s"],
                    "seconds": top["seconds"],
                    "employees": top.get("employees", top["invited"]),
                    "stored": top["stored_responses"],
                    "errors": top["errors"],
                },
                "met": top["errors"] == 0
                and top["stored_responses"] == top.get("employees", top["invited"]),
            }
        )
    if result.get("dashboard"):
        from .dashboard import goals as dashboard_goals

        out += dashboard_goals(result["dashboard"])
    push = result.get("push_fanout") or {}
    for name, met in (push.get("goals") or {}).items():
        if name.startswith("goal_"):
            out.append({"goal": f"push fan-out: {name[5:]}", "measured": push["goals"], "met": met})
    return out


def table(result: dict) -> str:
    queries = result.get("queries_per_request", {})
    lines = [
        f"Bro benchmarks — {result['date']} on {result['machine']['host']} "
        f"({result['machine']['cores']} cores, load before {result['loadavg_before']}, "
        f"after {result.get('loadavg_after')})",
        "",
        "| benchmark | side | req/s | p50 ms | p99 ms | errors | queries/req | app CPU ms/req "
        "| db CPU ms/req | ratio |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    query_keys = {
        "feed": ("feed", "feed baseline"),
        "quiet poll": ("feed 304", ""),
        "post detail + receipt": ("post detail", "post detail baseline"),
        "results (communications)": (
            "results (communications)",
            "results (communications) baseline",
        ),
        "results (leader)": ("results (leader)", "results (leader) baseline"),
    }
    for bench in result.get("benchmarks", []):
        keys = query_keys.get(bench["name"], ("", ""))
        extra = [side for side in bench["sides"] if side not in ("bro", "baseline")]
        for side, key in [*zip(("bro", "baseline"), keys, strict=True), *((x, "") for x in extra)]:
            s = bench["sides"].get(side)
            if not s:
                continue
            ratio = ""
            if side == "bro":
                r = bench["ratio"]
                ratio = (
                    f"{r.get('p50_latency')}× p50"
                    if bench["name"].startswith("results")
                    else f"{r.get('throughput')}× req/s"
                )
            lines.append(
                f"| {bench['name']} | {side} | {s['req_per_s']} | {s['p50_ms']} | {s['p99_ms']} "
                f"| {s['errors']} | {queries.get(key, {}).get('queries', '')} "
                f"| {s['app_cpu_ms_per_request']} | {s['database_cpu_ms_per_request']} | {ratio} |"
            )
    burst = result.get("burst")
    if burst:
        for label, key in (
            (f"response burst @ {burst['at_fixed_rate']['rate']:g}/s", "at_fixed_rate"),
            ("response burst, max rate", "max_rate"),
        ):
            b = burst[key]
            lines.append(
                f"| {label} | bro | {b['req_per_s']} | {b['latency_ms']['p50']} "
                f"| {b['latency_ms']['p99']} | {b['errors']} "
                f"| {queries.get('response submit', {}).get('queries', '')} "
                f"| {b['cpu']['app_ms_per_request']} | {b['cpu']['database_ms_per_request']} | |"
            )
    in_process = result.get("results_in_process", {})
    if in_process:
        lines += ["", "Results in process (no HTTP): function vs the SQL alone, median ms:"]
        for label, figures in in_process.items():
            lines.append(
                f"  {label}: {figures['results_function_ms']} ms vs {figures['sql_ms']} ms "
                f"= {figures['ratio']}×"
            )
    if result.get("dashboard"):
        from .dashboard import table as dashboard_table

        lines += dashboard_table(result["dashboard"])
    push = result.get("push_fanout")
    if push:
        lines += ["", f"Push fan-out (bench/push_fanout.py): {push.get('status')}"]
        for name, r in (push.get("results") or {}).items():
            lines.append(
                f"  {name}: {r['messages']} messages in {r['seconds']} s = {r['msgs_per_s']}/s, "
                f"lost {r['lost']}, duplicated {r['duplicated']}"
            )
    lines += ["", "| goal | measured | met |", "|---|---|---|"]
    for goal in result.get("goals", []):
        lines.append(f"| {goal['goal']} | {goal['measured']} | {'yes' if goal['met'] else 'NO'} |")
    return "\n".join(lines)


def write(result: dict, directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{date.today().isoformat()}-{result['machine']['host']}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str) + "\n")
    return path
