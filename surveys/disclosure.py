"""What a wave may expose to its readers, decided here and nowhere else.

While a wave is open its numbers move with every answer that arrives, so two reads a moment
apart differ by exactly the answers given in between. Suppression by group size cannot stop
that: the groups read are large, their difference is one person (a unit of 5 shown
and a sibling of 1 suppressed; the second read minus the first was one person's Likert,
scale, choices and free text). So the rule is about time, not size:

- until a wave has *closed*, nothing computed from its answers — distribution, mean, score,
  indicator value, free text — leaves `surveys`: not the results endpoint or its CSV/XLSX
  exports, not the scorecard or the organisation's line, not the dashboard or its PDFs;
- while it is open, a reader sees only the response rate of each unit it may read, and only
  where at least the wave's minimum group size were invited, rounded *down* to whole tens of
  per cent. That says how many have answered, roughly — never what anyone answered.

`surveys.results` asks `answers_disclosed` before it reads a wave's answers, leaves open waves
out of every trend and scorecard with `disclosed`, and its answer-reading helpers refuse an
open wave outright (`require_disclosed`), so a new read that forgets the rule fails loudly
instead of leaking. Everything else — exports, the dashboard — renders what those functions
return, so it inherits the rule. A closed wave never changes again, so reading it twice
reveals nothing new.
"""

from collections.abc import Iterable, Mapping

from django.db.models import QuerySet

from .models import Wave
from .suppression import Tree, rollup

# An open wave's response rate moves in steps of a tenth (rounded down), so a reader cannot
# tell one more answer from none unless it crosses a step.
RATE_STEPS = 10


class WithheldWaveError(RuntimeError):
    """A read of an open wave's answers was attempted: a programming error, never shown."""


def answers_disclosed(wave: Wave) -> bool:
    """Whether anything computed from the wave's answers may be shown: only once it closed."""
    return wave.status == Wave.Status.CLOSED


def disclosed(waves: QuerySet[Wave]) -> QuerySet[Wave]:
    """The waves whose answers may be shown: the closed ones."""
    return waves.filter(status=Wave.Status.CLOSED)


def require_disclosed(waves: Iterable[Wave]) -> None:
    """Refuse to go on when any of `waves` is still open (see the module's docstring)."""
    withheld = sorted(w.pk for w in waves if not answers_disclosed(w))
    if withheld:
        raise WithheldWaveError(f"answers of open waves {withheld} must not be read")


def open_wave_rate(*, invited: int, respondents: int, minimum: int) -> float | None:
    """An open wave's response rate for one unit: None under `minimum` invited, else rounded
    down to a whole tenth (0.0, 0.1, … 1.0)."""
    if invited < minimum or invited <= 0:
        return None
    return min(RATE_STEPS, RATE_STEPS * respondents // invited) / RATE_STEPS


def open_wave_rates(
    tree: Tree, invited: Mapping[int, int], nodes: Iterable[int], *, minimum: int
) -> dict[int, float | None]:
    """All an open wave shows of each of `nodes`: its response rate (`open_wave_rate`).

    `tree` holds the respondents per unit (who has answered, never what), `invited` the
    invitations per unit; both are rolled up to each node's subtree.
    """
    nodes = list(nodes)
    invited_in = rollup(tree, {unit: {"n": n} for unit, n in invited.items()}, nodes)
    return {
        node: open_wave_rate(
            invited=invited_in[node].get("n", 0), respondents=tree.total[node], minimum=minimum
        )
        for node in nodes
    }
