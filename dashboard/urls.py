from django.urls import path

from . import login, moderation, questions, views

app_name = "dashboard"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", login.login_request, name="login"),
    path("login/kode/", login.login_confirm, name="login-confirm"),
    path("login/sso/", login.login_sso, name="login-sso"),
    path("logout/", login.logout, name="logout"),
    path("omraade/", views.area, name="area"),
    path("omraade/enhed/<id:unit_id>/", views.area, name="area-unit"),
    path("heatmap/", views.heatmap, name="heatmap"),
    path("heatmap/enhed/<id:unit_id>/", views.heatmap, name="heatmap-unit"),
    path("kernefortaellingen/", views.core_narrative, name="core-narrative"),
    path("onboarding/", views.onboarding, name="onboarding"),
    path("onboarding/enhed/<id:unit_id>/", views.onboarding, name="onboarding-unit"),
    path("raekkevidde/", views.reach_page, name="reach"),
    path("raekkevidde/<id:post_id>/", views.reach_page, name="reach-post"),
    path("kaskader/", views.cascades, name="cascades"),
    path("kaskader/<id:cascade_id>/", views.cascade, name="cascade"),
    path("opfoelgning/", views.followup_page, name="followup"),
    path("resultater/<id:survey_id>.xlsx", views.results_xlsx, name="results-xlsx"),
    path("moderering/", moderation.moderation, name="moderation"),
    path(
        "moderering/<id:comment_id>/",
        moderation.moderation_decide,
        name="moderation-decide",
    ),
    path("spoergsmaal/", questions.questions, name="questions"),
    path(
        "spoergsmaal/<id:question_id>/svar/",
        questions.question_answer,
        name="question-answer",
    ),
    path(
        "spoergsmaal/<id:question_id>/luk/",
        questions.question_close,
        name="question-close",
    ),
    path(
        "spoergsmaal/<id:question_id>/udgiv/",
        questions.question_publish,
        name="question-publish",
    ),
]
