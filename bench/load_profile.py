"""Where a loaded server's time goes: each kind of request of the load mix, in-process.

Run by bench/load_bench.py against the load test's PostgreSQL database, with the
requests file bench/load_prep.py wrote. Each kind (and the bare view) is sent
``--each`` times through ``django.test.Client`` (the whole middleware stack, no
network, no gunicorn): the median CPU-bound cost of one request, which bounds what
2 workers can serve, and a pyinstrument profile of each kind in bench/profile-load.txt.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from bench.common import BENCH, figure, say, setup_django, write_json

KINDS = {"W": "workspace page", "E": "export page", "C": "claim create"}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--requests", required=True, type=Path)
    parser.add_argument("--each", type=int, default=40)
    args = parser.parse_args()
    setup_django()
    from django.test import Client
    from pyinstrument import Profiler

    lines = [line.split("\t") for line in args.requests.read_text().splitlines()]
    cookie = next(f[1] for f in lines if f[0] == "cookie")
    tokens = {f[1]: f[2] for f in lines if f[0] == "token"}
    clients = {
        "W": Client(HTTP_COOKIE=cookie),
        "E": Client(HTTP_AUTHORIZATION=tokens["E"]),
        "C": Client(HTTP_AUTHORIZATION=tokens["C"]),
    }
    bare = Client()

    def send(kind: str, fields: list[str]) -> None:
        if kind == "C":  # the same spans may be claimed again, as under wrk
            response = clients[kind].post(fields[1], fields[2], content_type="application/json")
        else:
            response = clients[kind].get(fields[1])
        assert response.status_code in (200, 201), (fields[1], response.status_code)

    result: dict[str, float] = {}
    sections = []
    for kind, name in KINDS.items():
        picks = [f for f in lines if f[0] == kind][: args.each]
        send(kind, picks[0])  # warm-up
        times = []
        for fields in picks:
            began = time.perf_counter()
            send(kind, fields)
            times.append(1000 * (time.perf_counter() - began))
        result[name] = statistics.median(times)
        figure(f"load in-process: one {name}", result[name], "ms")
        profiler = Profiler(interval=0.0005)
        profiler.start()
        for fields in picks:
            send(kind, fields)
        profiler.stop()
        sections.append((name, profiler.output_text(unicode=False, color=False)))

    times = []
    for _ in range(args.each):
        began = time.perf_counter()
        assert bare.get("/bench/ping/").status_code == 200
        times.append(1000 * (time.perf_counter() - began))
    result["bare view"] = statistics.median(times)
    figure("load in-process: one bare view", result["bare view"], "ms")

    path = BENCH / "profile-load.txt"
    header = (
        "# The load mix's requests, in-process on the load test's PostgreSQL database\n"
        "# (django.test.Client: middleware, view, template or serializer, no network).\n"
        "# Median per request: "
        + ", ".join(f"{name} {ms:.1f} ms" for name, ms in result.items())
        + "\n# pyinstrument, written by bench/load_profile.py\n"
    )
    path.write_text(header + "".join(f"\n\n## {name}\n\n{text}" for name, text in sections))
    say(f"  profile written to {path.relative_to(BENCH.parent)}")
    write_json(args.out, result)


if __name__ == "__main__":
    main()
