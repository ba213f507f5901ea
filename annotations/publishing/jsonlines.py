"""Every exportable claim as JSON Lines, one keyset chunk at a time, in constant memory.

The API's ``export.jsonl`` stream and ``manage.py export_claims`` both write these bytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

from annotations.publishing.keyset import beyond, key_of
from annotations.publishing.query import ExportQuery, export_claims
from annotations.publishing.representation import V1, Representation
from annotations.publishing.rows import ClaimBuilder, claim_rows, is_tombstone_row
from annotations.publishing.scale import Bounds, verdict_scale
from annotations.publishing.uris import Links

STREAM_CHUNK = 500
SYNC_KEY = ("updated_at", "id")


@dataclass(frozen=True)
class ExportChunk:
    data: bytes
    claims: int
    tombstones: int


def jsonl_chunks(
    query: ExportQuery,
    links: Links,
    *,
    scale: Bounds | None = None,
    chunk_size: int = STREAM_CHUNK,
    representation: Representation = V1,
) -> Iterator[ExportChunk]:
    """The claims of ``query`` as JSON Lines, in (updated_at, id) order.

    Memory stays flat: each chunk is one ``WHERE (updated_at, id) > (last) … LIMIT n``
    (no OFFSET, no ``.iterator()``, which reads everything first on SQLite), written
    and dropped before the next.
    """
    builder = ClaimBuilder(scale or verdict_scale()[1], links, representation)
    encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
    rows_in_order = claim_rows(export_claims(query)).order_by(*SYNC_KEY)
    key = None
    while True:
        chunk = rows_in_order if key is None else beyond(rows_in_order, SYNC_KEY, key)
        rows = list(chunk[:chunk_size])
        if not rows:
            return
        lines = [encoder.encode(item) for item in builder.build(rows)]
        tombstones = sum(1 for row in rows if is_tombstone_row(row))
        yield ExportChunk(
            data=("\n".join(lines) + "\n").encode(),
            claims=len(rows) - tombstones,
            tombstones=tombstones,
        )
        if len(rows) < chunk_size:
            return
        key = key_of(rows[-1], SYNC_KEY)
