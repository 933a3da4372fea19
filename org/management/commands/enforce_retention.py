"""Apply the retention table now, or show what it would delete (`--dry-run`)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from org import erasure


class Command(BaseCommand):
    help = "Delete personal data older than the retention table allows (RETENTION_DAYS_*)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be deleted; delete nothing."
        )

    def handle(self, *args, dry_run: bool = False, **options):
        counts = erasure.retention_enforce(dry_run=dry_run)
        hold = settings.RETENTION_ARCHIVE_HOLD
        verb = "would delete" if dry_run or hold else "deleted"
        for data_class, count in counts.items():
            days = settings.RETENTION_DAYS[data_class]
            self.stdout.write(f"{data_class:<20} older than {days:>4} days: {verb} {count}")
        if hold:
            self.stdout.write("RETENTION_ARCHIVE_HOLD is on: nothing was deleted.")
