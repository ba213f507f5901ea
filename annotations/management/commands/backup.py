from django.core.management import call_command
from django.core.management.base import BaseCommand

# Rebuilt by migrate (content types, permissions) or not worth keeping (sessions,
# login-failure records).
EXCLUDE = ["contenttypes", "auth.permission", "sessions", "axes"]


class Command(BaseCommand):
    help = (
        "Write every article, claim, source, event, verdict, user, group and API token to a "
        "JSON file (.json, or compressed: .json.gz, .json.xz). Restore it with `restore`."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="File to write, e.g. var/backup-2026-11-23.json.gz")

    def handle(self, *args, path, **options):
        call_command(
            "dumpdata",
            natural_foreign=True,
            exclude=EXCLUDE,
            output=path,
            verbosity=0,
        )
        self.stdout.write(f"Backup written to {path}")
