"""The unit tree, leader scopes and audiences: one query each way, and the same answer."""

import pytest

from backend.errors import ApplicationError
from org import selectors, services
from org.models import OrgUnit, Role, User
from tests.factories import OrgUnitFactory, UserFactory


def test_subtree_is_the_unit_and_everything_under_it(org):
    names = set(selectors.unit_subtree(unit=org.area).values_list("name", flat=True))
    assert names == {
        "Social og Sundhed",
        "Hjemmeplejen Vest",
        "Team Korsør",
        "Madservice",
        "Køkkenet",
    }


def test_unit_paths_and_depths(org):
    org.team_a.refresh_from_db()
    assert org.team_a.path == f"/{org.root.pk}/{org.area.pk}/{org.unit_a.pk}/{org.team_a.pk}/"
    assert org.team_a.depth == 3
    assert org.team_a.ancestor_ids == [org.root.pk, org.area.pk, org.unit_a.pk, org.team_a.pk]


def test_moving_a_unit_moves_its_subtree(org):
    services.unit_move(unit=org.unit_a, new_parent=org.root)
    org.team_a.refresh_from_db()
    assert org.team_a.path == f"/{org.root.pk}/{org.unit_a.pk}/{org.team_a.pk}/"
    assert org.team_a.depth == 2
    assert selectors.user_is_in_scope(leader=org.leader, user=org.employee)
    assert set(selectors.unit_subtree(unit=org.area).values_list("name", flat=True)) == {
        "Social og Sundhed",
        "Madservice",
        "Køkkenet",
    }


def test_a_unit_cannot_move_under_itself(org):
    before = list(OrgUnit.objects.values_list("pk", "path", "parent_id"))
    with pytest.raises(ApplicationError) as refused:
        services.unit_move(unit=org.area, new_parent=org.team_a)
    assert refused.value.code == "invalid_move"
    assert list(OrgUnit.objects.values_list("pk", "path", "parent_id")) == before


def test_leader_scope_covers_units_below(org):
    assert set(selectors.units_in_scope(leader=org.leader)) == {org.unit_a, org.team_a}
    in_scope = set(selectors.users_in_scope(leader=org.leader))
    assert org.employee in in_scope and org.leader in in_scope
    assert org.other_employee not in in_scope
    assert org.leader.role_set == {Role.EMPLOYEE, Role.LEADER}


def test_removing_the_last_scope_removes_the_leader_role(org):
    services.leader_scope_set(leader=org.leader, units=[])
    assert set(User.objects.get(pk=org.leader.pk).roles.values_list("role", flat=True)) == {
        Role.EMPLOYEE
    }
    assert not selectors.units_in_scope(leader=org.leader).exists()


AUDIENCE_CASES = [
    # (rule, people inside, people outside)
    ("unit_with_subtree", {"employee", "leader"}, {"other_employee", "hr"}),
    ("unit_alone", {"leader"}, {"employee", "other_employee"}),
    ("role_leader", {"leader", "other_leader"}, {"employee", "hr"}),
    ("job_title_kok", {"other_employee"}, {"employee", "leader"}),
    ("named_people", {"employee", "hr"}, {"other_employee", "leader"}),
    ("everyone", {"employee", "other_employee", "leader", "hr", "comms"}, set()),
]


def _audience(org, rule):
    rules = {
        "unit_with_subtree": {"units": [(org.unit_a, True)]},
        "unit_alone": {"units": [(org.unit_a, False)]},
        "role_leader": {"roles": [Role.LEADER]},
        "job_title_kok": {"job_titles": ["kok"]},
        "named_people": {"people": [org.employee, org.hr]},
        "everyone": {"everyone": True},
    }[rule]
    return services.audience_create(created_by=org.comms, **rules)


@pytest.mark.parametrize(("rule", "inside", "outside"), AUDIENCE_CASES)
def test_audience_resolves_both_ways_to_the_same_people(org, rule, inside, outside):
    audience = _audience(org, rule)
    members = set(selectors.audience_members(audience=audience))
    for name in inside:
        person = getattr(org, name)
        assert person in members, name
        assert selectors.audiences_including(user=person).filter(pk=audience.pk).exists(), name
    for name in outside:
        person = getattr(org, name)
        assert person not in members, name
        assert not selectors.audiences_including(user=person).filter(pk=audience.pk).exists()


def test_audience_resolution_is_one_query_whatever_the_rules(org, django_assert_num_queries):
    audience = services.audience_create(
        created_by=org.comms,
        units=[(org.unit_a, True), (org.team_b, False)],
        roles=[Role.HR],
        job_titles=["Kok"],
        people=[org.admin],
    )
    with django_assert_num_queries(1):
        members = {u.name for u in selectors.audience_members(audience=audience)}
    assert members == {"Mette Hansen", "Lone Jensen", "Jens Nielsen", "Hanne HR", "Anders Admin"}


def test_deactivated_people_are_not_audience_members(org):
    audience = services.audience_create(created_by=org.comms, everyone=True)
    services.user_deactivate(user=org.employee)
    assert org.employee not in set(selectors.audience_members(audience=audience))


def test_an_empty_audience_is_refused(org):
    with pytest.raises(ApplicationError) as refused:
        services.audience_create(created_by=org.comms)
    assert refused.value.code == "empty_audience"


def test_deep_tree_units_are_listed_in_tree_order(db):
    parent = None
    for depth in range(5):
        parent = OrgUnitFactory(name=f"Niveau {depth}", parent=parent)
    assert [u.depth for u in selectors.unit_list()] == [0, 1, 2, 3, 4]


def test_invite_is_atomic_when_a_role_is_refused(org):
    before = User.objects.count()
    with pytest.raises(ApplicationError):
        services.user_invite(
            invited_by=org.hr, name="X", email="x@example.dk", roles=[Role.COMMUNICATIONS]
        )
    assert User.objects.count() == before


def test_phone_numbers_are_normalised(db):
    person = UserFactory(email=None, phone="0045 20 30 40 50")
    assert person.phone == "+4520304050"
