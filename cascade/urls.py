from django.urls import path

from .views import (
    AttachmentDownloadView,
    AttachmentListView,
    CascadeListView,
    DelegateView,
    FaqView,
    KnowledgeView,
    MyTasksView,
    PassOnView,
    ProgressView,
    QuestionAnswerView,
    QuestionAskView,
    QuestionDetailView,
    QuestionForwardView,
    QuestionListView,
    QuestionTopicView,
    TellView,
)

urlpatterns = [
    path("cascades/", CascadeListView.as_view(), name="cascade-list"),
    path("cascades/<id:pk>/progress/", ProgressView.as_view(), name="cascade-progress"),
    path("cascades/<id:pk>/knowledge/", KnowledgeView.as_view(), name="cascade-knowledge"),
    path("cascades/<id:pk>/questions/", QuestionAskView.as_view(), name="cascade-ask"),
    path("cascades/<id:pk>/faq/", FaqView.as_view(), name="cascade-faq"),
    path("cascades/<id:pk>/attachments/", AttachmentListView.as_view(), name="cascade-attachments"),
    path(
        "cascades/<id:pk>/attachments/<id:file_id>/",
        AttachmentDownloadView.as_view(),
        name="cascade-attachment",
    ),
    path("cascades/tasks/", MyTasksView.as_view(), name="cascade-task-list"),
    path("cascades/tasks/<id:pk>/pass-on/", PassOnView.as_view(), name="cascade-task-pass-on"),
    path("cascades/tasks/<id:pk>/meeting/", TellView.as_view(), name="cascade-task-meeting"),
    path("cascades/tasks/<id:pk>/delegate/", DelegateView.as_view(), name="cascade-task-delegate"),
    path("cascades/questions/", QuestionListView.as_view(), name="cascade-question-list"),
    path(
        "cascades/questions/<id:pk>/", QuestionDetailView.as_view(), name="cascade-question-detail"
    ),
    path(
        "cascades/questions/<id:pk>/answer/",
        QuestionAnswerView.as_view(),
        name="cascade-question-answer",
    ),
    path(
        "cascades/questions/<id:pk>/forward/",
        QuestionForwardView.as_view(),
        name="cascade-question-forward",
    ),
    path(
        "cascades/questions/<id:pk>/topic/",
        QuestionTopicView.as_view(),
        name="cascade-question-topic",
    ),
]
