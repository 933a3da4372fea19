"""Which groups may be shown: the pure core of result suppression, with no database access.

Every number the results and indicator endpoints return is a sum over the respondents of one
*shown* node of a wave's frozen unit tree (a unit and everything under it). The shown nodes of
a tree form a laminar family, so the smallest groups anyone can compute from them — by
subtracting children from a parent, or one filter's answer from another's — are the *atoms*:
a shown node minus its nearest shown descendants. The rule enforced here is that every atom
holds 0 or at least `minimum` respondents. It is decided once per wave over the whole tree,
independent of the caller and the filters, and a caller only ever sees a subset of the shown
nodes; removing nodes from a laminar family only merges atoms, so every subset is safe too.

Node 0 is the whole organisation (a virtual root above the real roots); people with no unit
count directly in it.
"""

from collections.abc import Iterable, Mapping

ROOT = 0


class Tree:
    """A frozen unit tree: `parent[node]` for every node but ROOT, `direct[node]` respondents."""

    def __init__(self, parent: Mapping[int, int], direct: Mapping[int, int]) -> None:
        self.parent = dict(parent)
        self.parent.pop(ROOT, None)
        self.nodes = [ROOT, *self.parent]
        self.children: dict[int, list[int]] = {node: [] for node in self.nodes}
        for node, parent_node in self.parent.items():
            self.children[parent_node].append(node)
        self._ancestors: dict[int, list[int]] = {}
        self.depth: dict[int, int] = {ROOT: 0}
        order = [ROOT]
        for node in order:  # breadth-first: grows while it is walked
            for child in self.children[node]:
                self.depth[child] = self.depth[node] + 1
                order.append(child)
        self.direct = {node: int(direct.get(node, 0)) for node in self.nodes}
        self.total = {node: 0 for node in self.nodes}
        for node in reversed(order):
            self.total[node] += self.direct[node]
            if node != ROOT:
                self.total[self.parent[node]] += self.total[node]

    def ancestors(self, node: int) -> list[int]:
        """The node and every node above it, up to ROOT."""
        chain = self._ancestors.get(node)
        if chain is None:
            chain = [node] if node == ROOT else [node, *self.ancestors(self.parent[node])]
            self._ancestors[node] = chain
        return chain

    def subtree(self, node: int) -> list[int]:
        found, stack = [], [node]
        while stack:
            current = stack.pop()
            found.append(current)
            stack.extend(self.children[current])
        return found


def _frontier(tree: Tree, node: int, shown: set[int]) -> list[int]:
    """The nearest shown nodes strictly below `node`."""
    found, stack = [], list(tree.children[node])
    while stack:
        current = stack.pop()
        if current in shown:
            found.append(current)
        else:
            stack.extend(tree.children[current])
    return found


def shown_nodes(tree: Tree, *, minimum: int, eligible: Iterable[int] | None = None) -> frozenset:
    """The nodes whose results may be shown: every atom ends up 0 or >= `minimum`.

    A node starts shown when it has at least `minimum` respondents (and is in `eligible`, when
    given). Bottom-up, a shown node whose atom is between 1 and minimum − 1 has its smallest
    shown descendant suppressed — folding it into the node — until the atom is large enough;
    with no shown descendants left the atom is the whole node, which is >= minimum.
    """
    allowed = set(tree.nodes) if eligible is None else set(eligible)
    shown = {node for node in tree.nodes if node in allowed and tree.total[node] >= minimum}
    for node in sorted(shown, key=lambda n: (-tree.depth[n], n)):
        frontier = _frontier(tree, node, shown)
        atom = tree.total[node] - sum(tree.total[w] for w in frontier)
        while 0 < atom < minimum:
            smallest = min(frontier, key=lambda w: (tree.total[w], w))
            shown.discard(smallest)
            frontier.remove(smallest)
            below = _frontier(tree, smallest, shown)
            frontier.extend(below)
            atom += tree.total[smallest] - sum(tree.total[w] for w in below)
    return frozenset(shown)


def folded_into(tree: Tree, node: int, shown: frozenset, *, present: Mapping[int, int]) -> list:
    """Units whose answers count in `node` but are not shown themselves (rolled up).

    Only units with someone in `present` (the invited) are named: naming a unit with no one in
    it says nothing, and naming by invitation rather than by answer reveals no answer count.
    """
    folded, stack = [], list(tree.children[node])
    while stack:
        current = stack.pop()
        if current in shown:
            continue
        if present.get(current, 0) > 0:
            folded.append(current)
        stack.extend(tree.children[current])
    return sorted(folded)


def visible_nodes(
    tree: Tree, shown: frozenset, *, scope: Iterable[int] | None, focus: int | None = None
) -> list[int]:
    """The nodes a caller gets numbers for: shown, inside its scope, under `focus` if given.

    `scope` None means everything (communications). Returns tree order (parents first).
    """
    allowed = set(tree.nodes) if scope is None else set(scope)
    candidates = tree.subtree(focus) if focus is not None else tree.nodes
    picked = [node for node in candidates if node in allowed and node in shown]
    return sorted(picked, key=lambda n: (tree.depth[n], n))


def listed_nodes(tree: Tree, *, scope: Iterable[int] | None, focus: int | None = None) -> list:
    """The nodes a caller sees named (shown or not): its scope, under `focus` if given."""
    allowed = set(tree.nodes) if scope is None else set(scope)
    candidates = tree.subtree(focus) if focus is not None else tree.nodes
    return sorted((n for n in candidates if n in allowed), key=lambda n: (tree.depth[n], n))


def top_nodes(tree: Tree, nodes: Iterable[int]) -> list[int]:
    """The nodes in `nodes` with no ancestor in `nodes`: where a caller's scope starts."""
    chosen = set(nodes)
    return sorted(
        (n for n in chosen if not any(a in chosen for a in tree.ancestors(n)[1:])),
        key=lambda n: (tree.depth[n], n),
    )


def rollup(tree: Tree, direct: Mapping[int, Mapping], nodes: Iterable[int]) -> dict[int, dict]:
    """Sum per-unit counters (`direct[unit][key] = number`) into each of `nodes`' subtrees."""
    wanted = set(nodes)
    totals: dict[int, dict] = {node: {} for node in wanted}
    for unit, counters in direct.items():
        if unit not in tree.depth:
            continue
        for ancestor in tree.ancestors(unit):
            if ancestor in wanted:
                bucket = totals[ancestor]
                for key, number in counters.items():
                    bucket[key] = bucket.get(key, 0) + number
    return totals
