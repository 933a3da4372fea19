from django.urls import path, re_path

from . import views

app_name = "pwa"
urlpatterns = [
    path("", views.shell, name="shell"),
    re_path(
        r"^(?P<path>(?:assets/)?[\w.\-]+\.(?:js|css|webmanifest|png|svg|ico|txt))$",
        views.asset,
        name="asset",
    ),
]
