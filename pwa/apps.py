from django.apps import AppConfig


class PwaConfig(AppConfig):
    name = "pwa"
    verbose_name = "Bro app (PWA)"

    def ready(self) -> None:
        # A post's or survey wave's SMS or e-mail link opens the app (push owns the links).
        from push import links

        from .link_pages import post_link_page, wave_link_page

        links.register_link_page("post", post_link_page)
        links.register_link_page("wave", wave_link_page)
