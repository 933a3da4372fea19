"""The benchmarks, each beside its baseline in the same run, alternating; then the report.

1. feed            GET /api/v1/feed/                 vs bare `.values()` view of the same query
1b. quiet poll     GET /api/v1/feed/ + If-None-Match (304) vs a bare view making the same
                   freshness check, beside the full page and `updated_since` with nothing new
2. post detail     GET /api/v1/posts/{id}/ (+receipt) vs bare view, same query and INSERT
3. results         GET /api/v1/surveys/{id}/results/ vs one hand-written SQL GROUP BY (HTTP),
                   for communications (whole organisation) and a mid-level leader
4. burst           POST /api/v1/surveys/waves/{id}/responses/ by 7,000 distinct employees:
                   at a fixed 50 req/s (open loop) and as fast as the machine answers
5. push fan-out    bench/push_fanout.py, when it is there
   dashboard       the web dashboard's pages, server time in process (bench/dashboard.py)
6. scaling         feed and results at 1x, 2x, 4x data (bench/scaling.py, `python -m bench
                   scaling`)
"""

import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from content import selectors as content_selectors
from org.models import LeaderScope, OrgUnit, Role, User
from surveys import demo as survey_demo
from surveys import results as survey_results
from surveys.models import (
    Answer,
    AnswerChoice,
    Invitation,
    Participation,
    Response,
    Survey,
    Wave,
)

from . import baselines, database, load, report, system
from . import dashboard as dashboard_bench
from .auth import session_tokens
from .generate import BURST_SURVEY_TITLE

RESULTS_DIR = Path(__file__).resolve().parent / "results"
FEED_USERS = 200
SEED = 20261130


# --- Who and what is requested ------------------------------------------------------------


class Subjects:
    """The people and objects the benchmarks request, chosen once per run (seeded)."""

    def __init__(self) -> None:
        rng = random.Random(SEED)
        deepest = OrgUnit.objects.order_by("-depth").values_list("depth", flat=True).first()
        readers = list(
            User.objects.filter(unit__depth=deepest, is_active=True)
            .exclude(roles__role__in=[Role.LEADER, Role.HR, Role.COMMUNICATIONS, Role.ADMIN])
            .select_related("unit")
            .order_by("pk")
        )
        self.readers = rng.sample(readers, k=min(FEED_USERS, len(readers)))
        self.feed_sizes = [
            content_selectors.feed(user=u).count() for u in self.readers[:5]
        ]  # posts each of the first five readers can see
        self.detail = [
            (user, post_id)
            for user in self.readers
            for post_id in content_selectors.feed(user=user, kind="news").values_list(
                "id", flat=True
            )[:5]
        ]
        self.surveys = list(Survey.objects.exclude(title=BURST_SURVEY_TITLE).order_by("pk"))
        self.survey = self.surveys[0]
        self.comms = (
            User.objects.filter(roles__role=Role.COMMUNICATIONS, is_active=True)
            .order_by("pk")
            .first()
        )
        scopes = LeaderScope.objects.filter(unit__depth=2).select_related("leader", "unit")
        self.leader = max(
            scopes,
            key=lambda s: (User.objects.filter(unit__path__startswith=s.unit.path).count(), -s.pk),
        ).leader
        self.burst_wave = Wave.objects.get(survey__title=BURST_SURVEY_TITLE, number=1)
        # People who have not started yet are invited too, but the API's pre-boarding fence
        # refuses their answers (403) until day 1: they are not part of the burst.
        self.burst_users = list(
            User.objects.filter(survey_invitations__wave=self.burst_wave)
            .exclude(start_date__gt=timezone.localdate())
            .order_by("pk")
        )
        self.tokens: dict[int, str] = {}

    def make_tokens(self) -> None:
        from django.contrib.sessions.models import Session

        Session.objects.all().delete()
        people = {u.pk: u for u in [*self.readers, self.comms, self.leader, *self.burst_users]}
        self.tokens = session_tokens(people.values())

    def describe(self) -> dict:
        return {
            "feed_readers": len(self.readers),
            "feed_reader_unit_depth": self.readers[0].unit.depth if self.readers else None,
            "feed_visible_posts_first_five_readers": self.feed_sizes,
            "detail_requests": len(self.detail),
            "results_survey": {"id": self.survey.pk, "title": self.survey.title},
            "results_waves": Wave.objects.filter(survey=self.survey).count(),
            "results_leader": {
                "id": self.leader.pk,
                "units_in_scope": len(survey_results.caller_scope(user=self.leader)),
            },
            "burst_employees": len(self.burst_users),
        }


def _get(path: str, token: str = "") -> load.Request:
    return load.Request("GET", path, token)


def feed_requests(s: Subjects) -> tuple[list, list]:
    bro = [_get("/api/v1/feed/", s.tokens[u.pk]) for u in s.readers]
    base = [_get(f"/bench/feed/?user={u.pk}") for u in s.readers]
    return bro, base


def _etag_of(base_url: str, request: load.Request) -> str:
    """The ETag the running server gives this request (it names the host, so ask the server)."""
    host, port = base_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.request("GET", request.path, headers={"X-Session-Token": request.token})
        response = connection.getresponse()
        response.read()
        if response.status != 200 or not response.getheader("ETag"):
            raise RuntimeError(f"no ETag from {request.path}: {response.status}")
        return response.getheader("ETag")
    finally:
        connection.close()


def quiet_poll_requests(s: Subjects, base_url: str) -> tuple[list, list, dict]:
    """The quiet poll: each reader's feed with the ETag they hold (304), beside the bare
    freshness check (304), the full first page, and `updated_since` with nothing new."""
    bro, base = [], []
    for user in s.readers:
        full = _get("/api/v1/feed/", s.tokens[user.pk])
        bro.append(replace(full, if_none_match=_etag_of(base_url, full)))
        bare = _get(f"/bench/feed/not-modified/?user={user.pk}")
        base.append(replace(bare, if_none_match=_etag_of(base_url, bare)))
    since = timezone.now().isoformat().replace("+00:00", "Z")
    more = {
        "full page": [_get("/api/v1/feed/", s.tokens[u.pk]) for u in s.readers],
        "updated_since, nothing new": [
            _get(f"/api/v1/feed/?updated_since={since}", s.tokens[u.pk]) for u in s.readers
        ],
    }
    return bro, base, more


def detail_requests(s: Subjects) -> tuple[list, list]:
    bro = [_get(f"/api/v1/posts/{p}/", s.tokens[u.pk]) for u, p in s.detail]
    base = [_get(f"/bench/posts/{p}/?user={u.pk}") for u, p in s.detail]
    return bro, base


def results_requests(s: Subjects, viewer: User) -> tuple[list, list]:
    bro = [_get(f"/api/v1/surveys/{s.survey.pk}/results/", s.tokens[viewer.pk])]
    base = [_get(f"/bench/surveys/{s.survey.pk}/results/?user={viewer.pk}")]
    return bro, base


def burst_requests(s: Subjects) -> list[load.Request]:
    survey = Survey.objects.prefetch_related("questions__options").get(pk=s.burst_wave.survey_id)
    rng = random.Random(SEED)
    path = f"/api/v1/surveys/waves/{s.burst_wave.pk}/responses/"
    requests = []
    for user in s.burst_users:
        answers = survey_demo._answers(survey, rng=rng, culture=0.0, progress=0.5)
        body = json.dumps({"answers": answers}, separators=(",", ":"))
        requests.append(load.Request("POST", path, s.tokens[user.pk], body))
    return requests


@transaction.atomic
def burst_reset(wave: Wave) -> None:
    """Forget every answer to the burst wave and keep it open: the next burst starts clean."""
    AnswerChoice.objects.filter(wave=wave).delete()
    Answer.objects.filter(wave=wave).delete()
    Response.objects.filter(wave=wave).delete()
    Participation.objects.filter(wave=wave).delete()
    now = timezone.now()
    Wave.objects.filter(pk=wave.pk).update(
        status=Wave.Status.OPEN,
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=9),
    )


# --- In-process measurements: queries per request, plans, function timings ----------------


def _client_call(request: load.Request):
    client = Client()
    headers = {"HTTP_X_SESSION_TOKEN": request.token} if request.token else {}
    if request.if_none_match:
        headers["HTTP_IF_NONE_MATCH"] = request.if_none_match
    with CaptureQueriesContext(connection) as queries:
        if request.method == "GET":
            response = client.get(request.path, **headers)
        else:
            response = client.post(
                request.path, request.body, content_type="application/json", **headers
            )
    return response.status_code, list(queries.captured_queries)


def queries_per_request(s: Subjects) -> dict:
    """Queries each endpoint and baseline makes for one request (test client, same database)."""
    out: dict[str, dict] = {}
    reader = s.readers[0]
    cases = {
        "feed": _get("/api/v1/feed/", s.tokens[reader.pk]),
        "feed page_size=100": _get("/api/v1/feed/?page_size=100", s.tokens[reader.pk]),
        "feed (second page)": None,
        "feed baseline": _get(f"/bench/feed/?user={reader.pk}"),
        "post detail": detail_requests(s)[0][0],
        "post detail baseline": detail_requests(s)[1][0],
        "results (communications)": results_requests(s, s.comms)[0][0],
        "results (communications) baseline": results_requests(s, s.comms)[1][0],
        "results (leader)": results_requests(s, s.leader)[0][0],
        "results (leader) baseline": results_requests(s, s.leader)[1][0],
        "response submit": burst_requests(s)[0],
    }
    first_page = Client().get("/api/v1/feed/", HTTP_X_SESSION_TOKEN=s.tokens[reader.pk]).json()
    if first_page.get("next"):
        cases["feed (second page)"] = _get(
            first_page["next"].split("testserver", 1)[1], s.tokens[reader.pk]
        )
    etag = Client().get("/api/v1/feed/", HTTP_X_SESSION_TOKEN=s.tokens[reader.pk])["ETag"]
    cases["feed 304"] = load.Request("GET", "/api/v1/feed/", s.tokens[reader.pk], "", etag)
    for name, request in cases.items():
        if request is None:
            continue
        status, queries = _client_call(request)
        out[name] = {"status": status, "queries": len(queries)}
    burst_reset(s.burst_wave)
    return out


def explain_plans(s: Subjects) -> dict:
    """EXPLAIN ANALYZE of every SELECT the feed and the results endpoint make, and the SQL."""
    plans: dict[str, list] = {}
    reader = s.readers[0]
    for name, request in (
        ("feed", _get("/api/v1/feed/", s.tokens[reader.pk])),
        ("results (communications)", results_requests(s, s.comms)[0][0]),
        ("results (leader)", results_requests(s, s.leader)[0][0]),
    ):
        _status, queries = _client_call(request)
        plans[name] = [
            {"sql": q["sql"][:1500], "plan": _explain(q["sql"])}
            for q in queries
            if q["sql"].lstrip().upper().startswith("SELECT") and "django_session" not in q["sql"]
        ]
    for name, leader in (
        ("results SQL (communications)", None),
        ("results SQL (leader)", s.leader.pk),
    ):
        sql, params = baselines.results_sql(survey_id=s.survey.pk, leader_id=leader)
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            plans[name] = [{"sql": sql, "plan": [row[0] for row in cursor.fetchall()]}]
    return plans


def _explain(sql: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return [row[0] for row in cursor.fetchall()]


def _median_ms(function, repeats: int = 15) -> float:
    function()  # warm
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def results_in_process(s: Subjects) -> dict:
    """The results function and the SQL alone, timed in this process (no HTTP, no JSON)."""
    out = {}
    for label, viewer, leader_id in (
        ("communications", s.comms, None),
        ("leader", s.leader, s.leader.pk),
    ):
        viewer = User.objects.prefetch_related("roles").get(pk=viewer.pk)
        sql, params = baselines.results_sql(survey_id=s.survey.pk, leader_id=leader_id)

        def run_sql(sql=sql, params=params):
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                cursor.fetchall()

        function_ms = _median_ms(
            lambda viewer=viewer: survey_results.survey_results(survey=s.survey, viewer=viewer)
        )
        sql_ms = _median_ms(run_sql)
        out[label] = {
            "results_function_ms": round(function_ms, 2),
            "sql_ms": round(sql_ms, 2),
            "ratio": round(function_ms / sql_ms, 2) if sql_ms else None,
        }
    return out


# --- Under load ---------------------------------------------------------------------------


def _measure(sampler, base_url, requests, *, duration, connections, once=False, until=None) -> dict:
    before = sampler.snapshot()
    figures = load.wrk(
        base_url=base_url,
        requests=requests,
        duration=duration,
        connections=connections,
        once=once,
        until=until,
    )
    usage = sampler.since(before)
    return _with_cpu(figures, usage)


def _with_cpu(figures: load.Figures, usage: system.Usage) -> dict:
    requests = max(1, figures.requests)
    data = figures.as_dict()
    data["cpu"] = {
        "app_seconds": round(usage.app, 3),
        "database_seconds": round(usage.database, 3),
        "load_generator_seconds": round(figures.client_cpu_seconds, 3),
        "app_ms_per_request": round(usage.app * 1000 / requests, 3),
        "database_ms_per_request": round(usage.database * 1000 / requests, 3),
        "machine_busy_share": round(usage.machine_busy / usage.machine_total, 3)
        if usage.machine_total
        else None,
        "other_processes_seconds": round(
            max(0.0, usage.machine_busy - usage.app - usage.database - figures.client_cpu_seconds),
            3,
        ),
    }
    data["loadavg_after"] = system.loadavg()
    return data


def pair(name, bro, base, *, sampler, base_url, args, connections, more=None) -> dict:
    """Alternate the endpoint and its baseline for `rounds` rounds; summarise each side.

    `more`: further sides ({name: requests}) measured in the same rotation.
    """
    sides = [("bro", bro), ("baseline", base), *(more or {}).items()]
    for _side, requests in sides:  # warm all: connections, caches, plans
        load.wrk(base_url=base_url, requests=requests, duration=2, connections=connections)
    runs = []
    for number in range(args.rounds):
        # Each round starts with another side, so no side always runs first (or after another).
        shift = number % len(sides)
        for side, requests in sides[shift:] + sides[:shift]:
            measured = _measure(
                sampler, base_url, requests, duration=args.duration, connections=connections
            )
            runs.append({"round": number, "side": side, **measured})
            print(
                f"  {name:<28} {side:<9} round {number}: {measured['req_per_s']:>8.1f} req/s  "
                f"p50 {measured['latency_ms']['p50']:.1f} ms  errors {measured['errors']}",
                flush=True,
            )
    return {"name": name, "connections": connections, "runs": runs, **report.summarise(runs)}


def burst(s: Subjects, *, sampler, gunicorn, args) -> dict:
    requests = burst_requests(s)
    out = {"name": "response burst", "employees": len(requests)}
    # At a fixed rate, open loop: the goal's condition (p99 < 200 ms at 50 req/s).
    burst_reset(s.burst_wave)
    at_rate = requests[: max(1, int(args.burst_rate * min(60.0, args.duration * 3)))]
    before = sampler.snapshot()
    figures = load.open_loop(
        host="127.0.0.1", port=gunicorn.port, requests=at_rate, rate=args.burst_rate
    )
    out["at_fixed_rate"] = {"rate": args.burst_rate, **_with_cpu(figures, sampler.since(before))}
    stored = Participation.objects.filter(wave=s.burst_wave).count()
    out["at_fixed_rate"]["stored_responses"] = stored
    print(
        f"  {'response burst @' + str(args.burst_rate):<28} {len(at_rate)} sent: "
        f"p50 {figures.p50_ms:.1f} ms p99 {figures.p99_ms:.1f} ms errors {figures.errors}",
        flush=True,
    )
    # As fast as the machine answers, every employee once (closed loop, wrk). wrk sleeps out
    # its window whatever happens, which made the rate read as stored / window: stop it as
    # soon as every employee's answer is stored (one COUNT four times a second).
    burst_reset(s.burst_wave)
    everyone = len(requests)

    def all_answered() -> bool:
        return Participation.objects.filter(wave=s.burst_wave).count() >= everyone

    measured = _measure(
        sampler,
        gunicorn.url,
        requests,
        duration=max(120.0, args.duration * 30),
        connections=args.connections,
        once=True,
        until=all_answered,
    )
    measured["employees"] = everyone
    measured["stored_responses"] = Participation.objects.filter(wave=s.burst_wave).count()
    measured["invited"] = Invitation.objects.filter(wave=s.burst_wave).count()
    out["max_rate"] = measured
    print(
        f"  {'response burst max':<28} {measured['req_per_s']:.1f} req/s p50 "
        f"{measured['latency_ms']['p50']:.1f} ms p99 {measured['latency_ms']['p99']:.1f} ms "
        f"stored {measured['stored_responses']}",
        flush=True,
    )
    burst_reset(s.burst_wave)
    return out


def push_fanout() -> dict:
    """The push engineer's fan-out benchmark (bench/push_fanout.py), in its own process.

    It builds its own database and Redis queue and writes its own results file; this reads
    that file back so the figures sit in the same report.
    """
    module = Path(__file__).resolve().parent / "push_fanout.py"
    if not module.exists():
        return {"status": "not ready: bench/push_fanout.py is not on main yet"}
    started = time.time()
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    try:
        finished = subprocess.run(
            [sys.executable, "-m", "bench.push_fanout"],
            cwd=database.ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=30 * 60,
        )
    except subprocess.TimeoutExpired:
        return {"status": "timed out after 30 minutes"}
    written = sorted(RESULTS_DIR.glob("*-push.json"), key=lambda p: p.stat().st_mtime)
    if finished.returncode != 0 or not written or written[-1].stat().st_mtime < started:
        return {
            "status": f"failed ({finished.returncode})",
            "output": (finished.stdout + finished.stderr)[-3000:],
        }
    return {"status": "ran", "file": written[-1].name, **json.loads(written[-1].read_text())}


# --- The whole suite ----------------------------------------------------------------------


def run_suite(args) -> dict:
    only = {name.strip() for name in args.only.split(",") if name.strip()}

    def wanted(name: str) -> bool:
        return not only or name in only

    started = timezone.now()
    result: dict = {
        "date": started.isoformat(timespec="seconds"),
        "machine": system.machine(),
        "versions": system.versions(),
        "code": system.code_state(),
        "loadavg_before": system.loadavg(),
        "config": {
            "gunicorn_workers": args.workers,
            "worker_class": "sync",
            "connections": args.connections,
            "duration_s": args.duration,
            "rounds": args.rounds,
            "burst_rate": args.burst_rate,
            "settings": "bench.settings (backend.settings, DEBUG off, throttles never trip)",
        },
    }
    print("data set …", flush=True)
    result["data"] = report.data_size()
    subjects = Subjects()
    subjects.make_tokens()
    result["subjects"] = subjects.describe()
    print("queries per request, plans, in-process timings …", flush=True)
    result["queries_per_request"] = queries_per_request(subjects)
    result["plans"] = explain_plans(subjects)
    result["results_in_process"] = results_in_process(subjects)
    if wanted("dashboard"):
        print("dashboard pages …", flush=True)
        result["dashboard"] = dashboard_bench.dashboard_pages(
            {"leader": subjects.leader, "communications": subjects.comms}
        )
    benchmarks = []
    log = Path(tempfile.gettempdir()) / "bro-bench-gunicorn.log"
    with system.Gunicorn(port=args.port, workers=args.workers, log_path=log) as gunicorn:
        sampler = system.CpuSampler(gunicorn.process.pid)
        common = {"sampler": sampler, "base_url": gunicorn.url, "args": args}
        if wanted("feed"):
            benchmarks.append(
                pair("feed", *feed_requests(subjects), connections=args.connections, **common)
            )
        if wanted("poll"):
            bro, base, more = quiet_poll_requests(subjects, gunicorn.url)
            benchmarks.append(
                pair(
                    "quiet poll",
                    bro,
                    base,
                    more=more,
                    connections=args.connections,
                    **common,
                )
            )
        if wanted("detail"):
            benchmarks.append(
                pair(
                    "post detail + receipt",
                    *detail_requests(subjects),
                    connections=args.connections,
                    **common,
                )
            )
        if wanted("results"):
            for label, viewer in (("communications", subjects.comms), ("leader", subjects.leader)):
                benchmarks.append(
                    pair(
                        f"results ({label})",
                        *results_requests(subjects, viewer),
                        connections=1,
                        **common,
                    )
                )
        if wanted("burst"):
            result["burst"] = burst(subjects, sampler=sampler, gunicorn=gunicorn, args=args)
    result["benchmarks"] = benchmarks
    if wanted("push"):
        result["push_fanout"] = push_fanout()
    result["loadavg_after"] = system.loadavg()
    result["goals"] = report.goals(result)
    print(report.table(result))
    if getattr(args, "json_out", ""):
        Path(args.json_out).write_text(json.dumps(result, ensure_ascii=False, default=str))
    if not args.no_write:
        path = report.write(result, RESULTS_DIR)
        print(f"written: {path}")
    return result
