"""Round 2's harness parts that need no server: the stampede's delays and goals, the poll's."""

from bench import report, stampede


def test_answer_delays_are_seeded_most_within_a_minute_with_a_tail_over_ten():
    # Given the stampede's delays for 7,000 people, twice with the same seed
    delays = stampede.answer_delays(7000)
    again = stampede.answer_delays(7000)

    # Then they are the same, and shaped as the issue describes
    assert delays == again
    within_a_minute = sum(d <= 60 for d in delays) / len(delays)
    over_ten_minutes = sum(d >= 600 for d in delays) / len(delays)
    assert 0.80 < within_a_minute < 0.92
    assert 0.06 < over_ten_minutes < 0.10
    assert max(delays) <= 900


def _stampede_result(*, last=6.0, answer_p99=120.0, page_p99=200.0, lost=0, duplicated=0):
    return {
        "workers": 1,
        "last_message_to_fcm_seconds": last,
        "answers": {"overall": {"p99_ms": answer_p99}, "lost": 0, "duplicated": 0},
        "roll_call_page": {"overall": {"p99_ms": page_p99}},
        "messages": {"lost": lost, "duplicated": duplicated, "devices_never_reached": 0},
        "errors": {},
    }


def test_stampede_goals_are_met_only_within_every_limit():
    assert [g["met"] for g in stampede.goals(_stampede_result())] == [True, True, True, True]
    late = stampede.goals(_stampede_result(last=15.5, page_p99=600.0, duplicated=1))
    assert [g["met"] for g in late] == [False, True, False, False]


def _side(rps, not_modified=0.0):
    return {"req_per_s": rps, "errors": 0, "not_modified_share": not_modified}


def test_quiet_poll_goals_compare_the_304_with_the_page_and_the_bare_check():
    # Given a quiet-poll run: 304 at 400 req/s, the bare check 480, the full page 90
    result = {
        "benchmarks": [
            {
                "name": "quiet poll",
                "sides": {
                    "bro": _side(400.0, 1.0),
                    "baseline": _side(480.0, 1.0),
                    "full page": _side(90.0),
                },
                "ratio": {"throughput": round(400 / 480, 3)},
            }
        ]
    }

    # Then 4.44x the page and 0.833x the bare check meet both goals, every poll a 304
    goals = {g["goal"]: (g["measured"], g["met"]) for g in report.goals(result)}
    assert goals["quiet poll: 304 ≥ 4× the full feed page req/s"] == (4.44, True)
    assert goals["quiet poll: 304 ≥ 0.8× the bare freshness check req/s"] == (0.833, True)
    assert goals["quiet poll: every poll a 304, 0 errors"][1] is True
