from django.urls import path

from .views import (
    ActionDetailView,
    FollowUpActionsView,
    FollowUpDetailView,
    FollowUpPublishView,
    IncludeQuestionView,
    MyFollowUpsView,
    OverviewView,
    UnitActionsView,
)

urlpatterns = [
    path("followup/tasks/", MyFollowUpsView.as_view(), name="followup-task-list"),
    path("followup/tasks/<id:pk>/", FollowUpDetailView.as_view(), name="followup-task-detail"),
    path(
        "followup/tasks/<id:pk>/actions/",
        FollowUpActionsView.as_view(),
        name="followup-task-actions",
    ),
    path(
        "followup/tasks/<id:pk>/publish/",
        FollowUpPublishView.as_view(),
        name="followup-task-publish",
    ),
    path("followup/actions/", UnitActionsView.as_view(), name="followup-action-list"),
    path("followup/actions/<id:pk>/", ActionDetailView.as_view(), name="followup-action-detail"),
    path("followup/overview/", OverviewView.as_view(), name="followup-overview"),
    path(
        "followup/surveys/<id:pk>/question/",
        IncludeQuestionView.as_view(),
        name="followup-survey-question",
    ),
]
