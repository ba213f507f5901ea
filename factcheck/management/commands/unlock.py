"""Lift the log-in limits of usernames or addresses (factcheck/login_guard.py)."""

from axes.utils import reset
from django.core.management.base import BaseCommand, CommandError

from factcheck import login_guard


class Command(BaseCommand):
    help = (
        "Lift the log-in lock-outs of usernames from every address, and their slow-down; "
        "with --address, the lock-outs of addresses."
    )

    def add_arguments(self, parser):
        parser.add_argument("usernames", nargs="*", metavar="username")
        parser.add_argument(
            "--address", action="append", default=[], help="an IP address (repeatable)"
        )

    def handle(self, *args, usernames: list[str], address: list[str], **options):
        if not usernames and not address:
            raise CommandError("Name a username, or an address with --address.")
        for username in usernames:
            records = reset(username=username)
            forgotten = login_guard.reset_username(username)
            self.stdout.write(
                f"{username}: {records} lock-out record(s) removed, "
                f"{forgotten} failure(s) of its slow-down forgotten"
            )
        for ip in address:
            self.stdout.write(f"{ip}: {reset(ip=ip)} lock-out record(s) removed")
