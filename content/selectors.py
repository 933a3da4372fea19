"""Reads of content, already narrowed to what the caller may see, joins done."""

from datetime import datetime

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.utils import timezone

from org import selectors as org_selectors
from org.models import Audience, OrgUnit, Role, User, UserRole
from push import selectors as push_selectors

from . import hooks
from .models import (
    Attachment,
    AttachmentKind,
    Decision,
    Post,
    PostKind,
    PostStatus,
    PostVersion,
    ReadReceipt,
    Rsvp,
    RsvpAnswer,
)

WRITER_ROLES = (Role.COMMUNICATIONS, Role.ADMIN, Role.HR, Role.LEADER)
# Roles that may write anything, for anyone.
EDITOR_ROLES = (Role.COMMUNICATIONS, Role.ADMIN)

# The feed item, as the one query returns it: no serializer runs per row. Title, summary and
# language come from `in_reader_language` (shown_title, shown_summary, shown_language).
FEED_COLUMNS = (
    "id",
    "kind",
    "pinned",
    "requires_acknowledgement",
    "published_at",
    "expires_at",
    "updated_at",
    "unit_id",
    "meeting_name",
    "meeting_date",
    "starts_at",
    "ends_at",
    "place",
    "podcast",
    "episode_number",
)
FEED_JOINED = {
    "original_language": F("language"),
    "unit_name": F("unit__name"),
    "author_name": F("author__name"),
    "read_at": F("my_receipt__read_at"),
    "acknowledged_at": F("my_receipt__acknowledged_at"),
}


def _visible_now(now: datetime) -> Q:
    return Q(status=PostStatus.PUBLISHED) & (Q(expires_at__isnull=True) | Q(expires_at__gt=now))


# Compiled audience subqueries, by everything org.selectors.audiences_including reads from the
# person. Building and compiling its five EXISTS clauses cost ~9 ms of CPU per feed request
# against ~4 ms for the rest of the feed query (measured 2026-11-28); the SQL itself is cheap.
# Roles are a subquery inside the SQL, so a role change needs no new entry.
_AUDIENCE_SQL: dict[tuple, tuple[str, tuple]] = {}
_AUDIENCE_SQL_MAX = 4096


def _audiences_including_sql(user: User) -> RawSQL:
    unit_path = user.unit.path if user.unit_id else None
    key = (connection.vendor, user.pk, user.unit_id, unit_path, user.job_title)
    compiled = _AUDIENCE_SQL.get(key)
    if compiled is None:
        query = org_selectors.audiences_including(user=user).values("pk").query
        compiled = query.sql_with_params()
        if len(_AUDIENCE_SQL) >= _AUDIENCE_SQL_MAX:
            _AUDIENCE_SQL.clear()
        _AUDIENCE_SQL[key] = compiled
    return RawSQL(*compiled)


def _addressed_to(user: User) -> Q:
    restricted = hooks.restricted_post_ids(user=user)
    if restricted is not None:
        return Q(pk__in=restricted)
    return Q(audience_id__in=_audiences_including_sql(user))


def feed_removed_since(*, user: User, since: datetime) -> list[int]:
    """Ids of posts addressed to the person that left their feed after `since`.

    For a phone that syncs with `updated_since`: a post archived since then, or one whose
    expiry passed since then, must be dropped from its cache. Only ids: what was removed is
    none of the phone's business. One query.
    """
    now = timezone.now()
    gone = Q(status=PostStatus.ARCHIVED, updated_at__gt=since) | Q(
        status=PostStatus.PUBLISHED, expires_at__gt=since, expires_at__lte=now
    )
    return list(
        Post.objects.filter(_addressed_to(user))
        .filter(gone)
        .order_by("id")
        .values_list("id", flat=True)
    )


def posts_for_reader(*, user: User) -> QuerySet[Post]:
    """Published, unexpired posts whose audience includes the person.

    The audience test is one subquery (org.selectors.audiences_including, compiled once per
    person's unit and job title), and the person's own receipt is one LEFT JOIN
    (`my_receipt__…`), so read/acknowledged cost no query per item. A registered reader
    restriction (content.hooks: pre-boarding) replaces the audience test with its own list.
    """
    return (
        Post.objects.filter(_visible_now(timezone.now()))
        .filter(_addressed_to(user))
        .annotate(my_receipt=FilteredRelation("receipts", condition=Q(receipts__user_id=user.pk)))
    )


# Hand-written: built through the ORM, its five subqueries cost ~1.5 ms of CPU per request
# to compile against ~0.2 ms for the SQL itself (measured 2026-12-03), and the 304 it serves
# is meant to cost a fraction of the page. Index lookups only; `||` works on both databases,
# and a NULL in a part (an empty set) makes the part NULL, never a zero.
_FEED_STATE_SQL = """
SELECT
  (SELECT MAX(updated_at) FROM {post}),
  (SELECT MAX(expires_at) FROM {post} WHERE expires_at <= %s),
  (SELECT COUNT(id) || ':' || SUM(id) || ':' || COUNT(acknowledged_at)
     FROM {receipt} WHERE user_id = %s),
  (SELECT SUM(id) FROM {role} WHERE user_id = %s),
  (SELECT COUNT(id) || ':' || SUM(id) FROM {named} WHERE user_id = %s)
"""


def feed_state(*, user: User) -> tuple:
    """What the person's feed is made of, in one cheap query: a fingerprint for its ETag.

    Posts, by watermarks over all of them: the latest change to any post (published, edited,
    archived, a version approved or an audio file added: content.services touches
    `updated_at`) and the latest expiry already passed (a post leaving by expiring). Counting
    the posts the person can see instead costs the audience test on every one of them — more
    database time than the feed page itself (12 ms against 0.2 ms, measured 2026-12-03) — so
    the ETag changes when any post changes, a few times a day, not only one addressed to the
    person. Then the person's side, each from an index on the person: their receipts (how
    many, the sum of their ids, how many acknowledged), their roles (the sum of their ids: an
    audience may name a role) and the audiences naming them. Unit and job title are on the
    person's row, which the request already has.
    """
    sql = _FEED_STATE_SQL.format(
        post=Post._meta.db_table,
        receipt=ReadReceipt._meta.db_table,
        role=UserRole._meta.db_table,
        named=Audience.people.through._meta.db_table,
    )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(sql, [now, user.pk, user.pk, user.pk])
        return tuple(cursor.fetchone())


def in_reader_language(posts: QuerySet[Post], languages: list[str]) -> QuerySet[Post]:
    """Annotate the version each post is shown in: the first approved one in `languages`.

    One LEFT JOIN per wished language (content.languages caps them at three), so the version
    is chosen in SQL, in the same query, not per row in Python. Adds `shown_language`,
    `shown_title`, `shown_summary`, `shown_version_id`; the original where no approved
    version in a wished language exists.
    """
    joins = {}
    for i, language in enumerate(languages):
        joins[f"version_{i}"] = FilteredRelation(
            "versions", condition=Q(versions__language=language, versions__approved=True)
        )
    posts = posts.annotate(**joins)
    found = [
        (f"version_{i}", Q(**{f"version_{i}__id__isnull": False})) for i in range(len(languages))
    ]

    def pick(column: str, original):
        return Case(
            *[When(condition, then=F(f"{join}__{column}")) for join, condition in found],
            default=original,
        )

    return posts.annotate(
        shown_language=pick("language", F("language")),
        shown_title=pick("title", F("title")),
        shown_summary=pick("summary", F("summary")),
        shown_version_id=pick("id", Value(None, output_field=IntegerField())),
    )


def _search(posts: QuerySet[Post], q: str) -> QuerySet[Post]:
    if connection.vendor == "postgresql":
        vector = SearchVector("title", weight="A", config="danish") + SearchVector(
            "body", weight="B", config="danish"
        )
        query = SearchQuery(q, config="danish", search_type="websearch")
        return posts.annotate(search=vector).filter(search=query)
    # SQLite (the embedded mode) has no Danish stemming: a plain substring match.
    return posts.filter(Q(title__icontains=q) | Q(body__icontains=q) | Q(summary__icontains=q))


def _in_unit_subtree(unit_id: int, *, unit_field: str = "unit") -> Q:
    """The post's unit is `unit_id` or below it: one prefix match against its path."""
    unit_path = Subquery(OrgUnit.objects.filter(pk=unit_id).values("path")[:1])
    return Q(**{f"{unit_field}__path__startswith": unit_path})


def feed(
    *,
    user: User,
    kind: str | None = None,
    unit_id: int | None = None,
    q: str = "",
    updated_since: datetime | None = None,
    languages: list[str] | None = None,
) -> QuerySet:
    """The person's feed as value rows (FEED_COLUMNS and FEED_JOINED), pinned first, then newest.

    Each post in the first of `languages` it has an approved version in, else the original.
    """
    posts = in_reader_language(posts_for_reader(user=user), languages or [])
    if kind:
        posts = posts.filter(kind=kind)
    if unit_id is not None:
        posts = posts.filter(_in_unit_subtree(unit_id))
    if q:
        posts = _search(posts, q)
    if updated_since is not None:
        posts = posts.filter(updated_at__gt=updated_since)
    # One EXISTS in the same query: can the post be listened to?
    audio = Attachment.objects.filter(post_id=OuterRef("pk"), kind=AttachmentKind.AUDIO)
    return posts.order_by("-pinned", "-published_at", "-id").values(
        *FEED_COLUMNS,
        "shown_language",
        "shown_title",
        "shown_summary",
        listenable=Exists(audio),
        **FEED_JOINED,
    )


ATTACHMENT_COLUMNS = (
    "id",
    "post_id",
    "original_name",
    "kind",
    "content_type",
    "size",
    "language",
    "duration_seconds",
    "read_aloud",
)


def _with_details(posts: QuerySet[Post], *, languages: list[str] | None = None) -> Post | None:
    """The one post in `posts` as the detail view shows it, or None.

    The author's and unit's names come as two joined columns (`author_name`, `unit_name`)
    rather than two whole rows, and attachments and decisions as two plain value queries
    (`attachment_rows`, `decision_rows`): the same database work as a hand-written view, no
    model rows nobody reads.
    """
    post = (
        in_reader_language(posts, languages or [])
        .annotate(
            author_name=F("author__name"),
            unit_name=F("unit__name"),
            audience_everyone=F("audience__everyone"),  # the LIX target (content.readability)
        )
        .first()
    )
    if post is None:
        return None
    post.original_language = post.language
    if post.shown_version_id is not None:
        version = PostVersion.objects.only("body", "body_html").get(pk=post.shown_version_id)
        post.title, post.summary = post.shown_title, post.shown_summary
        post.body, post.body_html = version.body, version.body_html
        post.language = post.shown_language
    post.available_languages = [
        post.original_language,
        *PostVersion.objects.filter(post_id=post.pk, approved=True)
        .order_by("language")
        .values_list("language", flat=True),
    ]
    post.attachment_rows = list(
        Attachment.objects.filter(post_id=post.pk)
        .filter(Q(language="") | Q(language=post.language))
        .order_by("id")
        .values(*ATTACHMENT_COLUMNS)
    )
    post.decision_rows = [
        {
            "id": row["id"],
            "text": row["text"],
            "deadline": row["deadline"],
            "owner": {"id": row["owner_id"], "name": row["owner_name"]}
            if row["owner_id"]
            else None,
        }
        for row in Decision.objects.filter(post_id=post.pk)
        .order_by("position", "id")
        .values("id", "text", "deadline", "owner_id", owner_name=F("owner__name"))
    ]
    return post


def post_for_reader(*, user: User, post_id: int, languages: list[str] | None = None) -> Post | None:
    """One post addressed to the person, with its attachments, decisions and the reader's
    own receipt (`my_read_at`, `my_acknowledged_at`); None when it is not addressed to them.

    In the first of `languages` it has an approved version in (title, summary, body, and the
    attachments for that language), else the original."""
    return _with_details(
        posts_for_reader(user=user)
        .filter(pk=post_id)
        .annotate(
            my_read_at=F("my_receipt__read_at"),
            my_acknowledged_at=F("my_receipt__acknowledged_at"),
        ),
        languages=languages,
    )


def post_is_addressed_to(*, user: User, post_id: int) -> bool:
    return posts_for_reader(user=user).filter(pk=post_id).exists()


def posts_manageable_by(*, user: User) -> QuerySet[Post]:
    """Posts the person may edit, publish, archive and see the reach of.

    Communications and admins: all. HR: every staff info page. Anyone: what they wrote.
    """
    if not user.is_authenticated:
        return Post.objects.none()
    if user.has_role(*EDITOR_ROLES):
        return Post.objects.all()
    rule = Q(author_id=user.pk)
    if user.has_role(Role.HR):
        rule |= Q(kind=PostKind.PAGE)
    return Post.objects.filter(rule)


def post_for_manager(*, user: User, post_id: int, details: bool = True) -> Post | None:
    """A post the person manages; with `details`, as the detail view shows it."""
    posts = posts_manageable_by(user=user).filter(pk=post_id)
    return _with_details(posts) if details else posts.first()


def post_versions(*, post_id: int) -> QuerySet[PostVersion]:
    """Every version of a post, approved or not, for those who manage it."""
    return PostVersion.objects.filter(post_id=post_id).order_by("language")


def manageable_list(*, user: User, status: str | None = None, kind: str | None = None):
    """The posts a writer manages, newest change first (drafts, scheduled, published…)."""
    posts = posts_manageable_by(user=user)
    if status:
        posts = posts.filter(status=status)
    if kind:
        posts = posts.filter(kind=kind)
    return posts.select_related("author", "unit").order_by("-updated_at", "-id")


def attachment_for_reader(*, user: User, post_id: int, attachment_id: int) -> Attachment | None:
    """An attachment of a post addressed to the person, or of a post they manage."""
    readable = posts_for_reader(user=user).filter(pk=post_id).values("pk")
    managed = posts_manageable_by(user=user).filter(pk=post_id).values("pk")
    return (
        Attachment.objects.filter(pk=attachment_id, post_id=post_id)
        .filter(Q(post_id__in=readable) | Q(post_id__in=managed))
        .first()
    )


def rsvp_counts(*, post_id: int) -> dict[str, int]:
    """Confirmed yes, waiting list, maybe and no, in one query."""
    return Rsvp.objects.filter(post_id=post_id).aggregate(
        yes=Count("pk", filter=Q(answer=RsvpAnswer.YES, waitlisted=False)),
        waitlisted=Count("pk", filter=Q(waitlisted=True)),
        maybe=Count("pk", filter=Q(answer=RsvpAnswer.MAYBE)),
        no=Count("pk", filter=Q(answer=RsvpAnswer.NO)),
    )


def rsvp_of(*, post_id: int, user: User) -> Rsvp | None:
    return Rsvp.objects.filter(post_id=post_id, user=user).first()


def event_attendees(*, post: Post) -> QuerySet[Rsvp]:
    """Everyone who answered, confirmed first, then the waiting list in order, then the rest."""
    return (
        Rsvp.objects.filter(post=post)
        .select_related("user__unit")
        .order_by(
            Case(
                When(answer=RsvpAnswer.YES, waitlisted=False, then=Value(0)),
                When(waitlisted=True, then=Value(1)),
                When(answer=RsvpAnswer.MAYBE, then=Value(2)),
                default=Value(3),
            ),
            "answered_at",
            "id",
        )
    )


def decisions_for_unit(
    *, user: User, unit_id: int, include_subtree: bool = False, open_only: bool = False
) -> QuerySet[Decision]:
    """Decisions from the referater of a unit that the person can read, newest meeting first."""
    readable = posts_for_reader(user=user).filter(kind=PostKind.MINUTES).values("pk")
    decisions = Decision.objects.filter(post_id__in=readable)
    if include_subtree:
        decisions = decisions.filter(_in_unit_subtree(unit_id, unit_field="post__unit"))
    else:
        decisions = decisions.filter(post__unit_id=unit_id)
    if open_only:
        decisions = decisions.filter(
            Q(deadline__isnull=True) | Q(deadline__gte=timezone.localdate())
        )
    return decisions.select_related("post__unit", "owner").order_by(
        "-post__meeting_date", "post_id", "position", "id"
    )


def _reach_members(*, post: Post, viewer: User) -> QuerySet[User] | None:
    """The audience members the viewer may see reach for; None when it may see none."""
    if post.audience_id is None:
        return User.objects.none()
    members = org_selectors.audience_members(audience=post.audience)
    if viewer.has_role(*EDITOR_ROLES) or post.author_id == viewer.pk:
        return members
    if viewer.has_role(Role.HR) and post.kind == PostKind.PAGE:
        return members
    if viewer.has_role(Role.LEADER) and post.status in {PostStatus.PUBLISHED, PostStatus.ARCHIVED}:
        led = members.filter(pk__in=org_selectors.users_in_scope(leader=viewer).values("pk"))
        # A post that reaches none of the leader's people is out of its scope: 404, so a leader
        # cannot probe which posts other units get.
        return led if led.exists() else None
    return None


def post_for_reach(*, post_id: int, published_only: bool = False) -> Post | None:
    """The post whose reach is asked for, with its audience; whether the caller may see that
    reach is post_reach's to decide. `published_only` leaves out drafts and scheduled posts
    (the dashboard lists what has gone out)."""
    posts = Post.objects.select_related("audience").filter(pk=post_id)
    if published_only:
        posts = posts.filter(status__in=[PostStatus.PUBLISHED, PostStatus.ARCHIVED])
    return posts.first()


def post_reach(*, post: Post, viewer: User) -> dict | None:
    """Audience size, read and acknowledged, in total and per unit, and who has not yet
    acknowledged a must-read. A leader who did not write the post sees its own people only.
    None when the viewer may not see this post's reach."""
    members = _reach_members(post=post, viewer=viewer)
    if members is None:
        return None
    receipts = ReadReceipt.objects.filter(post=post, user_id=OuterRef("pk"))
    # Per channel, from the notifications app: notified by push / SMS / e-mail, delivered (real
    # outcomes), opened in the app's inbox.
    channels = push_selectors.reach_conditions(data_key="post_id", object_id=post.pk)
    members = members.annotate(
        has_read=Exists(receipts),
        has_acknowledged=Exists(receipts.filter(acknowledged_at__isnull=False)),
        **{f"has_{name}": condition for name, condition in channels.items()},
    )
    per_unit = list(
        members.values("unit_id", "unit__name")
        .annotate(
            audience=Count("pk"),
            read=Count("pk", filter=Q(has_read=True)),
            acknowledged=Count("pk", filter=Q(has_acknowledged=True)),
            **{name: Count("pk", filter=Q(**{f"has_{name}": True})) for name in channels},
        )
        .order_by("unit__name", "unit_id")
    )
    not_acknowledged = []
    if post.requires_acknowledgement:
        not_acknowledged = list(
            members.filter(has_acknowledged=False)
            .values("id", "name", "unit_id", "unit__name", "has_read")
            .order_by("unit__name", "name", "id")
        )
    return {
        "post_id": post.pk,
        "audience": sum(row["audience"] for row in per_unit),
        "read": sum(row["read"] for row in per_unit),
        "acknowledged": sum(row["acknowledged"] for row in per_unit),
        **{name: sum(row[name] for row in per_unit) for name in channels},
        "per_unit": [
            {
                "unit_id": row["unit_id"],
                "unit_name": row["unit__name"] or "",
                "audience": row["audience"],
                "read": row["read"],
                "acknowledged": row["acknowledged"],
                **{name: row[name] for name in channels},
            }
            for row in per_unit
        ],
        "not_acknowledged": [
            {
                "id": row["id"],
                "name": row["name"],
                "unit_id": row["unit_id"],
                "unit_name": row["unit__name"] or "",
                "has_read": row["has_read"],
            }
            for row in not_acknowledged
        ],
    }


def unacknowledged_user_ids(*, post: Post) -> list[int]:
    """Active audience members who have not acknowledged the post."""
    if post.audience_id is None:
        return []
    acknowledged = ReadReceipt.objects.filter(
        post=post, user_id=OuterRef("pk"), acknowledged_at__isnull=False
    )
    return list(
        org_selectors.audience_members(audience=post.audience)
        .exclude(Exists(acknowledged))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
