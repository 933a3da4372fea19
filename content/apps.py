from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    name = "content"
    verbose_name = _("Opslag")

    def ready(self) -> None:
        # The page behind a post's SMS or e-mail link (the notifications app owns the links).
        from push import links

        from .link_page import post_link_page

        links.register_link_page("post", post_link_page)
