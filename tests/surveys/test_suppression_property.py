"""Property: no group of 1 to minimum − 1 respondents can be computed from what one caller gets.

Random org trees, respondents and answer distributions; for one caller (communications, or a
leader with a random scope) every node set the results endpoint (per unit, for every `unit=`
filter; the trend) and the scorecard (for every `unit=` filter) give numbers for is collected
through the same WaveView code the endpoints run. Then, independently of the suppression code:
- the returned groups are nested or disjoint (a laminar family);
- one returned group minus another inside it holds 0 or >= minimum respondents;
- every atom — a returned group minus all the returned groups inside it — holds 0 or >=
  minimum. For a laminar family the atoms are disjoint and span the same space as the groups,
  so any group computable by any linear combination of the returned numbers (any chain of
  subtractions, across units and filters) is a union of atoms: 0 or >= minimum;
- the numbers for a group are exactly the sums of its respondents' answers.
The free-text family is checked the same way against the free-text minimum.
"""

import random
from types import SimpleNamespace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveys.results import WaveView
from surveys.suppression import ROOT, rollup


@st.composite
def org_and_answers(draw):
    size = draw(st.integers(min_value=1, max_value=14))
    parents = {}
    for node in range(1, size + 1):
        # Real units hang under an earlier unit or are roots (parent None in the snapshot).
        parent = draw(st.integers(min_value=0, max_value=node - 1))
        parents[node] = parent or None
    small = st.integers(min_value=0, max_value=12) | st.integers(min_value=0, max_value=3)
    direct = {node: draw(small) for node in [ROOT, *parents]}
    minimum = draw(st.integers(min_value=3, max_value=7))
    free_text_minimum = draw(st.integers(min_value=max(5, minimum), max_value=12))
    # Each respondent's answer on a 1–5 scale, so the numbers can be checked as sums. Drawn
    # from a seeded generator: hypothesis explores the trees, and the run stays fast.
    rng = random.Random(draw(st.integers(min_value=0, max_value=2**32)))
    values = {node: [rng.randint(1, 5) for _ in range(n)] for node, n in direct.items()}
    is_leader = draw(st.booleans())
    scope_roots = draw(st.sets(st.integers(1, size), max_size=3)) if is_leader else None
    return parents, direct, minimum, free_text_minimum, values, scope_roots


def _subtree(parents: dict, node: int) -> frozenset:
    """The node and every node whose chain of parents reaches it."""
    found = {node}
    for candidate in parents:
        current = candidate
        while current != node and current != ROOT:
            current = parents[current] or ROOT
        if current == node:
            found.add(candidate)
    return frozenset(found)


def _respondents(group: frozenset, direct: dict) -> int:
    return sum(direct[node] for node in group)


def _assert_no_small_group(family: set[frozenset], direct: dict, minimum: int) -> None:
    def safe(group: frozenset) -> bool:
        count = _respondents(group, direct)
        return count == 0 or count >= minimum

    groups = list(family)
    for first in groups:
        for second in groups:
            # Nested or apart: then every linear combination is a union of atoms (below).
            assert first <= second or second <= first or not first & second
            # One group minus another (parent minus child, one filter minus another).
            if second < first:
                assert safe(first - second), (sorted(first - second), minimum)
    for group in groups:
        # The atom: a group minus every returned group inside it (parent minus all children).
        inside = [g for g in groups if g < group]
        atom = group.difference(*inside)
        assert safe(atom), (sorted(atom), _respondents(atom, direct), minimum)


@settings(
    max_examples=5000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(org_and_answers())
def test_no_group_below_the_minimum_can_be_computed_by_one_caller(case):
    parents, direct, minimum, free_text_minimum, values, scope_roots = case
    scope = None
    if scope_roots is not None:
        scope = frozenset().union(*(_subtree(parents, root) for root in scope_roots)) - {ROOT}
    wave = SimpleNamespace(min_group_size=minimum, min_free_text_group_size=free_text_minimum)
    view = WaveView.build(
        wave=wave,
        parents=parents,
        direct={node: n for node, n in direct.items() if n},
        invited={},
        names={},
        scope=scope,
    )

    # Every filter the caller can send: no unit, and each unit the endpoints accept.
    focuses = [view.node_for(None)] + [view.node_for(unit) for unit in parents]
    numbered, texts = set(), set()
    for focus in [f for f in focuses if f is not None] + [None]:
        numbered.update(view.numbered_units(focus))  # results, per unit
        numbered.update(view.numbered_tops(focus))  # results trend, and the scorecard
        texts.update(view.text_nodes(focus))
    if scope is not None:
        assert numbered <= scope, "a leader got numbers outside its scope"

    subtree_of = {node: _subtree(parents, node) for node in numbered | texts}
    _assert_no_small_group({subtree_of[n] for n in numbered}, direct, minimum)
    _assert_no_small_group({subtree_of[n] for n in texts}, direct, free_text_minimum)
    assert texts <= numbered

    # The returned numbers are exact sums over each group's respondents.
    per_unit = {
        node: {("sum",): sum(answers), ("n",): len(answers)}
        for node, answers in values.items()
        if answers
    }
    totals = rollup(view.tree, per_unit, numbered)
    for node in numbered:
        expected = [v for member in subtree_of[node] for v in values[member]]
        assert totals[node].get(("n",), 0) == len(expected) >= minimum
        assert totals[node].get(("sum",), 0) == sum(expected)
