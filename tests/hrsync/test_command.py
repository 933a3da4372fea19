"""`manage.py import_people`: the exit codes a scheduler reads."""

import io

import pytest
from django.core.management import CommandError, call_command

from org.models import User

from .conftest import PEOPLE_ROWS, csv_file


def _run(tmp_path, content: bytes, *args) -> tuple[int, str]:
    path = tmp_path / "hr.csv"
    path.write_bytes(content)
    out = io.StringIO()
    try:
        call_command("import_people", str(path), *args, stdout=out)
    except SystemExit as exit_:
        return exit_.code, out.getvalue()
    return 0, out.getvalue()


def test_a_clean_file_exits_0(hr_org, tmp_path):
    assert _run(tmp_path, csv_file())[0] == 0


def test_refused_rows_exit_3_and_the_rest_is_applied(hr_org, tmp_path):
    code, out = _run(
        tmp_path, csv_file("E8;Bo Berg;bo@example.dk;;111;;;;;;da", "E9;Ida;;;999;;;;;;da")
    )
    assert code == 3
    assert "refused row 10 (E9): Angiv e-mail eller mobilnummer." in out
    assert User.objects.filter(employee_number="E8").exists()


def test_held_leavers_exit_4_until_confirmed(hr_org, tmp_path):
    content = csv_file(people=PEOPLE_ROWS[:2])
    assert _run(tmp_path, content, "--full")[0] == 4
    assert User.objects.get(employee_number="E3").is_active is True
    assert _run(tmp_path, content, "--full", "--confirm-leavers")[0] == 0
    assert User.objects.get(employee_number="E3").is_active is False


def test_the_dry_run_changes_nothing(hr_org, tmp_path):
    code, out = _run(tmp_path, csv_file("E8;Bo Berg;bo@example.dk;;111;;;;;;da"), "--dry-run")
    assert (code, "new_hires: 1" in out) == (0, True)
    assert not User.objects.filter(employee_number="E8").exists()


def test_an_unreadable_file_exits_1(hr_org, tmp_path):
    with pytest.raises(CommandError) as failed:
        _run(tmp_path, b"navn;email\nA;a@example.dk")
    assert failed.value.returncode == 1
