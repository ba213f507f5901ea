"""The peer benchmark's arithmetic: wrk's output read right, medians and verdicts against
issue 17's targets (no server, no peer installed)."""

from __future__ import annotations

import json

import pytest

from bench.peers_report import duration_ms, parse_wrk, summarize, table

WRK_OUTPUT = """Running 20s test @ http://127.0.0.1:40000/api/tasks/2/annotations/
  2 threads and 20 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   150.20ms   40.10ms   1.02s    90.00%
    Req/Sec    66.50     12.00    100.00     70.00%
  Latency Distribution
     50%  140.50ms
     75%  160.00ms
     90%  190.00ms
     99%    1.01s
  2660 requests in 20.01s, 600.00MB read
  Socket errors: connect 0, read 1, write 0, timeout 2
  Non-2xx or 3xx responses: 4
Requests/sec:    132.93
Transfer/sec:     29.98MB
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [("812.5us", 0.8125), ("12.5ms", 12.5), ("1.02s", 1020.0), ("2.00m", 120000.0)],
)
def test_wrk_durations_in_milliseconds(text, expected):
    assert duration_ms(text) == pytest.approx(expected)


def test_wrk_output_parsed_with_every_error_counted():
    parsed = parse_wrk(WRK_OUTPUT)
    assert parsed["rps"] == pytest.approx(132.93)
    assert parsed["p50_ms"] == pytest.approx(140.5)
    assert parsed["p99_ms"] == pytest.approx(1010.0)
    assert parsed["requests"] == 2660
    assert parsed["errors"] == 3 + 4  # socket errors and non-2xx answers


def series(ms: float, floor: float | None = None, size: int = 100) -> dict[str, list[dict]]:
    return {"time": [{"ms": ms, "bytes": size}] * 3, "floor": [{"ms": floor, "bytes": size}] * 3}


def results() -> dict:
    in_process = {}
    for name, times in {
        "ours": {"list": 30, "page": 5, "create": 20},
        "doccano": {"list": 40, "page": 6, "create": 10},
        "labelstudio": {"list": 35, "page": 4, "create": 25},
    }.items():
        for kind, ms in times.items():
            made = series(ms, ms / 4)
            in_process[f"{name}:{kind}:time"] = made["time"]
            if kind != "create":
                in_process[f"{name}:{kind}:floor"] = made["floor"]
    for kind, ms, floor in (("list_full", 100, 50), ("export_page", 20, 5)):
        made = series(ms, floor)
        in_process[f"ours:{kind}:time"] = made["time"]
        in_process[f"ours:{kind}:floor"] = made["floor"]
    wrk = {"p50_ms": 10.0, "p99_ms": 30.0, "errors": 0}
    return {
        "in_process": in_process,
        "gunicorn": {
            "ours:list": [{**wrk, "rps": 50.0}],
            "doccano:list": [{**wrk, "rps": 40.0, "p99_ms": 20.0}],
            "labelstudio:list": [{**wrk, "rps": 45.0}],
            "ours:floor_view": [{**wrk, "rps": 100.0}],
        },
        "export": {
            "ours": [{"s": 1.0, "peak_mib": 80, "bytes": 10}],
            "doccano": [{"s": 2.0, "peak_mib": 300, "bytes": 5}],
            "labelstudio": [{"s": 3.0, "peak_mib": 200, "bytes": 6}],
        },
    }


def test_verdicts_compare_ours_with_the_fastest_peer_only():
    summary = summarize(results())
    verdicts = {v["target"]: v for v in summary["verdicts"]}
    lists = verdicts["list the 1,000 spans, in-process: ms ≤ fastest peer"]
    assert (lists["peer"], lists["yardstick"], lists["pass"]) == ("labelstudio", 35, True)
    page = verdicts["a page of 100 (lean), in-process: ms ≤ fastest peer"]
    assert (page["peer"], page["pass"]) == ("labelstudio", False)
    assert not verdicts["create one span, in-process: ms ≤ fastest peer"]["pass"]
    assert verdicts["list the 1,000 spans, gunicorn: req/s ≥ fastest peer"]["pass"]
    p99 = verdicts["list the 1,000 spans, gunicorn: p99 ≤ fastest peer's"]
    assert (p99["peer"], p99["pass"]) == ("doccano", False)


def test_rich_representations_are_judged_against_their_own_floor():
    summary = summarize(results())
    assert summary["in_process"]["ours"]["list_full"]["floor_pct"] == pytest.approx(50)
    verdicts = [v for v in summary["verdicts"] if "raw-SQL floor" in v["target"]]
    assert [v["pass"] for v in verdicts] == [True, False]  # 50% and 25%


def test_export_lead_needs_both_time_and_memory():
    summary = summarize(results())
    exports = [v for v in summary["verdicts"] if v["target"].startswith("full export")]
    assert [v["pass"] for v in exports] == [True, True]
    assert exports[1]["peer"] == "labelstudio"  # 200 MiB, the smaller peer


def test_table_shows_our_list_against_its_floor_view():
    lines = table(summarize(results()))
    floor_row = next(line for line in lines if "peers-floor" in line)
    assert "our list at 50% of it" in floor_row
    assert all(line.count("|") == 6 for line in lines)


def test_query_counts_are_tabled_per_system():
    from bench.peers_report import query_table

    counts = {"ours:list": {"total": 5, "data": 3}, "doccano:list": {"total": 4, "data": 1}}
    lines = query_table({"queries": counts})
    assert lines[2] == "| list | 5 (3 on its tables) | 4 (1 on its tables) | – |"


def test_a_new_report_keeps_the_hand_written_reading_below_its_marker(tmp_path):
    from bench.peers_report import write_markdown

    data = results()
    data.update(versions={"ours": "0.1.0"}, load_before=(0.1, 0.2, 0.3),
                load_after=(0.4, 0.5, 0.6), date="2026-11-29", minutes=1.0, cpus=2,
                quick=False, samples=3, seconds=20, rounds=1)  # fmt: skip
    path = tmp_path / "peers.md"
    write_markdown(path, data, summarize(data), notes="## Why\n\nfirst reading")
    assert path.read_text().rstrip().endswith("first reading")
    write_markdown(path, data, summarize(data))
    assert path.read_text().count("first reading") == 1


@pytest.mark.django_db
def test_the_floor_view_reads_the_rows_the_lean_list_reads(seed_articles, reviewer, rf):
    from django.contrib.auth.models import Group

    from annotations.publishing.workspace import lean_claims
    from bench import urls
    from tests import factories
    from tests.conftest import make_user

    editor = make_user("bench-editor", "Editors")
    assert editor.groups.filter(pk=Group.objects.get(name="Editors").pk).exists()
    article = seed_articles["000"]
    for n in range(3):
        factories.make_draft(article, reviewer, n=n)
    urls._LEAN_SQL.clear()
    response = urls.peers_floor(rf.get("/"), article.pk)
    rows = json.loads(response.content)
    listed = lean_claims(editor, article.pk)
    assert [row["claim_id"] for row in rows] == [item["id"] for item in listed]
    assert len(listed) == 3


def test_a_run_of_errors_is_no_speed():
    from bench.peers_report import verdicts

    served = {
        "ours": {"page": {"rps": 900.0, "p99_ms": 5.0, "errors": 12}},
        "doccano": {"page": {"rps": 100.0, "p99_ms": 50.0, "errors": 0}},
    }
    summary = {"in_process": {}, "gunicorn": served, "export": {}}
    rows = [row for row in verdicts(summary) if "gunicorn" in row["target"]]
    assert len(rows) == 2 and not any(row["pass"] for row in rows)


def test_paging_follows_the_next_link_and_stops_on_the_last_page():
    from bench.common import next_link

    first = '<http://testserver/api/v1/claims/?cursor=A&page_size=500>; rel="next"'
    middle = (
        '<http://testserver/api/v1/claims/?cursor=C&page_size=500>; rel="next", '
        '<http://testserver/api/v1/claims/?cursor=B&page_size=500>; rel="prev"'
    )
    last = '<http://testserver/api/v1/claims/?cursor=D&page_size=500>; rel="prev"'
    assert next_link(first) == "/api/v1/claims/?cursor=A&page_size=500"
    assert next_link(middle) == "/api/v1/claims/?cursor=C&page_size=500"
    assert next_link(last) is None and next_link("") is None
