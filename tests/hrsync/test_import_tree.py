"""Unit moves and new units in one file: every path is right after the import."""

from hrsync import services
from org.models import OrgUnit

from .conftest import PEOPLE_ROWS, csv_file


def test_a_new_unit_under_a_unit_whose_parent_moved_gets_the_new_path(hr_org):
    # Given a file that puts Ældre og Sundhed under a new Velfærd, and a new team under
    # Hjemmeplejen Nord (which moves along with its parent but has no change of its own)
    units = [
        ";Direktionen;;;100;;;;;;",
        ";Velfærd;;;105;100;;;;;",
        ";Ældre og Sundhed;;;110;105;;;;;",
        ";Hjemmeplejen Nord;;;111;110;;;;;",
        ";Hjemmeplejen Syd;;;112;110;;;;;",
        ";Team Nord 1;;;1111;111;;;;;",
    ]
    # When it is applied
    services.import_apply(
        content=csv_file(units=units, people=PEOPLE_ROWS),
        file_name="hr.csv",
        mode="incremental",
        started_by=None,
        source="command",
    )
    # Then every unit's path and depth follow its parents, the new team's too
    by_code = {u.code: u for u in OrgUnit.objects.all()}
    for unit in by_code.values():
        parent = by_code[unit.parent.code] if unit.parent_id else None
        expected = (parent.path if parent else "/") + f"{unit.pk}/"
        assert (unit.code, unit.path, unit.depth) == (
            unit.code,
            expected,
            parent.depth + 1 if parent else 0,
        )
    assert by_code["1111"].path == "/{}/{}/{}/{}/{}/".format(
        *(by_code[c].pk for c in ("100", "105", "110", "111", "1111"))
    )
