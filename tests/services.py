"""Services a fault test starts, stops and kills itself: its own Redis, its own
PostgreSQL cluster, Celery workers and beat in their own processes.

Never the machine's shared servers: each service here runs on a free loopback port with
its data in a temporary folder, and is stopped by its own PID (or its own ``pg_ctl``).
A missing binary is a skip with its name, never a pass.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PG_BIN = Path("/usr/lib/postgresql/15/bin")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check: Callable[[], object], seconds: float, what: str) -> object:
    """``check()``'s first true answer, polled for up to ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        answer = check()
        if answer:
            return answer
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {seconds} s")
        time.sleep(0.1)


def listening(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
        return True
    return False


class Redis:
    """A redis-server of our own, no persistence: stopping it loses its queue, as a
    restarted Redis without a disk would."""

    def __init__(self, folder: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("redis-server not found: the broker fault tests need their own Redis")
        self.binary, self.folder = binary, folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> Redis:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_until(lambda: listening(self.port), 10, "redis-server starting")
        return self

    def kill(self) -> None:
        """Down, at once (SIGKILL): no goodbye to its clients."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)
        self.process = None


class Postgres:
    """A PostgreSQL cluster of our own (initdb'd in a temporary folder, on a free port).
    As root, its programs run as the postgres user: initdb refuses root."""

    def __init__(self) -> None:
        if not (PG_BIN / "initdb").exists():
            pytest.skip(f"{PG_BIN}/initdb not found: the database fault tests need it")
        self.folder = Path(tempfile.mkdtemp(prefix="factcheck-faults-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/factcheck"
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]

    def run(self, *args: str) -> None:
        subprocess.run([*self.as_user, *args], check=True, capture_output=True, timeout=120)

    def ctl(self, *args: str) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o", options, "-w",
                 "-l", str(self.folder / "log"), *args)  # fmt: skip

    def create(self) -> Postgres:
        self.run(str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres")
        self.ctl("start")
        self.run(str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port),
                 "-U", "postgres", "factcheck")  # fmt: skip
        return self

    def restart(self, mode: str = "fast") -> None:
        """``pg_ctl restart -m fast``: every connection is cut, the server comes back.
        ``immediate`` is a crash: every backend quits at once, with no chance to finish
        anything (the server recovers from its log when it comes back)."""
        self.ctl("restart", "-m", mode)

    def stop(self) -> None:
        self.ctl("stop", "-m", "fast")

    def start(self) -> None:
        self.ctl("start")

    def connect(self):
        import psycopg

        return psycopg.connect(self.url, autocommit=True)

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.ctl("stop", "-m", "immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


def app_env(**extra: str) -> dict[str, str]:
    """The environment of a process of the app: this one's, less our own settings,
    plus ``extra``."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "FACTCHECK_", "DATABASE_", "REDIS_", "CELERY_"))
    }
    env.update({"DJANGO_DEBUG": "true", "DJANGO_LOG_LEVEL": "WARNING", **extra})
    return env


class Celery:
    """``celery -A factcheck worker`` (or ``beat``) in a process of its own."""

    def __init__(self, kind: str, env: dict[str, str], log: Path) -> None:
        self.kind, self.env, self.log = kind, env, log
        self.process: subprocess.Popen | None = None

    def start(self) -> Celery:
        if self.kind == "worker":
            args = ["worker", "--pool=solo", "--without-mingle", "--without-gossip",
                    "--without-heartbeat", "--loglevel=INFO"]  # fmt: skip
        else:
            args = ["beat", "--loglevel=INFO", "-s", str(self.log.with_suffix(".schedule"))]
        with open(self.log, "a") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "factcheck", *args],
                cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
        if self.kind == "worker":
            wait_until(lambda: "ready." in self.log.read_text() or self.died(), 60, "worker")
            if self.died():
                raise AssertionError(f"the worker stopped:\n{self.log.read_text()}")
        return self

    def died(self) -> bool:
        return self.process is not None and self.process.poll() is not None

    def kill(self) -> None:
        """SIGKILL: the process is gone mid-whatever, no clean-up, no acknowledgement."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()
