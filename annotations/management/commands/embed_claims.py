"""Compute the sentence vectors of claims saved before the semantic extra was installed."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from annotations import embeddings
from annotations.models import Claim

BATCH = 256


class Command(BaseCommand):
    help = (
        "Compute the sentence vectors of every claim whose wording has none yet (the "
        "optional semantic engine of 'checked already?'). Needs the semantic extra."
    )

    def handle(self, *args, **options):
        if not embeddings.available():
            raise CommandError(
                "The semantic extra is not installed: pip install -e '.[semantic]' (see the "
                "README), or leave 'checked already?' to the lexical engine."
            )
        ids = list(Claim.objects.order_by("pk").values_list("pk", flat=True))
        made = 0
        for i in range(0, len(ids), BATCH):
            made += embeddings.refresh(ids[i : i + BATCH])
            self.stderr.write(f"  {min(i + BATCH, len(ids))} of {len(ids)} claims…")
        self.stdout.write(f"Computed {made} vector(s) for {len(ids)} claim(s).")
