"""Reads: the posts a person may talk about, their comments and reactions, the moderation queue.

A post is open to dialogue for the people it is addressed to (content's reader rule) and for
those who manage it once it is published; anyone else gets None, which the API answers with 404.
"""

from collections.abc import Callable

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Value
from django.db.models.lookups import StartsWith

from content import selectors as content_selectors
from content.models import Post, PostStatus
from org.models import LeaderScope, OrgUnit, Role, User, UserRole
from org.selectors import units_in_scope

from .models import (
    OPEN_BY_DEFAULT,
    Comment,
    CommentReport,
    PostDialogue,
    Question,
    QuestionRecipient,
    Reaction,
    ReactionKind,
)

# Who may hide any comment, whoever wrote the post.
MODERATOR_ROLES = (Role.COMMUNICATIONS, Role.ADMIN)

POST_COLUMNS = ("id", "kind", "title", "author_id", "unit_id", "status")


def post_for_dialogue(*, user: User, post_id: int) -> Post | None:
    """The post, if the person may read and write its dialogue; one query."""
    readable = content_selectors.posts_for_reader(user=user).filter(pk=post_id).values("pk")
    managed = (
        content_selectors.posts_manageable_by(user=user)
        .filter(pk=post_id, status__in=[PostStatus.PUBLISHED, PostStatus.ARCHIVED])
        .values("pk")
    )
    return (
        Post.objects.filter(Q(pk__in=readable) | Q(pk__in=managed))
        .select_related("dialogue")
        .only(*POST_COLUMNS, "dialogue__comments_open")
        .first()
    )


def comments_open(*, post: Post) -> bool:
    """The writer's choice, else the default for the post's kind."""
    try:
        return post.dialogue.comments_open
    except PostDialogue.DoesNotExist:
        return post.kind in OPEN_BY_DEFAULT


def _with_author(comments: QuerySet[Comment]) -> QuerySet[Comment]:
    return comments.select_related("author").only(
        *[f.name for f in Comment._meta.concrete_fields if f.name != "author"],
        "author__id",
        "author__name",
        "author__unit_id",
    )


def comment_threads(*, post: Post) -> QuerySet[Comment]:
    """Top-level comments, oldest first, with their replies and authors: two queries a page."""
    replies = _with_author(Comment.objects.filter(parent__isnull=False)).order_by(
        "created_at", "id"
    )
    return (
        _with_author(Comment.objects.filter(post=post, parent__isnull=True))
        .order_by("created_at", "id")
        .prefetch_related(Prefetch("replies", queryset=replies))
    )


def comment_get(*, user: User, comment_id: int) -> Comment | None:
    """A comment on a post the person may talk about, with its post and author."""
    comment = Comment.objects.select_related("author", "post").filter(pk=comment_id).first()
    if comment is None or post_for_dialogue(user=user, post_id=comment.post_id) is None:
        return None
    return comment


def leader_unit_ids(*, user: User) -> frozenset[int]:
    """The units a leader leads, subtrees included; empty for anyone else."""
    if not user.has_role(Role.LEADER):
        return frozenset()
    return frozenset(units_in_scope(leader=user).values_list("pk", flat=True))


def moderation_rule(*, user: User, post: Post) -> Callable[[Comment], bool]:
    """`rule(comment)`: whether the person may hide that comment on `post`; one query at most.

    Communications and admins; the post's writer; a leader whose scope holds the post's unit
    or the commenter's unit.
    """
    scope = leader_unit_ids(user=user)
    whole_post = (
        user.has_role(*MODERATOR_ROLES) or post.author_id == user.pk or post.unit_id in scope
    )

    def rule(comment: Comment) -> bool:
        author_unit = comment.author.unit_id if comment.author else None
        return whole_post or author_unit in scope

    return rule


def can_moderate(*, user: User, comment: Comment) -> bool:
    return moderation_rule(user=user, post=comment.post)(comment)


def reaction_summary(*, post: Post, user: User) -> dict:
    """Counts of every reaction kind (zeros included) and the person's own; one query."""
    rows = (
        Reaction.objects.filter(post=post)
        .values("kind")
        .annotate(n=Count("id"), mine=Count("id", filter=Q(user_id=user.pk)))
    )
    counts = dict.fromkeys(ReactionKind.values, 0)
    mine = None
    for row in rows.order_by():
        counts[row["kind"]] = row["n"]
        if row["mine"]:
            mine = row["kind"]
    return {"counts": counts, "mine": mine}


def moderation_queue() -> QuerySet[Comment]:
    """Reported comments nobody has hidden or kept yet, most reported first."""
    return (
        _with_author(
            Comment.objects.filter(
                open_reports__gt=0, hidden_at__isnull=True, deleted_at__isnull=True
            )
        )
        .select_related("post")
        .only(
            *[f.name for f in Comment._meta.concrete_fields if f.name != "author"],
            "author__id",
            "author__name",
            "author__unit_id",
            "post__id",
            "post__title",
        )
        .order_by("-open_reports", "created_at", "id")
    )


def moderation_queue_with_reports() -> QuerySet[Comment]:
    """The moderation queue with each comment's reports (reporter names included): two queries."""
    reports = (
        CommentReport.objects.select_related("reporter")
        .only("id", "comment_id", "reason", "created_at", "reporter__id", "reporter__name")
        .order_by("created_at", "id")
    )
    return moderation_queue().prefetch_related(Prefetch("reports", queryset=reports))


def recently_hidden(*, limit: int) -> QuerySet[Comment]:
    """The last hidden comments (not deleted), newest hide first: what a moderator may restore."""
    return (
        _with_author(Comment.objects.filter(hidden_at__isnull=False, deleted_at__isnull=True))
        .select_related("post", "hidden_by")
        .only(
            *[
                f.name
                for f in Comment._meta.concrete_fields
                if f.name not in {"author", "hidden_by"}
            ],
            "author__id",
            "author__name",
            "author__unit_id",
            "post__id",
            "post__title",
            "hidden_by__id",
            "hidden_by__name",
        )
        .order_by("-hidden_at", "-id")[:limit]
    )


# --- Questions ----------------------------------------------------------------------------------


def _question_columns(questions: QuerySet[Question]) -> QuerySet[Question]:
    return questions.select_related("asker", "unit").only(
        *[f.name for f in Question._meta.concrete_fields if f.name not in {"asker", "unit"}],
        "asker__id",
        "asker__name",
        "unit__id",
        "unit__name",
    )


def question_recipients_for(*, user: User) -> Q:
    """The questions addressed to the person: HR's, communications', a leader's scope's.

    Admins are not in it: a question to HR is between the person and HR.
    """
    rule = Q(pk__in=[])
    if user.has_role(Role.HR):
        rule |= Q(recipient=QuestionRecipient.HR)
    if user.has_role(Role.COMMUNICATIONS):
        rule |= Q(recipient=QuestionRecipient.COMMUNICATIONS)
    if user.has_role(Role.LEADER):
        rule |= Q(recipient=QuestionRecipient.LEADER, unit__in=units_in_scope(leader=user))
    return rule


def may_receive_questions(*, user: User) -> bool:
    return user.has_role(Role.HR, Role.COMMUNICATIONS, Role.LEADER)


def questions_asked_by(*, user: User) -> QuerySet[Question]:
    """The person's own questions, newest first."""
    return _question_columns(Question.objects.filter(asker=user)).order_by("-created_at", "-id")


def question_inbox(*, user: User, status: str | None = None) -> QuerySet[Question]:
    """Questions addressed to the person, oldest unanswered first (a queue)."""
    questions = Question.objects.filter(question_recipients_for(user=user))
    if status is not None:
        questions = questions.filter(status=status)
    return _question_columns(questions).order_by("created_at", "id")


def question_get(*, user: User, question_id: int) -> Question | None:
    """The question, if the person asked it or it is addressed to them; one query."""
    mine = Q(asker=user)
    return (
        _question_columns(Question.objects.filter(mine | question_recipients_for(user=user)))
        .filter(pk=question_id)
        .first()
    )


def question_is_for(*, user: User, question: Question) -> bool:
    """Whether the question is addressed to the person (they may answer and close it)."""
    return Question.objects.filter(question_recipients_for(user=user), pk=question.pk).exists()


def question_recipient_people(*, question: Question) -> QuerySet[User]:
    """The people a question is addressed to: the mirror of `question_recipients_for`.

    HR or communications (everyone with the role), or the leaders whose scope holds the unit the
    asker was in when asking; active people only, never the asker.
    """
    role = {
        QuestionRecipient.HR: Role.HR,
        QuestionRecipient.COMMUNICATIONS: Role.COMMUNICATIONS,
        QuestionRecipient.LEADER: Role.LEADER,
    }[question.recipient]
    people = User.objects.filter(
        Exists(UserRole.objects.filter(user=OuterRef("pk"), role=role)), is_active=True
    )
    if question.recipient == QuestionRecipient.LEADER:
        path = OrgUnit.objects.filter(pk=question.unit_id).values_list("path", flat=True).first()
        if path is None:
            return User.objects.none()
        people = people.filter(
            Exists(
                LeaderScope.objects.filter(leader=OuterRef("pk")).filter(
                    StartsWith(Value(path), F("unit__path"))
                )
            )
        )
    return people.exclude(pk=question.asker_id) if question.asker_id else people


def unit_has_leader(*, unit_id: int | None) -> bool:
    """Whether some leader's scope holds the unit (so "my leader" reaches someone)."""
    path = OrgUnit.objects.filter(pk=unit_id).values_list("path", flat=True).first()
    if path is None:
        return False
    return (
        LeaderScope.objects.filter(leader__is_active=True)
        .filter(StartsWith(Value(path), F("unit__path")))
        .exists()
    )
