from django.urls import path, re_path

from . import views

app_name = "pwa"
urlpatterns = [
    path("", views.shell, name="shell"),
    path("sso/start/", views.sso_start, name="sso-start"),
    path("sso/done/", views.sso_done, name="sso-done"),
    re_path(
        r"^(?P<path>(?:assets/)?[\w.\-]+\.(?:js|css|webmanifest|png|svg|ico|txt))$",
        views.asset,
        name="asset",
    ),
]
