"""The dialogue API: comments and reactions on a post, editing, reporting, moderating; questions
to HR, one's leader or communications, answering and publishing them."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api.pagination import page_parameters
from api.permissions import role_permission
from api.serializers import BooleanField
from api.throttling import COMMENT_THROTTLES, QUESTION_THROTTLES
from backend.errors import NotFoundError
from content import selectors as content_selectors

from . import selectors, services
from .models import Comment, Question
from .serializers import (
    AskAnswerInput,
    AskInboxQuery,
    AskPublishInput,
    AskQuestionInput,
    AskQuestionSerializer,
    CommentEditInput,
    CommentInput,
    CommentSerializer,
    CommentSettingsInput,
    CommentSettingsSerializer,
    ModerateInput,
    QueueItemSerializer,
    ReactionInput,
    ReactionSummarySerializer,
    ReportInput,
    ThreadSerializer,
)

IsModerator = role_permission(*selectors.MODERATOR_ROLES)


def _post(request, post_id: int):
    post = selectors.post_for_dialogue(user=request.user, post_id=post_id)
    if post is None:
        raise NotFoundError(_("Opslaget findes ikke."))
    return post


def _comment(request, comment_id: int) -> Comment:
    comment = selectors.comment_get(user=request.user, comment_id=comment_id)
    if comment is None:
        raise NotFoundError(_("Kommentaren findes ikke."))
    return comment


def _one(request, comment: Comment) -> dict:
    context = {
        "user": request.user,
        "can_moderate": selectors.moderation_rule(user=request.user, post=comment.post),
    }
    return CommentSerializer(comment, context=context).data


CommentPage = inline_serializer(
    "CommentPage",
    {
        "comments_open": BooleanField(),
        "count": serializers.IntegerField(),
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": ThreadSerializer(many=True),
    },
)


class PostCommentsView(GenericAPIView):
    """A post's comments, top-level oldest first with their replies; writing a comment."""

    queryset = Comment.objects.none()  # the selector narrows; this only names the model
    serializer_class = CommentInput

    def get_throttles(self):
        if self.request.method == "POST":
            return [throttle() for throttle in COMMENT_THROTTLES]
        return super().get_throttles()

    @extend_schema(
        summary="Comments on a post",
        description=(
            "For the post's addressees and those who manage it. Hidden and deleted comments "
            "keep their place with `hidden`/`deleted` true and no text. `html` is the text as "
            "safe HTML (only `<a href>` to http/https and `<br>`). Page-number paging of "
            "top-level comments; replies (one level) come inside their comment."
        ),
        parameters=page_parameters(),
        responses=CommentPage,
    )
    def get(self, request, post_id: int):
        post = _post(request, post_id)
        page = self.paginate_queryset(selectors.comment_threads(post=post))
        context = {
            "user": request.user,
            "can_moderate": selectors.moderation_rule(user=request.user, post=post),
        }
        body = self.get_paginated_response(
            ThreadSerializer(page, many=True, context=context).data
        ).data
        return Response({"comments_open": selectors.comments_open(post=post), **body})

    @extend_schema(
        summary="Comment on a post, or reply to a comment",
        description=(
            "Plain text; links become safe anchors. `parent`: a top-level comment on the same "
            "post (replies are one level deep). 409 `closed` when comments are closed. The "
            "writer is notified (at most once an hour per post); a reply notifies the commenter. "
            "Rate-limited per person (THROTTLE_COMMENT)."
        ),
        request=CommentInput,
        responses={201: CommentSerializer},
    )
    def post(self, request, post_id: int):
        post = _post(request, post_id)
        data = CommentInput(data=request.data)
        data.is_valid(raise_exception=True)
        parent = None
        if (parent_id := data.validated_data.get("parent")) is not None:
            parent = selectors.comment_get(user=request.user, comment_id=parent_id)
            if parent is None:
                raise NotFoundError(
                    _("Kommentaren findes ikke."),
                    fields={"parent": [_("Kommentaren findes ikke.")]},
                )
        comment = services.comment_create(
            author=request.user, post=post, text=data.validated_data["text"], parent=parent
        )
        return Response(_one(request, comment), status=201)


class CommentSettingsView(GenericAPIView):
    serializer_class = CommentSettingsInput

    @extend_schema(
        summary="Open or close comments on a post (its managers)",
        description=(
            "Without a choice a post follows its kind: news and events open; minutes, staff "
            "info pages and crisis alerts closed."
        ),
        request=CommentSettingsInput,
        responses=CommentSettingsSerializer,
    )
    def patch(self, request, post_id: int):
        post = content_selectors.post_for_manager(user=request.user, post_id=post_id, details=False)
        if post is None:
            raise NotFoundError(_("Opslaget findes ikke."))
        data = CommentSettingsInput(data=request.data)
        data.is_valid(raise_exception=True)
        if "comments_open" not in data.validated_data:
            return Response({"comments_open": selectors.comments_open(post=post)})
        setting = services.post_comments_set(
            actor=request.user, post=post, comments_open=data.validated_data["comments_open"]
        )
        return Response({"comments_open": setting.comments_open})


class CommentView(GenericAPIView):
    serializer_class = CommentEditInput

    @extend_schema(
        summary="Edit my comment (within 15 minutes)",
        request=CommentEditInput,
        responses=CommentSerializer,
    )
    def patch(self, request, comment_id: int):
        comment = _comment(request, comment_id)
        services.comment_check_own(actor=request.user, comment=comment)
        data = CommentEditInput(data=request.data)
        data.is_valid(raise_exception=True)
        if "text" in data.validated_data:
            comment = services.comment_edit(
                actor=request.user, comment=comment, text=data.validated_data["text"]
            )
        return Response(_one(request, comment))

    @extend_schema(
        summary="Delete my comment",
        description="The text goes; the comment keeps its place (`deleted` true) for its replies.",
        responses={204: None},
    )
    def delete(self, request, comment_id: int):
        comment = _comment(request, comment_id)
        services.comment_delete(actor=request.user, comment=comment)
        return Response(status=204)


class CommentReportView(GenericAPIView):
    serializer_class = ReportInput

    def get_throttles(self):
        return [throttle() for throttle in COMMENT_THROTTLES]

    @extend_schema(
        summary="Report a comment to the moderators",
        description="A second report by the same person changes nothing. Not one's own comment.",
        request=ReportInput,
        responses={200: inline_serializer("ReportResult", {"reported": BooleanField()})},
    )
    def post(self, request, comment_id: int):
        comment = _comment(request, comment_id)
        data = ReportInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.comment_report(
            reporter=request.user, comment=comment, reason=data.validated_data["reason"]
        )
        return Response({"reported": True})


class CommentModerateView(GenericAPIView):
    serializer_class = ModerateInput

    @extend_schema(
        summary="Hide a comment, or keep it (moderators)",
        description=(
            "The post's writer, leaders of the post's or the commenter's unit, communications. "
            "`hide`: kept for the record, shown to everyone as hidden; `restore`: a hidden "
            "comment is shown again. Any decision takes the comment out of the moderation queue."
        ),
        request=ModerateInput,
        responses=CommentSerializer,
    )
    def post(self, request, comment_id: int):
        comment = _comment(request, comment_id)
        services.moderator_check(actor=request.user, comment=comment)
        data = ModerateInput(data=request.data)
        data.is_valid(raise_exception=True)
        comment = services.comment_moderate(
            actor=request.user, comment=comment, **data.validated_data
        )
        return Response(_one(request, comment))


class ReactionsView(APIView):
    # An APIView: a GenericAPIView's OPTIONS would look for an object to PUT to.

    @extend_schema(
        summary="Reactions on a post: counts and mine", responses=ReactionSummarySerializer
    )
    def get(self, request, post_id: int):
        post = _post(request, post_id)
        return Response(selectors.reaction_summary(post=post, user=request.user))

    @extend_schema(
        summary="React to a post (replaces my earlier reaction)",
        request=ReactionInput,
        responses=ReactionSummarySerializer,
    )
    def put(self, request, post_id: int):
        post = _post(request, post_id)
        data = ReactionInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.reaction_set(user=request.user, post=post, kind=data.validated_data["kind"])
        return Response(selectors.reaction_summary(post=post, user=request.user))

    @extend_schema(summary="Take back my reaction", responses={200: ReactionSummarySerializer})
    def delete(self, request, post_id: int):
        post = _post(request, post_id)
        services.reaction_remove(user=request.user, post=post)
        return Response(selectors.reaction_summary(post=post, user=request.user))


class ModerationQueueView(GenericAPIView):
    """Reported comments waiting for a decision (communications)."""

    queryset = Comment.objects.none()  # the selector narrows; this only names the model
    permission_classes = [IsAuthenticated, IsModerator]

    @extend_schema(
        summary="The moderation queue (communications)",
        responses=QueueItemSerializer(many=True),
    )
    def get(self, request):
        page = self.paginate_queryset(selectors.moderation_queue())
        return self.get_paginated_response(QueueItemSerializer(page, many=True).data)


# --- Questions to HR, my leader or communications -----------------------------------------------


def _question(request, question_id: int) -> Question:
    question = selectors.question_get(user=request.user, question_id=question_id)
    if question is None:
        raise NotFoundError(_("Spørgsmålet findes ikke."))
    return question


class MayReceiveQuestions(BasePermission):
    def has_permission(self, request, view) -> bool:
        return selectors.may_receive_questions(user=request.user)


class QuestionsView(GenericAPIView):
    """My questions; asking one."""

    queryset = Question.objects.none()  # the selector narrows; this only names the model
    serializer_class = AskQuestionInput
    # Pre-boarders ask HR about the first day, pay and uniform before they start.
    open_before_start_date = True

    def get_throttles(self):
        if self.request.method == "POST":
            return [throttle() for throttle in QUESTION_THROTTLES]
        return super().get_throttles()

    @extend_schema(
        summary="My questions to HR, my leader or communications",
        description="Newest first. The answer's author is shown by role (`answered_as`), not name.",
        responses=AskQuestionSerializer(many=True),
    )
    def get(self, request):
        page = self.paginate_queryset(selectors.questions_asked_by(user=request.user))
        return self.get_paginated_response(AskQuestionSerializer(page, many=True).data)

    @extend_schema(
        summary="Ask HR, my leader or communications a private question",
        description=(
            "Only the recipients see it: HR (all HR questions, pre-boarders' too), the leaders "
            "whose scope holds my unit, or communications. Plain text; links become safe "
            "anchors. 409 `no_leader` when no leader's scope holds my unit. The recipients are "
            "notified (inbox and push, category news) without my name; I am notified when "
            "it is answered. Before their start date a person may ask HR only (403 otherwise). "
            "Rate-limited per person (THROTTLE_QUESTION)."
        ),
        request=AskQuestionInput,
        responses={201: AskQuestionSerializer},
    )
    def post(self, request):
        data = AskQuestionInput(data=request.data)
        data.is_valid(raise_exception=True)
        question = services.question_ask(asker=request.user, **data.validated_data)
        question = selectors.question_get(user=request.user, question_id=question.pk)
        return Response(AskQuestionSerializer(question).data, status=201)


class QuestionInboxView(GenericAPIView):
    """The questions addressed to me (HR, communications, leaders)."""

    queryset = Question.objects.none()  # the selector narrows; this only names the model
    permission_classes = [IsAuthenticated, MayReceiveQuestions]

    @extend_schema(
        summary="Questions addressed to me (HR, communications, leaders)",
        description=(
            "HR: every question to HR; communications: every question to communications; a "
            'leader: questions to "my leader" from the units in their scope. Oldest first.'
        ),
        parameters=[AskInboxQuery],
        responses=AskQuestionSerializer(many=True),
    )
    def get(self, request):
        query = AskInboxQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        questions = selectors.question_inbox(user=request.user, **query.validated_data)
        page = self.paginate_queryset(questions)
        return self.get_paginated_response(AskQuestionSerializer(page, many=True).data)


class QuestionView(APIView):
    open_before_start_date = True  # a pre-boarder reads HR's answer

    @extend_schema(
        summary="One question (its asker or its recipients)", responses=AskQuestionSerializer
    )
    def get(self, request, question_id: int):
        return Response(AskQuestionSerializer(_question(request, question_id)).data)


class QuestionAnswerView(GenericAPIView):
    serializer_class = AskAnswerInput

    @extend_schema(
        summary="Answer a question addressed to me",
        description=(
            "Once: 409 `already_answered` or `closed`. The asker is notified and sees the "
            "answer as from my role (HR, Min leder, Kommunikation)."
        ),
        request=AskAnswerInput,
        responses=AskQuestionSerializer,
    )
    def post(self, request, question_id: int):
        question = _question(request, question_id)
        services.question_check_recipient(actor=request.user, question=question)
        data = AskAnswerInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.question_answer(
            actor=request.user, question=question, text=data.validated_data["text"]
        )
        return Response(AskQuestionSerializer(_question(request, question_id)).data)


class QuestionCloseView(APIView):
    @extend_schema(
        summary="Close a question (its asker or its recipients)",
        description="Closing a closed question changes nothing.",
        request=None,
        responses=AskQuestionSerializer,
    )
    def post(self, request, question_id: int):
        question = _question(request, question_id)
        services.question_close(actor=request.user, question=question)
        return Response(AskQuestionSerializer(_question(request, question_id)).data)


class QuestionPublishView(GenericAPIView):
    serializer_class = AskPublishInput

    @extend_schema(
        summary="Publish an answered question as a staff info page (HR, communications)",
        description=(
            "A staff info page for everyone, through content's rules (only writers of staff "
            "info pages may) and announced like any page. The asker's name is never on it; "
            "the texts are given here so the question can be reworded. 409 `not_answered`, "
            "`already_published`."
        ),
        request=AskPublishInput,
        responses=AskQuestionSerializer,
    )
    def post(self, request, question_id: int):
        question = _question(request, question_id)
        services.question_check_recipient(actor=request.user, question=question)
        data = AskPublishInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.question_publish(
            actor=request.user,
            question=question,
            title=data.validated_data["title"],
            question_text=data.validated_data["question"],
            answer_text=data.validated_data["answer"],
        )
        return Response(AskQuestionSerializer(_question(request, question_id)).data)
