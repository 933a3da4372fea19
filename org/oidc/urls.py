"""allauth's OpenID Connect login and callback views, run with org.oidc's adapter.

The same paths and names as allauth.socialaccount.providers.openid_connect.urls
(/accounts/oidc/<provider id>/login/callback/); with HEADLESS_ONLY the login view answers 404
and Bro's pages start the flow themselves (org.sso.redirect_to_provider).
"""

from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount import app_settings
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from django.http import Http404
from django.urls import include, path, re_path

from . import OpenIDConnectAdapter


@login_not_required
def login(request, provider_id):
    try:
        return OAuth2LoginView.adapter_view(OpenIDConnectAdapter(request, provider_id))(request)
    except SocialApp.DoesNotExist as exc:
        raise Http404 from exc


@login_not_required
def callback(request, provider_id):
    try:
        return OAuth2CallbackView.adapter_view(OpenIDConnectAdapter(request, provider_id))(request)
    except SocialApp.DoesNotExist as exc:
        raise Http404 from exc


urlpatterns = [
    re_path(
        r"^(?P<provider_id>[^/]+)/",
        include(
            [
                path("login/", login, name="openid_connect_login"),
                path("login/callback/", callback, name="openid_connect_callback"),
            ]
        ),
    )
]
if app_settings.OPENID_CONNECT_URL_PREFIX:
    urlpatterns = [path(f"{app_settings.OPENID_CONNECT_URL_PREFIX}/", include(urlpatterns))]
