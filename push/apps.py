from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PushConfig(AppConfig):
    name = "push"
    verbose_name = _("Notifikationer")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        from .signals import retire_session_devices

        user_logged_out.connect(retire_session_devices, dispatch_uid="push_retire_on_logout")
