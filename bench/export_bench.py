"""Export throughput against its floor, in one process on one database (run by bench/run.py).

- floor: the same rows (claims with their article, verdict and sources) read with
  ONE raw SQL query and written as JSON Lines with ``json.dumps``: what the
  database and the JSON encoder alone can do.
- stream: ``GET /api/v1/claims/export.jsonl`` through ``django.test.Client``, the
  whole middleware and DRF stack in-process. The test client does not buffer a
  streaming response: ``streaming_content`` is consumed chunk by chunk here.
- paged: ``GET /api/v1/claims/?page_size=500`` (the largest page) followed through
  the ``Link: rel="next"`` cursor to the end.

Runs are interleaved (floor, stream, paged, floor, …) so that a busy moment on
the machine hits all three alike; each figure is the median of the runs.
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

from bench.common import BENCH, figure, median, next_link, say, setup_django, write_json

PAGE_SIZE = 500  # annotations.api.filters.MAX_PAGE_SIZE
CLAIM_COLUMNS = ["id", "claim", "rationale", "exact", "prefix", "suffix", "start", "end",
                 "approved_at", "updated_at"]  # fmt: skip
VERDICT_COLUMNS = ["label", "slug", "rating_value", "colour"]
ARTICLE_COLUMNS = ["id", "title", "source_url", "publisher", "byline", "published_at"]
SOURCE_COLUMNS = ["id", "url", "title", "publisher", "stance", "excerpt", "accessed_on",
                  "archived_url"]  # fmt: skip


def iso(value: Any) -> str:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise TypeError(f"cannot encode {type(value).__name__}")


def floor_query() -> str:
    """One query: approved claims ⋈ article ⋈ verdict ⟕ sources, in export order."""
    from django.db import connection

    from annotations.models import Article, Claim, Source, Verdict

    q = connection.ops.quote_name

    def cols(model, alias: str, names: list[str]) -> str:
        return ", ".join(f"{alias}.{q(model._meta.get_field(n).column)}" for n in names)

    selected = ", ".join(
        [
            cols(Claim, "c", CLAIM_COLUMNS),
            cols(Verdict, "v", VERDICT_COLUMNS),
            cols(Article, "a", ARTICLE_COLUMNS),
            cols(Source, "s", SOURCE_COLUMNS),
        ]
    )
    # Names come from the models' metadata, quoted; the one value is a parameter.
    return (
        f"SELECT {selected} FROM {q(Claim._meta.db_table)} c "  # noqa: S608
        f"JOIN {q(Article._meta.db_table)} a ON a.id = c.{q('article_id')} "
        f"LEFT JOIN {q(Verdict._meta.db_table)} v ON v.id = c.{q('verdict_id')} "
        f"LEFT JOIN {q(Source._meta.db_table)} s ON s.{q('claim_id')} = c.id "
        f"WHERE c.{q('status')} = %s "
        f"ORDER BY c.{q('updated_at')}, c.id, s.{q('order')}, s.id"
    )


def run_floor() -> tuple[int, int]:
    """(claims, bytes) written from one raw query with json.dumps."""
    from django.db import connection

    sql = floor_query()
    claims = size = 0
    current: dict[str, Any] | None = None

    def emit(item: dict[str, Any]) -> int:
        line = json.dumps(item, default=iso, ensure_ascii=False, separators=(",", ":")) + "\n"
        return len(line.encode())

    with connection.cursor() as cursor:
        cursor.execute(sql, ["approved"])
        for row in cursor:
            if current is None or current["id"] != row[0]:
                if current is not None:
                    size += emit(current)
                    claims += 1
                current = {
                    "id": row[0], "claim": row[1], "rationale_html": row[2],
                    "quote": {"exact": row[3], "prefix": row[4], "suffix": row[5],
                              "start": row[6], "end": row[7]},
                    "approved_at": row[8], "updated_at": row[9],
                    "verdict": {"label": row[10], "slug": row[11], "rating_value": row[12],
                                "colour": row[13]},
                    "article": {"id": row[14], "title": row[15], "url": row[16],
                                "publisher": row[17], "byline": row[18],
                                "published_at": row[19]},
                    "sources": [],
                }  # fmt: skip
            if row[20] is not None:
                current["sources"].append(
                    {"id": row[20], "url": row[21], "title": row[22], "publisher": row[23],
                     "stance": row[24], "excerpt": row[25], "accessed_on": row[26],
                     "archived_url": row[27]}
                )  # fmt: skip
        if current is not None:
            size += emit(current)
            claims += 1
    return claims, size


def run_stream(client, token: str) -> tuple[int, int]:
    response = client.get("/api/v1/claims/export.jsonl", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200, response.status_code
    assert response.streaming, "the JSON Lines export is expected to stream"
    lines = size = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        lines += chunk.count(b"\n")
    response.close()
    return lines, size


def run_paged(client, token: str) -> tuple[int, int, int]:
    """(claims, bytes, pages); claims are counted by their "uri" key, without parsing."""
    url: str | None = f"/api/v1/claims/?page_size={PAGE_SIZE}"
    claims = size = pages = 0
    while url:
        response = client.get(url, HTTP_AUTHORIZATION=f"Token {token}")
        assert response.status_code == 200, (response.status_code, response.content[:300])
        size += len(response.content)
        claims += response.content.count(b'"uri":')
        pages += 1
        url = next_link(response.get("Link", ""))
    return claims, size, pages


def timed(function, *args) -> tuple[float, Any]:
    began = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - began, result


def profile(function, args, path: Path, title: str) -> None:
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.001)
    profiler.start()
    function(*args)
    profiler.stop()
    text = profiler.output_text(unicode=False, color=False, show_all=False)
    path.write_text(f"# {title}\n# pyinstrument, written by bench/export_bench.py\n\n{text}")
    say(f"  profile written to {path.relative_to(BENCH.parent)}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--label", required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="Also write pyinstrument profiles.")
    args = parser.parse_args()
    setup_django()

    from django.contrib.auth.models import User
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from annotations.models import Claim

    expected = Claim.objects.filter(status=Claim.Status.APPROVED).count()
    user = User.objects.get(username="bench-reviewer")
    token = Token.objects.get_or_create(user=user)[0].key
    client = Client()

    say(f"[export {args.label}] {expected:,} approved claims; warming up")
    run_floor()  # reads the tables into the page cache
    warm = client.get("/api/v1/claims/export.jsonl", HTTP_AUTHORIZATION=f"Token {token}")
    for _, _chunk in zip(range(3), warm.streaming_content, strict=False):
        pass  # the first chunks load the code paths; the whole stream would take minutes
    warm.close()

    runs: dict[str, list[float]] = {"floor": [], "stream": [], "paged": []}
    sizes: dict[str, int] = {}
    for n in range(args.repeat):
        seconds, (count, size) = timed(run_floor)
        assert count == expected, (count, expected)
        runs["floor"].append(count / seconds)
        sizes["floor"] = size
        seconds, (count, size) = timed(run_stream, client, token)
        assert count == expected, (count, expected)
        runs["stream"].append(count / seconds)
        sizes["stream"] = size
        seconds, (count, size, pages) = timed(run_paged, client, token)
        assert count == expected, (count, expected)
        runs["paged"].append(count / seconds)
        sizes["paged"] = size
        say(
            f"  run {n + 1}: floor {runs['floor'][-1]:,.0f}/s, stream {runs['stream'][-1]:,.0f}/s,"
            f" paged {runs['paged'][-1]:,.0f}/s ({pages} pages of {PAGE_SIZE})"
        )
    result: dict[str, Any] = {"claims": expected, "bytes": sizes, "runs": runs}
    for name in ("floor", "stream", "paged"):
        result[name] = median(runs[name])
        figure(f"export {args.label} {name}", result[name], "claims/s", runs[name])
    result["stream_ratio"] = result["stream"] / result["floor"]
    result["paged_ratio"] = result["paged"] / result["floor"]
    figure(f"export {args.label} stream / floor", 100 * result["stream_ratio"], "%")
    figure(f"export {args.label} paged / floor", 100 * result["paged_ratio"], "%")

    if args.profile:
        profile(
            run_stream,
            (client, token),
            BENCH / "profile-export.txt",
            f"GET /api/v1/claims/export.jsonl, {expected:,} claims ({args.label})",
        )
        profile(
            run_paged,
            (client, token),
            BENCH / "profile-export-paged.txt",
            f"GET /api/v1/claims/?page_size={PAGE_SIZE} to the end, "
            f"{expected:,} claims ({args.label})",
        )
    write_json(args.out, result)


if __name__ == "__main__":
    main()
