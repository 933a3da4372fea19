from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "content"

    def ready(self) -> None:
        # The page behind a post's SMS or e-mail link (the notifications app owns the links).
        from push import links

        from .link_page import post_link_page

        links.register_link_page("post", post_link_page)
