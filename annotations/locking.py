"""Optimistic locking of claims: every write names the version it read.

The version is checked and bumped in one ``UPDATE … WHERE version = n`` inside the
transaction, so two writers who read the same version cannot both win, on PostgreSQL
and on SQLite alike.
"""

from __future__ import annotations

from django.db.models import F
from django.utils import timezone

from annotations.models import Claim

STALE = (
    "This claim changed since you loaded it (you sent version {given}, it is now "
    "at version {current}). Reload it and apply your change again."
)


class StaleVersion(Exception):
    def __init__(self, claim: Claim, given: int | None):
        self.claim = claim
        self.given = given
        super().__init__(STALE.format(given=given, current=claim.version))


def lock_claim(pk: int, version: int | None) -> Claim:
    """Bump the version if it is still ``version`` (inside a transaction), else StaleVersion."""
    if version is not None:
        bumped = Claim.objects.filter(pk=pk, version=version).update(
            version=F("version") + 1, updated_at=timezone.now()
        )
        claim = Claim.objects.select_related("article", "verdict").get(pk=pk)
        if not bumped:
            raise StaleVersion(claim, version)
        return claim
    claim = (
        Claim.objects.select_for_update(of=("self",))
        .select_related("article", "verdict")
        .get(pk=pk)
    )
    Claim.objects.filter(pk=pk).update(version=F("version") + 1, updated_at=timezone.now())
    claim.refresh_from_db(fields=["version", "updated_at"])
    return claim
