from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        # Each app's personal_data.py registers its exporters, erasers and retention handlers
        # (org.personal_data); org itself imports none of the apps above it.
        autodiscover_modules("personal_data")
        # org's own data (profile, access log, former employees) registers with its erasure.
        from . import erasure  # noqa: F401
