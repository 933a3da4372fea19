from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"

    def ready(self):
        from .routing import register

        register()  # before any URLconf that uses <id:…> is imported
