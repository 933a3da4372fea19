"""Build the Danish demo municipality and each app's demo content, through the services."""

import importlib
import importlib.util
import logging
from contextlib import contextmanager

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from org import demo

# Apps whose demo builds on the organisation, in dependency order.
APP_DEMOS = ["push", "content", "dialogue", "onboarding", "surveys", "followup", "cascade"]
# Loggers that write a line per notification, SMS or mail while the demo is built (hundreds):
# quiet during the build, so the summary and the logins are what a newcomer reads.
CHATTY_LOGGERS = ["bro", "celery", "kombu"]


@contextmanager
def _quiet(loggers: list[str]):
    saved = {name: logging.getLogger(name).level for name in loggers}
    for name in loggers:
        logging.getLogger(name).setLevel(logging.ERROR)
    try:
        yield
    finally:
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)


class Command(BaseCommand):
    help = "Byg demodata: en dansk kommune med enheder, medarbejdere, indhold og målinger."

    def add_arguments(self, parser):
        parser.add_argument(
            "--migrate",
            action="store_true",
            help="Opdatér først databasen (migrate) i samme proces, som ./bro run gør.",
        )

    def handle(self, *args, **options):
        if connection.vendor == "sqlite" and not connection.in_atomic_block:
            with connection.cursor() as cursor:
                # The demo database is built again, never recovered: no wait for the disk at
                # each of the build's commits (and the migrations'). This connection only.
                cursor.execute("PRAGMA synchronous = OFF")
                # Kept in the file, so the server's connections use it too: the app's reads go
                # on while the periodic jobs' first tick writes (it invites everyone to the
                # pulse), instead of meeting "database is locked".
                cursor.execute("PRAGMA journal_mode = WAL")
        if options["migrate"]:
            # One process instead of two for ./bro run: Django and every app are imported once.
            call_command("migrate", interactive=False, verbosity=0, skip_checks=True)
            self.stdout.write("Databasen er opdateret; demodata bygges.")
        with _quiet(CHATTY_LOGGERS):
            with transaction.atomic():
                logins = demo.build_demo(stdout=self.stdout)
            modules = [
                importlib.import_module(f"{app}.demo")
                for app in APP_DEMOS
                if importlib.util.find_spec(f"{app}.demo") is not None
            ]
            for module in modules:
                with transaction.atomic():
                    module.build_demo(stdout=self.stdout)
            # Things that happen a few minutes after start (./bro run runs the periodic jobs):
            # a wave opens, a scheduled post is published, an onboarding step falls due.
            self.stdout.write("Det sker om lidt:")
            for module in modules:
                if hasattr(module, "build_moments"):
                    with transaction.atomic():
                        module.build_moments(stdout=self.stdout)
        self._print_logins(logins)

    def _print_logins(self, logins) -> None:
        self.stdout.write(self.style.SUCCESS("\nDemodata er klar. Log ind med en engangskode:"))
        self.stdout.write(
            '  POST /_allauth/app/v1/auth/code/request med {"email": …} eller {"phone": …};\n'
            "  koden står i serverens log (e-mail og SMS skrives dér i demo-tilstand);\n"
            '  POST /_allauth/app/v1/auth/code/confirm med {"code": …} og X-Session-Token.\n'
        )
        for kind, user in logins.items():
            login = f'{{"email": "{user.email}"}}' if user.email else f'{{"phone": "{user.phone}"}}'
            self.stdout.write(f"  {kind:<40} {user.name:<24} {login}")
