"""django-allauth socialaccount glue: work-account logins for existing people only.

A login by work account is matched to an existing person (org.sso.person_for) or refused: on
Bro's own pages (dashboard, admin) with a Danish page saying why; for an app (allauth
headless) with an allauth error whose code says why (`sso_unknown_person`, `sso_deactivated`,
`sso_account_conflict`, `invalid_token`), in the redirect's `error` parameter or the token
endpoint's 400 answer. Nobody signs up this way.
"""

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter, _build_apps_from_settings
from allauth.socialaccount.internal import statekit
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from django.core.exceptions import ValidationError
from django.shortcuts import render

from . import sso
from .oidc import check_nonce


def refusal_page(request, refusal: sso.Refusal, *, back: str | None, status: int = 403):
    return render(
        request,
        "org/sso_refused.html",
        {"refusal": refusal, "back": back or "/dashboard/login/"},
        status=status,
    )


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin) -> bool:
        # People come from HR (and the HR import); a work account never creates one.
        return False

    def is_auto_signup_allowed(self, request, sociallogin) -> bool:
        return False

    def list_apps(self, request, provider=None, client_id=None):
        """The provider apps from the environment (settings.py) only, never from the database.

        The configuration has one source, an admin cannot add an identity provider, and a
        page that shows the SSO button needs no query. (allauth 65.22.1's own settings reader.)
        """
        by_provider = _build_apps_from_settings(provider=provider, client_id=client_id)
        return [app for apps in by_provider.values() for app in apps]

    def pre_social_login(self, request, sociallogin) -> None:
        try:
            try:
                check_nonce(sociallogin)
            except OAuth2Error as exc:
                raise sso.FAILED from exc
            try:
                person = sso.person_for(sociallogin)
            except sso.Refusal:
                sso.take_over_browser(request, person=None)
                raise
            sso.take_over_browser(request, person=person)
        except sso.Refusal as refusal:
            if sso.is_web_flow(sociallogin.state):
                page = refusal_page(request, refusal, back=sso.back_url(sociallogin.state))
                raise ImmediateHttpResponse(page) from refusal
            raise ValidationError(str(refusal.message), code=refusal.code) from refusal
        sso.remember_logout_hint(request, sociallogin)

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ) -> None:
        """A failed handshake (bad state, provider error, invalid ID token)."""
        extra_context = extra_context or {}
        state = extra_context.get("state")
        if state is None and (state_id := extra_context.get("state_id")) and provider:
            state = statekit.unstash_state(request, provider_id=provider.sub_id, state_id=state_id)
            extra_context["state"] = state
        if state is not None and not sso.is_web_flow(state):
            return  # an app's redirect flow: allauth headless sends it back with ?error=
        # One of Bro's pages, or a callback with no state at all (expired, forged, replayed).
        page = refusal_page(request, sso.FAILED, back=sso.back_url(state), status=400)
        raise ImmediateHttpResponse(page)
