"""``make bench``: every benchmark of issues 8 and 18, then bench/results.md and bench/export.png.

    .venv/bin/python bench/run.py            # everything, the published sizes (~20 min)
    .venv/bin/python bench/run.py --quick    # small sizes and short runs, to try the harness
    .venv/bin/python bench/run.py --only export,queries

Figures are printed as they are measured. A benchmark that crashes is reported
as an error in results.md and makes the run exit non-zero once the others ran;
a missed target is a FAIL in the table, not an error. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import datasets, import_bench, load_bench, scale  # noqa: E402
from bench.common import (  # noqa: E402
    BENCH,
    DATA,
    PYTHON,
    ROOT,
    django_env,
    gunicorn,
    median,
    run_module,
    say,
    setup_django,
    sqlite_url,
    write_json,
)
from bench.memory_bench import export_peak_rss  # noqa: E402

BENCHMARKS = ["export", "memory", "queries", "workspace", "import", "load", "scale"]


@dataclass(frozen=True)
class Sizes:
    """What one run measures; ``--quick`` shrinks everything to try the harness."""

    small: datasets.Dataset
    large: datasets.Dataset
    big_article: datasets.Dataset
    repeat: int = 3  # runs of each short measurement (median reported)
    repeat_large: int = 3  # runs at the large size (about 50 s of export each on 2 cores)
    workspace_gets: int = 15
    browser_loads: int = 7
    import_files: int = 10_000
    load_seconds: int = 30
    load_connections: int = 50


FULL = Sizes(
    small=datasets.Dataset("claims-10k", articles=1_000, claims=10_000),
    large=datasets.Dataset("claims-100k", articles=10_000, claims=100_000),
    big_article=datasets.Dataset("big-article", articles=1, claims=1_000, article_chars=60_000),
)
QUICK = Sizes(
    small=datasets.Dataset("claims-1k", articles=100, claims=1_000),
    large=datasets.Dataset("claims-5k", articles=500, claims=5_000),
    big_article=FULL.big_article,
    repeat=2,
    repeat_large=1,
    workspace_gets=5,
    browser_loads=3,
    import_files=1_000,
    load_seconds=5,
)


@dataclass
class Row:
    figure: str
    value: str
    target: str = ""
    ok: bool | None = None  # None: a figure without a target

    @property
    def verdict(self) -> str:
        return "" if self.ok is None else ("PASS" if self.ok else "**FAIL**")


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    sections: list[str] = field(default_factory=list)  # tables of their own (scale)

    def add(self, figure: str, value: str, target: str = "", ok: bool | None = None) -> None:
        self.rows.append(Row(figure, value, target, ok))


def count(n: int) -> str:
    return f"{n // 1000}k" if n >= 1000 and n % 1000 == 0 else str(n)


# Benchmarks ---------------------------------------------------------------------------------


def bench_export(report: Report, sizes: Sizes, dbs: dict[str, Path]) -> None:
    say("\n== 1. Export throughput against its floor")
    results = {}
    for dataset, repeat in ((sizes.small, sizes.repeat), (sizes.large, sizes.repeat_large)):
        label = count(dataset.claims)
        extra = ["--profile"] if dataset is sizes.small else []
        results[dataset.claims] = run_module(
            "export_bench", sqlite_url(dbs[dataset.name]), DATA / f"export-{label}.json",
            "--label", label, "--repeat", str(repeat), *extra,
        )  # fmt: skip
    report.data["export"] = {str(k): v for k, v in results.items()}
    for claims, r in results.items():
        label = count(claims)
        runs = len(r["runs"]["floor"])
        report.add(
            f"Export {label}: floor (one raw query + json.dumps)",
            f"{r['floor']:,.0f} claims/s ({runs} run{'s' * (runs > 1)})",
        )
        report.add(
            f"Export {label}: JSON Lines stream",
            f"{r['stream']:,.0f} claims/s = {100 * r['stream_ratio']:.1f}% of floor",
            "≥ 50% of floor",
            r["stream_ratio"] >= 0.5,
        )
        report.add(
            f"Export {label}: paged JSON (page_size=500)",
            f"{r['paged']:,.0f} claims/s = {100 * r['paged_ratio']:.1f}% of floor",
            "≥ 30% of floor",
            r["paged_ratio"] >= 0.3,
        )


def bench_memory(report: Report, sizes: Sizes, dbs: dict[str, Path]) -> None:
    say("\n== 2. Export memory: peak RSS of manage.py export_claims, a fresh process each")
    peaks: dict[int, dict[str, Any]] = {}
    for dataset, repeat in ((sizes.small, sizes.repeat), (sizes.large, sizes.repeat_large)):
        say(f"[memory {count(dataset.claims)}]")
        runs = [export_peak_rss(sqlite_url(dbs[dataset.name])) for _ in range(repeat)]
        peak = median([mb for mb, _ in runs])
        peaks[dataset.claims] = {
            "peak_mb": peak,
            "runs_mb": [mb for mb, _ in runs],
            "seconds": median([s for _, s in runs]),
        }
        say(f"  -> export_claims {count(dataset.claims)} peak RSS: {peak:,.1f} MB")
    small, large = peaks[sizes.small.claims], peaks[sizes.large.claims]
    growth = large["peak_mb"] - small["peak_mb"]
    say(
        f"  -> peak RSS growth {count(sizes.small.claims)} → {count(sizes.large.claims)}: "
        f"{growth:,.1f} MB"
    )
    report.data["memory"] = {str(k): v for k, v in peaks.items()} | {"growth_mb": growth}
    for claims, p in peaks.items():
        report.add(
            f"Export {count(claims)}: peak RSS of export_claims",
            f"{p['peak_mb']:,.1f} MB ({p['seconds']:,.0f} s, "
            f"{claims / p['seconds']:,.0f} claims/s)",
        )
    report.add(
        f"Export memory growth {count(sizes.small.claims)} → {count(sizes.large.claims)}",
        f"{growth:+,.1f} MB",
        "< 30 MB",
        growth < 30,
    )


def bench_queries(report: Report, sizes: Sizes, dbs: dict[str, Path]) -> None:
    say("\n== 3. Queries per export page and per workspace page")
    counts: dict[str, dict[str, dict[str, int]]] = {}
    for dataset in (sizes.small, sizes.large):
        label = count(dataset.claims)
        stream = ["--stream"] if dataset is sizes.small else []  # minutes at the large size
        counts[label] = run_module(
            "queries_bench",
            sqlite_url(dbs[dataset.name]),
            DATA / f"queries-{label}.json",
            "--label",
            label,
            *stream,
        )
    report.data["queries"] = counts
    for group, title in (("export", "export page"), ("workspace", "workspace page")):
        seen = {
            f"{label}: {what}": n for label, c in counts.items() for what, n in c[group].items()
        }
        extra = report.data.get("workspace", {}).get("queries")
        if group == "workspace" and extra is not None:
            seen[f"big article ({report.data['workspace']['claims']:,} claims)"] = extra
        values = sorted(set(seen.values()))
        report.add(
            f"Queries per {title} ({len(seen)} cases)",
            ", ".join(map(str, values)) if len(values) > 1 else f"{values[0]} in every case",
            "constant",
            len(values) == 1,
        )
        if len(values) > 1:
            detail = "; ".join(f"{what}: {n}" for what, n in seen.items())
            report.notes.append(f"Queries per {title} vary: {detail}.")
    for c in counts.values():
        for what, n in c["stream"].items():
            report.add(
                f"Queries for the {what.replace('whole stream', 'JSON Lines stream')}", f"{n}"
            )


def bench_workspace(report: Report, sizes: Sizes, dbs: dict[str, Path]) -> None:
    say("\n== 4. Big article: the workspace page of a 60 kB article with 1,000 claims")
    url = sqlite_url(dbs[sizes.big_article.name])
    server = run_module(
        "workspace_bench",
        url,
        DATA / "workspace.json",
        "--repeat",
        str(sizes.workspace_gets),
        "--profile",
    )
    report.data["workspace"] = {k: v for k, v in server.items() if k != "session_cookie"}
    report.add(
        f"Workspace page, {server['claims']:,} claims on {server['text_bytes'] / 1000:.0f} kB:"
        " server time (in-process GET, median)",
        f"{server['server_ms']:,.0f} ms ({server['page_bytes'] / 1e6:.1f} MB of HTML)",
        "< 200 ms",
        server["server_ms"] < 200,
    )
    with gunicorn(url, workers=2, log=DATA / "gunicorn-browser.log") as base:
        out = DATA / "browser.json"
        subprocess.run(
            [PYTHON, "-m", "bench.browser_bench", "--out", str(out),
             "--url", f"{base}/articles/{server['article']}/",
             "--cookie", json.dumps(server["session_cookie"]),
             "--claims", str(server["claims"]), "--repeat", str(sizes.browser_loads)],
            cwd=ROOT, env=django_env(url), check=True,
        )  # fmt: skip
        browser = json.loads(out.read_text())
    report.data["browser"] = browser
    if "skipped" in browser:
        report.add(
            "Chromium: highlights painted", f"not measured: {browser['skipped']}", "< 300 ms", False
        )
        return
    report.add(
        "Chromium: highlights painted, from navigation start (median)",
        f"{browser['painted_ms']:,.0f} ms",
    )
    report.add(
        "Chromium: … of which in the browser, from the HTML's arrival",
        f"{browser['client_ms']:,.0f} ms (parse {browser['parse_ms']:,.0f}, script "
        f"{browser['script_ms']:,.0f}, style/layout/paint {browser['paint_ms']:,.0f})",
    )
    report.add(
        "Chromium: the same page with its claim list emptied (the floor), from the HTML's arrival",
        f"{browser['floor_client_ms']:,.0f} ms (parse {browser['floor_parse_ms']:,.0f}, script "
        f"{browser['floor_script_ms']:,.0f}, style/layout/paint {browser['floor_paint_ms']:,.0f})",
    )
    # A ratio, not a lone time: what 1,000 highlights add to the same page, same browser.
    added = browser["client_ms"] / browser["floor_client_ms"] - 1
    report.add(
        "Chromium: what the highlights add to the page without them",
        f"+{100 * added:.0f}% ({browser['client_ms'] - browser['floor_client_ms']:,.0f} ms)",
        "≤ +50%",
        added <= 0.5,
    )


def bench_import(report: Report, sizes: Sizes, dbs: dict[str, Path]) -> None:
    say(f"\n== 5. Import rate: {sizes.import_files:,} article files through import_articles")
    result = import_bench.run(sizes.import_files, sizes.repeat)
    import_bench.profile(
        import_bench.article_files(sizes.import_files), 1000, BENCH / "profile-import.txt"
    )
    report.data["import"] = result
    report.add(
        f"Import {sizes.import_files:,} files on SQLite",
        f"{result['rate']:,.0f} articles/s",
        "≥ 300/s",
        result["rate"] >= 300,
    )


def bench_load(report: Report, sizes: Sizes, dbs: dict[str, Path]) -> None:
    say(
        f"\n== 6. Load: gunicorn ({load_bench.WORKERS} workers) on PostgreSQL, "
        f"{sizes.load_connections} connections for {sizes.load_seconds} s"
    )
    result = load_bench.run(sizes.repeat, sizes.load_seconds, sizes.load_connections)
    report.data["load"] = result
    mix, bare = result["mix"], result["bare"]
    what = f"{sizes.load_connections} clients × {sizes.load_seconds} s"
    report.add(f"Load, app mix ({what}): errors", f"{mix['errors']}", "0", mix["errors"] == 0)
    report.add("Load, app mix: p50 latency", f"{mix['p50_ms']:,.0f} ms")
    report.add(
        "Load, app mix: p95 latency", f"{mix['p95_ms']:,.0f} ms", "< 150 ms", mix["p95_ms"] < 150
    )
    report.add("Load, app mix: requests/s", f"{mix['rps']:,.0f}")
    report.add(
        f"Load, bare JsonResponse view ({what})",
        f"{bare['rps']:,.0f} requests/s, p50 "
        f"{bare['p50_ms']:,.0f} ms, p95 {bare['p95_ms']:,.0f} ms, {bare['errors']} errors",
    )
    # No target against a view that reads nothing: bench/peers.md sets ours beside
    # doccano's and Label Studio's through gunicorn, and beside a view running our SQL.
    report.add("Load: app mix requests/s ÷ bare view's", f"{100 * result['ratio']:.1f}%")
    alone = ", ".join(f"{k} {v:,.0f} ms" for k, v in result["unloaded_ms"].items())
    report.add("Load: each request alone through gunicorn (median of 10, no other load)", alone)
    cost = result["in_process_ms"]
    mix = sum(share * cost[name] for name, share in load_bench.MIX.items())
    report.add(
        "Load: each request in-process (CPU cost; bench/profile-load.txt)",
        ", ".join(f"{k} {v:,.1f} ms" for k, v in cost.items())
        + f"; the mix averages {mix:,.1f} ms, {mix / cost['bare view']:,.0f}× the bare view",
    )


def bench_scale(report: Report, sizes: Sizes, dbs: dict[str, Path]) -> None:
    say("\n== 7. Flat at 100× the data: every paged page at both sizes (PostgreSQL)")
    done = scale.run(quick=sizes is QUICK)
    labels = [size.label for size in done["sizes"]]
    verdicts = {name: scale.verdict(row, labels) for name, row in done["results"].items()}
    flat = sum(ok for _, _, ok in verdicts.values())
    worst = max(verdicts.items(), key=lambda item: item[1][0])
    report.data["scale"] = done["results"]
    report.add(
        f"Paged pages, {labels[0]} against {labels[1]} claims ({len(verdicts)} pages, table below)",
        f"{flat} of {len(verdicts)} within {scale.MAX_GROWTH}×; the most growth "
        f"{worst[1][0]:.2f}× ({worst[0]})",
        f"all ≤ {scale.MAX_GROWTH}×, HTML ≤ {scale.MAX_BYTES_GROWTH}×",
        flat == len(verdicts),
    )
    report.sections.append(scale.table(done["results"], done["sizes"], done["meta"]))


RUNNERS = {
    "export": bench_export,
    "memory": bench_memory,
    "queries": bench_queries,
    "workspace": bench_workspace,
    "import": bench_import,
    "load": bench_load,
    "scale": bench_scale,
}


# The machine, the chart and the table -------------------------------------------------------


def command_version(*command: str) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return "not found"
    text = (done.stdout or done.stderr).strip().splitlines()
    return text[0] if text else "unknown"


def machine() -> dict[str, str]:
    cpu = "unknown"
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as meminfo:
        kb = int(next(line for line in meminfo if line.startswith("MemTotal")).split()[1])
    try:
        postgres = load_bench.server_version(
            load_bench.database_url().rsplit("/", 1)[0] + "/postgres"
        )
    except Exception as exc:  # noqa: BLE001 - shown in the table, not fatal
        postgres = f"not reachable ({type(exc).__name__})"
    import django

    return {
        "CPU": f"{cpu}, {len(os.sched_getaffinity(0))} cores (nproc)",
        "RAM": f"{kb / 1024 / 1024:.1f} GiB",
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "Django": django.get_version(),
        "SQLite": sqlite3.sqlite_version,
        "PostgreSQL": postgres,
        "Chromium": command_version("/usr/bin/chromium", "--version"),
        "wrk": command_version("wrk", "--version").split(" [")[0],
        "gunicorn": command_version(PYTHON, "-m", "gunicorn", "--version"),
    }


def chart(report: Report, path: Path) -> None:
    export, memory = report.data.get("export"), report.data.get("memory")
    if not export and not memory:
        return
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import NullFormatter

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2), dpi=110)
    if export:
        sizes = sorted(int(k) for k in export)
        for key, label, style in (
            ("floor", "floor: raw SQL + json.dumps", "k--o"),
            ("stream", "JSON Lines stream", "C0-o"),
            ("paged", "paged JSON (500/page)", "C1-s"),
        ):
            values = [export[str(n)][key] for n in sizes]
            left.plot(sizes, values, style, label=label)
            if key != "floor":
                for n, value in zip(sizes, values, strict=True):
                    share = 100 * export[str(n)][f"{key}_ratio"]
                    left.annotate(f"{share:.0f}% of floor", (n, value), textcoords="offset points",
                                  xytext=(0, 7 if key == "stream" else -13), ha="center",
                                  fontsize=8)  # fmt: skip
        everything = [export[str(n)][k] for n in sizes for k in ("floor", "stream", "paged")]
        left.set_xscale("log")
        left.set_yscale("log")
        left.set_ylim(min(everything) / 2, max(everything) * 2)
        left.set_xticks(sizes, [count(n) for n in sizes])
        left.xaxis.set_minor_formatter(NullFormatter())
        left.set_xlabel("approved claims in the database")
        left.set_ylabel("claims per second (log)")
        left.set_title("Export throughput")
        left.grid(True, which="both", alpha=0.3)
        left.legend(fontsize=8)
    if memory:
        sizes = sorted(int(k) for k in memory if k.isdigit())
        peaks = [memory[str(n)]["peak_mb"] for n in sizes]
        right.plot(sizes, peaks, "C2-o", label="peak RSS of export_claims")
        right.set_xscale("log")
        right.set_xticks(sizes, [count(n) for n in sizes])
        right.xaxis.set_minor_formatter(NullFormatter())
        right.set_ylim(0, max(peaks) * 1.4)
        for n, mb in zip(sizes, peaks, strict=True):
            right.annotate(
                f"{mb:.0f} MB", (n, mb), textcoords="offset points", xytext=(0, 8), ha="center"
            )
        right.set_xlabel("approved claims in the database")
        right.set_ylabel("MB")
        right.set_title(f"Export peak memory (growth {memory['growth_mb']:+.1f} MB; target < 30)")
        right.grid(True, alpha=0.3)
        right.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    say(f"chart written to {path}")


def markdown(
    report: Report,
    info: dict[str, str],
    started: datetime,
    minutes: float,
    load: tuple[str, str],
    quick: bool,
) -> str:
    lines = ["# Benchmark results", ""]
    if quick:
        lines += ["**Quick run (`--quick`): small sizes, not the published figures.**", ""]
    lines += [
        f"Measured by `make bench` (bench/run.py) on {started:%Y-%m-%d %H:%M} UTC in "
        f"{minutes:.0f} minutes. Each figure is the median of its runs; bench/README.md says "
        "how each one is measured. Load average before / after: "
        f"{load[0]} / {load[1]} (anything well above 0 means other work shared the 2 cores).",
        "",
        "| Figure | Value | Target | Result |",
        "| --- | --- | --- | --- |",
    ]
    lines += [
        f"| {r.figure} | {r.value} | {r.target or '–'} | {r.verdict or '–'} |" for r in report.rows
    ]
    failed = [r.figure for r in report.rows if r.ok is False]
    lines += [
        "",
        f"**{sum(r.ok is True for r in report.rows)} targets met, {len(failed)} missed.**",
    ]
    if report.errors:
        lines += ["", "## Benchmarks that did not run to the end", ""]
        lines += [f"- {error}" for error in report.errors]
    if report.notes:
        lines += ["", "## Notes", ""] + [f"- {note}" for note in report.notes]
    for section in report.sections:
        lines += ["", section]
    lines += ["", "## Machine", "", "| | |", "| --- | --- |"]
    lines += [f"| {key} | {value} |" for key, value in info.items()]
    lines += [
        "",
        "![Export throughput and peak memory against the number of claims](export.png)",
        "",
        "Profiles of the slow paths: `bench/profile-export.txt`, "
        "`bench/profile-export-paged.txt`, `bench/profile-workspace.txt`, "
        "`bench/profile-import.txt`, `bench/profile-load.txt` (pyinstrument); "
        "`bench/profile-browser.txt` (Chromium's sampling profiler).",
        "",
    ]
    return "\n".join(lines)


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="Small sizes, short runs.")
    parser.add_argument("--only", help=f"Comma-separated subset of: {','.join(BENCHMARKS)}.")
    parser.add_argument("--fresh", action="store_true", help="Regenerate the datasets.")
    args = parser.parse_args()
    only = args.only.split(",") if args.only else BENCHMARKS
    unknown = set(only) - set(BENCHMARKS)
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(sorted(unknown))}: choose from {BENCHMARKS}")
    sizes = QUICK if args.quick else FULL
    started, began, load_before = datetime.now(UTC), time.monotonic(), loadavg()
    DATA.mkdir(parents=True, exist_ok=True)
    # This process imports the generator's text helpers (import_bench): Django, no database.
    setup_django(sqlite_url(DATA / "var" / "unused.sqlite3"))
    info = machine()
    say("Machine: " + "; ".join(f"{k} {v}" for k, v in info.items()))
    say(f"Load average: {load_before}")

    report = Report()
    dbs: dict[str, Path] = {}
    say("\n== Datasets (SQLite files under bench/data/, reused while their recipe is unchanged)")
    if args.fresh:
        datasets.empty_database(fresh=True)
    wanted = {"export", "memory", "queries"} & set(only)
    for dataset in (sizes.small, sizes.large) if wanted else ():
        dbs[dataset.name] = datasets.sqlite_dataset(dataset, fresh=args.fresh)
    if "workspace" in only:
        dbs[sizes.big_article.name] = datasets.sqlite_dataset(sizes.big_article, fresh=args.fresh)

    # The big article first: its query count joins the workspace-page counts.
    order = ["export", "memory", "workspace", "queries", "import", "load", "scale"]
    for name in [n for n in order if n in only]:
        step = time.monotonic()
        try:
            RUNNERS[name](report, sizes, dbs)
        except Exception as exc:  # noqa: BLE001 - report it and go on with the others
            traceback.print_exc()
            report.errors.append(f"{name}: {type(exc).__name__}: {exc}")
            report.add(f"{name} benchmark", f"error: {type(exc).__name__}", "runs", False)
        say(f"   ({name}: {(time.monotonic() - step) / 60:.1f} min)")

    minutes = (time.monotonic() - began) / 60
    # Only a full run at the published sizes replaces the committed results.
    published = set(only) == set(BENCHMARKS) and not args.quick
    results, png = (
        (BENCH / "results.md", BENCH / "export.png")
        if published
        else (DATA / "results-partial.md", DATA / "export-partial.png")
    )
    chart(report, png)
    results.write_text(
        markdown(report, info, started, minutes, (load_before, loadavg()), args.quick)
    )
    say(f"results written to {results.relative_to(ROOT)}")
    write_json(DATA / "results.json", {"machine": info, "data": report.data})
    say(
        f"\nbench: {minutes:.1f} min; "
        f"{sum(r.ok is True for r in report.rows)} targets met, "
        f"{sum(r.ok is False for r in report.rows)} missed, {len(report.errors)} errors"
    )
    return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(main())
