"""The desk's charts drawn as SVG on the server: no script, no library, nothing fetched.

Stacked bars, lines and horizontal bars, from a ``desk_charts.Chart``. Colours and
sizes are presentation attributes (the CSP allows no inline script, and we add no
inline style); text is ``currentColor`` so it follows the admin's light or dark theme.
Every mark carries a ``<title>`` with its number, and the chart a title and description;
the same numbers are in the table the page shows beside it.
"""

from __future__ import annotations

import math
from datetime import date
from typing import cast

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from annotations.desk_charts import Chart

WIDTH, HEIGHT = 480, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 10, 12, 34
PLOT_HEIGHT = HEIGHT - TOP - BOTTOM
ROW = 22  # height of one person's row in a horizontal chart
NAME_WIDTH = 120
GRID = "#b9bfc6"
LABEL_WIDTH = 42  # room one label below the axis needs; fewer are shown when they would touch
TEXT = {"fill": "currentColor"}


def element(name: str, text: str = "", children: str = "", **attributes) -> str:
    """One SVG element; attribute values and text escaped, numbers to a tenth."""
    attrs = "".join(
        f' {key.rstrip("_").replace("_", "-")}="{escape(_value(value))}"'
        for key, value in attributes.items()
    )
    inner = escape(text) + children
    return f"<{name}{attrs}>{inner}</{name}>" if inner else f"<{name}{attrs}/>"


def _value(value) -> str:
    return f"{value:.1f}".removesuffix(".0") if isinstance(value, float) else str(value)


def number(value: float) -> str:
    return f"{value:g}"


def render(chart: Chart) -> SafeString:
    draw = {"stacked": _stacked, "lines": _lines, "horizontal": _horizontal}[chart.kind]
    width, height, body = draw(chart)
    ident = f"chart-{chart.slug}"
    title = element("title", chart.title, id=f"{ident}-title")
    described = f"{chart.description} The numbers are in the table that follows."
    desc = element("desc", described, id=f"{ident}-desc")
    svg = element(
        "svg",
        children=title + desc + body,
        xmlns="http://www.w3.org/2000/svg",
        viewBox=f"0 0 {width} {height}",
        role="img",
        aria_labelledby=f"{ident}-title {ident}-desc",
        font_family="system-ui, sans-serif",
        font_size=10,
    )
    return mark_safe(svg)  # noqa: S308 - built by element(), which escapes every value


def legend(chart: Chart) -> SafeString:
    """The series' colours, as HTML under the picture (it wraps where the SVG cannot)."""
    items = "".join(
        element(
            "li",
            children=element(
                "svg",
                children=element("rect", width=10, height=10, fill=s.colour),
                width=10,
                height=10,
                aria_hidden="true",
                class_="chart-swatch",
            )
            + escape(s.label),
        )
        for s in chart.series
    )
    return mark_safe(element("ul", children=items, class_="chart-legend"))  # noqa: S308


def short_label(category: str) -> str:
    """ "2026-05-04" as "4 May"; any other label as it is."""
    try:
        day = date.fromisoformat(category)
    except ValueError:
        return category
    return f"{day.day} {day:%b}"


def nice_ticks(top: float, count: int = 4) -> list[float]:
    """Round numbers from 0 to at least ``top``: 0, 5, 10, 15 or 0, 0.5, 1, 1.5 …"""
    if top <= 0:
        return [0, 1]
    raw = top / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    ticks = [0.0]
    while ticks[-1] < top:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def _y(value: float, ticks: list[float]) -> float:
    return TOP + PLOT_HEIGHT - PLOT_HEIGHT * value / ticks[-1]


def _y_axis(ticks: list[float]) -> list[str]:
    parts = []
    for tick in ticks:
        y = _y(tick, ticks)
        parts.append(element("line", x1=LEFT, x2=WIDTH - RIGHT, y1=y, y2=y, stroke=GRID,
                             stroke_width=0.5))  # fmt: skip
        parts.append(element("text", number(tick), x=LEFT - 4, y=y + 3, text_anchor="end", **TEXT))
    return parts


def _x_labels(categories: list[str], band: float) -> list[str]:
    every = max(1, math.ceil(len(categories) * LABEL_WIDTH / (WIDTH - LEFT - RIGHT)))
    return [
        element(
            "text",
            short_label(category),
            x=LEFT + band * (i + 0.5),
            y=HEIGHT - BOTTOM + 14,
            text_anchor="middle",
            **TEXT,
        )  # fmt: skip
        for i, category in enumerate(categories)
        if i % every == 0
    ]


def _mark(name: str, label: str, **attributes) -> str:
    """A bar or a point, with its number as a tooltip (and for assistive technology)."""
    return element(name, children=element("title", label), **attributes)


def _empty(width: int, height: int) -> str:
    return element("text", "Nothing to show yet.", x=width / 2, y=height / 2,
                   text_anchor="middle", **TEXT)  # fmt: skip


def _stacked(chart: Chart) -> tuple[int, int, str]:
    n = len(chart.categories)
    totals = [sum(s.values[i] or 0 for s in chart.series) for i in range(n)]
    ticks = nice_ticks(max(totals, default=0))
    band = (WIDTH - LEFT - RIGHT) / max(n, 1)
    parts = _y_axis(ticks)
    for i, category in enumerate(chart.categories):
        base = 0.0
        for s in chart.series:
            value = s.values[i] or 0
            if value:
                top = _y(base + value, ticks)
                parts.append(
                    _mark(
                        "rect",
                        f"{category}: {s.label} {number(value)}",
                        x=LEFT + band * (i + 0.15),
                        y=top,
                        width=band * 0.7,
                        height=_y(base, ticks) - top,
                        fill=s.colour,
                    )  # fmt: skip
                )
                base += value
    parts += _x_labels(chart.categories, band)
    if not any(totals):
        parts.append(_empty(WIDTH, HEIGHT))
    return WIDTH, HEIGHT, "".join(parts)


def _lines(chart: Chart) -> tuple[int, int, str]:
    n = len(chart.categories)
    values = [v for s in chart.series for v in s.values if v is not None]
    ticks = nice_ticks(max(values, default=0))
    band = (WIDTH - LEFT - RIGHT) / max(n, 1)
    parts = _y_axis(ticks)
    for s in chart.series:
        points = [
            (LEFT + band * (i + 0.5), _y(value, ticks), i)
            for i, value in enumerate(s.values)
            if value is not None
        ]
        runs: list[list[tuple[float, float, int]]] = []
        for point in points:  # a week without decisions breaks the line
            if runs and point[2] == runs[-1][-1][2] + 1:
                runs[-1].append(point)
            else:
                runs.append([point])
        for run in runs:
            if len(run) > 1:
                line = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in run)
                parts.append(element("polyline", points=line, fill="none", stroke=s.colour,
                                     stroke_width=2))  # fmt: skip
        for x, y, i in points:
            label = f"{chart.categories[i]}: {s.label} {number(cast(float, s.values[i]))}"
            parts.append(_mark("circle", label, cx=x, cy=y, r=3, fill=s.colour))
    parts += _x_labels(chart.categories, band)
    if not values:
        parts.append(_empty(WIDTH, HEIGHT))
    return WIDTH, HEIGHT, "".join(parts)


def _horizontal(chart: Chart) -> tuple[int, int, str]:
    n = len(chart.categories)
    height = TOP + ROW * max(n, 3) + BOTTOM
    totals = [sum(s.values[i] or 0 for s in chart.series) for i in range(n)]
    ticks = nice_ticks(max(totals, default=0))
    span = WIDTH - NAME_WIDTH - RIGHT

    def x(value: float) -> float:
        return NAME_WIDTH + span * value / ticks[-1]

    parts = []
    for tick in ticks:
        parts.append(element("line", x1=x(tick), x2=x(tick), y1=TOP, y2=height - BOTTOM,
                             stroke=GRID, stroke_width=0.5))  # fmt: skip
        parts.append(element("text", number(tick), x=x(tick), y=height - BOTTOM + 14,
                             text_anchor="middle", **TEXT))  # fmt: skip
    for i, name in enumerate(chart.categories):
        y = TOP + ROW * i
        parts.append(element("text", name[:22], x=NAME_WIDTH - 6, y=y + ROW * 0.65,
                             text_anchor="end", **TEXT))  # fmt: skip
        base = 0.0
        for s in chart.series:
            value = s.values[i] or 0
            if value:
                parts.append(
                    _mark(
                        "rect",
                        f"{name}: {s.label} {number(value)}",
                        x=x(base),
                        y=y + ROW * 0.15,
                        width=x(base + value) - x(base),
                        height=ROW * 0.7,
                        fill=s.colour,
                    )  # fmt: skip
                )
                base += value
    if not n:
        parts.append(_empty(WIDTH, height))
    return WIDTH, height, "".join(parts)
