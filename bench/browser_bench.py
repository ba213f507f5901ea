"""Time until Chromium has painted the big article's workspace page with its highlights.

Every highlight is in the DOM by then; the paragraphs on screen are laid out and
painted, those further down when they come near (``content-visibility: auto`` in
workspace.css), as on the floor page beside it.

Run by bench/run.py against gunicorn serving the big-article database, signed in
with a session cookie made by bench/workspace_bench.py. Each load opens a new
tab in one browser context (the static files are cached after the first load,
as for a reviewer at work). The page is observed from outside, with nothing in the
app for it: a script Playwright adds to every page (``OBSERVE``) waits for
DOMContentLoaded (the workspace's modules have run by then and drawn the
highlights), asks for the next animation frame, and from that frame's callback
queues a user-blocking task, which runs once that frame, the first with all the
highlights, has been painted. The figure is ``performance.now()`` in that task,
counted from the start of the navigation; the breakdown comes from the Navigation
Timing entry. The workspace builds its side panel in a normal task queued from the
same frame; each load checks that the panel was not built yet when the figure was
taken, so the figure never includes it.

Beside it, in the same browser and interleaved load by load, the page's floor:
the same HTML with its embedded claim list emptied on the way in (``page.route``),
so the same article text, styles and module, and no highlight at all. What the
highlights cost is the difference.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path

from bench.common import BENCH, figure, median, say, write_json

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
# Added to every page before its own scripts (Playwright's add_init_script).
OBSERVE = """
document.addEventListener("DOMContentLoaded", () => {
  requestAnimationFrame(() => {
    const record = () => {
      window.__highlightsPainted = {
        at: performance.now(),
        // The panel's claim count is written when the panel is built: not yet, or the
        // figure would include it.
        panelBuilt: document.getElementById("claim-total")?.textContent !== "",
      };
    };
    if (window.scheduler && scheduler.postTask) {
      scheduler.postTask(record, { priority: "user-blocking" });
    } else {
      setTimeout(record);
    }
  });
}, { once: true });
"""
PAINTED = "window.__highlightsPainted !== undefined"
READ_TIMINGS = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const painted = window.__highlightsPainted;
  const ids = new Set();
  for (const m of document.querySelectorAll("#article-body mark.hl[data-claims]")) {
    for (const id of m.dataset.claims.split(" ")) ids.add(id);
  }
  return {
    painted: painted.at,
    panelBuilt: painted.panelBuilt,
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
        page.wait_for_function(PAINTED, timeout=120_000)
        timings = page.evaluate(READ_TIMINGS)
        assert not timings["panelBuilt"], "the side panel was built before the figure was taken"
        return timings
    finally:
        page.close()


# The workspace builds the side panel (cards.js) in the first task after the frame that
# shows the highlights: the first sample inside this function is where the first
# paint's work ends.
AFTER_THE_PAINT = "renderPanel"


def inside(function: str, node_id: int | None, frames: dict, parent: dict) -> bool:
    """Whether a profile node's stack holds a call of ``function``."""
    while node_id is not None:
        if frames[node_id]["functionName"] == function:
            return True
        node_id = parent.get(node_id)
    return False


def write_profile(context, url: str, path: Path, loads: int = 3) -> None:
    """Chromium's sampling profiler over a few loads: self time per JavaScript function.

    "(program)" is the browser's own work outside JavaScript (parsing HTML and CSS,
    style, layout, paint); the rest is the workspace's modules, function by function.
    Samples stop where the side panel starts to be built, just after the first paint.
    """
    self_ms: Counter[str] = Counter()
    cut = 0
    for _ in range(loads):
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Profiler.enable")
        cdp.send("Profiler.setSamplingInterval", {"interval": 200})
        cdp.send("Profiler.start")
        try:
            page.goto(url, wait_until="load", timeout=120_000)
            page.wait_for_function(PAINTED, timeout=120_000)
            profile = cdp.send("Profiler.stop")["profile"]
        finally:
            page.close()
        frames = {node["id"]: node["callFrame"] for node in profile["nodes"]}
        parent = {kid: node["id"] for node in profile["nodes"] for kid in node.get("children", ())}
        seen: Counter[str] = Counter()
        for node_id, delta in zip(profile["samples"], profile["timeDeltas"], strict=True):
            if inside(AFTER_THE_PAINT, node_id, frames, parent):
                cut += 1
                break
            frame = frames[node_id]
            where = frame["url"].rsplit("/", 1)[-1]
            name = frame["functionName"] or "(anonymous)"
            seen[f"{name} {where}:{frame['lineNumber'] + 1}" if where else name] += delta
        for key, us in seen.items():
            self_ms[key] += us / 1000 / loads
    lines = [f"{ms:9.1f} ms  {key}" for key, ms in self_ms.most_common(40) if key != "(idle)"]
    path.write_text(
        f"# Chromium's sampling profiler over {loads} loads of {url.split('/', 3)[-1]} (cut\n"
        f"# at the panel in {cut} of them): self time per function, per load. (program)\n"
        "# is native work: parsing HTML and CSS, style, layout, paint. The profiler\n"
        "# slows the page; bench/results.md has the unprofiled times.\n"
        "# Written by bench/browser_bench.py.\n\n" + "\n".join(lines) + "\n"
    )
    say(f"  profile written to {path.relative_to(BENCH.parent)}")


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
            context.add_init_script(OBSERVE)
            context.add_cookies(
                [{"name": cookie["name"], "value": cookie["value"], "url": args.url}]
            )
            for n in range(args.repeat + 1):  # the first load warms the cache
                for floor in (False, True):
                    timings = load(context, args.url, floor=floor)
                    assert timings["claimsDrawn"] == (0 if floor else args.claims), timings
                    if n:
                        (floor_runs if floor else runs).append(timings)
            write_profile(context, args.url, BENCH / "profile-browser.txt")
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
