"""Counting a closed wave's answers once, into `UnitTally` and `AnswerTally`.

What results would compute from the answer rows on every request is computed here once: the
invited and respondents per frozen unit (the unit each invitation and answer carries, frozen
when the wave opened), and the answers per value, correctness or option per unit, rolled up
the wave's frozen tree by `suppression.rollup` to every node. Never per person, never per
time. Which nodes are shown is still decided at read time by `surveys.suppression`, over the
respondents per unit. Free text is not counted: it is read as text behind its own minimum.

Called by `services.wave_close` in its transaction, and by the beat for a closed wave that has
no tallies yet.
"""

from collections import defaultdict

from django.apps import apps
from django.db.models import Count

from .results import frozen_tree
from .suppression import ROOT, rollup

BATCH_SIZE = 2000
# The answer columns counted, and where: value and correctness on answers, options on choices.
_KEYS = (("value", "Answer"), ("is_correct", "Answer"), ("option_id", "AnswerChoice"))


def wave_count(*, wave_id: int) -> tuple[int, int]:
    """Write the wave's tallies (it must have none yet); returns (unit rows, answer rows)."""

    def model(name: str):
        return apps.get_model("surveys", name)

    units: dict[int | None, dict[str, int]] = defaultdict(lambda: {"invited": 0, "respondents": 0})
    for measure, source in (("invited", "Invitation"), ("respondents", "Response")):
        for unit_id, n in (
            model(source)
            .objects.filter(wave_id=wave_id)
            .values_list("unit_id")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            units[unit_id][measure] = n
    UnitTally = model("UnitTally")
    unit_rows = UnitTally.objects.bulk_create(
        [
            UnitTally(wave_id=wave_id, unit_id=unit_id, **numbers)
            for unit_id, numbers in sorted(units.items(), key=lambda item: item[0] or 0)
        ],
        batch_size=BATCH_SIZE,
    )

    direct: dict[int, dict[tuple, int]] = defaultdict(dict)
    for key, source in _KEYS:
        rows = model(source).objects.filter(wave_id=wave_id, **{f"{key}__isnull": False})
        for unit_id, question_id, value, n in (
            rows.values_list("unit_id", "question_id", key).annotate(n=Count("pk")).order_by()
        ):
            direct[unit_id or ROOT][(key, question_id, value)] = n
    parents = dict(
        model("WaveUnit").objects.filter(wave_id=wave_id).values_list("unit_id", "parent_id")
    )
    tree = frozen_tree(parents, {})
    totals = rollup(tree, direct, tree.nodes)
    AnswerTally = model("AnswerTally")
    answer_rows = AnswerTally.objects.bulk_create(
        [
            AnswerTally(
                wave_id=wave_id,
                node_id=None if node == ROOT else node,
                question_id=question_id,
                count=n,
                **{key: value},
            )
            for node in sorted(tree.nodes)
            for (key, question_id, value), n in sorted(totals[node].items())
        ],
        batch_size=BATCH_SIZE,
    )
    return len(unit_rows), len(answer_rows)
