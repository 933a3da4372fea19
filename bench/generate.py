"""A municipality-sized data set for the benchmarks: seeded, repeatable, built in minutes.

    python -m bench generate --seed 1 [--scale 1]     (into the empty benchmark database)
    python -m bench build --seed 1 [--scale 1]        (drop, create, migrate, then generate)

Run it on an empty, migrated database (`python -m bench build` makes one). What is small or
has rules worth exercising goes through the services: units (`unit_create` builds the paths),
leader scopes, the surveys from their templates, every wave (`wave_open` freezes the tree and
the invitations), the onboarding track and the journeys. What is big goes in bulk, with every
derived and denormalised column computed the way the services compute it:

- people and their roles as `user_invite` writes them (no invitation sent, staff flags synced);
- posts as `post_create` + `post_import_published` leave them: one audience per post with its
  rules, `body_html` from content's own renderer, `publish_at == published_at`;
- read receipts only for members of the post's audience, acknowledged after the read;
- survey answers parsed by the surveys service's own parser (`_parse_answers`) and stored as
  `response_submit` stores them: a participation, an anonymous response with the invitation's
  unit, answers and answer choices carrying the wave and unit.

The same seed on an empty database gives the same rows.
"""

import random
import sys
import time
import uuid
from collections import defaultdict
from contextlib import contextmanager, nullcontext
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from content.models import Post, PostKind, PostStatus, ReadReceipt
from content.rendering import render_markdown
from onboarding import services as onboarding_services
from onboarding.models import StepKind, Track
from org import services as org_services
from org.models import (
    STAFF_ROLES,
    Audience,
    AudienceJobTitle,
    AudienceRole,
    AudienceUnit,
    OrgUnit,
    Role,
    User,
    UserRole,
)
from push.models import Device
from surveys import demo as survey_demo
from surveys import hooks as survey_hooks
from surveys import services as survey_services
from surveys.demo_strategy import load_demo_strategy
from surveys.models import Answer, AnswerChoice, Participation, Response, Survey, Wave
from surveys.templates import INTERN_KOMMUNIKATION, KERNEFORTAELLING

from . import bulk, vocabulary

BURST_SURVEY_TITLE = "Svarstorm (benchmark)"
EMAIL_DOMAIN = "bench.bro.dk"
TRACK_NAME = "Ny medarbejder (benchmark)"


@dataclass(frozen=True)
class Size:
    employees: int = 7000
    units: int = 150
    posts: int = 20_000
    receipts: int = 2_000_000
    devices: int = 10_000
    waves: int = 12
    journeys: int = 300

    def scaled(self, factor: float) -> "Size":
        """The same municipality `factor` times as big (waves and journeys stay as they are)."""
        return replace(
            self,
            employees=round(self.employees * factor),
            units=round(self.units * factor),
            posts=round(self.posts * factor),
            receipts=round(self.receipts * factor),
            devices=round(self.devices * factor),
        )


TINY = Size(employees=160, units=20, posts=150, receipts=2500, devices=220, waves=2, journeys=4)


@dataclass
class Report:
    """What was built, with the time each stage took."""

    seed: int
    size: Size
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "seed": self.seed,
            "size": asdict(self.size),
            "counts": self.counts,
            "seconds": self.seconds,
        }


class _Org:
    """The organisation as the generator knows it, to target audiences without queries."""

    def __init__(self) -> None:
        self.units: dict[int, OrgUnit] = {}
        self.area_of: dict[int, int] = {}  # unit id -> index into vocabulary.AREAS
        self.members: dict[int, list[int]] = defaultdict(list)  # unit id -> direct members
        self.subtree_members: dict[int, list[int]] = {}
        self.user_ids: list[int] = []
        self.job_title: dict[int, str] = {}
        self.by_role: dict[str, list[int]] = defaultdict(list)
        self.by_title: dict[str, list[int]] = defaultdict(list)
        self.leader_of_unit: dict[int, int] = {}
        self.unit_of: dict[int, int] = {}
        self.new_hires: list[int] = []

    def at_depth(self, depth: int) -> list[OrgUnit]:
        return [u for u in self.units.values() if u.depth == depth]

    def nearest_leader(self, unit_id: int) -> int | None:
        for ancestor in reversed(self.units[unit_id].ancestor_ids):
            if ancestor in self.leader_of_unit:
                return self.leader_of_unit[ancestor]
        return None

    def finish(self) -> None:
        for unit in self.units.values():
            self.subtree_members[unit.pk] = sorted(
                uid
                for other in self.units.values()
                if other.path.startswith(unit.path)
                for uid in self.members[other.pk]
            )


def _stage(report: Report, name: str, stdout):
    class _Timer:
        def __enter__(self):
            self.started = time.perf_counter()
            stdout.write(f"{name} …\n")
            stdout.flush()

        def __exit__(self, *exc):
            report.seconds[name] = round(time.perf_counter() - self.started, 2)

    return _Timer()


# --- Units and people ---------------------------------------------------------------------


def _level_counts(n: int) -> list[int]:
    """How many units on each of the five levels (direktion … sub-team) for `n` units."""
    areas = max(2, min(len(vocabulary.AREAS), round(n * 0.035)))
    afdelinger = max(areas, round(n * 0.13))
    teams = max(afdelinger, round(n * 0.4))
    sub_teams = max(0, n - 1 - areas - afdelinger - teams)
    return [1, areas, afdelinger, teams, sub_teams]


def _unique_name(stem: str, taken: set[str]) -> str:
    name, counter = stem, 2
    while name in taken:
        name, counter = f"{stem} {counter}", counter + 1
    taken.add(name)
    return name


@transaction.atomic
def _build_units(org: _Org, size: Size, rng: random.Random) -> None:
    counts = _level_counts(size.units)
    root = org_services.unit_create(name="Slagelse Kommune", kind=OrgUnit.Kind.DIREKTION)
    org.units[root.pk] = root
    parents = [root]
    kinds = [
        None,
        OrgUnit.Kind.OMRAADE,
        OrgUnit.Kind.AFDELING,
        OrgUnit.Kind.TEAM,
        OrgUnit.Kind.TEAM,
    ]
    names_under: dict[int, set[str]] = defaultdict(set)
    for depth in range(1, 5):
        level = []
        for i in range(counts[depth]):
            # The first pass gives every parent a child, the rest land at random.
            parent = parents[i] if i < len(parents) else rng.choice(parents)
            if depth == 1:
                area = i % len(vocabulary.AREAS)
                stem = vocabulary.AREAS[area][0]
            else:
                area = org.area_of[parent.pk]
                if depth == 2:
                    stem = (
                        f"{rng.choice(vocabulary.AREAS[area][1])} {rng.choice(vocabulary.PLACES)}"
                    )
                else:
                    stem = f"{rng.choice(vocabulary.TEAM_WORDS)} {rng.choice(vocabulary.PLACES)}"
            name = _unique_name(stem, names_under[parent.pk])
            unit = org_services.unit_create(name=name, kind=kinds[depth], parent=parent)
            org.units[unit.pk] = unit
            org.area_of[unit.pk] = area
            level.append(unit)
        parents = level or parents


def _person(i: int, rng: random.Random, today: date) -> dict:
    first, last = rng.choice(vocabulary.FIRST_NAMES), rng.choice(vocabulary.LAST_NAMES)
    # One in ten has no work e-mail, only a mobile number (frontline staff).
    phone_only = rng.random() < 0.1
    return {
        "name": f"{first} {last}",
        "email": None if phone_only else f"m{i:06d}@{EMAIL_DOMAIN}",
        "phone": f"+4520{i:06d}" if phone_only or rng.random() < 0.5 else None,
        "employee_number": f"B{i:06d}",
        "start_date": today - timedelta(days=rng.randint(60, 25 * 365)),
        "language": "en" if rng.random() < 0.03 else "da",
    }


@transaction.atomic
def _build_people(org: _Org, size: Size, rng: random.Random) -> None:
    today = timezone.localdate()
    units = sorted(org.units.values(), key=lambda u: u.pk)
    # Most people work in teams; a few in the staff of an afdeling, område or the direktion.
    weights = [(1, 2, 6, 14, 14)[u.depth] for u in units]
    root = units[0]
    staff = {
        Role.HR: max(2, size.employees // 700),
        Role.COMMUNICATIONS: max(2, size.employees // 1000),
        Role.ADMIN: 1,
    }
    people: list[User] = []
    roles: list[list[str]] = []
    for i in range(size.employees):
        special = next((role for role, n in staff.items() if n > 0), None)
        if special:
            staff[special] -= 1
            unit, title = root, vocabulary.STAFF_TITLES[special]
        else:
            unit = rng.choices(units, weights)[0]
            title = rng.choice(vocabulary.AREAS[org.area_of.get(unit.pk, 0)][2])
        person = User(unit=unit, job_title=title, **_person(i, rng, today))
        person.set_unusable_password()
        person.is_staff = special in STAFF_ROLES
        person.is_superuser = special == Role.ADMIN
        people.append(person)
        roles.append(sorted({Role.EMPLOYEE, special} - {None}))
    # 300 new hires start around now: the onboarding journeys are theirs.
    hires = rng.sample(people[10:], min(size.journeys, len(people) - 10))
    for person in hires:
        person.start_date = today + timedelta(days=rng.randint(-60, 14))
    User.objects.bulk_create(people, batch_size=2000)
    UserRole.objects.bulk_create(
        [UserRole(user=p, role=r) for p, rs in zip(people, roles, strict=True) for r in rs],
        batch_size=5000,
    )
    org.new_hires = sorted(person.pk for person in hires)
    for person, person_roles in zip(people, roles, strict=True):
        org.user_ids.append(person.pk)
        org.unit_of[person.pk] = person.unit_id
        org.members[person.unit_id].append(person.pk)
        org.job_title[person.pk] = person.job_title
        org.by_title[person.job_title.lower()].append(person.pk)
        for role in person_roles:
            org.by_role[role].append(person.pk)
    # A leader for every unit down to team level, chosen among its own people.
    staff_ids = {pk for role in STAFF_ROLES for pk in org.by_role[role]}
    for unit in units:
        leader_id = next((pk for pk in org.members[unit.pk] if pk not in staff_ids), None)
        if unit.depth <= 3 and leader_id is not None:
            leader = User.objects.get(pk=leader_id)
            org_services.leader_scope_set(leader=leader, units=[unit])
            org.leader_of_unit[unit.pk] = leader_id
            org.by_role[Role.LEADER].append(leader_id)
    org.finish()


# --- Posts, audiences and receipts --------------------------------------------------------


@dataclass
class _PostPlan:
    kind: str
    audience: dict
    author_id: int
    unit_id: int | None
    published_at: datetime | None
    status: str
    requires_ack: bool
    weight: float = 1.0
    size: int = 0
    members: list[int] = field(default_factory=list)


_AUDIENCE_KINDS = (
    ("everyone", 1),
    ("omraade", 8),
    ("afdeling", 25),
    ("team", 25),
    ("unit_only", 10),
    ("role", 3),
    ("job_title", 12),
    ("people", 6),
    ("mixed", 10),
)


def _audience_for(kind: str, org: _Org, rng: random.Random) -> dict:
    """An audience spec {everyone, units: [(id, subtree)], roles, job_titles, people}."""
    spec: dict = {"everyone": False, "units": [], "roles": [], "job_titles": [], "people": []}
    deep = org.at_depth(4) or org.at_depth(3)
    match kind:
        case "everyone":
            spec["everyone"] = True
        case "omraade":
            spec["units"] = [(rng.choice(org.at_depth(1)).pk, True)]
        case "afdeling":
            spec["units"] = [(rng.choice(org.at_depth(2)).pk, True)]
        case "team":
            spec["units"] = [(rng.choice(org.at_depth(3) + deep).pk, True)]
        case "unit_only":
            spec["units"] = [(rng.choice(org.at_depth(3) + deep).pk, False)]
        case "role":
            spec["roles"] = [rng.choice([Role.LEADER, Role.LEADER, Role.HR])]
        case "job_title":
            spec["job_titles"] = rng.sample(sorted(org.by_title), k=min(2, len(org.by_title)))
            spec["job_titles"] = [org.job_title[org.by_title[t][0]] for t in spec["job_titles"]]
        case "people":
            spec["people"] = sorted(
                rng.sample(org.user_ids, k=min(rng.randint(3, 25), len(org.user_ids)))
            )
        case "mixed":
            spec["units"] = [(rng.choice(org.at_depth(2)).pk, True)]
            spec["job_titles"] = [org.job_title[rng.choice(org.user_ids)]]
    return spec


def _members(spec: dict, org: _Org) -> list[int]:
    """The people an audience reaches, as org.selectors.audience_members would find them."""
    if spec["everyone"]:
        return org.user_ids
    parts: list[list[int]] = []
    for unit_id, subtree in spec["units"]:
        parts.append(org.subtree_members[unit_id] if subtree else org.members[unit_id])
    for role in spec["roles"]:
        parts.append(org.by_role[role])
    for title in spec["job_titles"]:
        parts.append(org.by_title[title.lower()])
    parts.append(spec["people"])
    parts = [p for p in parts if p]
    if len(parts) == 1:
        return parts[0]
    return sorted(set().union(*parts))


def _plan_posts(org: _Org, size: Size, rng: random.Random, now: datetime) -> list[_PostPlan]:
    kinds, kind_weights = zip(*_AUDIENCE_KINDS, strict=True)
    comms = org.by_role[Role.COMMUNICATIONS]
    hr = org.by_role[Role.HR]
    start = now - timedelta(days=730)
    moments = sorted(
        start + timedelta(seconds=rng.uniform(0, 730 * 86400 - 3600)) for _ in range(size.posts)
    )
    plans = []
    for index, published_at in enumerate(moments):
        # The first few posts take every kind of audience once, so even a tiny set has all.
        audience_kind = kinds[index] if index < len(kinds) else rng.choices(kinds, kind_weights)[0]
        spec = _audience_for(audience_kind, org, rng)
        unit_id = spec["units"][0][0] if spec["units"] else None
        roll = rng.random()
        if unit_id and audience_kind in ("team", "unit_only", "afdeling") and roll < 0.45:
            kind = PostKind.MINUTES
        elif roll < 0.6:
            kind = PostKind.NEWS
        elif roll < 0.75:
            kind = PostKind.EVENT
        elif roll < 0.995:
            kind = PostKind.PAGE if audience_kind not in ("team", "unit_only") else PostKind.NEWS
        else:
            kind = PostKind.ALERT
        leader = org.nearest_leader(unit_id) if unit_id else None
        if kind == PostKind.PAGE:
            author = rng.choice(hr)
        elif leader and audience_kind in ("team", "unit_only", "afdeling", "omraade"):
            author = leader
        else:
            author = rng.choice(comms)
        status_roll = rng.random()
        status = (
            PostStatus.DRAFT
            if status_roll < 0.01
            else PostStatus.ARCHIVED
            if status_roll < 0.03
            else PostStatus.PUBLISHED
        )
        requires_ack = kind == PostKind.ALERT or (
            kind in (PostKind.NEWS, PostKind.PAGE) and rng.random() < 0.05
        )
        plan = _PostPlan(
            kind=kind,
            audience=spec,
            author_id=author,
            # Minutes belong to the meeting's unit; a leader writes from its own unit.
            unit_id=unit_id if kind == PostKind.MINUTES or author == leader else None,
            published_at=None if status == PostStatus.DRAFT else published_at,
            status=status,
            requires_ack=requires_ack,
        )
        members = _members(spec, org)
        plan.size = 0 if status == PostStatus.DRAFT else len(members)
        plan.weight = (3.0 if requires_ack else 1.0) * rng.uniform(0.4, 1.6)
        plans.append(plan)
    return plans


def _read_rates(plans: list[_PostPlan], target: int) -> list[float]:
    """Per post, the share of its audience that read it, so the receipts add up to `target`."""

    def total(base: float) -> float:
        return sum(min(0.97, base * p.weight) * p.size for p in plans)

    low, high = 0.0, 1000.0
    for _ in range(60):
        mid = (low + high) / 2
        low, high = (mid, high) if total(mid) < target else (low, mid)
    return [min(0.97, high * p.weight) for p in plans]


_BODIES = [
    "\n\n".join(random.Random(i).sample(vocabulary.PARAGRAPHS, k=1 + i % 4)) for i in range(40)
]


def _post_row(plan: _PostPlan, rng: random.Random, now: datetime) -> Post:
    topic = rng.choice(vocabulary.TOPICS)
    body = rng.choice(_BODIES)
    post = Post(
        kind=plan.kind,
        title=f"{rng.choice(vocabulary.OPENERS)} {topic}"[:200],
        body=body,
        summary=f"Kort fortalt: {topic}.",
        language="da",
        author_id=plan.author_id,
        unit_id=plan.unit_id,
        status=plan.status,
        publish_at=plan.published_at,
        published_at=plan.published_at,
        pinned=plan.status == PostStatus.PUBLISHED and rng.random() < 0.003,
        requires_acknowledgement=plan.requires_ack,
    )
    moment = plan.published_at or now - timedelta(days=rng.randint(1, 30))
    if plan.published_at and rng.random() < 0.08:
        post.expires_at = plan.published_at + timedelta(days=rng.randint(14, 90))
    if plan.kind == PostKind.MINUTES:
        post.meeting_name = rng.choice(vocabulary.MEETINGS)
        post.meeting_date = timezone.localdate(moment) - timedelta(days=rng.randint(1, 4))
    if plan.kind == PostKind.EVENT:
        local = timezone.localtime(moment) + timedelta(days=rng.randint(5, 40))
        post.starts_at = local.replace(hour=16, minute=0, second=0, microsecond=0)
        post.ends_at = post.starts_at + timedelta(hours=2)
        post.place = rng.choice(vocabulary.EVENT_PLACES)
        post.capacity = rng.randint(20, 200) if rng.random() < 0.3 else None
    post.created_at = post.updated_at = moment
    return post


_RENDERED: dict[str, str] = {}


def _rendered(body: str) -> str:
    if body not in _RENDERED:
        _RENDERED[body] = render_markdown(body)
    return _RENDERED[body]


@transaction.atomic
def _build_posts(org: _Org, size: Size, rng: random.Random, now: datetime, report: Report):
    plans = _plan_posts(org, size, rng, now)
    audience_ids = bulk.reserve_ids(Audience, len(plans))
    bulk.write(
        Audience,
        ["id", "name", "everyone", "created_by", "created_at"],
        (
            (aid, "", p.audience["everyone"], p.author_id, p.published_at or now)
            for aid, p in zip(audience_ids, plans, strict=True)
        ),
    )
    unit_rules, role_rules, title_rules, people = [], [], [], []
    for aid, plan in zip(audience_ids, plans, strict=True):
        spec = plan.audience
        unit_rules += [(aid, unit_id, subtree) for unit_id, subtree in spec["units"]]
        role_rules += [(aid, role) for role in sorted(set(spec["roles"]))]
        title_rules += [(aid, t) for t in sorted({t.strip() for t in spec["job_titles"]})]
        people += [(aid, uid) for uid in spec["people"]]
    bulk.write(AudienceUnit, ["audience", "unit", "include_subtree"], unit_rules)
    bulk.write(AudienceRole, ["audience", "role"], role_rules)
    bulk.write(AudienceJobTitle, ["audience", "job_title"], title_rules)
    bulk.write(Audience.people.through, ["audience", "user"], people)

    post_ids = bulk.reserve_ids(Post, len(plans))
    post_fields = [
        "id", "kind", "title", "body", "body_html", "summary", "language", "author", "audience",
        "unit", "status", "publish_at", "published_at", "expires_at", "pinned",
        "requires_acknowledgement", "meeting_name", "meeting_date", "starts_at", "ends_at",
        "place", "capacity", "created_at", "updated_at",
    ]  # fmt: skip
    rows = []
    for pid, aid, plan in zip(post_ids, audience_ids, plans, strict=True):
        post = _post_row(plan, rng, now)
        post.id, post.audience_id, post.body_html = pid, aid, _rendered(post.body)
        rows.append(tuple(getattr(post, Post._meta.get_field(f).attname) for f in post_fields))
    bulk.write(Post, post_fields, rows)
    report.counts["posts"] = len(rows)
    report.counts["audiences"] = len(audience_ids)

    rates = _read_rates(plans, size.receipts)
    report.counts["read_receipts"] = bulk.write(
        ReadReceipt,
        ["post", "user", "read_at", "acknowledged_at"],
        _receipts(plans, post_ids, rates, org, rng, now),
    )
    return [(pid, plan) for pid, plan in zip(post_ids, plans, strict=True)]


def _receipts(plans, post_ids, rates, org: _Org, rng: random.Random, now: datetime):
    latest = now - timedelta(minutes=1)
    for pid, plan, rate in zip(post_ids, plans, rates, strict=True):
        if not plan.size:
            continue
        members = _members(plan.audience, org)
        readers = rng.sample(members, k=min(len(members), round(rate * len(members))))
        for user_id in readers:
            read_at = min(plan.published_at + timedelta(hours=rng.expovariate(1 / 20)), latest)
            acknowledged_at = None
            if plan.requires_ack and rng.random() < 0.85:
                acknowledged_at = min(read_at + timedelta(seconds=rng.uniform(5, 300)), now)
            yield (pid, user_id, read_at, acknowledged_at)


# --- Devices ------------------------------------------------------------------------------


@transaction.atomic
def _build_devices(org: _Org, size: Size, rng: random.Random, now: datetime) -> int:
    owners = rng.sample(org.user_ids, k=min(size.devices, int(len(org.user_ids) * 0.85)))
    owners += [rng.choice(org.user_ids) for _ in range(size.devices - len(owners))]
    rows = []
    for i, user_id in enumerate(owners):
        retired = rng.random() < 0.03
        seen = now - timedelta(hours=rng.uniform(0, 30 * 24))
        rows.append(
            (
                user_id,
                f"bench{i:06d}:{rng.getrandbits(608):0152x}",
                Device.Kind.TOKEN,
                Device.Platform.ANDROID if rng.random() < 0.6 else Device.Platform.IOS,
                f"3.{rng.randint(0, 9)}.{rng.randint(0, 20)}",
                "",
                seen - timedelta(days=rng.randint(1, 700)),
                seen,
                seen if retired else None,
                Device.RetiredReason.UNREGISTERED if retired else "",
            )
        )
    return bulk.write(
        Device,
        [
            "user", "identifier", "kind", "platform", "app_version", "session_hash",
            "created_at", "last_seen_at", "retired_at", "retired_reason",
        ],
        rows,
    )  # fmt: skip


# --- Surveys ------------------------------------------------------------------------------


def _seeded_uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _answer_wave(
    wave: Wave, survey: Survey, progress: float, cultures: dict, rng: random.Random
) -> dict:
    """Answer a closed-to-be wave as response_submit would store it; returns row counts."""
    questions = list(survey.questions.all())
    invitees = list(wave.invitations.order_by("user_id").values_list("user_id", "unit_id"))
    participations, responses, answers, choices = [], [], [], []
    answer_specs = []
    for user_id, unit_id in invitees:
        culture = cultures.get(unit_id, 0.0)
        if rng.random() > 0.66 + culture / 2 + 0.15 * progress:
            continue  # did not answer this time
        given = survey_demo._answers(survey, rng=rng, culture=culture, progress=progress)
        parsed = survey_services._parse_answers(questions, given)
        moment = wave.opens_at + timedelta(
            seconds=rng.uniform(0, (wave.closes_at - wave.opens_at).total_seconds() - 60)
        )
        response_id = _seeded_uuid(rng)
        participations.append((_seeded_uuid(rng), wave.pk, user_id))
        responses.append((response_id, wave.pk, unit_id, timezone.localdate(moment), None))
        answer_specs += [(response_id, unit_id, p) for p in parsed]
    answer_ids = bulk.reserve_ids(Answer, len(answer_specs))
    for answer_id, (response_id, unit_id, p) in zip(answer_ids, answer_specs, strict=True):
        answers.append(
            (answer_id, response_id, p.question.pk, wave.pk, unit_id, p.value, p.is_correct, p.text)
        )
        choices += [(answer_id, o, p.question.pk, wave.pk, unit_id) for o in p.option_ids]
    bulk.write(Participation, ["id", "wave", "user"], participations)
    bulk.write(Response, ["id", "wave", "unit", "submitted_on", "respondent"], responses)
    bulk.write(
        Answer,
        ["id", "response", "question", "wave", "unit", "value", "is_correct", "text"],
        answers,
    )
    bulk.write(AnswerChoice, ["answer", "option", "question", "wave", "unit"], choices)
    return {"responses": len(responses), "answers": len(answers), "choices": len(choices)}


@contextmanager
def _no_close_hooks():
    """Close a wave without the apps' close hooks (followup's tasks, and their notices).

    Only for the history: each survey's last closed wave runs them, as the services would, so
    the leaders have the follow-up tasks of the latest results. Running them for every wave of
    two years cost ~10 s per wave at 1× (a notice per leader) and minutes per wave at 8×;
    no benchmark reads the tasks of older waves.
    """
    saved = list(survey_hooks._on_wave_closed)
    survey_hooks._on_wave_closed.clear()
    try:
        yield
    finally:
        survey_hooks._on_wave_closed[:] = saved


def _build_surveys(org: _Org, size: Size, rng: random.Random, now: datetime, report: Report):
    comms = User.objects.get(pk=org.by_role[Role.COMMUNICATIONS][0])
    everyone = org_services.audience_create(
        created_by=comms, name="Alle medarbejdere", everyone=True
    )
    load_demo_strategy()  # the templates are worded from the active strategy
    # How each unit tends to answer, the same in every wave (as in surveys.demo).
    cultures = {unit_id: rng.uniform(-0.25, 0.25) for unit_id in sorted(org.units)}
    per_wave = []
    for key, months_per_wave in ((KERNEFORTAELLING, 1), (INTERN_KOMMUNIKATION, 3)):
        first = survey_services._add_months(now, -months_per_wave * size.waves - 1)
        survey = survey_services.survey_create_from_template(
            key=key, created_by=comms, audience=everyone, first_opens_at=first
        )
        survey = Survey.objects.prefetch_related("questions__options").get(pk=survey.pk)
        for number in range(1, size.waves + 1):
            history = _no_close_hooks() if number < size.waves else nullcontext()
            with history, transaction.atomic():
                opens_at = survey_services.wave_opens_at(survey=survey, number=number)
                wave = survey_services.wave_open(
                    survey=survey, number=number, opens_at=opens_at, announce_it=False
                )
                progress = (number - 1) / max(1, size.waves - 1)
                counts = _answer_wave(wave, survey, progress, cultures, rng)
                survey_services.wave_close(wave=wave)
            per_wave.append({"survey": key, "wave": number, **counts})
    # One open wave nobody has answered yet: the response-submission burst goes here.
    burst = survey_services.survey_create_from_template(
        key=KERNEFORTAELLING,
        created_by=comms,
        audience=everyone,
        title=BURST_SURVEY_TITLE,
        first_opens_at=now - timedelta(hours=1),
    )
    survey_services.wave_open(
        survey=burst, number=1, opens_at=now - timedelta(hours=1), announce_it=False
    )
    report.counts["waves"] = len(per_wave) + 1
    report.counts["responses"] = sum(w["responses"] for w in per_wave)
    report.counts["answers"] = sum(w["answers"] for w in per_wave)
    report.counts["answer_choices"] = sum(w["choices"] for w in per_wave)
    report.counts["answers_and_choices_per_wave_min"] = min(
        (w["answers"] + w["choices"] for w in per_wave), default=0
    )
    report.counts["answers_and_choices_per_wave_max"] = max(
        (w["answers"] + w["choices"] for w in per_wave), default=0
    )


# --- Onboarding ---------------------------------------------------------------------------


def _build_journeys(org: _Org, size: Size, rng: random.Random, posts) -> int:
    hr = User.objects.get(pk=org.by_role[Role.HR][0])
    page = next(
        (pid for pid, p in posts if p.kind == PostKind.PAGE and p.status == PostStatus.PUBLISHED),
        None,
    )
    steps = [
        {"title": "Opret dig i lønsystemet", "kind": StepKind.TASK, "offset_days": -10,
         "doer": "hr"},
        {"title": "Mød din leder", "kind": StepKind.MEETING, "offset_days": 0,
         "meet_with": "leader"},
        {"title": "Mød din makker", "kind": StepKind.MEETING, "offset_days": 1,
         "meet_with": "buddy"},
        {"title": "Tavshedspligt", "kind": StepKind.ACKNOWLEDGE, "offset_days": 2,
         "body": "Jeg har læst om tavshedspligt."},
        {"title": "Quiz om Kernefortællingen", "kind": StepKind.QUIZ, "offset_days": 21,
         "questions": [{"text": "Hvilken styrkeposition nævner Kernefortællingen?",
                        "options": [{"text": "Uddannelse", "correct": True},
                                    {"text": "Turisme", "correct": False}]}]},
        {"title": "Opfølgningssamtale", "kind": StepKind.MEETING, "offset_days": 30,
         "meet_with": "leader"},
    ]  # fmt: skip
    if page is not None:
        steps.insert(2, {"title": "Læs personaleinfo", "kind": StepKind.READ, "offset_days": -3,
                         "post_id": page})  # fmt: skip
    track = Track.objects.filter(name=TRACK_NAME).first() or onboarding_services.track_create(
        actor=hr, name=TRACK_NAME, steps=steps
    )
    hires = User.objects.filter(pk__in=org.new_hires).select_related("unit").order_by("pk")
    made = 0
    for hire in hires:
        colleagues = [u for u in org.members[hire.unit_id] if u != hire.pk]
        buddy = User.objects.get(pk=rng.choice(colleagues)) if colleagues else None
        onboarding_services.journey_assign(actor=hr, user=hire, track=track, buddy=buddy)
        made += 1
    return made


# --- Entry point --------------------------------------------------------------------------


def generate(
    *, seed: int = 1, size: Size = Size(), now: datetime | None = None, stdout=sys.stdout
) -> Report:
    """Build the whole data set into the (empty, migrated) default database.

    Times are spread back from `now` (default: the present), so a pinned `now` and seed give
    the same rows.
    """
    if User.objects.exists() or OrgUnit.objects.exists():
        raise SystemExit("The database is not empty: build the benchmark data into a fresh one.")
    rng = random.Random(seed)
    now = (now or timezone.now()).replace(microsecond=0)
    report = Report(seed=seed, size=size)
    org = _Org()
    with _stage(report, "units", stdout):
        _build_units(org, size, rng)
    with _stage(report, "people", stdout):
        _build_people(org, size, rng)
    with _stage(report, "posts and receipts", stdout):
        posts = _build_posts(org, size, rng, now, report)
    with _stage(report, "devices", stdout):
        report.counts["devices"] = _build_devices(org, size, rng, now)
    with _stage(report, "surveys", stdout):
        _build_surveys(org, size, rng, now, report)
    with _stage(report, "journeys", stdout):
        report.counts["journeys"] = _build_journeys(org, size, rng, posts)
    with _stage(report, "analyze", stdout):
        bulk.analyze()
    report.counts["units"] = len(org.units)
    report.counts["people"] = len(org.user_ids)
    report.counts["leaders"] = len(org.leader_of_unit)
    report.counts["max_unit_depth"] = max(u.depth for u in org.units.values())
    report.seconds["total"] = round(sum(report.seconds.values()), 2)
    return report
