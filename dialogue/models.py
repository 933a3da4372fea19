"""Dialogue on posts: whether comments are open, comments (replies one level deep), reactions,
and reports of comments for moderation."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from content.models import Post, PostKind

# Comments are open by default on news and events; minutes, staff info pages and crisis alerts
# are closed unless the writer opens them (a PostDialogue row overrides the default).
OPEN_BY_DEFAULT = frozenset({PostKind.NEWS, PostKind.EVENT})

COMMENT_MAX_LENGTH = 2000


class PostDialogue(models.Model):
    """The writer's choice for one post; no row means the default for the post's kind."""

    post = models.OneToOneField(
        Post, primary_key=True, on_delete=models.CASCADE, related_name="dialogue"
    )
    comments_open = models.BooleanField(_("kommentarer åbne"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("dialog på opslag")
        verbose_name_plural = _("dialog på opslag")

    def __str__(self) -> str:
        return f"{self.post_id}: {self.comments_open}"


class Comment(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    # One level deep: a reply's parent is a top-level comment on the same post (services).
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    # Null only if the person's row is ever deleted; erasure keeps the row and renames it.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="comments",
        verbose_name=_("skrevet af"),
    )
    text = models.TextField(_("tekst"), max_length=COMMENT_MAX_LENGTH)
    # Rendered when written (dialogue.rendering): escaped text, http(s) links made safe.
    text_html = models.TextField(editable=False)
    created_at = models.DateTimeField(_("skrevet"), auto_now_add=True)
    edited_at = models.DateTimeField(_("rettet"), null=True, blank=True)
    deleted_at = models.DateTimeField(_("slettet"), null=True, blank=True)
    hidden_at = models.DateTimeField(_("skjult"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("skjult af"),
    )
    hidden_reason = models.CharField(_("begrundelse"), max_length=500, blank=True)
    # Reports not yet handled by a moderator: the moderation queue is open_reports > 0.
    open_reports = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("kommentar")
        verbose_name_plural = _("kommentarer")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(F("post"), F("parent"), F("created_at"), name="comment_thread"),
            models.Index(
                fields=["open_reports"],
                name="comment_reported",
                condition=Q(open_reports__gt=0, hidden_at__isnull=True, deleted_at__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=F("id")), name="comment_not_its_own_parent"),
        ]

    def __str__(self) -> str:
        return f"{self.pk}: {self.text[:40]}"


class ReactionKind(models.TextChoices):
    THUMBS_UP = "thumbs_up", "👍"
    HEART = "heart", "❤️"
    CLAP = "clap", "👏"
    SMILE = "smile", "😊"


class Reaction(models.Model):
    """One reaction per person per post; choosing another replaces it."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reactions"
    )
    kind = models.CharField(max_length=20, choices=ReactionKind.choices)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("reaktion")
        verbose_name_plural = _("reaktioner")
        constraints = [
            models.UniqueConstraint(fields=["post", "user"], name="reaction_one_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.post_id}: {self.kind}"


class CommentReport(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("begrundelse"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("anmeldelse")
        verbose_name_plural = _("anmeldelser")
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "reporter"], name="comment_report_once_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.comment_id}: {self.reason[:40]}"


# --- Questions to HR, my leader or communications ---------------------------------------------

QUESTION_MAX_LENGTH = 2000
ANSWER_MAX_LENGTH = 4000


class QuestionRecipient(models.TextChoices):
    HR = "hr", _("HR")
    # The leaders whose scope holds the unit the asker worked in when they asked.
    LEADER = "leader", _("Min leder")
    COMMUNICATIONS = "communications", _("Kommunikation")


class QuestionStatus(models.TextChoices):
    NEW = "new", _("Ny")
    ANSWERED = "answered", _("Besvaret")
    CLOSED = "closed", _("Lukket")


class Question(models.Model):
    """A private question from a person to a recipient group, and its one answer."""

    # Null only if the person's row is ever deleted; erasure keeps the row and renames it.
    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="questions",
        verbose_name=_("spurgt af"),
    )
    # The asker's unit when they asked: a question to "my leader" stays with the leaders of
    # that unit even if the person moves on.
    unit = models.ForeignKey(
        "org.OrgUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("enhed"),
    )
    recipient = models.CharField(_("til"), max_length=20, choices=QuestionRecipient.choices)
    text = models.TextField(_("spørgsmål"), max_length=QUESTION_MAX_LENGTH)
    # Rendered when written (dialogue.rendering), like a comment.
    text_html = models.TextField(editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=QuestionStatus.choices, default=QuestionStatus.NEW
    )
    created_at = models.DateTimeField(_("spurgt"), auto_now_add=True)
    answer = models.TextField(_("svar"), max_length=ANSWER_MAX_LENGTH, blank=True)
    answer_html = models.TextField(editable=False, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("besvaret af"),
    )
    # The asker sees the answer's author by role ("HR", "Leder", "Kommunikation"), not by name.
    answered_as = models.CharField(
        _("besvaret som"), max_length=20, choices=QuestionRecipient.choices, blank=True
    )
    answered_at = models.DateTimeField(_("besvaret"), null=True, blank=True)
    closed_at = models.DateTimeField(_("lukket"), null=True, blank=True)
    # The staff info page the answer was published as (without the asker's name).
    published_post = models.ForeignKey(
        Post,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("udgivet som"),
    )

    class Meta:
        verbose_name = _("spørgsmål")
        verbose_name_plural = _("spørgsmål")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(F("recipient"), F("status"), F("created_at"), name="question_inbox"),
            models.Index(F("asker"), F("created_at"), name="question_asker"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | ~Q(answer=""),
                name="question_answered_has_answer",
            ),
            models.CheckConstraint(
                condition=~Q(status="answered") | Q(answered_at__isnull=False),
                name="question_answered_status_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pk}: {self.text[:40]}"
