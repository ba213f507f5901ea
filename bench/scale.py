"""Flat at 100× the data (issue 18): every paged page at 1,000 and at 100,000 claims, side by side.

    .venv/bin/python bench/scale.py            # both sizes on PostgreSQL; writes its table
    .venv/bin/python bench/scale.py --quick    # 1,000 against 10,000 claims, fewer rounds
    .venv/bin/python bench/scale.py --fresh    # fill the databases again

Two PostgreSQL databases are filled by ``generate_bench_data`` (100 articles / 1,000
claims and 10,000 articles / 100,000 claims; 20% of the claims submitted, 5% drafts,
two sources and up to two events each), then VACUUM ANALYZE, as autovacuum would after
a bulk load. They are kept for the next run while their recipe (the generator, the
migrations, the sizes) is unchanged: the recipe's key is the database's comment.

One process then opens both databases and swaps its connection between them, so that
each page is requested at both sizes in the same process, round after round, small and
large interleaved (the order alternating): whatever else the machine does falls on both.
A page's figure is the median of its rounds, in-process through ``django.test.Client``
(every middleware, the template, no network), signed in as an editor where the page
needs it. A page passes when its time at the large size is at most 1.5× its time at the
small one and its bytes at most 1.1× (the HTML does not grow with the data).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import datasets  # noqa: E402
from bench.common import (  # noqa: E402
    BENCH,
    DATA,
    LOOPBACK,
    PYTHON,
    ROOT,
    django_env,
    manage,
    say,
    write_json,
)

MAX_GROWTH = 1.5  # time at the large size ÷ time at the small one
MAX_BYTES_GROWTH = 1.1
SECTION_START = "<!-- scale: written by bench/scale.py -->"
SECTION_END = "<!-- /scale -->"
DEFAULT_SERVER = f"postgres://root@{LOOPBACK}:5432"


@dataclass(frozen=True)
class Size:
    label: str
    articles: int
    claims: int

    def args(self) -> list[str]:
        return [
            "--articles", str(self.articles), "--claims", str(self.claims), "--sources", "2",
            "--article-chars", "4000", "--seed", "42", "--submitted", "0.2", "--drafts", "0.05",
        ]  # fmt: skip


FULL = (Size("1k", 100, 1_000), Size("100k", 10_000, 100_000))
QUICK = (Size("1k", 100, 1_000), Size("10k", 1_000, 10_000))


def database_url(size: Size) -> str:
    """``BENCH_SCALE_SERVER`` (a server URL without a database) and the size's database."""
    server = os.environ.get("BENCH_SCALE_SERVER", DEFAULT_SERVER).rstrip("/")
    prefix = os.environ.get("BENCH_SCALE_PREFIX", "factcheck_scale")
    return f"{server}/{prefix}_{size.label}"


# Datasets -----------------------------------------------------------------------------------


def _admin_connection(url: str):
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True)


def _comment(url: str) -> str | None:
    name = urlsplit(url).path.lstrip("/")
    with _admin_connection(url) as connection:
        row = connection.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [name],
        ).fetchone()
    return None if row is None else (row[0] or "")


def recipe(size: Size) -> str:
    """The generator and its arguments: the migrations are applied to a kept database
    instead (as a deploy applies them to a production one), so a new index does not
    mean filling 100,000 claims again."""
    digest = hashlib.sha256(datasets.GENERATOR.read_bytes())
    digest.update(" ".join(size.args()).encode())
    return "recipe " + digest.hexdigest()[:10]


def prepare(size: Size, fresh: bool = False) -> str:
    """The size's database, filled, migrated and analysed; kept while its recipe holds."""
    import psycopg
    from psycopg import sql

    url = database_url(size)
    name = urlsplit(url).path.lstrip("/")
    if not fresh and _comment(url) == recipe(size):
        say(f"reusing {name} ({recipe(size)}); migrating it")
        manage(url, "migrate", "--noinput")
    else:
        with _admin_connection(url) as connection:
            ident = sql.Identifier(name)
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ident))
            connection.execute(sql.SQL("CREATE DATABASE {}").format(ident))
        say(f"filling {name}: {size.articles:,} articles, {size.claims:,} claims")
        began = time.perf_counter()
        manage(url, "migrate", "--noinput")
        manage(url, "generate_bench_data", *size.args())
        say(f"  filled in {time.perf_counter() - began:.0f} s")
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")
    if _comment(url) != recipe(size):
        with _admin_connection(url) as connection:
            connection.execute(
                sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                    sql.Identifier(name), sql.Literal(recipe(size))
                )
            )
    return url


# Pages --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    name: str
    path: str  # {article} is filled in per database
    who: str = "editor"  # editor (session) or anonymous


# The "Oldest" link's cursor (publishing.keyset's LAST_PAGE, base64 of ["last"]).
OLDEST = "WyJsYXN0Il0"
PAGES = [
    Page("desk index", "/admin/"),
    Page("admin articles", "/admin/annotations/article/"),
    Page("admin articles, search “chip”", "/admin/annotations/article/?q=chip"),
    Page("admin articles, search “xylophone”", "/admin/annotations/article/?q=xylophone"),
    Page("admin articles, queue new", "/admin/annotations/article/?queue_status__exact=new"),
    Page("admin articles, overdue", "/admin/annotations/article/?due=overdue"),
    Page("admin claims", "/admin/annotations/claim/"),
    Page("admin claims, search “chip”", "/admin/annotations/claim/?q=chip"),
    Page("admin claims, search “xylophone”", "/admin/annotations/claim/?q=xylophone"),
    Page("admin claims, submitted", "/admin/annotations/claim/?status__exact=submitted"),
    Page("admin claims, waiting for me", "/admin/annotations/claim/?waiting=review"),
    Page("admin claims, one article", "/admin/annotations/claim/?article__id__exact={article}"),
    Page(
        "admin article autocomplete",
        "/admin/autocomplete/?app_label=annotations&model_name=claim&field_name=article"
        "&term=article",
    ),
    Page("admin appearances", "/admin/annotations/appearance/"),
    Page("admin appearances, proposed", "/admin/annotations/appearance/?state__exact=proposed"),
    Page("admin claimants", "/admin/annotations/claimant/"),
    Page("admin claim events", "/admin/annotations/claimevent/"),
    Page(
        "admin claim events, led to approved", "/admin/annotations/claimevent/?to_status=approved"
    ),
    Page("admin claim events, edits", "/admin/annotations/claimevent/?kind=edit"),
    Page("admin claim events, search “chip”", "/admin/annotations/claimevent/?q=chip"),
    Page("desk chart CSV, time to decision", "/admin/annotations/claim/charts/decision-time.csv"),
    Page("My work (an editor's inbox)", "/"),
    Page("/notifications/", "/notifications/"),
    Page("/articles/", "/articles/"),
    Page("/articles/, oldest page", f"/articles/?cursor={OLDEST}"),
    Page("/articles/?q=chip", "/articles/?q=chip"),
    Page("/articles/?q=xylophone", "/articles/?q=xylophone"),
    Page("/checks/", "/checks/", "anonymous"),
    Page("/checks/, oldest page", f"/checks/?cursor={OLDEST}", "anonymous"),
    Page("/checks/?page=3749", "/checks/?page=3749", "anonymous"),
    Page("/checks/?q=chip", "/checks/?q=chip", "anonymous"),
    Page("/checks/?q=xylophone", "/checks/?q=xylophone", "anonymous"),
    Page("/checks/?verdict=false", "/checks/?verdict=false", "anonymous"),
    Page(
        "/checks/?publisher=news.example.org",
        "/checks/?publisher=news.example.org",
        "anonymous",
    ),
    Page("/api/v1/claims/", "/api/v1/claims/"),
    Page("/api/v1/claims/?q=chip", "/api/v1/claims/?q=chip"),
    Page("/api/v1/claims/?q=xylophone", "/api/v1/claims/?q=xylophone"),
    Page("/api/v1/claims/, Web Annotation", "/api/v1/claims/?format=webannotation"),
    Page("/api/v1/articles/?page_size=100", "/api/v1/articles/?page_size=100"),
]


# Measuring (in a process of its own, with the bench settings) -------------------------------


def measure(urls: dict[str, str], rounds: int, warmup: int) -> dict:
    """Median time and bytes of every page at every size, the sizes interleaved."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, connections
    from django.db.utils import load_backend
    from django.test import Client

    from bench.common import setup_django

    labels = list(urls)
    setup_django(urls[labels[0]])
    # The connections stay open between requests, as a server's do (CONN_MAX_AGE).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    base = connections.settings["default"]
    wrappers = {}
    for label in labels:
        settings = {**base, "NAME": urlsplit(urls[label]).path.lstrip("/")}
        wrappers[label] = load_backend(settings["ENGINE"]).DatabaseWrapper(settings, "default")

    def use(label: str) -> None:
        connections["default"] = wrappers[label]

    from django.contrib.auth.models import User

    clients: dict[tuple[str, str], Client] = {}
    params: dict[str, dict[str, str]] = {}
    for label in labels:
        use(label)
        editor = User.objects.get(username="bench-editor")
        clients[label, "editor"] = Client()
        clients[label, "editor"].force_login(editor)
        clients[label, "anonymous"] = Client()
        params[label] = page_parameters()

    def get(label: str, page: Page) -> tuple[float, int, int]:
        use(label)
        path = page.path.format(**params[label])
        began = time.perf_counter()
        response = clients[label, page.who].get(path)
        content = response.content  # a streamed body is read to its end inside the timing
        elapsed = time.perf_counter() - began
        return elapsed * 1000, len(content), response.status_code

    results: dict[str, dict] = {}
    for page in PAGES:
        for label in labels:
            for _ in range(warmup):
                get(label, page)
    times: dict[tuple[str, str], list[float]] = {(p.name, lb): [] for p in PAGES for lb in labels}
    sizes: dict[tuple[str, str], int] = {}
    statuses: dict[tuple[str, str], int] = {}
    for round_ in range(rounds):
        order = labels if round_ % 2 == 0 else labels[::-1]
        for page in PAGES:
            for label in order:
                ms, size, status = get(label, page)
                times[page.name, label].append(ms)
                sizes[page.name, label] = size
                statuses[page.name, label] = status
        say(f"  round {round_ + 1}/{rounds}")
    for page in PAGES:
        row = {"path": page.path, "who": page.who}
        for label in labels:
            key = (page.name, label)
            row[label] = {
                "ms": statistics.median(times[key]),
                "bytes": sizes[key],
                "status": statuses[key],
                "runs": times[key],
                "path": page.path.format(**params[label]),
            }
        results[page.name] = row
        small, large = (row[label] for label in labels)
        say(
            f"  -> {page.name}: {small['ms']:.1f} ms / {large['ms']:.1f} ms "
            f"({large['ms'] / small['ms']:.2f}×), {small['bytes']:,} / {large['bytes']:,} bytes"
        )
    return results


def page_parameters() -> dict[str, str]:
    """What some addresses need from the database they are asked of (the connection in use)."""
    from annotations.models import Claim

    article = Claim.objects.order_by("-article_id").values_list("article_id", flat=True).first()
    return {"article": str(article)}


# The report ---------------------------------------------------------------------------------


def verdict(row: dict, labels: list[str]) -> tuple[float, float, bool]:
    small, large = (row[label] for label in labels)
    growth = large["ms"] / small["ms"]
    bytes_growth = large["bytes"] / max(small["bytes"], 1)
    ok = (
        growth <= MAX_GROWTH
        and bytes_growth <= MAX_BYTES_GROWTH
        and small["status"] == large["status"] == 200
    )
    return growth, bytes_growth, ok


def table(results: dict, sizes: tuple[Size, Size], meta: dict) -> str:
    labels = [s.label for s in sizes]
    small, large = sizes
    lines = [
        SECTION_START,
        f"## Flat at 100× the data: {small.claims:,} against {large.claims:,} claims (PostgreSQL)",
        "",
        f"Measured by `bench/scale.py` on {meta['when']} UTC: {small.articles:,} articles / "
        f"{small.claims:,} claims against {large.articles:,} articles / {large.claims:,} claims "
        "(20% submitted, 5% drafts), in one process, the sizes interleaved; each figure the "
        f"median of {meta['rounds']} requests (in-process, every middleware and template). "
        f"PASS: at most {MAX_GROWTH}× the time and {MAX_BYTES_GROWTH}× the bytes. Load average "
        f"before / after: {meta['load_before']} / {meta['load_after']}.",
        "",
        f"| page | {small.label} time | {small.label} bytes | {large.label} time | "
        f"{large.label} bytes | growth | result |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    passed = 0
    for name, row in results.items():
        growth, bytes_growth, ok = verdict(row, labels)
        passed += ok
        a, b = (row[label] for label in labels)
        status = "" if a["status"] == b["status"] == 200 else f" (HTTP {a['status']}/{b['status']})"
        size_note = f", bytes {bytes_growth:.2f}×" if bytes_growth > MAX_BYTES_GROWTH else ""
        lines.append(
            f"| {name} | "
            f"{a['ms']:,.1f} ms | {a['bytes'] / 1000:,.1f} kB | {b['ms']:,.1f} ms | "
            f"{b['bytes'] / 1000:,.1f} kB | {growth:.2f}×{size_note} | "
            f"{'PASS' if ok else '**FAIL**'}{status} |"
        )
    lines += ["", f"**{passed} of {len(results)} pages flat.**", "", SECTION_END]
    return "\n".join(lines)


def write_section(path: Path, section: str) -> None:
    """Put the table into ``path`` in place of the last one (or at its end)."""
    text = path.read_text() if path.exists() else "# Benchmark results\n"
    if SECTION_START in text and SECTION_END in text:
        before, rest = text.split(SECTION_START, 1)
        after = rest.split(SECTION_END, 1)[1]
        text = before + section + after
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text)


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def run(*, quick: bool = False, fresh: bool = False, rounds: int | None = None) -> dict:
    """Fill (or reuse) both databases and measure in a fresh process; the figures."""
    from datetime import UTC, datetime

    sizes = QUICK if quick else FULL
    say(f"\n== Flat at 100× the data: {sizes[0].claims:,} against {sizes[1].claims:,} claims")
    urls = {size.label: prepare(size, fresh) for size in sizes}
    rounds = rounds or (5 if quick else 15)
    load_before = loadavg()
    out = DATA / "scale.json"
    out.unlink(missing_ok=True)
    subprocess.run(
        [PYTHON, "-m", "bench.scale", "--measure", json.dumps(urls), "--rounds", str(rounds),
         "--out", str(out)],
        cwd=ROOT, env=django_env(urls[sizes[0].label]), check=True,
    )  # fmt: skip
    results = json.loads(out.read_text())
    meta = {
        "when": f"{datetime.now(UTC):%Y-%m-%d %H:%M}",
        "rounds": rounds,
        "load_before": load_before,
        "load_after": loadavg(),
    }
    return {"sizes": sizes, "results": results, "meta": meta}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1,000 against 10,000 claims.")
    parser.add_argument("--fresh", action="store_true", help="Fill the databases again.")
    parser.add_argument("--rounds", type=int, help="Requests per page and size (default 15).")
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # the measuring subprocess
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        write_json(args.out, measure(json.loads(args.measure), args.rounds or 15, warmup=2))
        return 0
    done = run(quick=args.quick, fresh=args.fresh, rounds=args.rounds)
    section = table(done["results"], done["sizes"], done["meta"])
    target = DATA / "results-scale-quick.md" if args.quick else BENCH / "results.md"
    write_section(target, section)
    say(f"table written to {target.relative_to(ROOT)}")
    labels = [s.label for s in done["sizes"]]
    failed = [n for n, row in done["results"].items() if not verdict(row, labels)[2]]
    say(f"{len(done['results']) - len(failed)} of {len(done['results'])} pages flat")
    return 0


if __name__ == "__main__":
    sys.exit(main())
