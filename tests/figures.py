"""The suite's figures, printed in one block at the end of the pytest output.

A test that measures something (payloads tried, URLs fetched, faults survived) calls
``figures.add`` with what it counted; ``conftest.pytest_terminal_summary`` prints the
block. A figure is only ever what a test counted in this run: a line whose test did
not run says so rather than showing a number nobody measured.
"""

from __future__ import annotations

from collections import defaultdict

# The block's lines, in order, and how each is worded from its counts.
ORDER = [
    "xss",
    "lost updates",
    "server errors",
    "deploy check",
    "four-eyes paths",
    "public leaks",
    "faults survived",
]

_counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
_words: dict[str, str] = {}


def add(name: str, **counts: int) -> None:
    """Add ``counts`` to figure ``name`` (several tests may add to one figure)."""
    for key, value in counts.items():
        _counts[name][key] += value


def say(name: str, text: str) -> None:
    """A figure that is a word rather than a count (``deploy check: clean``)."""
    _words[name] = text


def line(name: str) -> str:
    c = _counts.get(name)
    if name in _words:
        return f"{name}: {_words[name]}"
    if not c:
        return f"{name}: not measured in this run"
    if name == "xss":
        return (f"xss: {c['payloads']} payloads × {c['surfaces']} surfaces, "
                f"{c['executed']} executed")  # fmt: skip
    if name == "lost updates":
        return f"lost updates: {c['lost']} (in {c['races']} races)"
    if name == "server errors":
        return f"server errors: {c['errors']} (of {c['requests']} hostile requests)"
    if name == "four-eyes paths":
        return f"four-eyes paths: {c['tried']} tried, {c['bypassed']} bypassed"
    if name == "public leaks":
        return f"public leaks: {c['leaks']} of {c['urls']} URLs"
    if name == "faults survived":
        return f"faults survived: {c['survived']}/{c['tried']}"
    return f"{name}: " + ", ".join(f"{k} {v}" for k, v in c.items())


def measured() -> bool:
    """Whether any test of this run counted a figure."""
    return bool(_counts) or bool(_words)


def block() -> list[str]:
    return [line(name) for name in ORDER]
