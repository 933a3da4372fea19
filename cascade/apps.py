from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CascadeConfig(AppConfig):
    name = "cascade"
    verbose_name = _("Kaskade")
    default_auto_field = "django.db.models.BigAutoField"
