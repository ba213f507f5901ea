"""The peer benchmark's figures into a verdict: wrk's output parsed, medians and p90s,
ratios against the fastest peer, pass/fail against issue 17's targets, bench/peers.md
and its chart. Pure functions of the runs bench/peers.py collected (tested without
any server in tests/test_bench_peers.py)."""

from __future__ import annotations

import re
import statistics
from pathlib import Path
from typing import Any

PEERS = ("doccano", "labelstudio")
LABELS = {"ours": "ours", "doccano": "doccano", "labelstudio": "Label Studio"}
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}
RICH_FLOOR_TARGET = 40.0  # % of the raw-SQL floor for our rich representations


def duration_ms(text: str) -> float:
    """wrk's '812.34us', '12.5ms', '1.02s' or '2.00m' in milliseconds."""
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * UNITS[match.group(2)]


def parse_wrk(output: str) -> dict[str, Any]:
    """Requests per second, p50/p99 (``--latency``) and errors (socket errors and
    non-2xx/3xx answers) from wrk's text output."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    percentiles = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", output, re.MULTILINE))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    requests = re.search(r"(\d+) requests in", output)
    return {
        "rps": rps,
        "p50_ms": duration_ms(percentiles["50"]),
        "p99_ms": duration_ms(percentiles["99"]),
        "requests": int(requests.group(1)) if requests else 0,
        "errors": errors + (int(non2xx.group(1)) if non2xx else 0),
    }


def p90(values: list[float]) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=10)[-1]


def summarize(results: dict[str, Any]) -> dict[str, Any]:
    """Medians of every series: in-process (ms, p90, bytes, floor), wrk, export."""
    inproc: dict[str, dict[str, dict]] = {}
    for key, runs in results["in_process"].items():
        name, kind, op = key.split(":")
        entry = inproc.setdefault(name, {}).setdefault(kind, {})
        times = [run["ms"] for run in runs]
        if op == "time":
            entry.update(
                ms=statistics.median(times),
                p90=p90(times),
                bytes=statistics.median(run["bytes"] for run in runs),
            )
        else:
            entry.update(
                floor_ms=statistics.median(times),
                floor_bytes=statistics.median(run["bytes"] for run in runs),
            )
    for kinds in inproc.values():
        for entry in kinds.values():
            if "floor_ms" in entry and "ms" in entry:
                entry["floor_pct"] = 100 * entry["floor_ms"] / entry["ms"]
    served: dict[str, dict[str, dict]] = {}
    for key, runs in results.get("gunicorn", {}).items():
        name, kind = key.split(":")
        served.setdefault(name, {})[kind] = {
            "rps": statistics.median(run["rps"] for run in runs),
            "p50_ms": statistics.median(run["p50_ms"] for run in runs),
            "p99_ms": statistics.median(run["p99_ms"] for run in runs),
            "errors": sum(run["errors"] for run in runs),
        }
    exported = {
        name: {
            key: statistics.median(run[key] for run in runs) for key in ("s", "peak_mib", "bytes")
        }
        for name, runs in results.get("export", {}).items()
    }
    summary = {"in_process": inproc, "gunicorn": served, "export": exported}
    summary["verdicts"] = verdicts(summary)
    return summary


def fastest(values: dict[str, float], lower_is_better: bool = True) -> tuple[str, float]:
    """The best peer's name and figure (ours left out)."""
    peers = {name: value for name, value in values.items() if name in PEERS}
    pick = min if lower_is_better else max
    name = pick(peers, key=peers.get)
    return name, peers[name]


def verdicts(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per target of issue 17: what ours did, the yardstick, pass or fail."""
    rows = []
    inproc, served, exported = summary["in_process"], summary["gunicorn"], summary["export"]
    names = {
        "list": "list the 1,000 spans",
        "page": "a page of 100 (lean)",
        "create": "create one span",
    }
    for kind, label in names.items():
        times = {n: inproc[n][kind]["ms"] for n in inproc if kind in inproc[n]}
        if "ours" in times and len(times) > 1:
            peer, best = fastest(times)
            rows.append(
                {
                    "target": f"{label}, in-process: ms ≤ fastest peer",
                    "ours": times["ours"],
                    "yardstick": best,
                    "peer": peer,
                    "ratio": times["ours"] / best,
                    "pass": times["ours"] <= best,
                }
            )
        if "ours" in served and kind in served["ours"]:
            rps = {n: served[n][kind]["rps"] for n in served if kind in served[n]}
            p99 = {n: served[n][kind]["p99_ms"] for n in served if kind in served[n]}
            answered = not served["ours"][kind]["errors"]  # fast errors are no speed
            if len(rps) > 1:
                peer, best = fastest(rps, lower_is_better=False)
                rows.append(
                    {
                        "target": f"{label}, gunicorn: req/s ≥ fastest peer",
                        "ours": rps["ours"],
                        "yardstick": best,
                        "peer": peer,
                        "ratio": rps["ours"] / best,
                        "pass": rps["ours"] >= best and answered,
                    }
                )
                peer, best = fastest(p99)
                rows.append(
                    {
                        "target": f"{label}, gunicorn: p99 ≤ fastest peer's",
                        "ours": p99["ours"],
                        "yardstick": best,
                        "peer": peer,
                        "ratio": p99["ours"] / best,
                        "pass": p99["ours"] <= best and answered,
                    }
                )
    for kind, label in (
        ("list_full", "full 1,000-claim list (?expand=sources,events)"),
        ("export_page", "export page of 100 (sources, article, corrections)"),
    ):
        entry = inproc.get("ours", {}).get(kind)
        if entry and "floor_pct" in entry:
            rows.append(
                {
                    "target": f"{label}: ≥ {RICH_FLOOR_TARGET:.0f}% of its raw-SQL floor",
                    "ours": entry["floor_pct"],
                    "yardstick": RICH_FLOOR_TARGET,
                    "peer": None,
                    "ratio": entry["floor_pct"] / RICH_FLOOR_TARGET,
                    "pass": entry["floor_pct"] >= RICH_FLOOR_TARGET,
                }
            )
    if "ours" in exported and len(exported) > 1:
        for key, label in (
            ("s", "full export: time ≤ fastest peer"),
            ("peak_mib", "full export: peak memory ≤ smallest peer"),
        ):
            values = {n: exported[n][key] for n in exported}
            peer, best = fastest(values)
            rows.append(
                {
                    "target": label,
                    "ours": values["ours"],
                    "yardstick": best,
                    "peer": peer,
                    "ratio": values["ours"] / best,
                    "pass": values["ours"] <= best,
                }
            )
    return rows


# --- the report --------------------------------------------------------------------------


def ms(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:,.0f} ms" if value >= 100 else f"{value:,.1f} ms"


def size(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value / 1e6:,.2f} MB" if value >= 1e6 else f"{value / 1e3:,.1f} kB"


def cell(entry: dict | None) -> str:
    """'12.3 ms (p90 14.0; 0.18 MB; 13% of its floor)' for one in-process series."""
    if not entry or "ms" not in entry:
        return "–"
    parts = [f"p90 {ms(entry['p90']).removesuffix(' ms')}", size(entry["bytes"])]
    if "floor_pct" in entry:
        parts.append(f"{entry['floor_pct']:.0f}% of its floor ({ms(entry['floor_ms'])})")
    return f"{ms(entry['ms'])} ({'; '.join(parts)})"


def served_cell(entry: dict | None) -> str:
    if not entry:
        return "–"
    text = f"{entry['rps']:,.1f} req/s, p50 {ms(entry['p50_ms'])}, p99 {ms(entry['p99_ms'])}"
    return text + (f", **{entry['errors']} errors**" if entry["errors"] else "")


def ratio_to_peers(values: dict[str, float], lower_is_better: bool = True) -> str:
    peers = {n: v for n, v in values.items() if n in PEERS and v}
    if "ours" not in values or not peers:
        return "–"
    peer, best = fastest(peers, lower_is_better)
    return f"{values['ours'] / best:.2f}× {LABELS[peer]}"


def table(summary: dict[str, Any]) -> list[str]:
    inproc, served, exported = summary["in_process"], summary["gunicorn"], summary["export"]
    lines = [
        "| request | ours | doccano | Label Studio | ours ÷ fastest peer |",
        "|---|---|---|---|---|",
    ]

    def row(label: str, cells: dict[str, str], ratio: str) -> None:
        lines.append(
            f"| {label} | " + " | ".join(cells.get(n, "–") for n in LABELS) + f" | {ratio} |"
        )

    for kind, label in (
        ("list", "list the 1,000 spans of one document (our lean list)"),
        ("create", "create one span"),
        ("page", "a page of 100: one 100-span document (our lean list)"),
    ):
        entries = {n: inproc.get(n, {}).get(kind) for n in LABELS}
        times = {n: e["ms"] for n, e in entries.items() if e and "ms" in e}
        row(label, {n: cell(e) for n, e in entries.items()}, ratio_to_peers(times) + " (time)")
    for kind, label in (
        ("list_full", "ours, rich: the 1,000 claims ?expand=sources,events"),
        ("export_page", "ours, rich: export page ?page_size=100"),
    ):
        row(label, {"ours": cell(inproc.get("ours", {}).get(kind))}, "–")
    for kind, label in (
        ("list", "list of 1,000 through gunicorn"),
        ("page", "page of 100 through gunicorn"),
        ("create", "create one span through gunicorn"),
    ):
        entries = {n: served.get(n, {}).get(kind) for n in LABELS}
        rps = {n: e["rps"] for n, e in entries.items() if e}
        row(
            label,
            {n: served_cell(e) for n, e in entries.items()},
            ratio_to_peers(rps, lower_is_better=False) + " (req/s)",
        )
    floor = served.get("ours", {}).get("floor_view")
    lean = served.get("ours", {}).get("list")
    if floor and lean:
        row(
            "ours: the lean list's SQL, rows as JSON (bench/peers-floor), through gunicorn",
            {"ours": served_cell(floor)},
            f"our list at {100 * lean['rps'] / floor['rps']:.0f}% of it (req/s)",
        )
    cells = {
        n: f"{e['s']:.2f} s, {e['peak_mib']:.0f} MiB peak, {size(e['bytes'])}"
        for n, e in exported.items()
    }
    row(
        "full export of 11,000 annotations",
        cells,
        ratio_to_peers({n: e["s"] for n, e in exported.items()})
        + " (time), "
        + ratio_to_peers({n: e["peak_mib"] for n, e in exported.items()})
        + " (memory)",
    )
    return lines


def query_table(results: dict[str, Any]) -> list[str]:
    """Statements per request: all of them, and the SELECTs its floor runs again."""
    counts = results.get("queries", {})
    kinds = ("list", "page", "create", "list_full", "export_page")
    lines = ["| request | " + " | ".join(LABELS.values()) + " |", "|---" * 4 + "|"]
    for kind in kinds:
        cells = []
        for name in LABELS:
            found = counts.get(f"{name}:{kind}")
            cells.append(f"{found['total']} ({found['data']} on its tables)" if found else "–")
        lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    return lines


def verdict_table(summary: dict[str, Any]) -> list[str]:
    lines = ["| target | ours | yardstick | ratio | result |", "|---|---|---|---|---|"]
    for v in summary["verdicts"]:
        yardstick = f"{v['yardstick']:,.1f}" + (f" ({LABELS[v['peer']]})" if v["peer"] else "")
        lines.append(
            f"| {v['target']} | {v['ours']:,.1f} | {yardstick} | {v['ratio']:.2f} | "
            f"{'PASS' if v['pass'] else '**FAIL**'} |"
        )
    return lines


PAYLOADS = """## Where the payloads differ

- **The span lists** (1,000 and 100): ours (the lean list, the workspace's default) gives
  per claim its id, span, status, the claim's wording, verdict slug, author, source
  count and its appearance's id and states; doccano gives per span its id, offsets,
  label id, user, example, probability and two timestamps, with no text; Label Studio
  gives the task's one annotation, whose `result` holds every region with its offsets,
  its quoted text and labels, plus the annotation's own metadata. Ours is the largest
  because it carries the claim's wording and review state, which the peers have no
  notion of; the comparison is like for like in what a client needs to draw the spans.
- **Create**: ours is asked with `Prefer: return=minimal` and answers the new claim as
  the lean list gives it (its address in `Location`), doccano answers the span row,
  Label Studio the annotation. Without the header ours answers the full workspace
  representation (1.7 kB, with its ETag; five more queries).
- **Our rich representations** have no peer counterpart: the full list
  (`?expand=sources,events`: sources, events, permissions of the reader) and the export
  page (`/api/v1/claims/?page_size=100`: article, verdict scale, sources, corrections).
  They are judged against their own raw-SQL floor only.
- **The export**: ours is `export_claims --representation 2`, JSON Lines of every
  approved claim with its sources, verdict, rationale (HTML) and quote, the article
  named by id (version 1, the API's default, repeats the article object on every line
  and the rationale as plain text: a third more bytes); doccano's JSONL
  has each document's text once and its spans as `[start, end, label]`; Label Studio's
  JSON has each task's text once and each region with its quoted text.

## How it was run

`make bench-peers` (bench/README.md, "Against doccano and Label Studio"). Each system in
its own virtualenv and PostgreSQL database (`peers_ours`, `peers_doccano`,
`peers_labelstudio`), filled through its own models with the same texts and offsets (ours
by `generate_bench_data`, read back into `var/peers/spec.json`, which the peers load).
In-process: one long-lived worker per system (its python, its settings, its
`django.test.Client` with its admin's or editor's API token) runs the request the
coordinator names next. A floor is the endpoint's own SELECTs on the system's tables,
captured from the request and run again with a raw cursor, rows → dicts →
`json.dumps`. Creates go to a fresh empty document each run, so the lists keep their
size. Exports: `manage.py export_claims --representation 2 -o FILE`, doccano's `export_dataset` task
function (its zip unpacked to count the bytes), Label Studio's `export_project` (what
`label-studio export` runs), each in a fresh process, peak RSS from `os.wait4`.
gunicorn: 2 sync workers, each system's own WSGI app and settings; all three keep their
database connection open between requests, in-process and served (Label Studio's settings
would open one per request: `bench/peers_labelstudio.py` sets `CONN_MAX_AGE` as ours
and doccano do, `bench/peers_labelstudio_wsgi.py` serves its app
with it). wrk `-t2 -c20 --latency` with the token header, a Lua script for the POST.
"""


def write_markdown(
    path: Path, results: dict[str, Any], summary: dict[str, Any], notes: str = ""
) -> None:
    """The table, the verdicts, the run's conditions; ``notes`` (the causes) kept from the
    hand-written part of an earlier file, below its marker."""
    marker = "<!-- hand-written below: kept by bench/peers.py -->"
    kept = ""
    if path.exists() and marker in path.read_text():
        kept = path.read_text().split(marker, 1)[1]
    versions = ", ".join(f"{LABELS[n]} {v}" for n, v in results["versions"].items())
    before = ", ".join(f"{x:.2f}" for x in results["load_before"])
    after = ", ".join(f"{x:.2f}" for x in results["load_after"])
    text = [
        "# Side by side with doccano and Label Studio (issue 17)",
        "",
        f"Written by `make bench-peers` (bench/peers.py) on {results['date']}, "
        f"{results['minutes']:.1f} minutes, {results['cpus']} CPUs. Versions: {versions}. "
        f"Load average before: {before}; after: {after}."
        + (" **Quick run: few samples, short wrk runs.**" if results["quick"] else ""),
        "",
        f"In-process: median of {results['samples']} interleaved samples (A, B, C, A, B, C…), "
        "p90 beside it, the body's bytes, and the request's speed as a % of its own raw-SQL "
        f"floor. Through gunicorn (2 sync workers): wrk, 20 connections, {results['seconds']} s, "
        f"{results['rounds']} round(s), the systems in turn; medians over rounds.",
        "",
        *table(summary),
        "",
        "## Targets",
        "",
        *verdict_table(summary),
        "",
        "## SQL statements per request",
        "",
        *query_table(results),
        "",
        PAYLOADS,
        marker,
        kept.strip("\n") or notes,
        "",
    ]
    path.write_text("\n".join(text))


def write_chart(path: Path, results: dict[str, Any], summary: dict[str, Any]) -> None:
    """In-process medians (log scale) and requests per second through gunicorn."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    colours = {"ours": "#d1495b", "doccano": "#00798c", "labelstudio": "#edae49"}
    figure, (left, right, export) = plt.subplots(
        1, 3, figsize=(15, 4.5), gridspec_kw={"width_ratios": [3, 3, 2]}
    )
    kinds = [("list", "list 1,000"), ("page", "page of 100"), ("create", "create")]
    width = 0.27
    for n, name in enumerate(LABELS):
        entries = summary["in_process"].get(name, {})
        values = [entries.get(kind, {}).get("ms", 0) for kind, _ in kinds]
        left.bar(
            [i + (n - 1) * width for i in range(len(kinds))],
            values,
            width,
            label=LABELS[name],
            color=colours[name],
        )
        served = summary["gunicorn"].get(name, {})
        values = [served.get(kind, {}).get("rps", 0) for kind, _ in kinds]
        right.bar(
            [i + (n - 1) * width for i in range(len(kinds))],
            values,
            width,
            label=LABELS[name],
            color=colours[name],
        )
    for axis, title in (
        (left, "in-process, median ms (log; lower is better)"),
        (right, "gunicorn 2 workers + wrk, req/s (higher is better)"),
    ):
        axis.set_xticks(range(len(kinds)), [label for _, label in kinds])
        axis.set_title(title, fontsize=10)
        axis.legend(fontsize=8)
    left.set_yscale("log")
    exported = summary["export"]
    for n, name in enumerate(n for n in LABELS if n in exported):
        entry = exported[name]
        export.bar(n, entry["peak_mib"], 0.6, color=colours[name])
        export.annotate(f"{entry['s']:.2f} s", (n, entry["peak_mib"]), ha="center", va="bottom")
    shown = [LABELS[n] for n in LABELS if n in exported]
    export.set_xticks(range(len(shown)), shown)
    export.set_title("full export: peak MiB (time on top; lower is better)", fontsize=10)
    figure.suptitle(f"factcheck against doccano and Label Studio ({results['date']})", fontsize=11)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
