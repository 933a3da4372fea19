from django.contrib import admin
from django.urls import include, path

from api.docs import DocsView, SchemaView
from api.views import health

urlpatterns = [
    path("admin/", admin.site.urls),
    path("_allauth/", include("allauth.headless.urls")),
    # Headless-only allauth serves just the OpenID Connect provider's login/callback here.
    path("accounts/", include("allauth.urls")),
    path("api/v1/", include("api.urls")),
    path("api/schema/", SchemaView.as_view(), name="schema"),
    path("api/docs/", DocsView.as_view(url_name="schema"), name="docs"),
    path("dashboard/", include("dashboard.urls")),
    path("app/", include("pwa.urls")),
    path("health/", health, name="health"),
    # Links sent by SMS and e-mail that open one post or survey wave without the app.
    path("l/", include("push.link_urls")),
    # SCIM 2.0 for provisioning clients (hrsync): bearer tokens, SCIM's own error shape.
    path("scim/v2/", include("hrsync.scim.urls")),
]

handler400 = "api.errors.bad_request"
handler403 = "api.errors.permission_denied"
handler404 = "api.errors.page_not_found"
handler500 = "api.errors.server_error"
