"""The nightly HR import: `manage.py import_people FILE [--dry-run] [--full] [--confirm-leavers]`.

Exit codes, for the scheduler:
  0  applied (or, with --dry-run, previewed) and no row was refused
  1  the file cannot be read (type, header, damaged) or the import failed; nothing changed
  2  the command line is wrong (Django's own usage error)
  3  done, but some rows were refused (they are listed; the other rows were applied)
  4  full mode found people missing from the file; they were NOT deactivated: run again
     with --confirm-leavers once HR has checked the list
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backend.errors import ApplicationError
from hrsync import services
from hrsync.models import ImportRun

EXIT_OK, EXIT_FAILED, EXIT_REFUSED_ROWS, EXIT_LEAVERS_HELD = 0, 1, 3, 4


class Command(BaseCommand):
    help = "Import people and units from the HR system's CSV or XLSX file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV (; or , separated, UTF-8) or XLSX")
        parser.add_argument(
            "--dry-run", action="store_true", help="Show the difference; change nothing."
        )
        parser.add_argument(
            "--full",
            action="store_true",
            help="The file lists everyone: people missing from it are leavers.",
        )
        parser.add_argument(
            "--confirm-leavers",
            action="store_true",
            help="With --full: deactivate the people missing from the file.",
        )
        parser.add_argument(
            "--no-invitations",
            action="store_true",
            help="Create new hires without sending their invitation (a go-live load).",
        )
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}", returncode=EXIT_FAILED)
        mode = ImportRun.Mode.FULL if options["full"] else ImportRun.Mode.INCREMENTAL
        common = {
            "content": path.read_bytes(),
            "file_name": path.name,
            "mode": mode,
            "started_by": None,
            "source": ImportRun.Source.COMMAND,
        }
        try:
            if options["dry_run"]:
                run, plan = services.import_preview(**common)
            else:
                run, plan = services.import_apply(
                    **common,
                    confirm_leavers=options["confirm_leavers"],
                    send_invitations=not options["no_invitations"],
                )
        except ApplicationError as exc:
            raise CommandError(exc.message, returncode=EXIT_FAILED) from exc
        self._print(run, options["json"])
        if plan.refusals:
            raise SystemExit(EXIT_REFUSED_ROWS)
        if plan.missing_leaver_ids and not run.leavers_confirmed:
            raise SystemExit(EXIT_LEAVERS_HELD)
        return None

    def _print(self, run: ImportRun, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps({"counts": run.counts, **run.report}, default=str))
            return
        verb = "would change" if run.status == ImportRun.Status.PREVIEW else "changed"
        self.stdout.write(f"{run.file_name} ({run.mode}, {run.get_status_display()}): {verb}")
        for category, rows in run.report["changes"].items():
            if rows:
                self.stdout.write(f"  {category}: {len(rows)}")
                for row in rows[:20]:
                    self.stdout.write(f"    {json.dumps(row, ensure_ascii=False, default=str)}")
                if len(rows) > 20:
                    self.stdout.write(f"    … {len(rows) - 20} more")
        for refusal in run.report["refusals"]:
            self.stdout.write(
                f"  refused row {refusal['row']} ({refusal['key']}): {refusal['reason']}"
            )
