"""The development server with the periodic jobs running in process (`./bro run`)."""

from django.contrib.staticfiles.management.commands.runserver import Command as RunserverCommand

from backend import devbeat


class Command(RunserverCommand):
    help = (
        "Udviklingsserveren med de periodiske job (planlagte opslag, målinger, påmindelser) "
        "kørende i processen – som Celery beat i drift."
    )

    def on_bind(self, server_port):
        # Called once in the process that serves (the autoreloader's child), after the bind.
        super().on_bind(server_port)
        devbeat.start()
