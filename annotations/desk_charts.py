"""The numbers behind the desk's charts: decisions per week, the waiting queue's age, time
to a decision, work per person.

The three charts of the last ``WEEKS`` weeks sum the window's transition tallies, kept
as each transition is recorded (``TransitionTally``, ``annotations.tallies``): a few rows
a day, so the index costs the same whether the desk decided a hundred claims in those
weeks or a hundred thousand. The waiting queue's age counts the claims waiting now from
their index. A chart's table, its CSV and its picture are all drawn from the same
``Chart``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Sum, Value, When
from django.utils import timezone

from annotations import tallies
from annotations.models import ANSWERS, Claim, TransitionTally, Verdict

S = Claim.Status

WEEKS = 12
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


def week_labels(start: datetime, weeks: int) -> list[str]:
    return [(start.date() + timedelta(weeks=i)).isoformat() for i in range(weeks)]


# -- the four charts ----------------------------------------------------------------------


def _window(weeks: int, now: datetime | None) -> tuple[datetime, QuerySet]:
    """The window's first moment and its tallies (``annotations.tallies``), each with
    the index of its week."""
    start = window_start(weeks, now)
    first = start.date()
    week = Case(
        *(When(day__lt=first + timedelta(weeks=i + 1), then=Value(i)) for i in range(weeks)),
        output_field=IntegerField(),
    )
    window = TransitionTally.objects.filter(
        day__gte=first, day__lt=first + timedelta(weeks=weeks)
    ).annotate(week=week)
    return start, window


def decided_per_week(weeks: int = WEEKS, now: datetime | None = None) -> Chart:
    """Approvals by the verdict approved, and rejections, per week. One query over the
    window's tallies (and one for the scale)."""
    start, window = _window(weeks, now)
    counts = (
        window.filter(to_status__in=[S.APPROVED, S.REJECTED])
        .values("week", "to_status", "verdict_id")
        .annotate(n=Sum("n"))
        .order_by()
    )
    by_verdict: dict[int, list[float | None]] = defaultdict(lambda: [0] * weeks)
    rejected: list[float | None] = [0] * weeks
    for row in counts:
        values = rejected if row["to_status"] == S.REJECTED else by_verdict[row["verdict_id"]]
        values[row["week"]] += row["n"]
    verdicts = list(Verdict.objects.all())
    series = [
        Series(verdict.label, verdict.colour, by_verdict[verdict.pk])
        for verdict in verdicts
        if verdict.pk in by_verdict
    ]
    known = {verdict.pk for verdict in verdicts}
    unknown = [values for pk, values in by_verdict.items() if pk not in known]
    if unknown:  # approved without a verdict (0), or with one since deleted
        series.append(
            Series("No verdict", "#c0c4c9", [sum(v[i] or 0 for v in unknown) for i in range(weeks)])
        )
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
        # Of the status, not the id: the (status, submitted_at) index alone answers it.
        buckets[f"b{i}"] = Count("status", filter=waited)
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
    changes): median and 90th percentile per week of the answer, estimated from the
    window's tallies of waits (within 5%: ``annotations.tallies``). One query."""
    start, window = _window(weeks, now)
    counts = (
        window.filter(to_status__in=ANSWERS, wait_bucket__gte=0)
        .values("week", "wait_bucket")
        .annotate(n=Sum("n"))
        .order_by()
    )
    waits: list[dict[int, int]] = [{} for _ in range(weeks)]
    for row in counts:
        waits[row["week"]][row["wait_bucket"]] = row["n"]
    hours = [{p: _hours(tallies.percentile(w, p)) for p in (50, 90)} for w in waits]
    median = [h[50] for h in hours]
    p90 = [h[90] for h in hours]
    return Chart(
        slug="decision-time",
        title="Time from submission to decision",
        description="Hours from a claim's submission to the editor's answer (approved, "
        f"rejected or changes requested), per week of the answer, over the last {weeks} weeks: "
        "the median and the 90th percentile (nine answers in ten came sooner), each within 5%.",
        category_label="week starting",
        categories=week_labels(start, weeks),
        series=[
            Series("Median (hours)", "#0b5cad", median),
            Series("90th percentile (hours)", "#c8641b", p90),
        ],  # fmt: skip
        unit="hours",
        kind="lines",
        extra={"Decisions": [sum(w.values()) for w in waits]},
    )


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 1)


def work_per_person(weeks: int = WEEKS, now: datetime | None = None) -> Chart:
    """Claims each person submitted and answers each gave, over the window: one query
    over its tallies, one for the names."""
    _, window = _window(weeks, now)
    counts = (
        window.filter(to_status__in=[S.SUBMITTED, *ANSWERS], actor_id__gt=0)
        .values("actor_id", "to_status")
        .annotate(n=Sum("n"))
        .order_by()
    )
    people: dict[int, dict] = {}
    for row in counts:
        person = people.setdefault(row["actor_id"], {"submitted": 0, "decided": 0})
        person["submitted" if row["to_status"] == S.SUBMITTED else "decided"] += row["n"]
    for user in (
        get_user_model().objects.filter(pk__in=people).only("username", "first_name", "last_name")
    ):
        people[user.pk]["name"] = user.get_full_name() or user.get_username()
    people = {pk: p for pk, p in people.items() if "name" in p}  # a person since deleted
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


CHARTS: dict[str, Callable[..., Chart]] = {
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
