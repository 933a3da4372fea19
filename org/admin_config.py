"""The Django admin app, with org.admin_site's site (imported lazily, after the models)."""

from django.contrib.admin.apps import AdminConfig


class BroAdminConfig(AdminConfig):
    default_site = "org.admin_site.BroAdminSite"
