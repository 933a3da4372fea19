"""Writes: opening and closing comments, commenting, editing, deleting, reacting, reporting and
moderating. Every refusal is an ApplicationError; every write runs in one transaction."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.errors import ConflictError, PermissionDeniedError, validate_model
from content import services as content_services
from content.models import Post, PostKind
from org.models import User

from . import announce, selectors
from .models import (
    Comment,
    CommentReport,
    PostDialogue,
    Question,
    QuestionRecipient,
    QuestionStatus,
    Reaction,
)
from .rendering import comment_html
from .selectors import can_moderate, comments_open

# How long a comment can be edited after it was written.
EDIT_WINDOW = timedelta(minutes=15)


def _refuse_before_start(user: User) -> None:
    # Pre-boarders read what their journey links to; they join the conversation on day 1.
    if user.start_date is not None and user.start_date > timezone.localdate():
        raise PermissionDeniedError(_("Du kan kommentere fra din første arbejdsdag."))


@transaction.atomic
def post_comments_set(*, actor: User, post: Post, comments_open: bool) -> PostDialogue:
    """Open or close comments on a post the actor manages (the caller looked it up)."""
    setting, _created = PostDialogue.objects.update_or_create(
        post=post, defaults={"comments_open": comments_open, "updated_by": actor}
    )
    return setting


@transaction.atomic
def comment_create(
    *, author: User, post: Post, text: str, parent: Comment | None = None
) -> Comment:
    """Comment on a post (or reply to a top-level comment); tell the writer or the commenter."""
    _refuse_before_start(author)
    if not comments_open(post=post):
        raise ConflictError(_("Der er lukket for kommentarer på dette opslag."), code="closed")
    if parent is not None:
        if parent.post_id != post.pk:
            raise ConflictError(_("Svaret hører ikke til dette opslag."), code="wrong_post")
        if parent.parent_id is not None:
            raise ConflictError(
                _("Du kan kun svare på en kommentar, ikke på et svar."), code="too_deep"
            )
        if parent.deleted_at is not None or parent.hidden_at is not None:
            raise ConflictError(_("Kommentaren kan ikke besvares."), code="unavailable")
    comment = Comment(
        post=post,
        parent=parent,
        author=author,
        text=text.strip(),
        text_html=comment_html(text.strip()),
    )
    validate_model(comment)
    comment.save()
    if parent is None:
        announce.comment_to_writer(comment=comment)
    else:
        announce.reply_to_commenter(reply=comment, parent=parent)
    return comment


def _own(actor: User, comment: Comment) -> None:
    if comment.author_id != actor.pk:
        raise PermissionDeniedError(_("Du kan kun ændre dine egne kommentarer."))


def comment_check_own(*, actor: User, comment: Comment) -> None:
    """Refuse (403) anyone but the comment's author."""
    _own(actor, comment)


@transaction.atomic
def comment_edit(*, actor: User, comment: Comment, text: str) -> Comment:
    """Change the text within 15 minutes of writing it."""
    _own(actor, comment)
    comment = (
        Comment.objects.select_for_update(of=("self",))
        .select_related("post", "author")
        .get(pk=comment.pk)
    )
    if comment.deleted_at is not None or comment.hidden_at is not None:
        raise ConflictError(_("Kommentaren kan ikke rettes."), code="unavailable")
    now = timezone.now()
    if now - comment.created_at > EDIT_WINDOW:
        raise ConflictError(
            _("En kommentar kan kun rettes i 15 minutter."), code="edit_window_passed"
        )
    comment.text = text.strip()
    comment.text_html = comment_html(comment.text)
    comment.edited_at = now
    validate_model(comment)
    comment.save(update_fields=["text", "text_html", "edited_at"])
    return comment


@transaction.atomic
def comment_delete(*, actor: User, comment: Comment) -> None:
    """Delete one's own comment: the text goes; the row stays, so replies keep their place."""
    _own(actor, comment)
    Comment.objects.filter(pk=comment.pk, deleted_at__isnull=True).update(
        deleted_at=timezone.now(), text="", text_html="", open_reports=0
    )


@transaction.atomic
def comment_report(*, reporter: User, comment: Comment, reason: str = "") -> bool:
    """Report a comment to the moderators; a second report by the same person changes nothing.

    Returns whether this was a new report.
    """
    if comment.author_id == reporter.pk:
        raise ConflictError(_("Du kan ikke anmelde din egen kommentar."), code="own_comment")
    if comment.deleted_at is not None:
        raise ConflictError(_("Kommentaren er slettet."), code="unavailable")
    report = CommentReport(comment=comment, reporter=reporter, reason=reason.strip())
    validate_model(report, validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        return False
    Comment.objects.filter(pk=comment.pk).update(open_reports=F("open_reports") + 1)
    return True


def moderator_check(*, actor: User, comment: Comment) -> None:
    """Refuse (403) anyone who may not hide the comment."""
    if not can_moderate(user=actor, comment=comment):
        raise PermissionDeniedError(
            _(
                "Kun opslagets forfatter, ledere for enheden og Kommunikation kan skjule kommentarer."
            )
        )


class Decision:
    HIDE = "hide"
    KEEP = "keep"
    # Undo a hide: the comment is shown again (a moderator's mistake, or after a second look).
    RESTORE = "restore"


@transaction.atomic
def comment_moderate(*, actor: User, comment: Comment, decision: str, reason: str = "") -> Comment:
    """Hide the comment (kept for the record, shown as hidden), keep it, or show a hidden one
    again; either way its reports are handled."""
    moderator_check(actor=actor, comment=comment)
    comment = (
        Comment.objects.select_for_update(of=("self",))
        .select_related("post", "author")
        .get(pk=comment.pk)
    )
    if comment.deleted_at is not None:
        raise ConflictError(_("Kommentaren er slettet."), code="unavailable")
    comment.open_reports = 0
    fields = ["open_reports"]
    if decision == Decision.HIDE and comment.hidden_at is None:
        comment.hidden_at = timezone.now()
        comment.hidden_by = actor
        comment.hidden_reason = reason.strip()
        fields += ["hidden_at", "hidden_by", "hidden_reason"]
    if decision == Decision.RESTORE and comment.hidden_at is not None:
        comment.hidden_at = None
        comment.hidden_by = None
        comment.hidden_reason = ""
        fields += ["hidden_at", "hidden_by", "hidden_reason"]
    validate_model(comment)
    comment.save(update_fields=fields)
    return comment


@transaction.atomic
def reaction_set(*, user: User, post: Post, kind: str) -> Reaction:
    """React to a post; a person has one reaction per post, the last chosen."""
    _refuse_before_start(user)
    reaction, _created = Reaction.objects.update_or_create(
        post=post, user=user, defaults={"kind": kind}
    )
    return reaction


@transaction.atomic
def reaction_remove(*, user: User, post: Post) -> None:
    Reaction.objects.filter(post=post, user=user).delete()


# --- Questions to HR, my leader or communications -----------------------------------------------


@transaction.atomic
def question_ask(*, asker: User, recipient: str, text: str) -> Question:
    """Ask HR, one's leader or communications a private question (pre-boarders too); its
    recipients are told, without the asker's name (push sends after commit)."""
    text = text.strip()
    before_start = asker.start_date is not None and asker.start_date > timezone.localdate()
    if before_start and recipient != QuestionRecipient.HR:
        raise PermissionDeniedError(
            _("Før din første arbejdsdag kan du stille spørgsmål til HR."), code="before_start"
        )
    if recipient == QuestionRecipient.LEADER and not selectors.unit_has_leader(
        unit_id=asker.unit_id
    ):
        raise ConflictError(
            _("Din enhed har ingen leder i Bro. Spørg HR i stedet."), code="no_leader"
        )
    question = Question(
        asker=asker,
        unit_id=asker.unit_id,
        recipient=recipient,
        text=text,
        text_html=comment_html(text),
    )
    validate_model(question)
    question.save()
    announce.question_to_recipients(question=question)
    return question


def question_check_recipient(*, actor: User, question: Question) -> None:
    """Refuse (403) anyone the question is not addressed to (the asker can see, not answer)."""
    if not selectors.question_is_for(user=actor, question=question):
        raise PermissionDeniedError(_("Spørgsmålet er ikke stillet til dig."))


@transaction.atomic
def question_answer(*, actor: User, question: Question, text: str) -> Question:
    """Answer a question addressed to the actor once; the asker is told (by role, not name)."""
    question_check_recipient(actor=actor, question=question)
    question = Question.objects.select_for_update().get(pk=question.pk)
    if question.status == QuestionStatus.ANSWERED:
        raise ConflictError(_("Spørgsmålet er allerede besvaret."), code="already_answered")
    if question.status == QuestionStatus.CLOSED:
        raise ConflictError(_("Spørgsmålet er lukket."), code="closed")
    question.answer = text.strip()
    question.answer_html = comment_html(question.answer)
    question.answered_by = actor
    question.answered_as = question.recipient
    question.answered_at = timezone.now()
    question.status = QuestionStatus.ANSWERED
    validate_model(question)
    question.save(
        update_fields=[
            "answer",
            "answer_html",
            "answered_by",
            "answered_as",
            "answered_at",
            "status",
        ]
    )
    announce.answer_to_asker(question=question)
    return question


@transaction.atomic
def question_close(*, actor: User, question: Question) -> Question:
    """Close a question: the asker (done with it) or a recipient (nothing more to say)."""
    if question.asker_id != actor.pk:
        question_check_recipient(actor=actor, question=question)
    Question.objects.filter(pk=question.pk).exclude(status=QuestionStatus.CLOSED).update(
        status=QuestionStatus.CLOSED, closed_at=timezone.now()
    )
    question.refresh_from_db(fields=["status", "closed_at"])
    return question


def _faq_body(*, question: str, answer: str) -> str:
    # Markdown for content.rendering: the texts are plain, so each line is quoted as a paragraph
    # and content's sanitiser renders whatever markup a text holds inert.
    return "\n\n".join(
        [f"**{_('Spørgsmål')}**", question.strip(), f"**{_('Svar')}**", answer.strip()]
    )


@transaction.atomic
def question_publish(
    *, actor: User, question: Question, title: str, question_text: str, answer_text: str
) -> Question:
    """Publish an answered question as a staff info page for everyone, without the asker.

    Through content's services, so its rules hold: only those who write staff info pages (HR,
    communications) may, and the page is announced like any other. The publisher gives the
    texts (the question reworded so that nobody can be recognised in it).
    """
    question_check_recipient(actor=actor, question=question)
    question = Question.objects.select_for_update().get(pk=question.pk)
    if question.answered_at is None:
        raise ConflictError(_("Kun besvarede spørgsmål kan udgives."), code="not_answered")
    if question.published_post_id is not None:
        raise ConflictError(_("Spørgsmålet er allerede udgivet."), code="already_published")
    post = content_services.post_create(
        author=actor,
        kind=PostKind.PAGE,
        title=title,
        body=_faq_body(question=question_text, answer=answer_text),
        audience=content_services.AudienceSpec(everyone=True),
    )
    post = content_services.post_publish(actor=actor, post=post)
    question.published_post = post
    question.save(update_fields=["published_post"])
    return question
