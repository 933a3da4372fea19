"""Write the two OpenAPI documents the app's TypeScript types are generated from."""

import json
from pathlib import Path

import allauth.headless
import yaml
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Write Bro's API schema and allauth's headless schema for `npm run gen` in app/."

    def add_arguments(self, parser):
        parser.add_argument("--out", default="app", help="Folder to write into (default: app).")

    def handle(self, *args, out, **options):
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        call_command("spectacular", file=str(folder / "openapi.yaml"), validate=False)
        # allauth's own specification as shipped (its view rewrites paths only when it is
        # served, which Bro does not do): /_allauth/{client}/v1/..., client "app".
        shipped = Path(allauth.headless.__file__).parent / "spec" / "doc" / "openapi.yaml"
        spec = yaml.safe_load(shipped.read_text(encoding="utf-8"))
        spec["info"]["description"] = "django-allauth headless API"  # a $ref to a .md file
        allauth_json = json.dumps(spec, indent=1, sort_keys=True, default=str)
        (folder / "allauth.json").write_text(allauth_json + "\n", encoding="utf-8")
        self.stdout.write(f"Wrote {folder / 'openapi.yaml'} and {folder / 'allauth.json'}")
