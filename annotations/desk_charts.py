"""The numbers behind the desk's charts: decisions per week, the waiting queue's age, time
to a decision, work per person.

Each is counted in the database over a bounded window (the last ``WEEKS`` weeks of
events, or the claims waiting now), so the index costs the same at 100 claims or
100,000: no Python loop over the claims table. Only the time-to-decision percentiles are
computed in Python, over the decisions of the window (one pair of timestamps each).
A chart's table, its CSV and its picture are all drawn from the same ``Chart``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import (
    Case,
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from annotations.models import Claim, ClaimEvent, Verdict

S = Claim.Status
T = ClaimEvent.Kind.TRANSITION

WEEKS = 12
# An editor's answer to a submission: what ends the wait the time-to-decision chart measures.
ANSWERS = (S.APPROVED, S.REJECTED, S.CHANGES_REQUESTED)
REJECTED_COLOUR = "#8a8f96"
PEOPLE_SHOWN = 12
# The waiting queue's age: (label, lower bound in days); the last bucket has no upper bound.
AGE_BUCKETS = [
    ("under 1 day", 0),
    ("1–2 days", 1),
    ("2–4 days", 2),
    ("4–7 days", 4),
    ("1–2 weeks", 7),
    ("over 2 weeks", 14),
]


@dataclass(frozen=True)
class Series:
    label: str
    colour: str
    values: list[float | None]


@dataclass(frozen=True)
class Chart:
    """One chart's numbers: a value per category (a week, an age, a person) and series."""

    slug: str
    title: str
    description: str
    category_label: str
    categories: list[str]
    series: list[Series]
    unit: str
    kind: str  # "stacked" (bars), "lines", "horizontal" (stacked bars, one row per category)
    extra: dict[str, list] | None = None  # more columns for the table, not drawn

    @property
    def header(self) -> list[str]:
        return [self.category_label, *(s.label for s in self.series), *(self.extra or {})]

    @property
    def rows(self) -> list[list]:
        """The table and the CSV: one row per category, a column per series."""
        extra = list((self.extra or {}).values())
        return [
            [category, *(s.values[i] for s in self.series), *(column[i] for column in extra)]
            for i, category in enumerate(self.categories)
        ]


def window_start(weeks: int = WEEKS, now: datetime | None = None) -> datetime:
    """Monday 00:00 (local time) of the first of the last ``weeks`` weeks, this one included."""
    local = timezone.localtime(now)
    monday = local.date() - timedelta(days=local.weekday() + 7 * (weeks - 1))
    return timezone.make_aware(datetime.combine(monday, datetime.min.time()))


def week_bounds(start: datetime, weeks: int) -> list[datetime]:
    """Each week's first moment, and the end of the last (local midnights: a week in which
    the clocks change is an hour shorter or longer)."""
    first = timezone.localtime(start).date()
    return [
        timezone.make_aware(datetime.combine(first + timedelta(weeks=i), datetime.min.time()))
        for i in range(weeks + 1)
    ]


def week_labels(start: datetime, weeks: int) -> list[str]:
    return [(start.date() + timedelta(weeks=i)).isoformat() for i in range(weeks)]


def percentile(values: Sequence[float], p: float) -> float | None:
    """The ``p``-th percentile (0–100) by linear interpolation between closest ranks (what
    numpy and PostgreSQL's percentile_cont compute); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * p / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


# -- the four charts ----------------------------------------------------------------------


def decided_per_week(weeks: int = WEEKS, now: datetime | None = None) -> Chart:
    """Approvals by the claim's verdict, and rejections, per week. One query (and the scale)."""
    start = window_start(weeks, now)
    # A count per week by plain comparisons on the indexed ``at`` (a date function per row
    # would run in Python on SQLite): one pass over the window's decisions.
    bounds = week_bounds(start, weeks)
    per_week = {
        f"w{i}": Count("id", filter=Q(at__gte=bounds[i], at__lt=bounds[i + 1]))
        for i in range(weeks)
    }
    counts = (
        ClaimEvent.objects.filter(
            kind=T, to_status__in=[S.APPROVED, S.REJECTED], at__gte=start, at__lt=bounds[-1]
        )
        .values("to_status", "claim__verdict_id")
        .annotate(**per_week)
        .order_by()
    )
    by_verdict: dict[int | None, list[float | None]] = defaultdict(lambda: [0] * weeks)
    rejected: list[float | None] = [0] * weeks
    for row in counts:
        verdict = row["claim__verdict_id"]
        values = rejected if row["to_status"] == S.REJECTED else by_verdict[verdict]
        for i in range(weeks):
            values[i] += row[f"w{i}"]
    series = [
        Series(verdict.label, verdict.colour, by_verdict[verdict.pk])
        for verdict in Verdict.objects.all()
        if verdict.pk in by_verdict
    ]
    if None in by_verdict:
        series.append(Series("No verdict", "#c0c4c9", by_verdict[None]))
    series.append(Series("Rejected", REJECTED_COLOUR, rejected))
    return Chart(
        slug="decided",
        title="Claims decided per week",
        description=f"Claims approved (by verdict) or rejected in each of the last {weeks} "
        "weeks, by the week of the decision.",
        category_label="week starting",
        categories=week_labels(start, weeks),
        series=series,
        unit="claims",
        kind="stacked",
    )


def waiting_age(now: datetime | None = None) -> Chart:
    """The claims waiting for review now, by how long since they were submitted. One query."""
    now = now or timezone.now()
    buckets = {}
    for i, (_, days) in enumerate(AGE_BUCKETS):
        waited = Q()  # at least ``days`` days, and less than the next bucket's
        if i > 0:
            waited &= Q(submitted_at__lte=now - timedelta(days=days))
        if i + 1 < len(AGE_BUCKETS):
            waited &= Q(submitted_at__gt=now - timedelta(days=AGE_BUCKETS[i + 1][1]))
        else:
            waited |= Q(submitted_at__isnull=True)  # never stamped: count it as the oldest
        buckets[f"b{i}"] = Count("pk", filter=waited)
    counts = Claim.objects.filter(status=S.SUBMITTED).aggregate(**buckets)
    return Chart(
        slug="waiting-age",
        title="Age of the waiting queue",
        description="Claims submitted and waiting for a decision now, by the time since "
        "they were (last) submitted.",
        category_label="waiting for",
        categories=[label for label, _ in AGE_BUCKETS],
        series=[Series("Claims waiting", "#0b5cad", [counts[k] for k in buckets])],
        unit="claims",
        kind="stacked",
    )


def time_to_decision(weeks: int = WEEKS, now: datetime | None = None) -> Chart:
    """Hours from a claim's submission to the editor's answer (approve, reject or request
    changes): median and 90th percentile per week of the answer. One query returning a
    week and a wait per answer in the window; the percentiles in Python."""
    start = window_start(weeks, now)
    submitted = (
        ClaimEvent.objects.filter(
            claim=OuterRef("claim"), kind=T, to_status=S.SUBMITTED, at__lte=OuterRef("at")
        )
        .order_by("-at", "-id")
        .values("at")[:1]
    )
    # The claim's last submission is the one answered whenever it came before the answer
    # (a join); only answers to earlier rounds look their submission up in the history.
    asked = Case(
        When(claim__submitted_at__lte=F("at"), then=F("claim__submitted_at")),
        default=Subquery(submitted),
    )
    bounds = week_bounds(start, weeks)
    # The week and the wait computed by the database: a small number and a float per
    # answer, not two timestamps to parse.
    week = Case(
        *(When(at__lt=bounds[i + 1], then=Value(i)) for i in range(weeks)),
        output_field=IntegerField(),
    )
    answers = (
        ClaimEvent.objects.filter(
            kind=T, from_status=S.SUBMITTED, to_status__in=ANSWERS, at__gte=start,
            at__lt=bounds[-1],
        )
        .annotate(week=week, waited=EpochSeconds("at") - EpochSeconds(asked))
        .filter(waited__isnull=False)
        .values_list("week", "waited")
        .order_by()
    )  # fmt: skip
    hours: list[list[float]] = [[] for _ in range(weeks)]
    for i, seconds in answers:
        hours[i].append(seconds / 3600)
    median = [_hours(percentile(h, 50)) for h in hours]
    p90 = [_hours(percentile(h, 90)) for h in hours]
    return Chart(
        slug="decision-time",
        title="Time from submission to decision",
        description="Hours from a claim's submission to the editor's answer (approved, "
        f"rejected or changes requested), per week of the answer, over the last {weeks} weeks: "
        "the median and the 90th percentile (nine answers in ten came sooner).",
        category_label="week starting",
        categories=week_labels(start, weeks),
        series=[
            Series("Median (hours)", "#0b5cad", median),
            Series("90th percentile (hours)", "#c8641b", p90),
        ],  # fmt: skip
        unit="hours",
        kind="lines",
        extra={"Decisions": [len(h) for h in hours]},
    )


class EpochSeconds(Func):
    """Seconds since 1970 of a timestamp, as a float: waits subtract in the database."""

    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra):
        # Django stores aware timestamps in UTC as "YYYY-MM-DD HH:MM:SS[.ffffff]" text.
        return self.as_sql(
            compiler, connection, template="((julianday(%(expressions)s) - 2440587.5) * 86400.0)"
        )

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="EXTRACT(EPOCH FROM %(expressions)s)")


def _hours(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def work_per_person(weeks: int = WEEKS, now: datetime | None = None) -> Chart:
    """Claims each person submitted and answers each gave, over the window. One query."""
    start = window_start(weeks, now)
    counts = (
        ClaimEvent.objects.filter(
            kind=T, to_status__in=[S.SUBMITTED, *ANSWERS], at__gte=start, actor__isnull=False
        )
        .values("actor_id", "actor__username", "actor__first_name", "actor__last_name", "to_status")
        .annotate(n=Count("id"))
        .order_by()
    )
    people: dict[int, dict] = {}
    for row in counts:
        name = f"{row['actor__first_name']} {row['actor__last_name']}".strip()
        person = people.setdefault(
            row["actor_id"], {"name": name or row["actor__username"], "submitted": 0, "decided": 0}
        )
        person["submitted" if row["to_status"] == S.SUBMITTED else "decided"] += row["n"]
    busiest = sorted(
        people.values(), key=lambda p: (-(p["submitted"] + p["decided"]), p["name"].lower())
    )[:PEOPLE_SHOWN]
    return Chart(
        slug="work",
        title="Work per person",
        description=f"Over the last {weeks} weeks: claims each person submitted (resubmissions "
        "included) and the decisions each editor made (approved, rejected or changes "
        f"requested); the {PEOPLE_SHOWN} busiest people.",
        category_label="person",
        categories=[p["name"] for p in busiest],
        series=[
            Series("Claims submitted", "#0b5cad", [p["submitted"] for p in busiest]),
            Series("Decisions made", "#1e7b3c", [p["decided"] for p in busiest]),
        ],
        unit="claims",
        kind="horizontal",
    )


CHARTS = {
    "decided": decided_per_week,
    "waiting-age": waiting_age,
    "decision-time": time_to_decision,
    "work": work_per_person,
}


def all_charts(now: datetime | None = None) -> list[Chart]:
    return [make(now=now) for make in CHARTS.values()]


def chart(slug: str, now: datetime | None = None) -> Chart | None:
    make = CHARTS.get(slug)
    return make(now=now) if make else None
