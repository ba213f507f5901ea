"""Write the approved claims as JSON Lines for offline hand-off: the API stream, to a file."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from annotations.publishing.dates import parse_moment
from annotations.publishing.jsonlines import jsonl_chunks
from annotations.publishing.query import ExportQuery
from annotations.publishing.representation import INCLUDABLE, VERSIONS, Representation
from annotations.publishing.uris import Links


class Command(BaseCommand):
    # A hand-off reads the database and writes a file: it needs the URL patterns of no
    # page and the schema of no API, which the system checks would import first.
    requires_system_checks: list[str] = []
    help = (
        "Export every approved claim as JSON Lines (one claim per line), the same lines as "
        "GET /api/v1/claims/export.jsonl. With --updated-since, only claims changed since "
        "then, and tombstones for claims withdrawn since. Progress goes to stderr."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            help="File to write (written to FILE.part, then renamed); default: standard output.",
        )
        parser.add_argument(
            "--updated-since",
            help="ISO 8601 date or date-time, e.g. 2025-01-31 or 2025-01-31T12:00:00Z.",
        )
        parser.add_argument(
            "--format", choices=["jsonl"], default="jsonl", help="Output format (JSON Lines)."
        )
        parser.add_argument(
            "--representation",
            type=int,
            choices=VERSIONS,
            default=1,
            help="Version of our JSON: 2 names each article by id and leaves out the "
            "plain-text rationale (a third fewer bytes); default 1.",
        )
        parser.add_argument(
            "--include",
            default="",
            help=f"With --representation 2, what to put back: {', '.join(INCLUDABLE)}.",
        )

    def handle(self, *args, output=None, updated_since=None, **options):
        query = self.parse_filters(updated_since)
        try:
            self.representation = Representation.of(options["representation"], options["include"])
        except ValueError as exc:
            raise CommandError(f"--include: {exc}") from None
        if output and Path(output).exists() and not Path(output).is_file():
            # A device or pipe (/dev/null, a FIFO): write straight to it, never rename over it.
            with Path(output).open("wb") as stream:
                claims, tombstones = self.write(stream.write, query)
            where = output
        elif output:
            target = Path(output)
            partial = target.with_name(target.name + ".part")
            try:
                with partial.open("wb") as stream:
                    claims, tombstones = self.write(stream.write, query)
            except BaseException:
                partial.unlink(missing_ok=True)
                raise
            os.replace(partial, target)
            where = str(target)
        else:
            claims, tombstones = self.write(
                lambda data: self.stdout.write(data.decode(), ending=""), query
            )
            where = "standard output"
        summary = f"Exported {claims} claim(s)"
        if query.syncing:
            summary += f" and {tombstones} tombstone(s)"
        self.stderr.write(f"{summary} to {where}.")

    def parse_filters(self, updated_since: str | None) -> ExportQuery:
        """The same parsing (and message) as the API's ``updated_since``."""
        if not updated_since:
            return ExportQuery()
        try:
            return ExportQuery(updated_since=parse_moment(updated_since))
        except ValueError as exc:
            raise CommandError(f"--updated-since: {exc}") from None

    def write(self, write: Callable[[bytes], object], query: ExportQuery) -> tuple[int, int]:
        claims = tombstones = 0
        chunks = jsonl_chunks(query, Links.for_request(None), representation=self.representation)
        for chunk in chunks:
            write(chunk.data)
            claims += chunk.claims
            tombstones += chunk.tombstones
            self.stderr.write(f"  {claims + tombstones} line(s) written…")
        return claims, tombstones
