"""Survey results and the strategy scorecard, suppressed server-side for one caller.

Only closed waves give numbers. While a wave is open a reader gets each unit's response rate
and nothing computed from its answers: `surveys.disclosure` decides what an open wave may
expose, and the answer-reading helpers below refuse an open wave.

A closed wave's answers were counted and rolled up its frozen unit tree once, when it closed
(`surveys.tallies`): its numbers are read per node, only for the nodes the caller gets. A
closed wave that was never counted (closed by an older release, until beat counts it) is
counted here by the same rules: one GROUP BY per kind of number over the unit column that
answers carry (denormalised), rolled up the frozen tree in Python. Which nodes are shown is
decided in Python by `surveys.suppression` — the same code the property test exercises —
over the respondents per unit. Each read is one query whatever the mix of counted and
uncounted waves (a UNION ALL of both sources), so the number of queries is fixed: it does
not grow with waves, units or respondents.
"""

import random
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from functools import reduce
from operator import or_
from typing import Any

from django.core.cache import cache
from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from backend.errors import NotFoundError, PermissionDeniedError
from org.models import Role, User
from org.selectors import units_in_scope

from .disclosure import answers_disclosed, disclosed, open_wave_rates, require_disclosed
from .models import (
    CHOICE_KINDS,
    VALUE_RANGES,
    Answer,
    AnswerChoice,
    AnswerTally,
    Invitation,
    Question,
    QuestionKind,
    Response,
    Survey,
    UnitTally,
    Wave,
    WaveUnit,
)
from .strategy import ActiveStrategy, indicator_label, strategy_active, target_met, target_of
from .suppression import ROOT, Tree, folded_into, listed_nodes, rollup, shown_nodes, top_nodes

# A response rate is shown only where at least this many were invited: below that one
# person's answering moves it by 25 % or more.
MIN_INVITED_FOR_RATE = 5
_SHUFFLE = random.SystemRandom()


def caller_scope(*, user: User) -> frozenset[int] | None:
    """The unit ids whose results the caller may read; None means all (communications)."""
    if user.has_role(Role.COMMUNICATIONS):
        return None
    require_results_reader(user=user)
    return frozenset(units_in_scope(leader=user).values_list("pk", flat=True))


def require_results_reader(*, user: User) -> None:
    """Survey results are for leaders and communications: anyone else is refused (403)."""
    if not user.has_role(Role.LEADER, Role.COMMUNICATIONS):
        raise PermissionDeniedError(_("Kun ledere og Kommunikation kan se resultater."))


def frozen_tree(parents: Mapping[int, int | None], direct: Mapping[int, int]) -> Tree:
    """A wave's tree from its snapshot (unit -> parent) and its respondents per unit."""
    # A unit whose parent was not in the snapshot hangs under the whole organisation.
    parent = {unit: (p if p in parents else ROOT) for unit, p in parents.items()}
    return Tree(parent, {u: n for u, n in direct.items() if u in parent or u == ROOT})


@dataclass
class WaveView:
    """One wave's frozen tree, its shown nodes, and what the caller may see of it."""

    wave: Wave
    tree: Tree
    names: dict[int, str]
    shown: frozenset
    scope_nodes: frozenset | None
    invited: dict[int, int] = field(default_factory=dict)

    @classmethod
    def build(cls, *, wave, parents, direct, invited, names, scope) -> "WaveView":
        """Freeze a wave's tree from its snapshot and decide, once, which nodes are shown."""
        tree = frozen_tree(parents, direct)
        return cls(
            wave=wave,
            tree=tree,
            names=names,
            shown=shown_nodes(tree, minimum=wave.min_group_size),
            scope_nodes=_scope_nodes(tree, scope),
            invited=invited,
        )

    def for_scope(self, scope: Iterable[int] | None) -> "WaveView":
        """The same wave, tree and shown set, seen by another scope (None: everything)."""
        return replace(self, scope_nodes=_scope_nodes(self.tree, scope))

    def node_for(self, unit_id: int | None) -> int | None:
        """The tree node for a unit the caller asks about, or None when it is not visible."""
        node = ROOT if unit_id is None else unit_id
        if node not in self.tree.depth:
            return None
        if self.scope_nodes is not None and node not in self.scope_nodes:
            return None
        return node

    def listed(self, focus: int | None) -> list[int]:
        return listed_nodes(self.tree, scope=self.scope_nodes, focus=focus)

    def tops(self, focus: int | None) -> list[int]:
        if focus is not None:
            return [focus]
        return top_nodes(self.tree, self.listed(None))

    def numbered_units(self, focus: int | None) -> list[int]:
        """The nodes the results endpoint gives numbers for, per unit."""
        return [n for n in self.listed(focus) if self.is_visible(n)]

    def numbered_tops(self, focus: int | None) -> list[int]:
        """The nodes the trend and the scorecard give numbers for."""
        return [n for n in self.tops(focus) if self.is_visible(n)]

    def text_nodes(self, focus: int | None) -> list[int]:
        """The nodes whose free-text answers are shown: a stricter subset of numbered_units."""
        text_shown = shown_nodes(
            self.tree, minimum=self.wave.min_free_text_group_size, eligible=self.shown
        )
        return [n for n in self.numbered_units(focus) if n in text_shown]

    def is_visible(self, node: int) -> bool:
        in_scope = self.scope_nodes is None or node in self.scope_nodes
        return in_scope and node in self.shown

    def unit_ref(self, node: int) -> dict[str, Any]:
        return {
            "id": None if node == ROOT else node,
            "name": self.names.get(node) or _("Hele organisationen"),
        }


def _scope_nodes(tree: Tree, scope: Iterable[int] | None) -> frozenset | None:
    """The scope's units that are in the wave's frozen tree; None (everything) stays None."""
    return None if scope is None else frozenset(scope) & frozenset(tree.parent)


def _split(waves: Iterable[Wave]) -> tuple[list[int], list[int]]:
    """The waves counted at closing (read from the tallies) and the rest (read live)."""
    waves = list(waves)
    return [w.pk for w in waves if w.tallied], [w.pk for w in waves if not w.tallied]


def _per_unit(tallied: list[int], live: list[int], *, tally_column: str, source) -> QuerySet:
    """(wave, unit, n) for every wave: from the unit tallies, or grouped from `source` live."""
    counted = (
        UnitTally.objects.filter(wave_id__in=tallied)
        .exclude(**{tally_column: 0})
        .values_list("wave_id", "unit_id", tally_column)
        .order_by()
    )
    grouped = (
        source.objects.filter(wave_id__in=live)
        .values_list("wave_id", "unit_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return counted.union(grouped, all=True)


# A counted (closed) wave never changes: its frozen tree, names, respondents and invitations per
# unit, and so which nodes are shown, are the same for every caller. Building them reads every
# unit of the organisation once per wave, which grew with the organisation's size (bench,
# scaling: 70 % of a leader's results at 4x the units), so they are kept in the cache.
FROZEN_VIEW_SECONDS = 24 * 3600


def _frozen_key(wave: Wave) -> str:
    opened = wave.opens_at.isoformat() if wave.opens_at else ""
    return f"surveys:frozen-view:{wave.pk}:{wave.survey_id}:{opened}:{wave.min_group_size}"


def _wave_views(waves: list[Wave], scope: frozenset[int] | None) -> dict[int, WaveView]:
    """Build each wave's frozen tree and shown set: three queries at most, whatever the sizes
    (none for counted waves already in the cache)."""
    keys = {w.pk: _frozen_key(w) for w in waves if w.tallied}
    cached = cache.get_many(list(keys.values())) if keys else {}
    todo = [w for w in waves if keys.get(w.pk) not in cached]
    wave_ids = [w.pk for w in todo]
    tallied, live = _split(todo)
    parents: dict[int, dict[int, int]] = defaultdict(dict)
    names: dict[int, dict[int, str]] = defaultdict(dict)
    direct: dict[int, dict[int, int]] = defaultdict(dict)
    invited: dict[int, dict[int, int]] = defaultdict(dict)
    if todo:
        for wave_id, unit_id, parent_id, name in WaveUnit.objects.filter(
            wave_id__in=wave_ids
        ).values_list("wave_id", "unit_id", "parent_id", "name"):
            parents[wave_id][unit_id] = parent_id
            names[wave_id][unit_id] = name
        for wave_id, unit_id, n in _per_unit(
            tallied, live, tally_column="respondents", source=Response
        ):
            direct[wave_id][unit_id or ROOT] = n
        for wave_id, unit_id, n in _per_unit(
            tallied, live, tally_column="invited", source=Invitation
        ):
            invited[wave_id][unit_id or ROOT] = n
    views: dict[int, WaveView] = {}
    to_cache: dict[str, dict] = {}
    for wave in waves:
        key = keys.get(wave.pk)
        if key in cached:
            views[wave.pk] = WaveView(wave=wave, scope_nodes=None, **cached[key]).for_scope(scope)
            continue
        view = WaveView.build(
            wave=wave,
            parents=parents[wave.pk],
            direct=direct[wave.pk],
            invited=invited[wave.pk],
            names=names[wave.pk],
            scope=scope,
        )
        views[wave.pk] = view
        if key is not None:
            to_cache[key] = {
                "tree": view.tree,
                "names": view.names,
                "shown": view.shown,
                "invited": view.invited,
            }
    if to_cache:
        cache.set_many(to_cache, timeout=FROZEN_VIEW_SECONDS)
    return views


SUMMARY_MEASURES = ("n", "total", "ge4", "ge9", "le6", "correct")


def _node_filter(nodes: Iterable[int]) -> Q:
    """Tally rows of these nodes of a frozen tree (the whole organisation is stored as NULL)."""
    nodes = set(nodes)
    condition = Q(node__in=sorted(nodes - {ROOT}))
    return condition | Q(node__isnull=True) if ROOT in nodes else condition


def _summary_counts(
    views: dict[int, WaveView],
    wanted: dict[int, list[int]],
    question_ids: Iterable[int] | None = None,
) -> dict[int, dict[int, dict]]:
    """Per wave, for each wanted node: {(question, measure): count} for number-like answers.

    A tallied wave's nodes are read as closing rolled them up; a closed wave not yet tallied
    has its answers grouped per unit here and rolled up its frozen tree. Never an open wave.
    """
    require_disclosed(views[w].wave for w in wanted)
    if not wanted:
        return {}
    tallied = {w for w in wanted if views[w].wave.tallied}
    live = [w for w in wanted if w not in tallied]
    numbers = Q(value__isnull=False) | Q(is_correct__isnull=False)
    # Waves that want the same nodes (the trend's tops, mostly) share one condition.
    by_nodes: dict[tuple[int, ...], list[int]] = defaultdict(list)
    for wave_id in sorted(tallied):
        if wanted[wave_id]:
            by_nodes[tuple(sorted(wanted[wave_id]))].append(wave_id)
    which = [Q(wave_id__in=ids) & _node_filter(nodes) for nodes, ids in by_nodes.items()]
    counted = AnswerTally.objects.filter(numbers, reduce(or_, which, Q(pk__in=[])))
    answers = Answer.objects.filter(numbers, wave_id__in=live)
    if question_ids is not None:
        question_ids = list(question_ids)
        counted = counted.filter(question_id__in=question_ids)
        answers = answers.filter(question_id__in=question_ids)
    # The same measures from both sources: a tally row stands for `count` equal answers.
    counted = (
        counted.values_list("wave_id", "node_id", "question_id")
        .annotate(
            n=Sum("count"),
            total=Sum(F("value") * F("count")),
            ge4=Sum("count", filter=Q(value__gte=4)),
            ge9=Sum("count", filter=Q(value__gte=9)),
            le6=Sum("count", filter=Q(value__lte=6)),
            correct=Sum("count", filter=Q(is_correct=True)),
        )
        .order_by()
    )
    answers = (
        answers.values_list("wave_id", "unit_id", "question_id")
        .annotate(
            n=Count("pk"),
            total=Sum("value"),
            ge4=Count("pk", filter=Q(value__gte=4)),
            ge9=Count("pk", filter=Q(value__gte=9)),
            le6=Count("pk", filter=Q(value__lte=6)),
            correct=Count("pk", filter=Q(is_correct=True)),
        )
        .order_by()
    )
    counts: dict[int, dict[int, dict]] = {w: {n: {} for n in nodes} for w, nodes in wanted.items()}
    direct: dict[int, dict[int, dict]] = defaultdict(lambda: defaultdict(dict))
    for wave_id, unit_or_node, question, *measures in counted.union(answers, all=True):
        per_node = counts[wave_id] if wave_id in tallied else direct[wave_id]
        bucket = per_node.setdefault(unit_or_node or ROOT, {})
        for measure, number in zip(SUMMARY_MEASURES, measures, strict=True):
            if number:
                bucket[(question, measure)] = number
    for wave_id in live:
        counts[wave_id] = rollup(views[wave_id].tree, direct[wave_id], wanted[wave_id])
    return counts


def _question_numbers(question: Question, c: dict) -> dict[str, Any]:
    """Mean, favourable share, eNPS or share correct from one node's counters."""
    n = c.get((question.pk, "n"), 0)
    if not n:
        return {}
    numbers: dict[str, Any] = {"answers": n}
    pk, kind = question.pk, question.kind
    # A count of 0 is not stored: hence get(…, 0).
    if kind in (QuestionKind.LIKERT, QuestionKind.SCALE):
        numbers["mean"] = round(c.get((pk, "total"), 0) / n, 2)
    if kind == QuestionKind.LIKERT:
        numbers["favourable_share"] = round(c.get((pk, "ge4"), 0) / n, 3)
    if kind == QuestionKind.SCALE:
        numbers["enps"] = round(100 * (c.get((pk, "ge9"), 0) - c.get((pk, "le6"), 0)) / n)
    if kind == QuestionKind.KNOWLEDGE:
        numbers["share_correct"] = round(c.get((pk, "correct"), 0) / n, 3)
    return numbers


def _questions(survey_ids: Iterable[int], *, indicator_only: bool = False) -> list[Question]:
    questions = Question.objects.filter(survey_id__in=list(survey_ids))
    if indicator_only:
        questions = questions.exclude(indicator="")
    return list(questions.prefetch_related("options").order_by("survey_id", "position"))


def _rate(invited_n: int, respondents: int) -> dict[str, Any]:
    if invited_n < MIN_INVITED_FOR_RATE:
        return {"invited": None, "response_rate": None}
    return {"invited": invited_n, "response_rate": round(respondents / invited_n, 3)}


def survey_results(
    *, survey: Survey, viewer: User, wave_id: int | None = None, unit_id: int | None = None
) -> dict[str, Any]:
    """Results of one wave per unit in the caller's scope, plus the trend across waves."""
    scope = caller_scope(user=viewer)
    waves = list(Wave.objects.filter(survey=survey).order_by("number"))
    questions = _questions([survey.pk])
    base = {
        "survey": {"id": survey.pk, "title": survey.title},
        "questions": [_question_ref(q) for q in questions],
    }
    if not waves:
        if unit_id is not None or wave_id is not None:
            raise NotFoundError(_("Findes ikke."))
        return {**base, "wave": None, "results_withheld": False, "units": [], "trend": []}
    selected = waves[-1] if wave_id is None else next((w for w in waves if w.pk == wave_id), None)
    if selected is None:
        raise NotFoundError(_("Runden findes ikke."))
    views = _wave_views(waves, scope)
    view = views[selected.pk]
    focus = view.node_for(unit_id)
    if unit_id is not None and focus is None:
        raise NotFoundError(_("Enheden findes ikke."))
    listed = view.listed(focus)
    closed = [w for w in waves if answers_disclosed(w)]
    wanted = _trend_nodes(views, closed, unit_id)
    if not answers_disclosed(selected):
        # An open wave: its response rates only; the trend holds the closed waves.
        counts = _summary_counts(views, wanted)
        rates = open_wave_rates(view.tree, view.invited, listed, minimum=selected.min_group_size)
        return {
            **base,
            "wave": _wave_ref(selected),
            "results_withheld": True,
            "units": [
                {"unit": view.unit_ref(node), "shown": False, "response_rate": rates[node]}
                for node in listed
            ],
            "trend": _trend(views, closed, counts, questions, unit_id),
        }
    visible = view.numbered_units(focus)
    wanted[selected.pk] = sorted(set(wanted.get(selected.pk, [])) | set(visible))
    counts = _summary_counts(views, wanted)
    totals = counts[selected.pk]
    distributions = _distributions(view, selected, visible)
    invited = rollup(view.tree, {u: {"n": n} for u, n in view.invited.items()}, visible)
    texts = _free_texts(view, selected, visible, view.text_nodes(focus), questions)
    keys = {q.pk: _distribution_keys(q) for q in questions}
    shown = set(visible)
    units = []
    for node in listed:
        entry: dict[str, Any] = {"unit": view.unit_ref(node), "shown": node in shown}
        if node in shown:
            respondents = view.tree.total[node]
            entry.update(respondents=respondents, **_rate(invited[node].get("n", 0), respondents))
            entry["folded_units"] = [
                view.unit_ref(u)
                for u in folded_into(view.tree, node, view.shown, present=view.invited)
            ]
            entry["questions"] = [
                {
                    "question": q.pk,
                    **_question_numbers(q, totals[node]),
                    "distribution": _distribution(keys[q.pk], distributions[node]),
                    **texts.get(node, {}).get(q.pk, {}),
                }
                for q in questions
            ]
        units.append(entry)
    return {
        **base,
        "wave": _wave_ref(selected),
        "results_withheld": False,
        "units": units,
        "trend": _trend(views, closed, counts, questions, unit_id),
    }


def _trend_nodes(views, waves, unit_id) -> dict[int, list[int]]:
    """Per wave, the nodes the trend (and the scorecard) give numbers for."""
    wanted = {}
    for wave in waves:
        view = views[wave.pk]
        focus = view.node_for(unit_id)
        if unit_id is None or focus is not None:  # else: the unit was not in this wave's tree
            wanted[wave.pk] = view.numbered_tops(focus)
    return wanted


def _trend(views, waves, counts, questions, unit_id) -> list[dict[str, Any]]:
    trend = []
    for wave in waves:
        view = views[wave.pk]
        focus = view.node_for(unit_id)
        if unit_id is not None and focus is None:
            continue  # the unit did not exist when this wave opened
        tops, numbered = view.tops(focus), view.numbered_tops(focus)
        totals = counts[wave.pk]
        points = []
        for node in tops:
            point: dict[str, Any] = {"unit": view.unit_ref(node), "shown": node in numbered}
            if point["shown"]:
                point["respondents"] = view.tree.total[node]
                point["questions"] = [
                    {"question": q.pk, **_question_numbers(q, totals[node])}
                    for q in questions
                    if q.kind != QuestionKind.FREE_TEXT
                ]
            points.append(point)
        trend.append({"wave": _wave_ref(wave), "units": points})
    return trend


def _distributions(view: WaveView, wave: Wave, visible: list[int]) -> dict:
    """Per visible node and question: counts per value (1–5, 0–10) or per option."""
    require_disclosed([wave])
    if wave.tallied:
        counted = AnswerTally.objects.filter(_node_filter(visible), wave=wave).order_by()
        values = counted.filter(value__isnull=False).values_list(
            "node_id", "question_id", "value", "count"
        )
        choices = counted.filter(option__isnull=False).values_list(
            "node_id", "question_id", "option_id", "count"
        )
        per_node: dict[int, dict] = {node: {} for node in visible}
        for marker, rows in (("v", values), ("o", choices)):
            for node_id, question_id, key, n in rows:
                per_node[node_id or ROOT][(marker, question_id, key)] = n
        return per_node
    values = (
        Answer.objects.filter(wave=wave, value__isnull=False)
        .values_list("unit_id", "question_id", "value")
        .annotate(n=Count("pk"))
        .order_by()
    )
    choices = (
        AnswerChoice.objects.filter(wave=wave)
        .values_list("unit_id", "question_id", "option_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    direct: dict[int, dict] = defaultdict(dict)
    for marker, rows in (("v", values), ("o", choices)):
        for unit_id, question_id, key, n in rows:
            direct[unit_id or ROOT][(marker, question_id, key)] = n
    return rollup(view.tree, direct, visible)


def _distribution_keys(question: Question) -> list[tuple[str, tuple]] | None:
    """Each possible value or option of the question: its label and its counter's key."""
    if question.kind in VALUE_RANGES:
        low, high = VALUE_RANGES[question.kind]
        return [(str(v), ("v", question.pk, v)) for v in range(low, high + 1)]
    if question.kind in CHOICE_KINDS:
        return [(str(o.pk), ("o", question.pk, o.pk)) for o in question.options.all()]
    return None


def _distribution(keys: list[tuple[str, tuple]] | None, counters: dict) -> dict[str, int] | None:
    """Every possible value or option of the question with its count, zeros included."""
    if keys is None:
        return None
    return {label: counters.get(key, 0) for label, key in keys}


def _free_texts(view: WaveView, wave: Wave, visible: list[int], nodes: list[int], questions):
    """Free-text answers for `nodes` (past the free-text minimum), shuffled, no timestamps."""
    require_disclosed([wave])
    text_questions = [q.pk for q in questions if q.kind == QuestionKind.FREE_TEXT]
    if not text_questions:
        return {}
    result: dict[int, dict] = {
        n: {q: {"texts_shown": n in nodes} for q in text_questions} for n in visible
    }
    if not nodes:
        return result
    units = {u for n in nodes for u in view.tree.subtree(n)}
    rows = Answer.objects.filter(wave=wave, question_id__in=text_questions).exclude(text="")
    # The whole organisation (ROOT) includes people with no unit: no unit filter then.
    if ROOT not in nodes:
        rows = rows.filter(unit_id__in=sorted(units - {ROOT}))
    by_unit: dict[tuple[int, int], list[str]] = defaultdict(list)
    for unit_id, question_id, text in rows.values_list("unit_id", "question_id", "text"):
        by_unit[(unit_id or ROOT, question_id)].append(text)
    for node in nodes:
        for question in text_questions:
            texts = [t for u in view.tree.subtree(node) for t in by_unit.get((u, question), [])]
            _SHUFFLE.shuffle(texts)
            result[node][question]["texts"] = texts
    return result


def _question_ref(question: Question) -> dict[str, Any]:
    return {
        "id": question.pk,
        "position": question.position,
        "kind": question.kind,
        "text": question.text,
        "indicator": question.indicator_key,
        "pillar": question.pillar,
        "options": [
            {"id": o.pk, "text": o.text, "is_correct": o.is_correct} for o in question.options.all()
        ],
    }


def _wave_ref(wave: Wave) -> dict[str, Any]:
    return {
        "id": wave.pk,
        "survey": wave.survey_id,
        "number": wave.number,
        "opens_at": wave.opens_at,
        "closes_at": wave.closes_at,
        "status": wave.status,
    }


# --- The strategy scorecard ---------------------------------------------------------------


def indicator_scorecard(
    *,
    viewer: User,
    unit_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    strategy: ActiveStrategy | None = None,
) -> dict[str, Any]:
    """Each indicator's score per wave over time, for the caller's scope (or one unit in it).

    Labels and targets come from `strategy` (the active one, read here when not given).
    """
    scope = caller_scope(user=viewer)
    if unit_id is not None and scope is not None and unit_id not in scope:
        raise NotFoundError(_("Enheden findes ikke."))
    [mine] = _scorecards(
        [(scope, unit_id)], date_from=date_from, date_to=date_to, strategy=strategy
    )
    return mine


def organisation_scorecard(
    *, viewer: User, date_from: date | None = None, date_to: date | None = None
) -> dict[str, Any]:
    """The scorecard of the whole organisation, for any results reader (a leader included).

    One point per wave and indicator: the root node of the wave's frozen tree (everyone who
    answered, people with no unit too), shown only when `surveys.suppression` shows that node
    — decided over the whole tree, as for every node. What a leader then holds is its own
    scope's shown nodes plus this one shown node: still a subset of the wave's shown nodes,
    whose every atom holds 0 or at least the minimum, so subtracting the leader's units from
    the organisation reveals no group below the minimum (tests/surveys/test_organisation_line).
    """
    require_results_reader(user=viewer)
    [organisation] = _scorecards(
        [(None, None)], date_from=date_from, date_to=date_to, strategy=None
    )
    return organisation


def scorecard_with_organisation(
    *,
    viewer: User,
    date_from: date | None = None,
    date_to: date | None = None,
    strategy: ActiveStrategy | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """`indicator_scorecard` and `organisation_scorecard` for the caller, read together.

    The same two answers as the two functions give, from one set of queries: the waves, their
    frozen trees and the counts are read once for both lines.
    """
    scope = caller_scope(user=viewer)
    mine, organisation = _scorecards(
        [(scope, None), (None, None)], date_from=date_from, date_to=date_to, strategy=strategy
    )
    return mine, organisation


def _scorecards(
    readers: list[tuple[frozenset[int] | None, int | None]],
    *,
    date_from: date | None,
    date_to: date | None,
    strategy: ActiveStrategy | None,
) -> list[dict[str, Any]]:
    """One scorecard per (scope, unit) in `readers` (scope None: the organisation's root).

    Each wave's tree and shown set do not depend on the reader: they are read and decided
    once, and the counts for every reader's nodes come from one query.
    """
    # Only closed waves: an open wave's indicator values are withheld (surveys.disclosure).
    waves = disclosed(Wave.objects.select_related("survey")).order_by("opens_at", "pk")
    if date_from:
        waves = waves.filter(opens_at__date__gte=date_from)
    if date_to:
        waves = waves.filter(opens_at__date__lte=date_to)
    waves = list(waves)
    questions = _questions({w.survey_id for w in waves}, indicator_only=True)
    if not waves or not questions:
        return [{"indicators": []} for _reader in readers]
    built = _wave_views(waves, readers[0][0])
    views = [
        built if i == 0 else {pk: view.for_scope(scope) for pk, view in built.items()}
        for i, (scope, _unit) in enumerate(readers)
    ]
    wanted: dict[int, set[int]] = defaultdict(set)
    for reader_views, (_scope, unit_id) in zip(views, readers, strict=True):
        for wave_id, nodes in _trend_nodes(reader_views, waves, unit_id).items():
            wanted[wave_id].update(nodes)
    counts = _summary_counts(
        built,
        {wave_id: sorted(nodes) for wave_id, nodes in wanted.items()},
        question_ids=[q.pk for q in questions],
    )
    by_survey: dict[int, list[Question]] = defaultdict(list)
    for question in questions:
        by_survey[question.survey_id].append(question)
    if strategy is None:
        strategy = strategy_active()
    return [
        _scorecard_body(waves, reader_views, counts, by_survey, unit_id, strategy)
        for reader_views, (_scope, unit_id) in zip(views, readers, strict=True)
    ]


def _scorecard_body(waves, views, counts, by_survey, unit_id, strategy) -> dict[str, Any]:
    """One reader's scorecard: per indicator, a point per wave and top node of its scope."""
    series: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for wave in waves:
        view = views[wave.pk]
        if unit_id is not None and view.node_for(unit_id) is None:
            continue  # the unit was not in this wave's frozen tree
        focus = view.node_for(unit_id)
        tops, visible = view.tops(focus), view.numbered_tops(focus)
        totals = counts[wave.pk]
        grouped: dict[str, list[Question]] = defaultdict(list)
        for question in by_survey[wave.survey_id]:
            grouped[question.indicator_key].append(question)
        for key, members in grouped.items():
            for node in tops:
                point = {
                    "wave": _wave_ref(wave),
                    "survey_title": wave.survey.title,
                    "unit": view.unit_ref(node),
                    "shown": node in visible,
                }
                if node in visible:
                    point["respondents"] = view.tree.total[node]
                    point.update(_indicator_numbers(members, totals[node]))
                series[key].append(point)
    indicators = []
    for key, points in sorted(series.items()):
        goal = strategy.goal(key)
        target = target_of(goal)
        for point in points:
            if "score" in point:
                point["target_met"] = target_met(point["score"], target)
        indicators.append(
            {
                "indicator": key,
                "label": indicator_label(key, strategy=strategy),
                "is_goal": goal is not None,
                "target": target,
                "waves": points,
            }
        )
    return {"indicators": indicators}


def _indicator_numbers(questions: list[Question], c: dict) -> dict[str, Any]:
    """The score of one indicator in one node: knowledge share, else eNPS, else favourable."""
    sums: dict[str, int] = defaultdict(int)
    pillars: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for q in questions:
        n = c.get((q.pk, "n"), 0)
        if q.kind == QuestionKind.KNOWLEDGE:
            sums["k_n"] += n
            sums["k_ok"] += c.get((q.pk, "correct"), 0)
            if q.pillar:
                pillars[q.pillar][0] += c.get((q.pk, "correct"), 0)
                pillars[q.pillar][1] += n
        elif q.kind == QuestionKind.LIKERT:
            sums["l_n"] += n
            sums["l_fav"] += c.get((q.pk, "ge4"), 0)
        elif q.kind == QuestionKind.SCALE:
            sums["s_n"] += n
            sums["s_net"] += c.get((q.pk, "ge9"), 0) - c.get((q.pk, "le6"), 0)
    numbers: dict[str, Any] = {
        "knowledge_share_correct": round(sums["k_ok"] / sums["k_n"], 3) if sums["k_n"] else None,
        "favourable_share": round(sums["l_fav"] / sums["l_n"], 3) if sums["l_n"] else None,
        "enps": round(100 * sums["s_net"] / sums["s_n"]) if sums["s_n"] else None,
        "pillars": {p: round(ok / n, 3) for p, (ok, n) in sorted(pillars.items()) if n},
    }
    for candidate in ("knowledge_share_correct", "enps", "favourable_share"):
        if numbers[candidate] is not None:
            numbers["score"] = numbers[candidate]
            break
    else:
        numbers["score"] = None
    return numbers
