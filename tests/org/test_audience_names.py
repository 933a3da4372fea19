"""An audience made without a name is called by its rules in the admin's lists and pickers."""

from org import services
from org.models import Role


def test_an_unnamed_audience_is_named_by_its_rules(org):
    def named(**rules) -> str:
        return str(services.audience_create(created_by=org.hr, **rules))

    assert named(units=[(org.unit_a, True)]) == "Hjemmeplejen Vest med underenheder"
    assert named(roles=[Role.LEADER]) == "Alle ledere"
    assert named(everyone=True) == "Alle medarbejdere"
    assert (
        named(units=[(org.team_b, False)], job_titles=["Kok"], people=[org.employee])
        == "Køkkenet, Alle med stillingen Kok, Mette Hansen"
    )
    many = [org.employee, org.other_employee, org.leader, org.other_leader]
    assert named(people=many) == "4 udvalgte personer"
    # A given name is kept as HR wrote it
    assert named(name="  Nyansatte i efteråret ", everyone=True) == "Nyansatte i efteråret"
