from django.urls import path

from . import api

urlpatterns = [
    path("app/push-config/", api.PushConfigView.as_view(), name="app-push-config"),
    path("app/link/", api.LinkTargetView.as_view(), name="app-link"),
    path("app/sso/session/", api.SsoSessionView.as_view(), name="app-sso-session"),
    path("app/logout/", api.AppLogoutView.as_view(), name="app-logout"),
]
