"""A whole municipality's file on PostgreSQL: 7,000 people and 150 units, twice."""

import pytest

from hrsync import services
from hrsync.sample import municipality_csv
from org.models import LeaderScope, OrgUnit, User


@pytest.mark.postgresql
def test_a_7000_row_file_imports_and_reimports_with_no_change(db, frozen):
    # Given the HR file of a municipality
    content = municipality_csv(people=7000, units=150)
    # When it is imported into an empty Bro, and then again
    first, _plan = services.import_apply(
        content=content,
        file_name="kommune.csv",
        mode="full",
        started_by=None,
        source="command",
        send_invitations=False,
    )
    second, plan = services.import_apply(
        content=content,
        file_name="kommune.csv",
        mode="full",
        started_by=None,
        source="command",
        send_invitations=False,
    )
    # Then everyone and every unit is there, each leaf with its leader, and the second run
    # found nothing to do
    assert (first.counts["new_hires"], first.counts["new_units"], first.counts["refused"]) == (
        7000,
        150,
        0,
    )
    assert (User.objects.count(), OrgUnit.objects.count(), LeaderScope.objects.count()) == (
        7000,
        150,
        140,
    )
    assert {k: v for k, v in second.counts.items() if v} == {}
    assert plan.has_changes is False
