from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Undersøgelser")

    def ready(self) -> None:
        # The page behind a survey wave's SMS or e-mail link (the notifications app owns links).
        from push import links

        from .link_page import wave_link_page

        links.register_link_page("wave", wave_link_page)
