from django.urls import path

from . import views

urlpatterns = [
    path(
        "posts/<id:post_id>/comments/",
        views.PostCommentsView.as_view(),
        name="dialogue-post-comments",
    ),
    path(
        "posts/<id:post_id>/comment-settings/",
        views.CommentSettingsView.as_view(),
        name="dialogue-post-comment-settings",
    ),
    path(
        "posts/<id:post_id>/reactions/",
        views.ReactionsView.as_view(),
        name="dialogue-post-reactions",
    ),
    path("comments/<id:comment_id>/", views.CommentView.as_view(), name="dialogue-comment"),
    path(
        "comments/<id:comment_id>/report/",
        views.CommentReportView.as_view(),
        name="dialogue-comment-report",
    ),
    path(
        "comments/<id:comment_id>/moderate/",
        views.CommentModerateView.as_view(),
        name="dialogue-comment-moderate",
    ),
    path(
        "dialogue/moderation/",
        views.ModerationQueueView.as_view(),
        name="dialogue-moderation",
    ),
    path("questions/", views.QuestionsView.as_view(), name="dialogue-questions"),
    path("questions/inbox/", views.QuestionInboxView.as_view(), name="dialogue-question-inbox"),
    path("questions/<id:question_id>/", views.QuestionView.as_view(), name="dialogue-question"),
    path(
        "questions/<id:question_id>/answer/",
        views.QuestionAnswerView.as_view(),
        name="dialogue-question-answer",
    ),
    path(
        "questions/<id:question_id>/close/",
        views.QuestionCloseView.as_view(),
        name="dialogue-question-close",
    ),
    path(
        "questions/<id:question_id>/publish/",
        views.QuestionPublishView.as_view(),
        name="dialogue-question-publish",
    ),
]
