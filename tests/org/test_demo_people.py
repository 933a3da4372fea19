"""The demo's people: a unit's employees invited in one go are the people made one by one."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction

from org import demo
from org.models import OrgUnit, User

pytestmark = pytest.mark.django_db

JOBS = [("Social- og sundhedshjælper", 4), ("Kok", 2), ("Pædagog", 1)]
FIELDS = ["name", "email", "phone", "employee_number", "job_title", "unit_id", "start_date"]


def _shown(users) -> list[tuple]:
    return [
        (*(getattr(u, f) for f in FIELDS), sorted(u.roles.values_list("role", flat=True)))
        for u in users
    ]


def test_employees_invited_in_one_go_are_the_people_made_one_by_one():
    unit = OrgUnit.objects.create(name="Køkkenet", kind=OrgUnit.Kind.AFDELING)

    # Given the people made one by one (then rolled back)
    with transaction.atomic():
        people = demo._People()
        one_by_one = _shown(
            people.make(unit=unit, job_title=job) for job, count in JOBS for _ in range(count)
        )
        transaction.set_rollback(True)

    # When the same unit's employees are invited in one go
    in_one_go = demo._People().make_employees(unit=unit, jobs=JOBS)

    # Then they are the same people, in the same order, with the same roles
    assert _shown(in_one_go) == one_by_one
    assert len({row[0] for row in one_by_one}) == 7
    # And a second build finds them instead of inviting them again
    again = demo._People().make_employees(unit=unit, jobs=JOBS)
    assert [u.pk for u in again] == [u.pk for u in in_one_go]
    assert User.objects.filter(unit=unit).count() == 7


def test_seed_demo_migrate_is_a_no_op_on_a_current_database_and_ends_with_the_logins(
    monkeypatch,
):
    # Given the app demos left out (this test is about the command, not their content)
    monkeypatch.setattr("org.management.commands.seed_demo.APP_DEMOS", [])
    out = io.StringIO()

    # When seed_demo --migrate runs on the (already migrated) test database
    call_command("seed_demo", "--migrate", "--skip-checks", stdout=out)

    # Then it says the database is current, builds the organisation, and the logins come last
    lines = out.getvalue().rstrip().splitlines()
    assert lines[0] == "Databasen er opdateret; demodata bygges."
    assert lines[-1].lstrip().startswith("nyansat (starter om 14 dage)")
    assert User.objects.filter(employee_number__startswith="SK").count() > 250
