from django.urls import path

from . import login, views

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
    path("opfoelgning/", views.followup_page, name="followup"),
    path("resultater/<id:survey_id>.xlsx", views.results_xlsx, name="results-xlsx"),
]
