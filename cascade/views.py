"""The cascade API: start, my tasks, pass on, tell, delegate, progress. Views stay thin."""

from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from api.pagination import PageNumberPagination
from api.permissions import role_permission
from api.throttling import UPLOAD_THROTTLES
from backend.errors import ApplicationError, NotFoundError
from org import selectors as org_selectors
from org.models import Role

from . import knowledge, questions, selectors, services
from .models import Cascade, CascadeAttachment, FaqItem, Question, Task
from .serializers import (
    CascadeAttachmentSerializer,
    CascadeAttachmentUploadInput,
    CascadeFaqItemSerializer,
    CascadeKnowledgeSerializer,
    CascadeQuestionSerializer,
    CascadeSerializer,
    CascadeStartSerializer,
    DelegateSerializer,
    FaqPublishSerializer,
    PassOnSerializer,
    ProgressSerializer,
    QuestionAnswerSerializer,
    QuestionAskSerializer,
    QuestionForwardSerializer,
    QuestionListQuery,
    QuestionTopicSerializer,
    TaskSerializer,
    TellSerializer,
)

# Leaders follow (and directors start) cascades in their own subtree; the service checks that.
IsCascadeReader = role_permission(Role.COMMUNICATIONS, Role.ADMIN, Role.LEADER)
# Survey results (the knowledge index) are for leaders and communications, as in surveys.
IsResultsReader = role_permission(Role.COMMUNICATIONS, Role.LEADER)


@extend_schema(tags=["cascade"])
class CascadeListView(ListAPIView):
    permission_classes = [IsCascadeReader]
    pagination_class = PageNumberPagination
    serializer_class = CascadeSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no caller
            return Cascade.objects.none()
        return selectors.cascade_list(viewer=self.request.user)

    @extend_schema(summary="Cascades I may follow (communications: all; a leader: own subtree)")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Start a cascade (communications, or a director from a unit they lead)",
        request=CascadeStartSerializer,
        responses={201: CascadeSerializer},
    )
    def post(self, request):
        data = CascadeStartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cascade = services.cascade_start(actor=request.user, **data.validated_data)
        return Response(CascadeSerializer(cascade).data, status=201)


@extend_schema(tags=["cascade"])
class ProgressView(GenericAPIView):
    permission_classes = [IsCascadeReader]
    serializer_class = ProgressSerializer

    @extend_schema(summary="Progress per level and unit, over the caller's own subtree")
    def get(self, request, pk: int):
        cascade = selectors.cascade_get(viewer=request.user, cascade_id=pk)
        levels = selectors.progress(viewer=request.user, cascade=cascade)
        return Response(ProgressSerializer({"cascade": cascade, "levels": levels}).data)


@extend_schema(tags=["cascade"])
class MyTasksView(ListAPIView):
    permission_classes = [IsAuthenticated]
    pagination_class = PageNumberPagination
    serializer_class = TaskSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no caller
            return Task.objects.none()
        return selectors.my_tasks(user=self.request.user)

    @extend_schema(summary="The cascade steps that have reached me (as leader or deputy)")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class _TaskActionView(GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = TaskSerializer

    def _task(self, pk: int):
        return selectors.task_get(actor=self.request.user, task_id=pk)

    def _done(self, task) -> Response:
        return Response(
            TaskSerializer(selectors.my_tasks(user=self.request.user).get(pk=task.pk)).data
        )


@extend_schema(tags=["cascade"])
class PassOnView(_TaskActionView):
    @extend_schema(
        summary="Pass the message on to the units below, with an optional local note",
        request=PassOnSerializer,
        responses={200: TaskSerializer},
    )
    def post(self, request, pk: int):
        task = self._task(pk)
        data = PassOnSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._done(
            services.task_pass_on(actor=request.user, task=task, **data.validated_data)
        )


@extend_schema(tags=["cascade"])
class TellView(_TaskActionView):
    @extend_schema(
        summary="Last level: told at a team meeting (date, attendance) and/or publish a must-read",
        request=TellSerializer,
        responses={200: TaskSerializer},
    )
    def post(self, request, pk: int):
        task = self._task(pk)
        data = TellSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._done(services.task_tell(actor=request.user, task=task, **data.validated_data))


@extend_schema(tags=["cascade"])
class DelegateView(_TaskActionView):
    @extend_schema(
        summary="Let a named deputy in my scope do this step",
        request=DelegateSerializer,
        responses={200: TaskSerializer},
    )
    def post(self, request, pk: int):
        task = self._task(pk)
        data = DelegateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        deputy = org_selectors.person_get(person_id=data.validated_data["deputy"], field="deputy")
        return self._done(services.task_delegate(actor=request.user, task=task, deputy=deputy))


# --- The way up: questions, answers, the FAQ ------------------------------------------------


def _question_context(request) -> dict:
    """The path a question took (with leaders' comments) is for leaders and communications."""
    user = request.user
    return {
        "viewer": user,
        "show_path": user.has_role(Role.LEADER, Role.COMMUNICATIONS, Role.ADMIN),
    }


@extend_schema(tags=["cascade"])
class QuestionListView(ListAPIView):
    permission_classes = [IsAuthenticated]
    pagination_class = PageNumberPagination
    serializer_class = CascadeQuestionSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no caller
            return Question.objects.none()
        query = QuestionListQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return selectors.question_list(
            viewer=self.request.user,
            cascade_id=query.validated_data.get("cascade"),
            open_only=query.validated_data["open"],
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), **_question_context(self.request)}

    @extend_schema(
        summary="Questions I may read: my own named ones, answers shared with my unit, those "
        "that reached my level (leaders) or the top (communications), grouped by cascade and topic",
        parameters=[QuestionListQuery],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=["cascade"])
class QuestionAskView(GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = CascadeQuestionSerializer

    @extend_schema(
        summary="Send a question or feedback up the cascade, named or anonymous",
        description="It lands with your own leader. Anonymous: nothing that leads back to you "
        "is stored, so you cannot follow it; its answer comes to your unit or the FAQ. At most "
        "5 a day per cascade.",
        request=QuestionAskSerializer,
        responses={201: CascadeQuestionSerializer},
    )
    def post(self, request, pk: int):
        cascade = selectors.cascade_for_member(viewer=request.user, cascade_id=pk)
        data = QuestionAskSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        question = questions.question_ask(
            actor=request.user, cascade=cascade, **data.validated_data
        )
        if question.anonymous:
            # Not readable back by its author: the answer says what was stored, nothing more.
            return Response(
                CascadeQuestionSerializer(question, context={"viewer": None}).data, status=201
            )
        question = selectors.question_get(viewer=request.user, question_id=question.pk)
        return Response(
            CascadeQuestionSerializer(question, context=_question_context(request)).data, status=201
        )


class _QuestionView(GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = CascadeQuestionSerializer

    def _question(self, pk: int) -> Question:
        return selectors.question_get(viewer=self.request.user, question_id=pk)

    def _done(self, question: Question) -> Response:
        question = selectors.question_get(viewer=self.request.user, question_id=question.pk)
        return Response(
            CascadeQuestionSerializer(question, context=_question_context(self.request)).data
        )


@extend_schema(tags=["cascade"])
class QuestionDetailView(_QuestionView):
    @extend_schema(summary="One question I may read")
    def get(self, request, pk: int):
        return Response(
            CascadeQuestionSerializer(self._question(pk), context=_question_context(request)).data
        )


@extend_schema(tags=["cascade"])
class QuestionAnswerView(_QuestionView):
    @extend_schema(
        summary="Answer a question that is with me (the asker, if named, is notified)",
        request=QuestionAnswerSerializer,
        responses={200: CascadeQuestionSerializer},
    )
    def post(self, request, pk: int):
        question = self._question(pk)
        questions.require_holder(actor=request.user, question=question)
        data = QuestionAnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._done(
            questions.question_answer(actor=request.user, question=question, **data.validated_data)
        )


@extend_schema(tags=["cascade"])
class QuestionForwardView(_QuestionView):
    @extend_schema(
        summary="Send a question one level up with my comment (from the top: communications)",
        request=QuestionForwardSerializer,
        responses={200: CascadeQuestionSerializer},
    )
    def post(self, request, pk: int):
        question = self._question(pk)
        questions.require_holder(actor=request.user, question=question)
        data = QuestionForwardSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        questions.question_forward(actor=request.user, question=question, **data.validated_data)
        # The sender may still read it: it passed their step.
        return self._done(question)


@extend_schema(tags=["cascade"])
class QuestionTopicView(_QuestionView):
    @extend_schema(
        summary="Communications files a question at the top under a topic",
        request=QuestionTopicSerializer,
        responses={200: CascadeQuestionSerializer},
    )
    def post(self, request, pk: int):
        question = self._question(pk)
        questions.require_topic_setter(actor=request.user, question=question)
        data = QuestionTopicSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._done(
            questions.question_group(actor=request.user, question=question, **data.validated_data)
        )


@extend_schema(tags=["cascade"])
class FaqView(GenericAPIView):
    permission_classes = [IsAuthenticated]
    pagination_class = None  # the whole list: a cascade's FAQ is short
    queryset = FaqItem.objects.none()  # for the schema: the selectors read
    serializer_class = CascadeFaqItemSerializer

    @extend_schema(
        summary="The cascade's questions and answers, for everyone it reaches",
        responses={200: CascadeFaqItemSerializer(many=True)},
    )
    def get(self, request, pk: int):
        cascade = selectors.cascade_for_member(viewer=request.user, cascade_id=pk)
        return Response(
            CascadeFaqItemSerializer(selectors.faq_list(cascade=cascade), many=True).data
        )

    @extend_schema(
        summary="Communications publishes a question and its answer down the whole cascade",
        request=FaqPublishSerializer,
        responses={201: CascadeFaqItemSerializer},
    )
    def post(self, request, pk: int):
        cascade = selectors.cascade_for_member(viewer=request.user, cascade_id=pk)
        questions.require_faq_publisher(actor=request.user)
        data = FaqPublishSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        question_id = data.validated_data.pop("question")
        question = None
        if question_id is not None:
            question = selectors.question_list(viewer=request.user).filter(pk=question_id).first()
            if question is None:
                raise ApplicationError(
                    _("Spørgsmålet findes ikke."),
                    code="unknown_id",
                    fields={"question": [_("Spørgsmålet findes ikke.")]},
                )
        item = questions.faq_publish(
            actor=request.user, cascade=cascade, question=question, **data.validated_data
        )
        return Response(CascadeFaqItemSerializer(item).data, status=201)


@extend_schema(tags=["cascade"])
class KnowledgeView(GenericAPIView):
    permission_classes = [IsResultsReader]
    serializer_class = CascadeKnowledgeSerializer

    @extend_schema(
        summary="The knowledge index of the cascade's pillar per unit, in the closed survey "
        "wave before it started and those since (suppressed as the survey results are)",
        responses={200: CascadeKnowledgeSerializer, 204: None},
    )
    def get(self, request, pk: int):
        cascade = selectors.cascade_get(viewer=request.user, cascade_id=pk)
        result = knowledge.pillar_knowledge(viewer=request.user, cascade=cascade)
        if result is None:
            return Response(status=204)
        return Response(CascadeKnowledgeSerializer(result).data)


@extend_schema(tags=["cascade"])
class AttachmentListView(GenericAPIView):
    permission_classes = [IsAuthenticated]
    pagination_class = None  # the whole list: a cascade carries a few files
    queryset = CascadeAttachment.objects.none()  # for the schema: the selectors read
    serializer_class = CascadeAttachmentSerializer

    @extend_schema(
        summary="The files that go with the message",
        responses={200: CascadeAttachmentSerializer(many=True)},
    )
    def get(self, request, pk: int):
        cascade = selectors.cascade_for_member(viewer=request.user, cascade_id=pk)
        return Response(
            CascadeAttachmentSerializer(selectors.attachment_list(cascade=cascade), many=True).data
        )

    @extend_schema(
        summary="Attach a PDF or an image (checked as content checks a post's files)",
        request={"multipart/form-data": CascadeAttachmentUploadInput},
        responses={201: CascadeAttachmentSerializer},
    )
    def post(self, request, pk: int):
        cascade = selectors.cascade_for_member(viewer=request.user, cascade_id=pk)
        services.require_attacher(actor=request.user, cascade=cascade)
        data = CascadeAttachmentUploadInput(data=request.data)
        data.is_valid(raise_exception=True)
        attachment = services.attachment_add(
            actor=request.user, cascade=cascade, upload=data.validated_data["file"]
        )
        return Response(CascadeAttachmentSerializer(attachment).data, status=201)

    def get_parsers(self):
        if self.request is not None and self.request.method == "POST":
            return [MultiPartParser()]
        return super().get_parsers()

    def get_throttles(self):
        if self.request is not None and self.request.method == "POST":
            return [throttle() for throttle in UPLOAD_THROTTLES]
        return super().get_throttles()


@extend_schema(tags=["cascade"])
class AttachmentDownloadView(GenericAPIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Download a file of the message (everyone the cascade reaches)",
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (200, "image/*"): OpenApiTypes.BINARY,
        },
    )
    def get(self, request, pk: int, file_id: int):
        cascade = selectors.cascade_for_member(viewer=request.user, cascade_id=pk)
        found = selectors.attachment_list(cascade=cascade).filter(pk=file_id).first()
        if found is None:
            raise NotFoundError(_("Filen findes ikke."))
        return FileResponse(
            found.file.open("rb"),
            as_attachment=True,
            filename=found.original_name,
            content_type=found.content_type,
        )
