"""The cascade API: start, my tasks, pass on, tell, delegate, progress. Views stay thin."""

from drf_spectacular.utils import extend_schema
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from api.pagination import PageNumberPagination
from api.permissions import role_permission
from org import selectors as org_selectors
from org.models import Role

from . import selectors, services
from .models import Cascade, Task
from .serializers import (
    CascadeSerializer,
    CascadeStartSerializer,
    DelegateSerializer,
    PassOnSerializer,
    ProgressSerializer,
    TaskSerializer,
    TellSerializer,
)

# Leaders follow (and directors start) cascades in their own subtree; the service checks that.
IsCascadeReader = role_permission(Role.COMMUNICATIONS, Role.ADMIN, Role.LEADER)


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
