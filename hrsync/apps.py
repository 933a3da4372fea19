from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HrSyncConfig(AppConfig):
    name = "hrsync"
    verbose_name = _("HR-synkronisering")
