"""Lift the log-in limits of usernames or addresses (factcheck/login_guard.py)."""

from axes.utils import reset
from django.core.management.base import BaseCommand, CommandError

from factcheck import login_guard


class Command(BaseCommand):
    help = (
        "Lift the log-in slow-downs of usernames, from anywhere and from each address; "
        "with --address, those of addresses, whatever the usernames."
    )

    def add_arguments(self, parser):
        parser.add_argument("usernames", nargs="*", metavar="username")
        parser.add_argument(
            "--address", action="append", default=[], help="an IP address (repeatable)"
        )

    def handle(self, *args, usernames: list[str], address: list[str], **options):
        if not usernames and not address:
            raise CommandError("Name a username, or an address with --address.")
        # axes's records of the failures go too, so its admin list agrees.
        for username in usernames:
            records = reset(username=username)
            forgotten = login_guard.reset_username(username)
            self.stdout.write(
                f"{username}: {forgotten} failure(s) forgotten, {records} failure record(s) removed"
            )
        for ip in address:
            forgotten = login_guard.reset_address(ip)
            self.stdout.write(
                f"{ip}: {forgotten} failure(s) forgotten, {reset(ip=ip)} failure record(s) removed"
            )
