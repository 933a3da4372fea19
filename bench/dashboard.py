"""Dashboard pages: server time per page on the benchmark data set, in process.

The goal is about server time (under 300 ms per page), so each page is rendered by
Django's test client in this process — the full middleware, session and template stack,
without HTTP — for a mid-level leader and for communications, a few times after a warm-up,
and the median is reported with the number of queries the page ran.
"""

import statistics
import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from org.models import User

GOAL_MS = 300
PAGES = (
    ("Mit område", "/dashboard/omraade/"),
    ("Kernefortællingen", "/dashboard/kernefortaellingen/"),
    ("Heatmap", "/dashboard/heatmap/"),
    ("Onboarding", "/dashboard/onboarding/"),
    ("Rækkevidde", "/dashboard/raekkevidde/"),
    ("Kaskader", "/dashboard/kaskader/"),
    ("Spørgsmål", "/dashboard/spoergsmaal/"),
    ("Opfølgning", "/dashboard/opfoelgning/"),
    ("Moderering", "/dashboard/moderering/"),
)
# Pages that are communications' alone (a leader gets 403 there): timed for communications only.
COMMUNICATIONS_ONLY = {"Opfølgning", "Moderering"}


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user, backend="org.backends.ModelBackend")
    return client


def _time_page(client: Client, path: str, repeats: int) -> dict:
    response = client.get(path)  # warm: templates, plans, connection
    times, cpu = [], []
    for _ in range(repeats):
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    return {
        "status": response.status_code,
        "bytes": len(response.content),
        "median_ms": round(statistics.median(times), 1),
        "max_ms": round(max(times), 1),
        # This process's CPU: the app's share of the page (the database's is not in it).
        "app_cpu_ms": round(statistics.median(cpu), 1),
        "queries": len(queries.captured_queries),
    }


def dashboard_pages(viewers: dict[str, User], *, repeats: int = 7) -> dict:
    """{viewer label: {page: figures}} for every page, and whether each is under the goal."""
    out: dict[str, dict] = {}
    for label, user in viewers.items():
        client = _client(user)
        out[label] = {
            name: _time_page(client, path, repeats)
            for name, path in PAGES
            if label == "communications" or name not in COMMUNICATIONS_ONLY
        }
    return {"goal_ms": GOAL_MS, "repeats": repeats, "viewers": out}


def goals(figures: dict) -> list[dict]:
    out = []
    for label, pages in figures.get("viewers", {}).items():
        slowest = max(pages.items(), key=lambda item: item[1]["median_ms"])
        ok = all(p["status"] == 200 for p in pages.values())
        out.append(
            {
                "goal": f"dashboard pages ({label}) < {figures['goal_ms']} ms server time",
                "measured": {"slowest": slowest[0], "median_ms": slowest[1]["median_ms"]},
                "met": ok and slowest[1]["median_ms"] < figures["goal_ms"],
            }
        )
    return out


def table(figures: dict) -> list[str]:
    lines = [
        "",
        "Dashboard pages, server time in process (median ms / queries):",
        "",
        "| page | " + " | ".join(figures.get("viewers", {})) + " |",
        "|---|" + "---:|" * len(figures.get("viewers", {})),
    ]
    for name, _path in PAGES:
        cells = []
        for pages in figures.get("viewers", {}).values():
            p = pages.get(name)
            cells.append(f"{p['median_ms']} ms / {p['queries']} q ({p['status']})" if p else "—")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines
