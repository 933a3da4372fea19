from django.apps import AppConfig


class PwaConfig(AppConfig):
    name = "pwa"
    verbose_name = "Bro app (PWA)"

    def ready(self) -> None:
        # A survey wave's SMS or e-mail link opens the app (the notifications app owns links).
        from push import links

        from .link_pages import wave_link_page

        links.register_link_page("wave", wave_link_page)
