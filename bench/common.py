"""What every benchmark shares: paths, the environment of the processes it starts,
medians, printing a figure as it is measured, and servers that always stop."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
DATA = BENCH / "data"
PYTHON = sys.executable
LOOPBACK = "127.0.0.1"


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def django_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a Django process started by a benchmark (bench.settings)."""
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATABASE_URL": database_url,
            "PYTHONPATH": str(ROOT),
            "DJANGO_DEBUG": "false",
            "DJANGO_LOG_LEVEL": "ERROR",
        }
    )
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.update(extra)
    return env


def setup_django(database_url: str | None = None) -> None:
    """Configure Django in this process (for the benchmark modules run as subprocesses)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def manage(database_url: str, *args: str, quiet: bool = True, **extra: str) -> None:
    """Run ``manage.py`` with the benchmark settings; raise if it fails."""
    out = subprocess.DEVNULL if quiet else None
    subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=django_env(database_url, **extra),
        stdout=out,
        check=True,
    )


def median(values: list[float]) -> float:
    return statistics.median(values)


def say(text: str) -> None:
    """Progress and figures, as they are measured (stderr, unbuffered)."""
    print(text, file=sys.stderr, flush=True)


def figure(name: str, value: float, unit: str, runs: list[float] | None = None) -> None:
    detail = ""
    if runs and len(runs) > 1:
        detail = "  (runs: " + ", ".join(f"{run:,.1f}" for run in runs) + ")"
    say(f"  -> {name}: {value:,.1f} {unit}{detail}")


def write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, default=str))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def wait_for_http(url: str, timeout: float = 60.0, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode} before answering")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"no answer from {url} within {timeout:.0f} s")


def stop(process: subprocess.Popen, grace: float = 10.0) -> None:
    """Stop a process group we started: SIGTERM, then SIGKILL after ``grace`` seconds."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextlib.contextmanager
def gunicorn(database_url: str, *, workers: int = 2, log: Path, **extra: str) -> Iterator[str]:
    """gunicorn on 127.0.0.1 and a free port with the benchmark settings; yields its base URL.

    It runs in its own process group, stopped (with its workers) whatever happens.
    """
    port = free_port()
    log.parent.mkdir(parents=True, exist_ok=True)
    command = [
        PYTHON, "-m", "gunicorn", "factcheck.wsgi:application",
        "--bind", f"{LOOPBACK}:{port}",
        "--workers", str(workers),
        "--chdir", str(ROOT),
        "--timeout", "120",
        "--graceful-timeout", "5",
        "--log-level", "warning",
    ]  # fmt: skip
    with log.open("ab") as log_file:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=django_env(database_url, **extra),
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://{LOOPBACK}:{port}"
    try:
        wait_for_http(f"{base}/bench/ping/", process=process)
        yield base
    finally:
        stop(process)


def run_module(module: str, database_url: str, out: Path, *args: str, **extra: str) -> Any:
    """Run ``python -m bench.<module>`` against a database; return the JSON it writes to ``out``.

    Its progress and figures go straight to our stderr as they are measured.
    """
    out.unlink(missing_ok=True)
    subprocess.run(
        [PYTHON, "-m", f"bench.{module}", "--out", str(out), *args],
        cwd=ROOT,
        env=django_env(database_url, **extra),
        check=True,
    )
    return json.loads(out.read_text())


def next_link(header: str) -> str | None:
    """The path and query of a Link header's rel="next" (None on the last page). A page
    past the first also links its prev, and the last one only that: reading the first
    link would walk back and forth for ever."""
    for part in header.split(","):
        address, _, params = part.partition(";")
        if 'rel="next"' in params:
            url = urlsplit(address.strip()[1:-1])
            return f"{url.path}?{url.query}" if url.query else url.path
    return None
