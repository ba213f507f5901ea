import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from annotations.importers import FAILED, import_paths

PROGRESS_EVERY = 100


class Command(BaseCommand):
    help = "Import news articles from .txt files and folders of .txt files."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="Files or folders of .txt files.")
        parser.add_argument(
            "--update",
            action="store_true",
            help="Replace an article whose file changed, if it has no claims yet.",
        )
        parser.add_argument("--user", help="Username recorded as the importer.")

    def handle(self, *args, paths, update, user, **options):
        importer = None
        if user:
            try:
                importer = get_user_model().objects.get(username=user)
            except get_user_model().DoesNotExist:
                raise CommandError(f"No user named {user!r}.") from None
        verbosity = options["verbosity"]

        def progress(result, summary):
            if result.status == FAILED:
                self.stderr.write(f"{result.origin}: {result.message}")
            elif verbosity >= 1 and (verbosity >= 2 or len(summary.results) <= PROGRESS_EVERY):
                self.stdout.write(str(result))
            if len(summary.results) % PROGRESS_EVERY == 0:
                self.stderr.write(f"… {len(summary.results)} files, {summary}")

        summary = import_paths(paths, user=importer, update=update, progress=progress)
        self.stdout.write(str(summary))
        if summary.failed:
            sys.exit(1)
