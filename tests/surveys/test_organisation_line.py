"""The organisation's line for a leader: shown by the same rule, it reveals no small group.

A leader reads its own scope's results and, next to them, the whole organisation's line
(`surveys.results.organisation_scorecard`, the API's `indicators/?scope=organisation`, the
dashboard's Kernefortællingen). Subtracting what it sees of its own units from the organisation
gives "everyone else": that must never be a group of 1 to minimum − 1 respondents, such as a
suppressed sibling unit. These tests collect every group a leader gets numbers for — the
organisation line, its scorecard and its results under every unit filter — and check that the
smallest groups computable from them (the atoms) hold 0 or at least the minimum.
"""

from datetime import timedelta
from types import SimpleNamespace

from django.utils import timezone
from hypothesis import HealthCheck, given, settings

from backend.errors import NotFoundError
from org import services as org_services
from org.models import Role
from surveys import services
from surveys.models import Wave
from surveys.results import (
    WaveView,
    indicator_scorecard,
    organisation_scorecard,
    scorecard_with_organisation,
    survey_results,
)
from surveys.suppression import ROOT
from tests.factories import UserFactory

from .factories import close, make_survey, open_wave, people_in, respond
from .test_indicators import QUESTIONS
from .test_suppression_property import _assert_no_small_group, _subtree, org_and_answers

MINIMUM = 5  # the surveys' default minimum group size

# --- The rule, over random trees ----------------------------------------------------------


@settings(
    max_examples=3000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(org_and_answers())
def test_the_organisation_line_added_to_a_leaders_numbers_reveals_no_small_group(case):
    parents, direct, minimum, free_text_minimum, _values, scope_roots = case
    if scope_roots is None:
        scope_roots = set()  # a leader who leads nothing still sees the organisation's line
    scope = frozenset().union(*(_subtree(parents, root) for root in scope_roots)) - {ROOT}
    wave = SimpleNamespace(min_group_size=minimum, min_free_text_group_size=free_text_minimum)
    answered = {node: n for node, n in direct.items() if n}

    def build(scope):
        return WaveView.build(
            wave=wave, parents=parents, direct=answered, invited={}, names={}, scope=scope
        )

    # What the leader gets of its own scope, under every filter it may send ...
    mine = build(scope)
    numbered = set()
    for focus in [mine.node_for(None)] + [mine.node_for(unit) for unit in parents]:
        if focus is not None:
            numbered.update(mine.numbered_units(focus), mine.numbered_tops(focus))
    numbered.update(mine.numbered_units(None), mine.numbered_tops(None))
    # ... and the organisation's line, as organisation_scorecard picks its nodes (scope None)
    organisation = build(None).numbered_tops(None)
    assert organisation in ([], [ROOT])
    assert organisation == ([ROOT] if sum(direct.values()) >= minimum else [])

    # Then no group of 1 to minimum − 1 can be computed from all of it together
    family = numbered | set(organisation)
    _assert_no_small_group({_subtree(parents, n) for n in family}, direct, minimum)


# --- Through the real reads, for the leaders of a small municipality --------------------

# Who answers each wave, per unit (direct members only): (root, area, unit_a, team_a,
# unit_b, team_b) — the org fixture is Direktionen → Social og Sundhed → Hjemmeplejen Vest
# (→ Team Korsør) and Madservice (→ Køkkenet).
LAYOUTS = [
    (0, 0, 6, 0, 0, 3),  # Madservice has 3: the organisation minus Vest would be them
    (0, 0, 2, 6, 0, 5),  # Vest's own staff are 2: a Team Korsør leader must not get them
    (0, 0, 3, 6, 4, 2),  # each afdeling shown; Køkkenet's 2 folded into Madservice
    (1, 0, 3, 4, 0, 4),  # one person in Direktionen, Vest 7, Madservice 4
    (0, 2, 0, 5, 0, 5),  # two in Social og Sundhed itself, between the two afdelinger
    (0, 0, 0, 0, 0, 4),  # only Køkkenet answered, too few for anything
]


def _wave_layouts(org, survey):
    """One wave per layout, answered by that many people directly in each unit."""
    units = [org.root, org.area, org.unit_a, org.team_a, org.unit_b, org.team_b]
    most = [max(layout[i] for layout in LAYOUTS) for i in range(len(units))]
    people = [people_in(unit, n) for unit, n in zip(units, most, strict=True)]
    now = timezone.now()
    waves = []
    for number, layout in enumerate(LAYOUTS, start=1):
        wave = open_wave(
            survey, number=number, opens_at=now - timedelta(hours=len(LAYOUTS) - number)
        )
        for members, n in zip(people, layout, strict=True):
            # Some know the core narrative and agree, some do not: numbers differ per group
            respond(wave, members[: n // 2], value=5)
            respond(wave, members[n // 2 : n], value=2, correct=False)
        if number % 2 == 0:  # every other wave counted at closing: read from its tallies
            services.wave_close(wave=wave)
        else:  # the others closed uncounted (as by an older release): read from the answers
            Wave.objects.filter(pk=wave.pk).update(status=Wave.Status.CLOSED)
        waves.append(wave)
    assert [w.tallied for w in waves] == [False, True] * (len(LAYOUTS) // 2)
    return units, waves


def _groups(org, units, layout) -> tuple[dict, dict]:
    """For one layout: each unit id (None: the organisation) → its subtree as a set of unit
    keys, and each unit key → its direct respondents. "root+" stands for people with no unit."""
    below = {
        org.root.pk: [org.area.pk],
        org.area.pk: [org.unit_a.pk, org.unit_b.pk],
        org.unit_a.pk: [org.team_a.pk],
        org.unit_b.pk: [org.team_b.pk],
        org.team_a.pk: [],
        org.team_b.pk: [],
    }

    def subtree(unit_id):
        found, stack = set(), [unit_id]
        while stack:
            current = stack.pop()
            found.add(current)
            stack.extend(below[current])
        return frozenset(found)

    groups = {unit.pk: subtree(unit.pk) for unit in units}
    groups[None] = subtree(org.root.pk) | {"root+"}
    direct = {unit.pk: n for unit, n in zip(units, layout, strict=True)}
    direct["root+"] = 0
    return groups, direct


def _seen_by(viewer, survey, waves, scope_units) -> dict[int, dict]:
    """Per wave: every unit (None: organisation) the viewer got respondents for, and how many."""
    seen: dict[int, dict] = {wave.pk: {} for wave in waves}

    def note(wave_id, point):
        if point["shown"]:
            unit_id = point["unit"]["id"]
            assert seen[wave_id].setdefault(unit_id, point["respondents"]) == point["respondents"]

    for body in [organisation_scorecard(viewer=viewer)] + [
        indicator_scorecard(viewer=viewer, unit_id=unit) for unit in [None, *scope_units]
    ]:
        for indicator in body["indicators"]:
            for point in indicator["waves"]:
                note(point["wave"]["id"], point)
    for wave in waves:
        for unit in [None, *scope_units]:
            try:
                body = survey_results(survey=survey, viewer=viewer, wave_id=wave.pk, unit_id=unit)
            except NotFoundError:  # a unit the wave's frozen tree did not hold
                continue
            for entry in body["units"]:
                note(wave.pk, entry)
            for trend in body["trend"]:
                for point in trend["units"]:
                    note(trend["wave"]["id"], point)
    return seen


def test_no_leader_can_compute_a_small_group_from_the_organisation_and_its_scope(org, audience):
    # Given one survey whose six waves were answered in six different layouts
    survey = make_survey(audience=audience, questions=QUESTIONS)
    units, waves = _wave_layouts(org, survey)
    team_leader = UserFactory(name="Teamleder Korsør", unit=org.team_a)
    org_services.leader_scope_set(leader=team_leader, units=[org.team_a])
    two_teams = UserFactory(name="Leder af to teams", unit=org.area)
    org_services.leader_scope_set(leader=two_teams, units=[org.team_a, org.team_b])
    leaders = {
        org.leader: [org.unit_a.pk, org.team_a.pk],
        org.other_leader: [org.unit_b.pk, org.team_b.pk],
        team_leader: [org.team_a.pk],
        two_teams: [org.team_a.pk, org.team_b.pk],
    }

    for leader, scope_units in leaders.items():
        assert leader.has_role(Role.LEADER)
        # When the leader reads everything it may: the organisation's line, its scorecard
        # and its results under every unit filter, for every wave
        seen = _seen_by(leader, survey, waves, scope_units)
        # (the dashboard reads both lines at once: the same answers as read one by one)
        assert scorecard_with_organisation(viewer=leader) == (
            indicator_scorecard(viewer=leader),
            organisation_scorecard(viewer=leader),
        )

        for wave, layout in zip(waves, LAYOUTS, strict=True):
            groups, direct = _groups(org, units, layout)
            numbers = seen[wave.pk]
            # Then it saw nothing outside its scope but the organisation's line
            assert set(numbers) <= {None, *scope_units}, (leader.name, layout)
            # And each number is the group's true count (so the groups below are the real ones)
            for unit_id, respondents in numbers.items():
                assert respondents == sum(direct[u] for u in groups[unit_id]), (layout, unit_id)
            # And no group of 1 to 4 is the difference of what it saw, in any combination
            family = {groups[unit_id] for unit_id in numbers}
            _assert_no_small_group(family, direct, MINIMUM)


def test_a_suppressed_sibling_stays_hidden_behind_the_organisation_line(org, audience, api):
    # Given 6 answers in Hjemmeplejen Vest and 3 in its sibling Madservice
    survey = make_survey(audience=audience, questions=QUESTIONS)
    west, kitchen = people_in(org.team_a, 6), people_in(org.team_b, 3)
    wave = open_wave(survey)
    respond(wave, west[:4], value=5)  # 4 of Vest know the core narrative
    respond(wave, west[4:], value=2, correct=False)
    respond(wave, kitchen, value=2, correct=False)  # none of Madservice does
    close(wave)

    # When Vest's leader reads the organisation's line and its own scorecard and results
    client = api(org.leader)
    organisation = client.get("/api/v1/surveys/indicators/?scope=organisation").json()
    mine = client.get("/api/v1/surveys/indicators/").json()
    results = client.get(f"/api/v1/surveys/{survey.pk}/results/").json()

    # Then the organisation's line is shown: 9 answers, 4 of them right
    [org_point] = _series(organisation, "kernefortaelling")
    assert (org_point["unit"]["id"], org_point["respondents"]) == (None, 9)
    assert org_point["score"] == round(4 / 9, 3)
    # But none of the leader's own units is: 9 minus Vest's 6 would be Madservice's 3,
    # 4 right of 9 minus 4 right of 6 would say no one in Madservice knows the narrative
    assert [p["shown"] for p in _series(mine, "kernefortaelling")] == [False]
    assert [u["shown"] for u in results["units"]] == [False, False]
    assert all("respondents" not in u for u in results["units"])
    assert "Madservice" not in str(organisation) + str(mine) + str(results)


def test_the_organisation_line_is_the_same_for_every_reader(org, audience, api):
    # Given two waves answered across the organisation
    survey = make_survey(audience=audience, questions=QUESTIONS)
    people = people_in(org.team_a, 5) + people_in(org.team_b, 5)
    first = open_wave(survey, number=1, opens_at=timezone.now() - timedelta(days=2))
    respond(first, people[:7], value=5)
    second = open_wave(survey, number=2, opens_at=timezone.now() - timedelta(days=1))
    respond(second, people, value=4, correct=False)
    close(first)
    close(second)

    # When communications reads its scorecard and two leaders the organisation's line
    comms = api(org.comms).get("/api/v1/surveys/indicators/").json()
    leader = api(org.leader).get("/api/v1/surveys/indicators/?scope=organisation").json()
    other = api(org.other_leader).get("/api/v1/surveys/indicators/?scope=organisation").json()
    comms_org = api(org.comms).get("/api/v1/surveys/indicators/?scope=organisation").json()

    # Then all four are the same: one point per wave, the whole organisation
    assert leader == comms == other == comms_org
    assert [(p["unit"]["id"], p["respondents"]) for p in _series(leader, "videndeling")] == [
        (None, 7),
        (None, 10),
    ]


def test_the_organisation_line_is_refused_and_validated_like_the_scorecard(org, audience, api):
    survey = make_survey(audience=audience, questions=QUESTIONS)
    people = people_in(org.team_a, 5)
    respond(open_wave(survey), people)

    employee = api(org.employee).get("/api/v1/surveys/indicators/?scope=organisation")
    hr = api(org.hr).get("/api/v1/surveys/indicators/?scope=organisation")
    leader = api(org.leader)
    with_unit = leader.get(f"/api/v1/surveys/indicators/?scope=organisation&unit={org.unit_a.pk}")
    unknown = leader.get("/api/v1/surveys/indicators/?scope=everything")
    backwards = leader.get(
        "/api/v1/surveys/indicators/?scope=organisation&from=2027-02-01&to=2027-01-01"
    )
    future = leader.get("/api/v1/surveys/indicators/?scope=organisation&from=2099-01-01")

    assert (employee.status_code, hr.status_code) == (403, 403)
    assert with_unit.status_code == 400
    assert set(with_unit.json()["fields"]) == {"unit"}
    assert unknown.status_code == 400
    assert set(unknown.json()["fields"]) == {"scope"}
    assert backwards.status_code == 400
    assert future.json() == {"indicators": []}


def _series(body: dict, indicator: str) -> list:
    return next(i for i in body["indicators"] if i["indicator"] == indicator)["waves"]


def test_the_schema_documents_the_organisation_scope(db):
    from django.test import Client

    response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    operation = response.json()["paths"]["/api/v1/surveys/indicators/"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert parameters["scope"]["schema"]["enum"] == ["mine", "organisation"]
    assert "scope=organisation" in operation["description"]
