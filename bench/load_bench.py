"""Load: gunicorn (2 sync workers) on PostgreSQL under wrk, against a bare view in the same run.

The database is made afresh (``factcheck_bench`` by default; BENCH_DATABASE_URL
names another) and filled by ``generate_bench_data``. wrk runs on this machine
against 127.0.0.1 only, bounded in time (``-d``), with ``-c`` connections that
each send their next request as soon as the last is answered (a closed loop: no
think time). The app mix and the bare view alternate, each ``repeat`` times, on
the same server; each figure is the median over the runs.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.common import (
    BENCH,
    DATA,
    LOOPBACK,
    figure,
    gunicorn,
    manage,
    median,
    run_module,
    say,
)

DEFAULT_DATABASE_URL = f"postgres://root@{LOOPBACK}:5432/factcheck_bench"
DATA_ARGS = ["--articles", "500", "--claims", "5000", "--sources", "2", "--seed", "42"]
WORKERS = 2
# The mix bench/load.lua sends (keep the two in step).
MIX = {"workspace page": 0.6, "export page": 0.3, "claim create": 0.1}
# Persistent connections, as a production deployment sets them (DATABASE_CONN_MAX_AGE).
SERVER_ENV = {"DATABASE_CONN_MAX_AGE": "60"}


def database_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)


def recreate_database(url: str) -> None:
    """DROP and CREATE the benchmark database, connected to the server's "postgres" one."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        name = sql.Identifier(parts.path.lstrip("/"))
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))


def server_version(url: str) -> str:
    import psycopg

    with psycopg.connect(url) as connection:
        return connection.execute("SHOW server_version").fetchone()[0]


def wrk(base: str, seconds: int, connections: int, *script_args: str) -> dict:
    assert base.startswith(f"http://{LOOPBACK}:"), base  # loopback only, always
    command = [
        "wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s",
        "-s", str(BENCH / "load.lua"), base, "--", *script_args,
    ]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("WRK-RESULT "))
    raw = json.loads(line.removeprefix("WRK-RESULT "))
    errors = sum(raw["errors"].values())
    return {
        "rps": raw["requests"] / (raw["duration_us"] / 1e6),
        "p50_ms": raw["p50_us"] / 1000,
        "p95_ms": raw["p95_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "requests": raw["requests"],
        "errors": errors,
        "error_detail": raw["errors"],
        "statuses": raw["statuses"],
    }


def drain(base: str, limit: float = 120.0) -> None:
    """Wait until the server has worked off the requests a run left queued.

    wrk stops at its deadline, but the requests it had sent wait in the listen
    queue and still run: the next run would otherwise start behind them.
    """
    deadline = time.monotonic() + limit
    fast = 0
    while fast < 3 and time.monotonic() < deadline:
        began = time.perf_counter()
        with urllib.request.urlopen(f"{base}/bench/ping/", timeout=limit) as response:  # noqa: S310
            response.read()
        fast = fast + 1 if time.perf_counter() - began < 0.05 else 0
        time.sleep(0.05)


def unloaded_latency(base: str, requests_file: Path, each: int = 10) -> dict[str, float]:
    """Median time of each kind of request alone (one at a time), for the diagnosis."""
    lines = [line.split("\t") for line in requests_file.read_text().splitlines()]
    cookie = next(f[1] for f in lines if f[0] == "cookie")
    tokens = {f[1]: f[2] for f in lines if f[0] == "token"}
    kinds = {
        "workspace page": ("W", {"Cookie": cookie}),
        "export page": ("E", {"Authorization": tokens["E"]}),
        "claim create": ("C", {"Authorization": tokens["C"], "Content-Type": "application/json"}),
    }
    result = {}
    for name, (kind, headers) in kinds.items():
        picks = [f for f in lines if f[0] == kind][:each]
        times = []
        for fields in picks:
            body = fields[2].encode() if len(fields) > 2 else None
            request = urllib.request.Request(base + fields[1], data=body, headers=headers)
            began = time.perf_counter()
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                response.read()
            times.append(1000 * (time.perf_counter() - began))
        result[name] = statistics.median(times)
        figure(f"load: one {name} alone", result[name], "ms")
    return result


def run(repeat: int, seconds: int, connections: int) -> dict:
    url = database_url()
    requests_file = DATA / "load-requests.tsv"
    say(f"[load] PostgreSQL {url.rsplit('@', 1)[-1]}: fresh database, migrate, generate data")
    recreate_database(url)
    try:
        manage(url, "migrate", "--noinput")
        manage(url, "generate_bench_data", *DATA_ARGS)
        prep = run_module(
            "load_prep", url, DATA / "load-prep.json", "--requests", str(requests_file)
        )
        runs: dict[str, list[dict]] = {"mix": [], "bare": []}
        with gunicorn(url, workers=WORKERS, log=DATA / "gunicorn-load.log", **SERVER_ENV) as base:
            say(f"  gunicorn, {WORKERS} sync workers, at {base}")
            unloaded = unloaded_latency(base, requests_file)
            # A short warm-up of both, so that neither pays for the workers' first requests.
            wrk(base, 3, connections, "mix", str(requests_file))
            drain(base)
            wrk(base, 3, connections, "bare")
            drain(base)
            for n in range(repeat):
                for mode in ("mix", "bare"):
                    args = ("mix", str(requests_file)) if mode == "mix" else ("bare",)
                    result = wrk(base, seconds, connections, *args)
                    runs[mode].append(result)
                    drain(base)
                    say(
                        f"  run {n + 1} {mode}: {result['rps']:,.0f} req/s, p50 "
                        f"{result['p50_ms']:,.1f} ms, p95 {result['p95_ms']:,.1f} ms, "
                        f"{result['errors']} errors, statuses {result['statuses']}"
                    )
        say("  each kind of request in-process, with a profile (bench/profile-load.txt)")
        in_process = run_module(
            "load_profile", url, DATA / "load-profile.json", "--requests", str(requests_file)
        )
    finally:
        drop_database(url)
    summary: dict = {
        "prep": prep,
        "unloaded_ms": unloaded,
        "in_process_ms": in_process,
        "runs": runs,
        "connections": connections,
        "seconds": seconds,
        "workers": WORKERS,
    }
    for mode in ("mix", "bare"):
        summary[mode] = {
            key: median([r[key] for r in runs[mode]])
            for key in ("rps", "p50_ms", "p95_ms", "p99_ms")
        }
        summary[mode]["errors"] = sum(r["errors"] for r in runs[mode])
        for key, unit in (("rps", "req/s"), ("p50_ms", "ms"), ("p95_ms", "ms")):
            values = [r[key] for r in runs[mode]]
            figure(f"load {mode} {key.removesuffix('_ms')}", summary[mode][key], unit, values)
        say(f"  -> load {mode} errors: {summary[mode]['errors']}")
    summary["ratio"] = summary["mix"]["rps"] / summary["bare"]["rps"]
    figure("load mix / bare requests per second", 100 * summary["ratio"], "%")
    return summary
