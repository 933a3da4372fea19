from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"

    def ready(self):
        from . import schema  # noqa: F401 - registers the schema extension
        from .routing import register

        register()  # before any URLconf that uses <id:…> is imported
