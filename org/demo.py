"""A realistic Danish municipality for the demo, built through the services, idempotently."""

import random
from datetime import date, timedelta

from org import services
from org.models import OrgUnit, Role, User

DEMO_DOMAIN = "demo.bro.dk"
SEED = 2023

# (område, [(afdeling/institution, kind, [(job title, how many)])])
STRUCTURE = [
    (
        "Ældre og Sundhed",
        [
            (
                "Hjemmeplejen Nord",
                "afdeling",
                [("Social- og sundhedshjælper", 14), ("Social- og sundhedsassistent", 5)],
            ),
            (
                "Hjemmeplejen Syd",
                "afdeling",
                [("Social- og sundhedshjælper", 13), ("Social- og sundhedsassistent", 4)],
            ),
            (
                "Hjemmeplejen Korsør",
                "afdeling",
                [("Social- og sundhedshjælper", 12), ("Social- og sundhedsassistent", 4)],
            ),
            (
                "Plejecenter Solgården",
                "team",
                [("Social- og sundhedsassistent", 10), ("Ernæringsassistent", 3)],
            ),
            (
                "Plejecenter Skovvang",
                "team",
                [("Social- og sundhedsassistent", 9), ("Ernæringsassistent", 2)],
            ),
            ("Sygeplejen", "afdeling", [("Sygeplejerske", 9)]),
            ("Træning og Rehabilitering", "afdeling", [("Fysioterapeut", 5), ("Ergoterapeut", 4)]),
            ("Centralkøkkenet", "team", [("Køkkenmedarbejder", 9), ("Kok", 3)]),
        ],
    ),
    (
        "Børn og Unge",
        [
            ("Børnehuset Mælkebøtten", "team", [("Pædagog", 6), ("Pædagogmedhjælper", 5)]),
            ("Vuggestuen Solsikken", "team", [("Pædagog", 5), ("Pædagogmedhjælper", 4)]),
            ("Skovbørnehaven Egeblad", "team", [("Pædagog", 4), ("Pædagogmedhjælper", 3)]),
            ("Antvorskov Skole", "team", [("Lærer", 9), ("Pædagog", 3), ("Skolesekretær", 1)]),
            ("Nørrevangsskolen", "team", [("Lærer", 8), ("Pædagog", 3)]),
            ("Korsør Skole", "team", [("Lærer", 7), ("Pædagog", 2)]),
            ("Skolekøkkenerne", "team", [("Køkkenmedarbejder", 5)]),
        ],
    ),
    (
        "Teknik, Miljø og Ejendomme",
        [
            ("Kommunal Rengøring", "afdeling", [("Rengøringsassistent", 16)]),
            ("Vej og Park", "afdeling", [("Anlægsgartner", 7), ("Chauffør", 4)]),
            ("Driftsgården", "afdeling", [("Chauffør", 5), ("Håndværker", 4)]),
            ("Ejendomsservice", "afdeling", [("Pedel", 6)]),
        ],
    ),
    (
        "Kultur, Fritid og Borgerservice",
        [
            ("Borgerservice", "afdeling", [("Administrativ medarbejder", 7)]),
            ("Slagelse Bibliotekerne", "team", [("Bibliotekar", 5), ("Biblioteksassistent", 3)]),
            ("Idrætscentret", "team", [("Servicemedarbejder", 5)]),
            ("Personale og HR", "afdeling", [("HR-konsulent", 3)]),
            ("Kommunikation", "afdeling", [("Kommunikationsmedarbejder", 3)]),
            ("Digitalisering og IT", "afdeling", [("IT-supporter", 3)]),
        ],
    ),
]

FIRST_NAMES = (
    "Anne Mette Hanne Lone Susanne Kirsten Helle Pia Camilla Louise Maria Sofie Emma Ida Julie "
    "Nanna Line Tina Dorthe Bente Lars Jens Peter Michael Henrik Søren Thomas Morten Jesper "
    "Anders Mads Rasmus Christian Martin Niels Ole Kasper Frederik Mikkel Jonas Ahmed Fatima "
    "Ayse Mohammad Zainab Agnieszka Tomasz Olena Ali Leila"
).split()
LAST_NAMES = (
    "Nielsen Jensen Hansen Pedersen Andersen Christensen Larsen Sørensen Rasmussen Jørgensen "
    "Petersen Madsen Kristensen Olsen Thomsen Christiansen Poulsen Johansen Møller Mortensen "
    "Knudsen Jakobsen Mikkelsen Olesen Frederiksen Laursen Henriksen Lund Holm Schmidt Kaya "
    "Yilmaz Nowak Kowalski Hussein Ahmadi"
).split()

# Jobs where most people have no work e-mail: reached by mobile number only.
PHONE_ONLY_JOBS = {
    "Social- og sundhedshjælper",
    "Rengøringsassistent",
    "Køkkenmedarbejder",
    "Chauffør",
    "Pædagogmedhjælper",
    "Anlægsgartner",
    "Servicemedarbejder",
    "Ernæringsassistent",
}


def _unit(name: str, kind: str, parent: OrgUnit | None, code: str) -> OrgUnit:
    """The unit, with its HR unit code (hrsync/examples/medarbejdere.csv uses the same)."""
    existing = OrgUnit.objects.filter(name=name, parent=parent).first()
    return existing or services.unit_create(name=name, kind=kind, parent=parent, code=code)


class _People:
    """Makes people with unique Danish names, e-mails, numbers and employee numbers."""

    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.counter = 0
        self.used_names: set[str] = set()

    def _name(self) -> str:
        while True:
            name = f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"
            if name not in self.used_names:
                self.used_names.add(name)
                return name

    def _next(self, *, unit: OrgUnit, job_title: str, name=None) -> User | dict:
        """The next person: the existing one (a second seed_demo), or user_invite's fields."""
        self.counter += 1
        number = f"SK{self.counter:05d}"
        name = name or self._name()
        self.used_names.add(name)
        existing = User.objects.filter(employee_number=number).first()
        if existing:
            return existing
        local = (
            name.lower().replace(" ", ".").replace("ø", "oe").replace("æ", "ae").replace("å", "aa")
        )
        phone_only = job_title in PHONE_ONLY_JOBS and self.rng.random() < 0.7
        return {
            "name": name,
            "email": None if phone_only else f"{local}.{self.counter}@{DEMO_DOMAIN}",
            "phone": f"+452{self.counter:07d}",
            "employee_number": number,
            "job_title": job_title,
            "unit": unit,
            "start_date": date(2026, 12, 1) - timedelta(days=self.rng.randint(-60, 365 * 12)),
        }

    def make(self, *, unit: OrgUnit, job_title: str, roles=(Role.EMPLOYEE,), name=None) -> User:
        person = self._next(unit=unit, job_title=job_title, name=name)
        if isinstance(person, User):
            return person
        return services.user_invite(invited_by=None, send_invitation=False, roles=roles, **person)

    def make_employees(self, *, unit: OrgUnit, jobs: list[tuple[str, int]]) -> list[User]:
        """A unit's employees, invited in one go (the same people, names and ids as one by one).

        users_invite_many writes them and runs the on-invite hooks in a few set-based queries
        instead of a dozen per person: the demo's build time goes to what it shows.
        """
        people = [
            self._next(unit=unit, job_title=job_title)
            for job_title, count in jobs
            for _ in range(count)
        ]
        new = iter(
            services.users_invite_many(
                people=[p for p in people if isinstance(p, dict)], send_invitation=False
            )
        )
        return [p if isinstance(p, User) else next(new) for p in people]


def build_demo(*, stdout) -> dict[str, User]:
    """Build the organisation and return one demo login per kind of user."""
    people = _People()
    top = _unit("Slagelse Kommune – Direktionen", OrgUnit.Kind.DIREKTION, None, "1000")
    director = people.make(unit=top, job_title="Kommunaldirektør", name="Birgitte Vestergaard")
    services.leader_scope_set(leader=director, units=[top])

    logins: dict[str, User] = {"direktør (leder for alle)": director}
    for area_number, (area_name, departments) in enumerate(STRUCTURE, start=1):
        area = _unit(area_name, OrgUnit.Kind.OMRAADE, top, f"1{area_number}00")
        chief = people.make(unit=area, job_title="Områdechef")
        services.leader_scope_set(leader=chief, units=[area])
        for dept_number, (dept_name, kind, jobs) in enumerate(departments, start=1):
            dept = _unit(dept_name, kind, area, f"1{area_number}{dept_number:02d}")
            leader = people.make(unit=dept, job_title="Leder")
            services.leader_scope_set(leader=leader, units=[dept])
            logins.setdefault("leder (afdeling)", leader)
            extra = {
                "Personale og HR": Role.HR,
                "Kommunikation": Role.COMMUNICATIONS,
                "Digitalisering og IT": Role.ADMIN,
            }.get(dept_name)
            if extra:
                for job_title, count in jobs:
                    for _ in range(count):
                        person = people.make(
                            unit=dept, job_title=job_title, roles=(Role.EMPLOYEE, extra)
                        )
                        logins.setdefault(extra.label.lower(), person)
                continue
            for person in people.make_employees(unit=dept, jobs=jobs):
                if person.email is None:
                    logins.setdefault("medarbejder uden e-mail (SMS-kode)", person)
                else:
                    logins.setdefault("medarbejder", person)
        logins.setdefault("områdechef", chief)

    # A new hire who starts in two weeks: pre-boarding.
    hire_unit = OrgUnit.objects.get(name="Hjemmeplejen Nord")
    new_hire = User.objects.filter(employee_number="SK09999").first() or services.user_invite(
        invited_by=None,
        send_invitation=False,
        name="Sara Nyborg",
        email=f"sara.nyborg@privat.{DEMO_DOMAIN}",
        employee_number="SK09999",
        job_title="Social- og sundhedshjælper",
        unit=hire_unit,
        start_date=date.today() + timedelta(days=14),
    )
    logins["nyansat (starter om 14 dage)"] = new_hire
    stdout.write(
        f"Organisation: {OrgUnit.objects.count()} enheder, "
        f"{User.objects.filter(is_active=True).count()} aktive personer."
    )
    return logins
