"""Time until Chromium has painted every highlight of the big article's workspace page.

Run by bench/run.py against gunicorn serving the big-article database, signed in
with a session cookie made by bench/workspace_bench.py. Each load opens a new
tab in one browser context (the static files are cached after the first load,
as for a reviewer at work). The figure is ``performance.now()`` at the
``highlights-painted`` mark that workspace.js sets in the first task after the
frame that shows the highlights, counted from the start of the navigation; the
breakdown comes from the Navigation Timing entry.

Beside it, in the same browser and interleaved load by load, the page's floor:
the same HTML with its embedded claim list emptied on the way in (``page.route``),
so the same article text, styles and module, and no highlight at all. What the
highlights cost is the difference.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from bench.common import figure, median, say, write_json

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
READ_TIMINGS = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const mark = performance.getEntriesByName("highlights-painted")[0];
  const ids = new Set();
  for (const m of document.querySelectorAll("#article-body mark.hl[data-claims]")) {
    for (const id of m.dataset.claims.split(" ")) ids.add(id);
  }
  return {
    painted: mark.startTime,
    responseStart: nav.responseStart,
    responseEnd: nav.responseEnd,
    domInteractive: nav.domInteractive,
    scriptsDone: nav.domContentLoadedEventStart,
    marks: document.querySelectorAll("#article-body mark.hl").length,
    claimsDrawn: ids.size,
  };
}"""


EMBEDDED_CLAIMS = re.compile(
    r'(<script id="workspace-claims" type="application/json">).*?(</script>)', re.S
)


def load(context, url: str, *, floor: bool) -> dict[str, float]:
    """One load in a new tab; with ``floor``, the page's claim list is emptied in transit."""
    page = context.new_page()
    if floor:

        def without_claims(route) -> None:
            response = route.fetch()
            body, found = EMBEDDED_CLAIMS.subn(r"\1[]\2", response.text())
            assert found == 1, "the page's embedded claim list was not found"
            route.fulfill(response=response, body=body)

        page.route(url, without_claims)
    try:
        page.goto(url, wait_until="load", timeout=120_000)
        page.wait_for_function(
            "document.getElementById('article-body').dataset.paintedMs !== undefined",
            timeout=120_000,
        )
        return page.evaluate(READ_TIMINGS)
    finally:
        page.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--url", required=True)
    parser.add_argument("--cookie", required=True, help="JSON: {name, value}")
    parser.add_argument("--claims", type=int, required=True)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    if not CHROMIUM.exists():
        say(f"[browser] skipped: Chromium not found at {CHROMIUM}")
        write_json(args.out, {"skipped": f"Chromium not found at {CHROMIUM}"})
        return

    from playwright.sync_api import sync_playwright

    cookie = json.loads(args.cookie)
    runs: list[dict[str, float]] = []
    floor_runs: list[dict[str, float]] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS
        )
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 900})
            context.add_cookies(
                [{"name": cookie["name"], "value": cookie["value"], "url": args.url}]
            )
            for n in range(args.repeat + 1):  # the first load warms the cache
                for floor in (False, True):
                    timings = load(context, args.url, floor=floor)
                    assert timings["claimsDrawn"] == (0 if floor else args.claims), timings
                    if n:
                        (floor_runs if floor else runs).append(timings)
        finally:
            browser.close()

    def med(key: str, since: str | None = None, of: list | None = None) -> float:
        return median([r[key] - (r[since] if since else 0) for r in (of or runs)])

    result = {
        "painted_ms": med("painted"),
        "runs_ms": [r["painted"] for r in runs],
        "server_ms": med("responseStart"),  # request sent → first byte (includes the view)
        "download_ms": med("responseEnd", "responseStart"),
        "parse_ms": med("domInteractive", "responseEnd"),
        "script_ms": med("scriptsDone", "domInteractive"),
        "paint_ms": med("painted", "scriptsDone"),
        "client_ms": med("painted", "responseEnd"),
        "floor_client_ms": med("painted", "responseEnd", floor_runs),
        "floor_parse_ms": med("domInteractive", "responseEnd", floor_runs),
        "floor_script_ms": med("scriptsDone", "domInteractive", floor_runs),
        "floor_paint_ms": med("painted", "scriptsDone", floor_runs),
        "marks": runs[0]["marks"],
        "claims_drawn": runs[0]["claimsDrawn"],
    }
    figure("Chromium: highlights painted after", result["painted_ms"], "ms", result["runs_ms"])
    say(
        "  -> of which: first byte {server_ms:,.0f} ms, download {download_ms:,.0f} ms, "
        "HTML parse {parse_ms:,.0f} ms, script {script_ms:,.0f} ms, "
        "style+layout+paint {paint_ms:,.0f} ms; {marks:,} marks for {claims_drawn:,} "
        "claims".format(**result)
    )
    figure("Chromium: highlights painted after the HTML arrived", result["client_ms"], "ms")
    figure(
        "Chromium: the same page without claims (floor), painted after the HTML arrived",
        result["floor_client_ms"],
        "ms",
    )
    write_json(args.out, result)


if __name__ == "__main__":
    main()
