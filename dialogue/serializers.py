"""Input and output shapes of the dialogue API. Output serializers read prefetched rows only."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.serializers import BooleanField, IdField, QuerySerializer, StrictInputSerializer
from org.erasure import ERASED_NAME

from .models import (
    ANSWER_MAX_LENGTH,
    COMMENT_MAX_LENGTH,
    QUESTION_MAX_LENGTH,
    QuestionRecipient,
    QuestionStatus,
    ReactionKind,
)
from .services import Decision


class CommentInput(StrictInputSerializer):
    text = serializers.CharField(max_length=COMMENT_MAX_LENGTH, trim_whitespace=True)
    parent = IdField(required=False, help_text="Svar på denne kommentar.")


class CommentEditInput(StrictInputSerializer):
    """A PATCH: without `text` nothing changes."""

    text = serializers.CharField(
        max_length=COMMENT_MAX_LENGTH, trim_whitespace=True, required=False
    )


class ReportInput(StrictInputSerializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ModerateInput(StrictInputSerializer):
    decision = serializers.ChoiceField(
        choices=[
            (Decision.HIDE, _("Skjul")),
            (Decision.KEEP, _("Behold")),
            (Decision.RESTORE, _("Vis igen")),
        ]
    )
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class CommentSettingsInput(StrictInputSerializer):
    """A PATCH: without `comments_open` nothing changes."""

    comments_open = BooleanField(required=False)


class ReactionInput(StrictInputSerializer):
    kind = serializers.ChoiceField(choices=ReactionKind.choices)


class AuthorSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()


def _author(comment) -> dict:
    if comment.author is None:
        return {"id": None, "name": ERASED_NAME}
    return {"id": comment.author.pk, "name": comment.author.name}


class CommentSerializer(serializers.Serializer):
    """A comment as readers see it: a hidden or deleted one keeps its place without its text."""

    id = serializers.IntegerField()
    author = serializers.SerializerMethodField()
    text = serializers.SerializerMethodField(help_text="Den rå tekst; tom når skjult/slettet.")
    html = serializers.SerializerMethodField(
        help_text="Teksten som sikker HTML: kun <a href> (http/https) og <br>."
    )
    created_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True)
    hidden = serializers.SerializerMethodField()
    deleted = serializers.SerializerMethodField()
    mine = serializers.SerializerMethodField()
    can_moderate = serializers.SerializerMethodField()

    def _shown(self, comment) -> bool:
        return comment.hidden_at is None and comment.deleted_at is None

    def get_author(self, comment) -> AuthorSerializer:
        return _author(comment)

    def get_text(self, comment) -> str:
        return comment.text if self._shown(comment) else ""

    def get_html(self, comment) -> str:
        return comment.text_html if self._shown(comment) else ""

    def get_hidden(self, comment) -> bool:
        return comment.hidden_at is not None

    def get_deleted(self, comment) -> bool:
        return comment.deleted_at is not None

    def get_mine(self, comment) -> bool:
        return comment.author_id == self.context["user"].pk

    def get_can_moderate(self, comment) -> bool:
        return self.context["can_moderate"](comment)


class ThreadSerializer(CommentSerializer):
    replies = serializers.SerializerMethodField()

    def get_replies(self, comment) -> CommentSerializer(many=True):
        return CommentSerializer(comment.replies.all(), many=True, context=self.context).data


class ReactionSummarySerializer(serializers.Serializer):
    counts = serializers.DictField(
        child=serializers.IntegerField(), help_text="Antal af hver reaktion (alle typer, også 0)."
    )
    mine = serializers.ChoiceField(choices=ReactionKind.choices, allow_null=True)


class CommentSettingsSerializer(serializers.Serializer):
    comments_open = BooleanField()


class QueueItemSerializer(serializers.Serializer):
    """A reported comment as moderators see it: text included."""

    id = serializers.IntegerField()
    post = serializers.IntegerField(source="post_id")
    post_title = serializers.CharField(source="post.title")
    author = serializers.SerializerMethodField()
    text = serializers.CharField()
    html = serializers.CharField(source="text_html")
    created_at = serializers.DateTimeField()
    open_reports = serializers.IntegerField()

    def get_author(self, comment) -> AuthorSerializer:
        return _author(comment)


# --- Questions ----------------------------------------------------------------------------------


class AskQuestionInput(StrictInputSerializer):
    recipient = serializers.ChoiceField(
        choices=QuestionRecipient.choices,
        help_text="hr: HR; leader: lederne for min enhed; communications: Kommunikation.",
    )
    text = serializers.CharField(max_length=QUESTION_MAX_LENGTH, trim_whitespace=True)


class AskAnswerInput(StrictInputSerializer):
    text = serializers.CharField(max_length=ANSWER_MAX_LENGTH, trim_whitespace=True)


class AskPublishInput(StrictInputSerializer):
    """The texts of the staff info page: the question reworded so nobody is recognised."""

    title = serializers.CharField(max_length=200, trim_whitespace=True)
    question = serializers.CharField(max_length=QUESTION_MAX_LENGTH, trim_whitespace=True)
    answer = serializers.CharField(max_length=ANSWER_MAX_LENGTH, trim_whitespace=True)


class AskInboxQuery(QuerySerializer):
    status = serializers.ChoiceField(choices=QuestionStatus.choices, required=False)


class AskAskerSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    unit = serializers.CharField(allow_null=True, help_text="Enheden da spørgsmålet blev stillet.")


class AskQuestionSerializer(serializers.Serializer):
    """A question as its asker and its recipients see it: the answer's author by role only."""

    id = serializers.IntegerField()
    asker = serializers.SerializerMethodField()
    recipient = serializers.ChoiceField(choices=QuestionRecipient.choices)
    text = serializers.CharField()
    html = serializers.CharField(
        source="text_html", help_text="Teksten som sikker HTML: kun <a href> (http/https) og <br>."
    )
    status = serializers.ChoiceField(choices=QuestionStatus.choices)
    created_at = serializers.DateTimeField()
    answer = serializers.CharField(help_text="Tom indtil spørgsmålet er besvaret.")
    answer_html = serializers.CharField()
    answered_as = serializers.SerializerMethodField(
        help_text="Svarets afsender som rolle (HR, Min leder, Kommunikation); null før svaret."
    )
    answered_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    published_post = serializers.IntegerField(
        source="published_post_id", allow_null=True, help_text="Personaleinfo-siden med svaret."
    )

    def get_asker(self, question) -> AskAskerSerializer:
        unit = question.unit.name if question.unit else None
        if question.asker is None:
            return {"id": None, "name": ERASED_NAME, "unit": unit}
        return {"id": question.asker.pk, "name": question.asker.name, "unit": unit}

    def get_answered_as(self, question) -> str | None:
        return str(question.get_answered_as_display()) if question.answered_as else None
