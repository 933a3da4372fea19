"""Build the Danish demo municipality and each app's demo content, through the services."""

import importlib
import importlib.util

from django.core.management.base import BaseCommand
from django.db import transaction

from org import demo

# Apps whose demo builds on the organisation, in dependency order.
APP_DEMOS = ["push", "content", "onboarding", "surveys"]


class Command(BaseCommand):
    help = "Byg demodata: en dansk kommune med enheder, medarbejdere, indhold og målinger."

    def handle(self, *args, **options):
        with transaction.atomic():
            logins = demo.build_demo(stdout=self.stdout)
        for app in APP_DEMOS:
            if importlib.util.find_spec(f"{app}.demo") is None:
                continue
            self.stdout.write(f"Demodata: {app} …")
            module = importlib.import_module(f"{app}.demo")
            with transaction.atomic():
                module.build_demo(stdout=self.stdout)
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
