"""Side by side with doccano and Label Studio (issue 17): ``make bench-peers``.

Each system runs in its own virtualenv (var/peers/, made by the Makefile), on its own
PostgreSQL database, filled through its own models with the same texts and offsets
(bench/peers_ours.py makes ours with ``generate_bench_data`` and writes the spec the
peers load). Then, in this order:

1. the full export of each, in a fresh child process (wall time, peak RSS, bytes);
2. in-process: one long-lived worker per system (bench/peers_worker.py, its own
   python and settings) runs the request this coordinator names next, interleaved
   (A, B, C, A, B, C…), with each list's raw-SQL floor beside it;
3. pyinstrument profiles of our requests;
4. gunicorn (2 sync workers) for each, wrk against each in turn, round after round.

Writes bench/peers.md and bench/peers.png (``--quick``: bench/data/peers-quick.md and
.png). Databases are kept while their recipe is unchanged (its key is the database's
comment); every server and worker is stopped whatever happens.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

if __package__ in (None, ""):  # run as a script (python bench/peers.py)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    BENCH,
    DATA,
    LOOPBACK,
    PYTHON,
    ROOT,
    django_env,
    free_port,
    say,
    stop,
    write_json,
)
from bench.peers_report import summarize, write_chart, write_markdown  # noqa: E402

PEERS = ROOT / "var" / "peers"
SERVER = f"postgres://root@{LOOPBACK}:5432"
# Our export as a consumer that wants no waste reads it: version 2 names each article by
# id (not an object on every line) and gives the rationale once.
OUR_EXPORT = ("export_claims", "--representation", "2")
LIST_KINDS = ("list", "page")  # the GETs every system answers; "create" is the POST
OUR_RICH = ("list_full", "export_page")
WRK_KINDS = ("list", "page", "create")


@dataclass
class System:
    """One system under test: its python, database, WSGI app and environment."""

    name: str
    label: str
    python: str
    database: str
    wsgi: str
    package: str  # the distribution whose version is reported
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"{SERVER}/{self.database}"

    def env(self) -> dict[str, str]:
        if self.name == "ours":
            return django_env(self.url, DATABASE_CONN_MAX_AGE="60", **self.extra_env)
        env = dict(os.environ)
        env.pop("DJANGO_SETTINGS_MODULE", None)
        env.update({"PYTHONPATH": str(ROOT), **self.extra_env})
        return env


def systems() -> list[System]:
    ls_data = PEERS / "labelstudio-data"
    return [
        System("ours", "ours", PYTHON, "peers_ours", "factcheck.wsgi:application", "factcheck"),
        System(
            "doccano",
            "doccano",
            str(PEERS / "doccano" / "bin" / "python"),
            "peers_doccano",
            "config.wsgi:application",
            "doccano",
            {
                "DJANGO_SETTINGS_MODULE": "config.settings.production",
                "DATABASE_URL": f"{SERVER}/peers_doccano?sslmode=disable",
                "MEDIA_ROOT": str(PEERS / "doccano-media"),
            },
        ),
        System(
            "labelstudio",
            "Label Studio",
            str(PEERS / "labelstudio" / "bin" / "python"),
            "peers_labelstudio",
            "bench.peers_labelstudio_wsgi:application",
            "label-studio",
            {
                "DJANGO_SETTINGS_MODULE": "core.settings.label_studio",
                "DJANGO_DB": "default",
                "POSTGRE_NAME": "peers_labelstudio",
                "POSTGRE_USER": "root",
                "POSTGRE_PASSWORD": "",
                "POSTGRE_HOST": LOOPBACK,
                "POSTGRE_PORT": "5432",
                "LABEL_STUDIO_BASE_DATA_DIR": str(ls_data),
                "DEBUG": "false",
                "LOG_LEVEL": "WARNING",
                "LATEST_VERSION_CHECK": "false",
                "SECRET_KEY": "bench-only-not-a-secret-" + "x" * 40,
            },
        ),
    ]


# --- databases ---------------------------------------------------------------------------


def database_comment(url: str) -> str | None:
    """The recipe key a filled database carries, or None when it does not exist."""
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        row = connection.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [parts.path.lstrip("/")],
        ).fetchone()
    return None if row is None else (row[0] or "")


def set_comment(url: str, key: str) -> None:
    import psycopg
    from psycopg import sql

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(
            sql.SQL("COMMENT ON DATABASE {} IS {}").format(sql.Identifier(name), sql.Literal(key))
        )


def recipe(system: System, spec: Path | None) -> str:
    """What a database was filled from: the adapter's and generator's source, the migrations
    (ours) or the spec (peers), the system's version."""
    digest = hashlib.sha256(system.name.encode())
    digest.update((BENCH / f"peers_{system.name}.py").read_bytes())
    if system.name == "ours":
        from bench.datasets import recipe_key

        digest.update(recipe_key("peers").encode())
    else:
        digest.update(spec.read_bytes() if spec else b"")
        digest.update(version(system).encode())
    return digest.hexdigest()[:12]


def version(system: System) -> str:
    code = f"import importlib.metadata as m; print(m.version({system.package!r}))"
    return subprocess.run(
        [system.python, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()


# --- workers -----------------------------------------------------------------------------


class WorkerProcess:
    """A system's long-lived worker: one JSON command a line in, one answer a line out."""

    def __init__(self, system: System) -> None:
        self.system = system
        self.process = subprocess.Popen(
            [system.python, "-m", "bench.peers_worker", system.name],
            cwd=ROOT,
            env=system.env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=(PEERS / f"worker-{system.name}.log").open("ab"),
            text=True,
            bufsize=1,
            start_new_session=True,
        )
        self.read()

    def read(self) -> dict[str, Any]:
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(
                f"the {self.system.name} worker exited (var/peers/worker-{self.system.name}.log)"
            )
        answer = json.loads(line)
        if "error" in answer:
            raise RuntimeError(f"{self.system.name}: {answer['error']}")
        return answer

    def ask(self, op: str, **args: Any) -> dict[str, Any]:
        self.process.stdin.write(json.dumps({"op": op, **args}) + "\n")
        return self.read()

    def close(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.process.stdin.write('{"op": "quit"}\n')
            self.process.stdin.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(10)
        stop(self.process)


@contextlib.contextmanager
def workers() -> Iterator[dict[str, WorkerProcess]]:
    """The pool prepare() starts the workers into; each is stopped whatever happens."""
    started: dict[str, WorkerProcess] = {}
    try:
        yield started
    finally:
        for worker in started.values():
            worker.close()


def prepare(chosen: list[System], pool: dict[str, WorkerProcess]) -> dict[str, dict]:
    """Start each worker and fill its database once (ours first: it writes the spec the
    peers load). A database is made afresh before its worker starts: Label Studio reads
    its database while Django sets up."""
    from bench.load_bench import recreate_database

    spec = PEERS / "spec.json"
    states = {}
    for system in chosen:
        key = recipe(system, spec if system.name != "ours" else None)
        fresh = database_comment(system.url) != key
        if fresh:
            say(f"[peers] {system.label}: fresh database {system.database}, migrate, load")
            recreate_database(system.url)
        else:
            say(f"[peers] {system.label}: reusing {system.database}")
        pool[system.name] = WorkerProcess(system)
        began = time.perf_counter()
        states[system.name] = pool[system.name].ask("load", spec_path=str(spec), fresh=fresh)
        if fresh:
            set_comment(system.url, key)
            say(f"  loaded in {time.perf_counter() - began:.0f} s")
    return states


# --- measurements ------------------------------------------------------------------------


def in_process(pool: dict[str, WorkerProcess], samples: int) -> dict[str, Any]:
    """Every request and floor, each system in turn within a round, rounds interleaved."""
    plan = [
        (name, kind, op)
        for name in pool
        for kind in (*LIST_KINDS, "create")
        for op in ("time", "floor")
        if not (kind == "create" and op == "floor")
    ]
    plan += [("ours", kind, op) for kind in (*OUR_RICH,) for op in ("time", "floor")]
    runs: dict[str, list[dict]] = {f"{n}:{k}:{o}": [] for n, k, o in plan}
    for name, kind, op in plan:  # warm-up: imports, caches, the floor's captured SQL
        pool[name].ask(op, name=kind)
    for sample in range(samples):
        for kind in (*LIST_KINDS, "create", *OUR_RICH):
            for name, k, op in plan:
                if k == kind:
                    runs[f"{name}:{k}:{op}"].append(pool[name].ask(op, name=k))
        if sample % 10 == 9:
            say(f"  {sample + 1}/{samples} rounds")
    return runs


def child_peak(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(seconds, peak RSS in MiB) of a fresh child: its own ru_maxrss, from os.wait4."""
    began = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(PEERS / "export.log").open("ab"),
    )
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - began
    if process.returncode != 0:
        raise RuntimeError(f"{command[:4]} exited with {process.returncode} (var/peers/export.log)")
    return seconds, usage.ru_maxrss / 1024


def exports(chosen: list[System], repeat: int) -> dict[str, list[dict]]:
    """Each system's full export, ``repeat`` times, interleaved; the file's bytes."""
    runs: dict[str, list[dict]] = {system.name: [] for system in chosen}
    for _ in range(repeat):
        for system in chosen:
            out = PEERS / f"export-{system.name}.out"
            out.unlink(missing_ok=True)
            if system.name == "ours":
                command = [PYTHON, str(ROOT / "manage.py"), *OUR_EXPORT, "-o", str(out)]
            else:
                command = [
                    system.python,
                    "-m",
                    "bench.peers_worker",
                    system.name,
                    "export",
                    str(out),
                ]
            seconds, peak = child_peak(command, system.env())
            runs[system.name].append({"s": seconds, "peak_mib": peak, "bytes": out.stat().st_size})
            say(
                f"  export {system.label}: {seconds:.2f} s, peak {peak:.0f} MiB, "
                f"{out.stat().st_size / 1e6:.1f} MB"
            )
    return runs


PACKAGE_DIR = {
    "doccano": "import backend, os; print(os.path.dirname(backend.__file__))",
    "labelstudio": "import label_studio, os; print(os.path.dirname(label_studio.__file__))",
}


def package_dir(system: System) -> Path:
    """Where the system's WSGI module is importable from (gunicorn's --chdir)."""
    if system.name == "ours":
        return ROOT
    code = PACKAGE_DIR[system.name]
    found = subprocess.run([system.python, "-c", code], capture_output=True, text=True, check=True)
    return Path(found.stdout.strip())


@contextlib.contextmanager
def serving(system: System, probe: str, authorization: str) -> Iterator[str]:
    """The system's own WSGI app under gunicorn (2 sync workers) on a free loopback port."""
    port = free_port()
    base = f"http://{LOOPBACK}:{port}"
    chdir = package_dir(system)
    command = [
        system.python,
        "-m",
        "gunicorn",
        system.wsgi,
        "--bind",
        f"{LOOPBACK}:{port}",
        "--workers",
        "2",
        "--chdir",
        str(chdir),
        "--timeout",
        "120",
        "--graceful-timeout",
        "5",
        "--log-level",
        "warning",
    ]
    env = system.env()
    env["PYTHONPATH"] = f"{chdir}:{ROOT}"
    with (PEERS / f"gunicorn-{system.name}.log").open("ab") as log:
        process = subprocess.Popen(
            command,
            cwd=chdir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for(base + probe, authorization, process)
        yield base
    finally:
        stop(process)


def fetch(url: str, authorization: str, timeout: float = 120) -> bytes:
    request = urllib.request.Request(url, headers={"Authorization": authorization})
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - loopback
        return response.read()


def wait_for(url: str, authorization: str, process: subprocess.Popen, limit: float = 120) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode} (var/peers/)")
        try:
            fetch(url, authorization, timeout=30)
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"no answer from {url} within {limit:.0f} s")


def wrk(url: str, authorization: str, seconds: int, script: Path | None = None) -> dict:
    """wrk, 2 threads and 20 connections against one loopback URL; its figures parsed."""
    from bench.peers_report import parse_wrk

    assert url.startswith(f"http://{LOOPBACK}:"), url  # loopback only, always
    command = [
        "wrk",
        "-t",
        "2",
        "-c",
        "20",
        "-d",
        f"{seconds}s",
        "--timeout",
        "10s",
        "--latency",
        "-H",
        f"Authorization: {authorization}",
    ]
    if script:
        command += ["-s", str(script)]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    return parse_wrk(output)


def post_script(system: str, request: dict) -> Path:
    """A wrk script that POSTs the system's create body (written under var/peers/)."""
    path = PEERS / f"wrk-create-{system}.lua"
    headers = {"Content-Type": "application/json", **request.get("headers", {})}
    path.write_text(
        'wrk.method = "POST"\n'
        f"wrk.body = {json.dumps(request['body'])}\n"
        + "".join(f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}\n" for k, v in headers.items())
    )
    return path


def through_gunicorn(chosen: list[System], states: dict, rounds: int, seconds: int) -> dict:
    """All servers up at once (idle ones cost nothing); wrk against each in turn, round
    after round, each run followed by a drain of what it left queued."""
    runs: dict[str, list[dict]] = {}
    with contextlib.ExitStack() as stack:
        bases = {}
        for system in chosen:
            state = states[system.name]
            bases[system.name] = stack.enter_context(
                serving(system, state["requests"]["page"]["path"], state["authorization"])
            )
            say(f"  gunicorn {system.label} at {bases[system.name]}")
        targets = []
        for kind in WRK_KINDS:
            for system in chosen:
                targets.append((system.name, kind))
            if kind == "list":
                targets.append(("ours", "floor_view"))
        for system in chosen:  # warm-up
            state = states[system.name]
            wrk(bases[system.name] + state["requests"]["page"]["path"], state["authorization"], 2)
        for _ in range(rounds):
            for name, kind in targets:
                state = states[name]
                base = bases[name]
                if kind == "floor_view":
                    url, script = base + state["floor_view"], None
                else:
                    request = state["requests"][kind]
                    url = base + request["path"]
                    script = post_script(name, request) if request["method"] == "POST" else None
                result = wrk(url, state["authorization"], seconds, script)
                runs.setdefault(f"{name}:{kind}", []).append(result)
                say(
                    f"  wrk {name} {kind}: {result['rps']:,.1f} req/s, p50 "
                    f"{result['p50_ms']:,.1f} ms, p99 {result['p99_ms']:,.1f} ms, "
                    f"{result['errors']} errors"
                )
                for _ in range(2):  # drain: FIFO listen queue, so these wait behind the rest
                    fetch(base + state["requests"]["page"]["path"], state["authorization"])
    return runs


def profiles(pool: dict[str, WorkerProcess], folder: Path, quick: bool) -> None:
    """pyinstrument on our three shared requests (in the worker) and on our export (the
    command in a fresh process, start-up included, as the export row times it)."""
    folder.mkdir(parents=True, exist_ok=True)
    for kind, runs, name in (("list", 5, "list"), ("create", 20, "create"), ("page", 20, "page")):
        path = folder / f"profile-peers-{name}.txt"
        pool["ours"].ask("profile", name=kind, path=str(path), runs=2 if quick else runs)
        say(f"  profile written to {path.relative_to(ROOT)}")
    path = folder / "profile-peers-export.txt"
    ours = next(system for system in systems() if system.name == "ours")
    command = [
        PYTHON, "-m", "pyinstrument", "-r", "text", "-i", "0.001", "-o", str(path),
        str(ROOT / "manage.py"), *OUR_EXPORT, "-o", str(PEERS / "export-ours.out"),
    ]  # fmt: skip
    subprocess.run(command, cwd=ROOT, env=ours.env(), check=True, stderr=subprocess.DEVNULL)
    say(f"  profile written to {path.relative_to(ROOT)}")


# --- the run -----------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="few samples, short wrk runs")
    parser.add_argument("--samples", type=int, help="in-process samples per request")
    parser.add_argument("--seconds", type=int, help="seconds of each wrk run")
    args = parser.parse_args()
    samples = args.samples or (5 if args.quick else 40)
    seconds = args.seconds or (3 if args.quick else 20)
    rounds, export_repeat = (1, 1) if args.quick else (3, 3)
    chosen = systems()
    for system in chosen:
        if not Path(system.python).exists():
            sys.exit(f"{system.python} is missing: `make bench-peers` installs the peers")
    PEERS.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    results: dict[str, Any] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load_before": os.getloadavg(),
        "versions": {system.name: version(system) for system in chosen},
        "quick": args.quick,
        "samples": samples,
        "seconds": seconds,
        "rounds": rounds,
        "cpus": os.cpu_count(),
    }
    say(f"[peers] versions: {results['versions']}")
    with workers() as pool:
        states = prepare(chosen, pool)
        results["states"] = states
        say("[peers] full exports, each in a fresh process")
        results["export"] = exports(chosen, export_repeat)
        say(f"[peers] in-process, {samples} interleaved samples of each request")
        results["in_process"] = in_process(pool, samples)
        results["queries"] = {
            f"{name}:{kind}": pool[name].ask("queries", name=kind)
            for name in pool
            for kind in states[name]["requests"]
        }
        say("[peers] profiles of our requests")
        profiles(pool, DATA if args.quick else BENCH, args.quick)
    say(f"[peers] through gunicorn, wrk {seconds} s x {rounds} round(s)")
    results["gunicorn"] = through_gunicorn(chosen, states, rounds, seconds)
    results["load_after"] = os.getloadavg()
    results["minutes"] = (time.perf_counter() - began) / 60
    summary = summarize(results)
    name = "peers-quick" if args.quick else "peers"
    folder = DATA if args.quick else BENCH
    write_json(DATA / f"{name}.json", {"results": results, "summary": summary})
    write_markdown(folder / f"{name}.md", results, summary)
    write_chart(folder / f"{name}.png", results, summary)
    say(
        f"[peers] wrote {(folder / name).relative_to(ROOT)}.md and .png "
        f"in {results['minutes']:.1f} min"
    )


if __name__ == "__main__":
    main()
