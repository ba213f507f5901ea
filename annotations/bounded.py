"""Reads that cost the same however large the table: capped counts, distinct values.

Counts are exact up to a cap and "more than" past it. Nobody reading a list misses
whether 75,012 or 75,013 checks are published, but everybody notices a page that takes
ten times as long because the number was counted row by row. So a list counts at most
``COUNT_CAP + 1`` rows (``SELECT COUNT(*) FROM (… LIMIT 1001)``): at or under the cap
the figure is exact; past it the page says "more than 1,000" and offers next and
previous links rather than a last page.

The distinct values of an indexed column (a filter's choices) are read from its
index one value at a time, rather than by a DISTINCT over every row.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.functional import cached_property

COUNT_CAP = 1000


@dataclass(frozen=True)
class Tally:
    """A count that stopped at its cap: ``n`` rows, more than ``n`` when ``more``, or
    about ``n`` when ``about`` (the planner's estimate, past the cap)."""

    n: int
    more: bool = False
    about: bool = False

    def __str__(self) -> str:
        if self.about:
            return f"about {self.n:,}"
        return f"more than {self.n:,}" if self.more else f"{self.n:,}"

    def __bool__(self) -> bool:
        return self.n > 0 or self.capped

    def __float__(self) -> float:
        """For ``pluralize``: "more than 1,000 drafts", "1 draft"."""
        return float(self.n)

    @property
    def short(self) -> str:
        """For a badge: "1,000+", "~48,000"."""
        if self.about:
            return f"~{self.n:,}"
        return f"{self.n:,}+" if self.more else f"{self.n:,}"

    @property
    def plural(self) -> bool:
        return self.more or self.about or self.n != 1

    @property
    def capped(self) -> bool:
        """Whether there are more rows than the cap: the pages hold only the first."""
        return self.more or self.about


def count_up_to(queryset: QuerySet, cap: int | None = None) -> Tally:
    """How many rows ``queryset`` has, counting no further than ``cap + 1``."""
    cap = COUNT_CAP if cap is None else cap
    n = queryset.order_by().values("pk")[: cap + 1].count()
    return Tally(cap, more=True) if n > cap else Tally(n)


def count_or_estimate(queryset: QuerySet, cap: int | None = None) -> Tally:
    """``count_up_to``, unless PostgreSQL's planner expects many more rows than the cap:
    then its estimate, "about 48,000".

    For searches: the rows of a common word are found by testing each row in turn
    (cheap for the twenty of a page, not for the thousand of a capped count), or from
    the word's whole entry in the full-text index, which grows with the table. The
    planner's estimate comes from the index's statistics, in the time of planning.
    """
    cap = COUNT_CAP if cap is None else cap
    estimate = planned_rows(queryset)
    if estimate is not None and estimate > ESTIMATE_ABOVE * cap:
        return Tally(round_estimate(estimate), about=True)
    return count_up_to(queryset, cap)


ESTIMATE_ABOVE = 2  # times the cap: below it a capped count is the answer


def planned_rows(queryset: QuerySet) -> int | None:
    """How many rows PostgreSQL's planner expects ``queryset`` to have (None elsewhere)."""
    db = connections[queryset.db]
    if db.vendor != "postgresql":
        return None
    sql, params = queryset.order_by().values("pk").query.get_compiler(using=queryset.db).as_sql()
    with db.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        (plan,) = cursor.fetchone()[0]
    return int(plan["Plan"]["Plan Rows"])


def round_estimate(n: int) -> int:
    """Two significant figures: an estimate is no more precise than that."""
    digits = len(str(n)) - 2
    return round(n, -digits) if digits > 0 else n


def counts_up_to(querysets: dict[str, QuerySet], cap: int | None = None) -> dict[str, Tally]:
    """Several capped counts in one query: ``SELECT (count of the first), (…), …``."""
    cap = COUNT_CAP if cap is None else cap
    if not querysets:
        return {}
    parts, params = [], []
    alias = ""
    for i, queryset in enumerate(querysets.values()):
        alias = alias or queryset.db
        limited = queryset.order_by().values("pk")[: cap + 1]
        sql, part_params = limited.query.get_compiler(using=queryset.db).as_sql()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS capped_{i})")  # noqa: S608 - compiled
        params.extend(part_params)
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return {
        name: Tally(cap, more=True) if n > cap else Tally(n)
        for name, n in zip(querysets, row, strict=True)
    }


class CappedPaginator(Paginator):
    """Django's paginator over a count that stops at ``COUNT_CAP``: the pages it numbers
    hold the first ``COUNT_CAP`` rows, so no page is further away than the cap either
    (an OFFSET of at most 1,000 rows). ``tally`` says whether there are more. With
    ``estimate`` (a search) a large count is the planner's estimate."""

    def __init__(self, *args, estimate: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.estimate = estimate

    @cached_property
    def tally(self) -> Tally:
        if isinstance(self.object_list, QuerySet):
            if self.estimate:
                return count_or_estimate(self.object_list)
            return count_up_to(self.object_list)
        n = len(self.object_list)
        return Tally(COUNT_CAP, more=True) if n > COUNT_CAP else Tally(n)

    @cached_property
    def count(self) -> int:
        return min(self.tally.n, COUNT_CAP)


def distinct_values(
    model: type[Model],
    field: str,
    *,
    having: tuple[QuerySet, str] | None = None,
    limit: int = 500,
) -> list[str]:
    """The distinct non-empty values of ``model.field`` in order, at most ``limit``.

    A loose index scan: each step asks the column's index for the smallest value above
    the last one, so ten publishers over 100,000 rows cost ten index probes (the column
    needs an index of its own). ``having=(queryset, lookup)`` keeps the values for which
    ``queryset`` has a row whose ``lookup`` equals the value (one probe each).
    """
    ops = connections["default"].ops
    table = ops.quote_name(model._meta.db_table)
    column = ops.quote_name(model._meta.get_field(field).column)  # type: ignore[union-attr,arg-type]  # a concrete field
    exists, exists_params = "", ()
    if having is not None:
        related, lookup = having
        probe = related.filter(**{lookup: RawSQL("v.value", ())}).order_by().values("pk")[:1]
        probe_sql, exists_params = probe.query.get_compiler(using=related.db).as_sql()
        # A scalar subquery, probed once per value: PostgreSQL would turn an EXISTS
        # into a join of every related row (a semi-join over all approved claims).
        exists = f" AND ({probe_sql}) IS NOT NULL"
    sql = (
        f"WITH RECURSIVE v(value) AS ("  # noqa: S608 - names from the model, values bound
        f" SELECT MIN({column}) FROM {table} WHERE {column} > %s"
        f" UNION ALL"
        f" SELECT (SELECT MIN({column}) FROM {table} WHERE {column} > v.value)"
        f" FROM v WHERE v.value IS NOT NULL"
        f") SELECT value FROM v WHERE value IS NOT NULL{exists} ORDER BY value LIMIT %s"
    )
    with connections["default"].cursor() as cursor:
        cursor.execute(sql, ["", *exists_params, limit])
        return [value for (value,) in cursor.fetchall()]
