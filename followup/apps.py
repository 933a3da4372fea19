from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "followup"
    verbose_name = _("Opfølgning på målinger")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from surveys import hooks

        from . import tasks

        hooks.on_wave_closed(tasks.wave_closed)
