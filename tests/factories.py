"""factory_boy factories for the organisation; other apps add theirs in their own test folders."""

import factory

from org import services
from org.models import OrgUnit, Role, User


class OrgUnitFactory(factory.django.DjangoModelFactory):
    """Units are made through org.services.unit_create, so paths are real."""

    class Meta:
        model = OrgUnit

    name = factory.Sequence(lambda n: f"Enhed {n}")
    kind = OrgUnit.Kind.AFDELING
    parent = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.unit_create(
            name=kwargs["name"], kind=kwargs["kind"], parent=kwargs["parent"]
        )


class UserFactory(factory.django.DjangoModelFactory):
    """People are made through org.services.user_invite (no invitation sent)."""

    class Meta:
        model = User

    name = factory.Faker("name", locale="da_DK")
    email = factory.Sequence(lambda n: f"person{n}@example.dk")
    phone = None
    employee_number = factory.Sequence(lambda n: f"E{n:05d}")
    job_title = "Social- og sundhedshjælper"
    unit = factory.SubFactory(OrgUnitFactory)
    start_date = None
    language = "da"
    roles = (Role.EMPLOYEE,)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.user_invite(invited_by=None, send_invitation=False, **kwargs)
