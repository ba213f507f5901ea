from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from annotations.models import Article, Claim


class Command(BaseCommand):
    help = (
        "Load a file written by `backup` into a freshly migrated database, in one transaction: "
        "either everything is restored or nothing is."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--into-non-empty",
            action="store_true",
            help="Load even though the database already holds articles or claims "
            "(rows with the same ids are overwritten).",
        )

    def handle(self, *args, path, into_non_empty, **options):
        if not into_non_empty and (Article.objects.exists() or Claim.objects.exists()):
            raise CommandError(
                "This database already holds articles or claims. Restore into a freshly "
                "migrated database, or pass --into-non-empty to overwrite rows with the same ids."
            )
        with transaction.atomic():
            call_command("loaddata", path, verbosity=0)
        self.stdout.write(
            f"Restored {Article.objects.count()} articles and {Claim.objects.count()} claims "
            f"from {path}"
        )
