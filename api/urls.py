"""/api/v1/: the apps' URLs assembled under one prefix."""

from django.urls import include, path

urlpatterns = [
    path("", include("org.urls")),
    path("", include("push.urls")),
    path("", include("content.urls")),
    path("", include("onboarding.urls")),
    path("", include("surveys.urls")),
    path("", include("cascade.urls")),
    path("", include("cascade.report_api")),
    path("", include("dialogue.urls")),
    path("", include("followup.urls")),
    path("", include("pwa.api_urls")),
]
