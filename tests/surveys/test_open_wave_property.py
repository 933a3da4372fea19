"""Property: while a wave is open, what anyone can read of it reveals nothing about any answer.

Random unit trees, invitations and arrival orders; communications, and the leader of a random
unit.
The wave is answered twice from scratch — the same people arriving in the same order, each
time with freshly drawn answers (Likert, scale, single choice, free text). After every arrival
everything each caller can read is collected through the real reads: results for every unit
filter (JSON and the CSV/XLSX rows), the scorecard for every unit filter, the organisation's
line, and the dashboard's Mit område, heatmap and Kernefortællingen figures. The two sequences
must be identical: what a caller sees may follow who has answered (the rounded response
rates), never what anyone answered. Half the cases also have an earlier, closed wave, whose
shown numbers must not move while the new wave fills.
"""

import random
from datetime import timedelta

from django.apps import apps
from django.core.cache import cache
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.errors import NotFoundError
from dashboard import results as dashboard_results
from org import services as org_services
from org.models import OrgUnit, Role
from surveys import services
from surveys.exports import result_rows
from surveys.models import QuestionKind
from surveys.results import indicator_scorecard, organisation_scorecard, survey_results
from tests.factories import OrgUnitFactory, UserFactory

from .factories import everyone, make_survey

QUESTIONS = [
    {"kind": QuestionKind.LIKERT, "text": "Vi deler viden.", "indicator": "videndeling"},
    {"kind": QuestionKind.SCALE, "text": "Anbefal os?", "indicator": "enps"},
    {
        "kind": QuestionKind.SINGLE,
        "text": "Hvor arbejder du?",
        "options": [{"text": "Ude"}, {"text": "Inde"}],
    },
    {"kind": QuestionKind.FREE_TEXT, "text": "Hvad kan blive bedre?"},
]


@st.composite
def waves_and_arrivals(draw):
    size = draw(st.integers(min_value=1, max_value=2))
    # Each unit hangs under an earlier one or under the top unit (0).
    parents = [draw(st.integers(min_value=0, max_value=node)) for node in range(size)]
    invited = [draw(st.integers(min_value=0, max_value=5)) for _ in range(size + 1)]
    people = [(unit, i) for unit, n in enumerate(invited) for i in range(n)]
    arrivals = draw(st.permutations(people))[: draw(st.integers(0, min(6, len(people))))]
    minimum = draw(st.integers(min_value=3, max_value=5))
    earlier_wave = draw(st.booleans())
    leader_of = draw(st.integers(min_value=0, max_value=size))  # the top unit or any other
    seeds = draw(st.tuples(st.integers(0, 2**32), st.integers(0, 2**32)))
    return parents, invited, arrivals, minimum, earlier_wave, leader_of, seeds


def _answers(questions, rng: random.Random) -> list[dict]:
    answers = []
    for question in questions:
        match question.kind:
            case QuestionKind.LIKERT:
                answers.append({"question": question.pk, "value": rng.randint(1, 5)})
            case QuestionKind.SCALE:
                answers.append({"question": question.pk, "value": rng.randint(0, 10)})
            case QuestionKind.SINGLE:
                option = rng.choice(list(question.options.all()))
                answers.append({"question": question.pk, "options": [option.pk]})
            case QuestionKind.FREE_TEXT:
                answers.append({"question": question.pk, "text": rng.choice("ABCDEFGH") * 3})
    return answers


def _everything_read(readers, survey, units, *, pages: bool) -> list:
    """Everything each reader can read of the survey now, in a fixed order; with `pages`,
    also the dashboard's figures and the scorecard per unit (they reshape the same reads, so
    they are read at the start and the end only: the test stays within its time)."""
    seen = []
    for reader in readers:
        for unit in [None, *units]:
            unit_id = unit and unit.pk
            try:
                body = survey_results(survey=survey, viewer=reader, unit_id=unit_id)
            except NotFoundError:  # a unit outside the reader's scope
                seen.append((reader.pk, unit_id, 404))
                continue
            seen.append((reader.pk, unit_id, body, result_rows(body)))
            if pages:
                # The heatmap holds the Mit område rows (its columns) too.
                page = dashboard_results.heatmap(viewer=reader, survey=survey, unit=unit)
                scorecard = indicator_scorecard(viewer=reader, unit_id=unit_id)
                seen.append((reader.pk, unit_id, page, scorecard))
        seen.append((reader.pk, indicator_scorecard(viewer=reader)))
        seen.append((reader.pk, organisation_scorecard(viewer=reader)))
        if pages:
            seen.append((reader.pk, dashboard_results.core_narrative(viewer=reader)))
    return seen


def _same_ids_as_last_run() -> None:
    """Start the id sequences where the last (rolled-back) run started them, so both runs
    number their units, people and questions alike: PostgreSQL does not roll sequences back."""
    models = [
        *apps.get_app_config("org").get_models(),
        *apps.get_app_config("surveys").get_models(),
    ]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def _run(case, seed: int, now) -> list:
    """Build the case, answer the wave in its arrival order with answers drawn from `seed`,
    and return everything read after each arrival; the database is left as it was."""
    parents, invited, arrivals, minimum, earlier_wave, leader_of, _seeds = case
    rng = random.Random(seed)
    cache.clear()  # frozen views are cached by wave id, which a rolled-back run reuses
    _same_ids_as_last_run()
    with transaction.atomic():
        top = OrgUnitFactory(name="Top", kind=OrgUnit.Kind.DIREKTION)
        units = [top]
        for node, parent in enumerate(parents):
            units.append(OrgUnitFactory(name=f"Enhed {node}", parent=units[parent]))
        people = {
            (unit, i): UserFactory(name=f"Medarbejder {unit}.{i}", unit=units[unit])
            for unit, n in enumerate(invited)
            for i in range(n)
        }
        leader = UserFactory(name="Leder", unit=None)
        org_services.leader_scope_set(leader=leader, units=[units[leader_of]])
        comms = UserFactory(name="Kommunikation", unit=None, roles=[Role.COMMUNICATIONS])
        survey = make_survey(audience=everyone(), questions=QUESTIONS, min_group_size=minimum)
        questions = list(survey.questions.prefetch_related("options").order_by("position"))
        if earlier_wave:
            first = services.wave_open(
                survey=survey, number=1, opens_at=now - timedelta(days=20), announce_it=False
            )
            for person in people.values():
                answers = _answers(questions, random.Random(person.pk))  # the same in both runs
                services.response_submit(
                    wave=first, user=person, answers=answers, now=first.opens_at
                )
            services.wave_close(wave=first)
        wave = services.wave_open(
            survey=survey, number=2, opens_at=now - timedelta(hours=1), announce_it=False
        )
        readers = [comms, leader]
        seen = [_everything_read(readers, survey, units, pages=True)]
        for arrival in arrivals:
            services.response_submit(
                wave=wave, user=people[arrival], answers=_answers(questions, rng), now=now
            )
            seen.append(_everything_read(readers, survey, units, pages=False))
        seen.append(_everything_read(readers, survey, units, pages=True))
        transaction.set_rollback(True)
    return seen


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
    ],
)
@given(case=waves_and_arrivals())
def test_an_open_wave_reveals_nothing_about_any_answer_to_anyone(db, case):
    first_seed, second_seed = case[-1]
    now = timezone.now()
    # Same arrivals, different answers: everything read after each arrival is the same
    assert _run(case, first_seed, now) == _run(case, second_seed, now)
