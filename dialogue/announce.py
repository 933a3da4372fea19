"""The hand-off to push: the writer hears of new comments, a commenter of a reply; a question's
recipients of a new question, its asker of the answer.

Called inside the transaction that writes the comment; push sends after commit and honours
quiet hours and the person's "news" switch (comments are part of the news conversation).
"""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_noop

from org.models import User
from push.models import Category
from push.services import notification_send

from . import selectors
from .models import Comment


def comment_to_writer(*, comment: Comment) -> None:
    """Tell the post's writer, at most once per post per batch window, that comments came in.

    The dedup key names the window (DIALOGUE_COMMENT_BATCH_MINUTES, default 60): the first
    comment in a window notifies, later ones in it are in the same notification's news, so a
    lively thread costs the writer one push an hour, not one a comment.
    """
    post = comment.post
    if post.author_id is None or post.author_id == comment.author_id:
        return
    minutes = settings.DIALOGUE_COMMENT_BATCH_MINUTES
    window = int(timezone.now().timestamp() // (minutes * 60))
    notification_send(
        category=Category.NEWS,
        recipients=User.objects.filter(pk=post.author_id),
        title=gettext_noop("Nye kommentarer til dit opslag"),
        body=gettext_noop("Der er nye kommentarer til ”%(title)s”."),
        params={"title": post.title},
        data={"type": "comments", "post_id": str(post.pk)},
        collapse_key=f"comments-{post.pk}",
        dedup_key=f"dialogue:comments:{post.pk}:{window}",
    )


def reply_to_commenter(*, reply: Comment, parent: Comment) -> None:
    """Tell the commenter that someone answered them (not when they answer themselves)."""
    if parent.author_id is None or parent.author_id == reply.author_id:
        return
    notification_send(
        category=Category.NEWS,
        recipients=User.objects.filter(pk=parent.author_id),
        title=gettext_noop("Nyt svar på din kommentar"),
        body=gettext_noop("%(name)s har svaret på din kommentar til ”%(title)s”."),
        params={"name": reply.author.name, "title": reply.post.title},
        data={"type": "comment_reply", "post_id": str(reply.post_id), "comment_id": str(reply.pk)},
        dedup_key=f"dialogue:reply:{reply.pk}",
    )


# One msgid per role, so each recipient reads the role in their own language.
_ANSWERED_BY = {
    "hr": gettext_noop("HR har svaret på dit spørgsmål."),
    "leader": gettext_noop("Din leder har svaret på dit spørgsmål."),
    "communications": gettext_noop("Kommunikation har svaret på dit spørgsmål."),
}


def answer_to_asker(*, question) -> None:
    """Tell the asker their question has been answered (by role, never by name)."""
    if question.asker_id is None:
        return
    notification_send(
        category=Category.NEWS,
        recipients=User.objects.filter(pk=question.asker_id, is_active=True),
        title=gettext_noop("Du har fået svar på dit spørgsmål"),
        body=_ANSWERED_BY[question.answered_as],
        data={"type": "question_answer", "question_id": str(question.pk)},
        dedup_key=f"dialogue:answer:{question.pk}",
    )


# The asker is never named: the recipients open their queue (inbox or dashboard) to read it.
_NEW_QUESTION = {
    "hr": gettext_noop("Nyt spørgsmål til HR"),
    "leader": gettext_noop("Nyt spørgsmål til dig som leder"),
    "communications": gettext_noop("Nyt spørgsmål til Kommunikation"),
}


def question_to_recipients(*, question) -> None:
    """Tell the people a new question is addressed to that it waits for an answer (no name)."""
    notification_send(
        category=Category.NEWS,
        recipients=selectors.question_recipient_people(question=question),
        title=_NEW_QUESTION[question.recipient],
        body=gettext_noop("Et spørgsmål venter på svar under Spørgsmål på dashboardet."),
        data={"type": "question_new", "question_id": str(question.pk)},
        dedup_key=f"dialogue:question:{question.pk}",
    )
