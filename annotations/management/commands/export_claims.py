"""Write the approved claims as JSON Lines for offline hand-off: the API stream, to a file."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from annotations.api.export import jsonl_chunks
from annotations.api.filters import ClaimFilterSerializer


class Command(BaseCommand):
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

    def handle(self, *args, output=None, updated_since=None, **options):
        params = self.parse_filters(updated_since)
        if output and Path(output).exists() and not Path(output).is_file():
            # A device or pipe (/dev/null, a FIFO): write straight to it, never rename over it.
            with Path(output).open("wb") as stream:
                claims, tombstones = self.write(stream.write, params)
            where = output
        elif output:
            target = Path(output)
            partial = target.with_name(target.name + ".part")
            try:
                with partial.open("wb") as stream:
                    claims, tombstones = self.write(stream.write, params)
            except BaseException:
                partial.unlink(missing_ok=True)
                raise
            os.replace(partial, target)
            where = str(target)
        else:
            claims, tombstones = self.write(
                lambda data: self.stdout.write(data.decode(), ending=""), params
            )
            where = "standard output"
        summary = f"Exported {claims} claim(s)"
        if "updated_since" in params:
            summary += f" and {tombstones} tombstone(s)"
        self.stderr.write(f"{summary} to {where}.")

    def parse_filters(self, updated_since: str | None) -> dict:
        """The same validation (and messages) as the API's query parameters."""
        data = {"updated_since": updated_since} if updated_since else {}
        serializer = ClaimFilterSerializer(data=data)
        if not serializer.is_valid():
            problems = "; ".join(
                f"--{field.replace('_', '-')}: {' '.join(str(m) for m in messages)}"
                for field, messages in serializer.errors.items()
            )
            raise CommandError(problems)
        return dict(serializer.validated_data)

    def write(self, write: Callable[[bytes], object], params: dict) -> tuple[int, int]:
        claims = tombstones = 0
        for chunk in jsonl_chunks(params):
            write(chunk.data)
            claims += chunk.claims
            tombstones += chunk.tombstones
            self.stderr.write(f"  {claims + tombstones} line(s) written…")
        return claims, tombstones
