"""One system's side of the peer benchmark (bench/peers.py): a long-lived process that
runs, in-process, the request the coordinator names next.

It runs under that system's own virtualenv and settings (ours, doccano or Label
Studio), so it imports nothing but the standard library and Django until its adapter
(``bench.peers_<system>``) sets Django up. The coordinator writes one JSON object a
line to its standard input and reads one a line back from the file descriptor that
was standard output; anything the system prints goes to standard error, so that
interleaving (A, B, C, A, B, C…) costs one pipe round trip outside the timed part.

Ops: ``load`` (migrate when fresh, fill from the shared spec, answer the ids and the
requests), ``time`` (one request, timed), ``floor`` (the same rows by raw SQL, timed),
``profile`` (pyinstrument, ours only), ``quit``. ``python -m bench.peers_worker SYSTEM
export OUT`` is the export, run as a fresh child so that its peak memory is its own.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Any


class Worker:
    """Holds the system's adapter, its authenticated test client and the captured SQL."""

    def __init__(self, system: str) -> None:
        self.adapter = importlib.import_module(f"bench.peers_{system}")
        self.adapter.setup()
        self.requests: dict[str, dict[str, Any]] = {}
        self.floors: dict[str, list[str]] = {}
        self.client = None
        self.creates = 0

    def load(self, spec_path: str, fresh: bool) -> dict[str, Any]:
        from django.test import Client

        state = self.adapter.load(spec_path, fresh)  # ours writes the spec, the peers read it
        self.requests = state["requests"]
        self.client = Client(HTTP_AUTHORIZATION=state["authorization"])
        return state

    def send(self, name: str):
        request = self.requests[name]
        if request["method"] == "POST":
            headers = request.get("headers", {})
            response = self.client.post(
                request["path"], request["body"], content_type="application/json", headers=headers
            )
        else:
            response = self.client.get(request["path"])
        if response.status_code not in (200, 201):
            raise RuntimeError(
                f"{name}: {request['path']} answered {response.status_code}: "
                f"{response.content[:300]!r}"
            )
        return response

    def time(self, name: str) -> dict[str, Any]:
        began = time.perf_counter()
        response = self.send(name)
        body = response.content
        ms = 1000 * (time.perf_counter() - began)
        return {"ms": ms, "bytes": len(body), "status": response.status_code}

    def captured(self, name: str) -> list[str]:
        """Every SQL statement one request runs."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            self.send(name)
        return [query["sql"] for query in captured.captured_queries]

    def queries(self, name: str) -> dict[str, int]:
        """How many statements the request runs, and how many of them are SELECTs on the
        system's own tables (the rest: session, token, user, permissions, writes)."""
        return {"total": len(self.captured(name)), "data": len(self.capture(name))}

    def capture(self, name: str) -> list[str]:
        """The SELECTs the request runs against the system's own tables (not the session,
        the token or the user): what its floor reads again with raw SQL."""
        tables = self.requests[name]["tables"]
        return [
            sql
            for sql in self.captured(name)
            if sql.lstrip().upper().startswith("SELECT") and any(table in sql for table in tables)
        ]

    def floor(self, name: str) -> dict[str, Any]:
        from django.db import connection

        if name not in self.floors:
            self.floors[name] = self.capture(name)
        began = time.perf_counter()
        results = []
        with connection.cursor() as cursor:
            for sql in self.floors[name]:
                cursor.execute(sql)
                columns = [column[0] for column in cursor.description]
                results.append([dict(zip(columns, row, strict=True)) for row in cursor.fetchall()])
        body = json.dumps(results, default=str).encode()
        ms = 1000 * (time.perf_counter() - began)
        return {"ms": ms, "bytes": len(body), "queries": len(self.floors[name])}

    def profile(self, name: str, path: str, runs: int) -> dict[str, Any]:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        profiler.start()
        for _ in range(runs):
            self.send(name)
        profiler.stop()
        text = profiler.output_text(unicode=False, color=False, show_all=False)
        request = self.requests[name]
        Path(path).write_text(
            f"# pyinstrument, written by bench/peers.py: {runs} x {request['method']} "
            f"{request['path']}\n\n{text}"
        )
        return {"path": path}


def serve(system: str) -> None:
    """The request loop: one JSON command in, one JSON answer out, until ``quit``."""
    answers = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # whatever the system prints goes to stderr, never into the answers
    sys.stdout = sys.stderr
    worker = Worker(system)
    answers.write(json.dumps({"ready": system}) + "\n")
    for line in sys.stdin:
        command = json.loads(line)
        op = command.pop("op")
        if op == "quit":
            break
        try:
            answer = getattr(worker, op)(**command)
        except Exception as exc:  # noqa: BLE001 - reported to the coordinator, which raises
            answer = {"error": f"{type(exc).__name__}: {exc}"}
        answers.write(json.dumps(answer, default=str) + "\n")


def main() -> None:
    system, *rest = sys.argv[1:]
    if rest and rest[0] == "export":
        adapter = importlib.import_module(f"bench.peers_{system}")
        adapter.setup()
        adapter.export(Path(rest[1]))
        return
    serve(system)


if __name__ == "__main__":
    main()
