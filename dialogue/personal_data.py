"""Dialogue's personal data: comments, reactions and reports; registered in org.personal_data.

On erasure the comments stay where they are, so threads keep their shape: the person's row is
renamed "Tidligere medarbejder" by org.erasure, and that is the name every comment shows from
then on. Their reactions keep counting; the reasons they gave when reporting comments are
cleared (the report itself still counts for the moderators). Their questions stay with their
recipients under the same name; the unanswered ones are closed, as nobody is left to read an
answer.
"""

from typing import Any

from django.utils import timezone

from org.models import User
from org.personal_data import eraser, exporter

from .models import Comment, CommentReport, Question, QuestionStatus, Reaction


@exporter("comments")
def _export_comments(user: User) -> list[dict[str, Any]]:
    return [
        {
            "id": row["id"],
            "post": row["post_id"],
            "title": row["post__title"],
            "reply_to": row["parent_id"],
            "text": row["text"],
            "written_at": row["created_at"],
            "edited_at": row["edited_at"],
            "deleted_at": row["deleted_at"],
            "hidden_at": row["hidden_at"],
        }
        for row in Comment.objects.filter(author=user)
        .order_by("created_at", "id")
        .values(
            "id",
            "post_id",
            "post__title",
            "parent_id",
            "text",
            "created_at",
            "edited_at",
            "deleted_at",
            "hidden_at",
        )
    ]


@exporter("reactions")
def _export_reactions(user: User) -> list[dict[str, Any]]:
    return [
        {"post": row["post_id"], "title": row["post__title"], "reaction": row["kind"]}
        for row in Reaction.objects.filter(user=user)
        .order_by("post_id")
        .values("post_id", "post__title", "kind")
    ]


@exporter("comment_reports")
def _export_reports(user: User) -> list[dict[str, Any]]:
    return [
        {"comment": row["comment_id"], "reason": row["reason"], "reported_at": row["created_at"]}
        for row in CommentReport.objects.filter(reporter=user)
        .order_by("created_at", "id")
        .values("comment_id", "reason", "created_at")
    ]


@exporter("questions")
def _export_questions(user: User) -> list[dict[str, Any]]:
    return [
        {
            "id": row["id"],
            "to": row["recipient"],
            "text": row["text"],
            "asked_at": row["created_at"],
            "status": row["status"],
            "answer": row["answer"],
            "answered_as": row["answered_as"],
            "answered_at": row["answered_at"],
            "closed_at": row["closed_at"],
        }
        for row in Question.objects.filter(asker=user)
        .order_by("created_at", "id")
        .values(
            "id",
            "recipient",
            "text",
            "created_at",
            "status",
            "answer",
            "answered_as",
            "answered_at",
            "closed_at",
        )
    ]


@eraser
def _erase(*, user: User) -> None:
    CommentReport.objects.filter(reporter=user).update(reason="")
    Question.objects.filter(asker=user, status=QuestionStatus.NEW).update(
        status=QuestionStatus.CLOSED, closed_at=timezone.now()
    )
