"""The desk's charts: their numbers against a desk whose history we wrote, the SVG, the
table beside it and the CSV download, all the same numbers."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET  # noqa: S405 - parses our own SVG
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from annotations import desk_charts, svg_charts, workflow
from annotations.models import Claim, Verdict
from tests import factories
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 5, 20, 12, 0, tzinfo=UTC)  # a Wednesday
THIS_WEEK = datetime(2026, 5, 18, tzinfo=UTC)
LAST_WEEK = THIS_WEEK - timedelta(weeks=1)
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def clock(monkeypatch):
    """Set the time the workflow stamps on what it does."""

    def at(moment: datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return at


@pytest.fixture
def history(clock, seed_articles, reviewer, reviewer2, editor, editor2):
    """Decisions in this week, last week and before the window; claims waiting now."""
    article = seed_articles["000"]
    names = iter(range(100))

    def claim(author, verdict="false"):
        n = next(names)
        draft = factories.make_draft(article, author, n=n, text=f"Claim {n}",
                                     verdict=Verdict.objects.get(slug=verdict))  # fmt: skip
        return draft

    def submitted(author, at: datetime, verdict="false") -> Claim:
        clock(at)
        return workflow.claim_transition(claim=claim(author, verdict), user=author, action="submit")

    def answer(c: Claim, editor, action: str, at: datetime) -> Claim:
        clock(at)
        comment = "" if action == "approve" else "Why."
        return workflow.claim_transition(claim=c, user=editor, action=action, comment=comment)

    monday = LAST_WEEK + timedelta(hours=9)
    # Last week: five answers after 1, 2, 3, 4 and 10 hours.
    answer(submitted(reviewer, monday, "false"), editor, "approve", monday + timedelta(hours=1))
    answer(submitted(reviewer, monday, "false"), editor, "approve", monday + timedelta(hours=2))
    answer(submitted(reviewer2, monday, "true"), editor2, "approve", monday + timedelta(hours=3))
    answer(submitted(reviewer2, monday, "false"), editor, "reject", monday + timedelta(hours=4))
    sent_back = answer(submitted(reviewer, monday, "misleading"), editor, "request_changes",
                       monday + timedelta(hours=10))  # fmt: skip
    # This week: the claim sent back is resubmitted and approved 5 hours after that.
    resubmitted = THIS_WEEK + timedelta(hours=8)
    clock(resubmitted)
    sent_back = workflow.claim_transition(claim=sent_back, user=reviewer, action="submit")
    answer(sent_back, editor2, "approve", resubmitted + timedelta(hours=5))
    # Before the window: not counted anywhere.
    long_ago = THIS_WEEK - timedelta(weeks=20)
    answer(submitted(reviewer, long_ago), editor, "approve", long_ago + timedelta(hours=1))
    # Waiting now: for half a day, 3 days, 10 days and 20 days.
    for days in (0.5, 3, 10, 20):
        submitted(reviewer2, NOW - timedelta(days=days))
    clock(NOW)


def test_claims_decided_per_week_by_verdict(history):
    chart = desk_charts.decided_per_week(now=NOW)
    assert chart.categories[0] == "2026-03-02" and chart.categories[-1] == "2026-05-18"
    series = {s.label: s.values[-2:] for s in chart.series}  # last week, this week
    assert series == {"True": [1, 0], "False": [2, 0], "Misleading": [0, 1], "Rejected": [1, 0]}
    totals = [sum(s.values[i] for s in chart.series) for i in range(len(chart.categories))]
    assert sum(totals) == 5  # the approval before the window is not counted


def test_the_waiting_queue_by_age(history):
    chart = desk_charts.waiting_age(now=NOW)
    assert dict(zip(chart.categories, chart.series[0].values, strict=True)) == {
        "under 1 day": 1, "1–2 days": 0, "2–4 days": 1, "4–7 days": 0, "1–2 weeks": 1,
        "over 2 weeks": 1,
    }  # fmt: skip


def test_a_claim_never_stamped_counts_as_the_oldest(history):
    Claim.objects.filter(status="submitted").update(submitted_at=None)
    chart = desk_charts.waiting_age(now=NOW)
    assert chart.series[0].values == [0, 0, 0, 0, 0, 4]


def within_the_buckets(expected: float):
    """A wait estimated from the tallies' buckets (5%), shown to a tenth of an hour."""
    return pytest.approx(expected, rel=0.05, abs=0.05)


def test_time_from_submission_to_decision_median_and_90th_percentile(history):
    chart = desk_charts.time_to_decision(now=NOW)
    median, p90 = chart.series
    # last week: 1, 2, 3, 4 and 10 hours; this week: 5 hours from the resubmission
    assert median.values[-2:] == [within_the_buckets(3.0), within_the_buckets(5.0)]
    assert p90.values[-2:] == [within_the_buckets(7.6), within_the_buckets(5.0)]  # 4 + 6 × 0.6
    assert median.values[:-2] == [None] * 10  # weeks without decisions have no number
    assert chart.extra["Decisions"][-2:] == [5, 1]
    assert chart.header == ["week starting", "Median (hours)", "90th percentile (hours)",
                            "Decisions"]  # fmt: skip
    assert chart.rows[-1] == ["2026-05-18", median.values[-1], p90.values[-1], 1]


def test_work_per_person(history):
    chart = desk_charts.work_per_person(now=NOW)
    rows = {row[0]: row[1:] for row in chart.rows}
    # submissions (resubmission included) and decisions within the window
    assert rows == {"reviewer": [4, 0], "editor": [0, 4], "reviewer2": [2 + 4, 0],
                    "editor2": [0, 2]}  # fmt: skip
    assert chart.categories[0] == "reviewer2"  # the busiest first


def test_the_charts_cost_six_queries_however_large_the_desk(history, django_assert_num_queries):
    # decisions per week and the verdict scale (2); the waiting queue's age; the waits'
    # tallies; the work per person and the people's names (2)
    with django_assert_num_queries(6):
        desk_charts.all_charts(now=NOW)


# -- the picture, the table and the CSV say the same -------------------------------------------


def marks(svg: str) -> dict[str, float]:
    """Each bar's or point's tooltip "category: series number", as {"category: series": n}."""
    root = ET.fromstring(svg)  # noqa: S314 - raises unless the SVG is well-formed
    found = {}
    for mark in root.iter():
        if mark.tag in (SVG + "rect", SVG + "circle"):
            title = mark.find(SVG + "title")
            if title is not None:
                label, _, value = title.text.rpartition(" ")
                found[label] = float(value)
    return found


@pytest.mark.parametrize("slug", list(desk_charts.CHARTS))
def test_each_picture_is_well_formed_svg_with_a_title_and_its_numbers(history, slug):
    chart = desk_charts.chart(slug, now=NOW)
    svg = str(svg_charts.render(chart))
    root = ET.fromstring(svg)  # noqa: S314
    assert root.tag == SVG + "svg"
    assert root.get("role") == "img"
    assert root.find(SVG + "title").text == chart.title
    assert root.get("aria-labelledby") == f"chart-{slug}-title chart-{slug}-desc"
    drawn = marks(svg)
    expected = {
        f"{category}: {s.label}": s.values[i]
        for s in chart.series
        for i, category in enumerate(chart.categories)
        if s.values[i]  # zero draws no bar, None no point
    }
    assert drawn == expected
    assert drawn  # the history gives every chart something to draw
    assert "<script" not in svg and "style=" not in svg


def test_an_empty_desk_draws_empty_charts(db):
    for chart in desk_charts.all_charts(now=NOW):
        svg = str(svg_charts.render(chart))
        assert marks(svg) == {}
        assert "Nothing to show yet." in svg


def test_text_in_a_chart_is_escaped(history, reviewer):
    reviewer.first_name = "<script>alert(1)</script>"
    reviewer.save()
    svg = str(svg_charts.render(desk_charts.work_per_person(now=NOW)))
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    ET.fromstring(svg)  # noqa: S314


class Tables(HTMLParser):
    """The rows (cell texts) of each chart's table on the index, by chart."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.chart = None
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "figure" and attrs.get("id", "").startswith("desk-chart-"):
            self.chart = attrs["id"].removeprefix("desk-chart-")
            self.tables[self.chart] = []
        elif self.chart and tag == "tr":
            self.tables[self.chart].append([])
        elif self.chart and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "figure":
            self.chart = None
        elif self.cell is not None and tag in ("td", "th"):
            self.tables[self.chart][-1].append("".join(self.cell).strip())
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def shown(value) -> str:
    return "–" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def test_the_index_shows_each_chart_with_its_numbers_as_a_table(client, editor, history):
    client.force_login(editor)
    html = client.get(reverse("admin:index")).content.decode()
    parser = Tables()
    parser.feed(html)
    assert set(parser.tables) == set(desk_charts.CHARTS)
    for chart in desk_charts.all_charts():
        header, *rows = parser.tables[chart.slug]
        assert header == chart.header
        assert rows == [[shown(cell) for cell in row] for row in chart.rows], chart.slug
        csv_url = reverse("admin:annotations_claim_chart_csv", args=[chart.slug])
        assert f'href="{csv_url}" download' in html
    assert html.count('role="img" aria-labelledby="chart-') == 4
    p90 = desk_charts.time_to_decision().series[1].values[-2]  # last week's, in the table
    assert p90 == within_the_buckets(7.6) and f'<td class="num">{p90:g}</td>' in html


def test_the_csv_holds_the_tables_numbers(client, editor, history):
    client.force_login(editor)
    for chart in desk_charts.all_charts():
        response = client.get(reverse("admin:annotations_claim_chart_csv", args=[chart.slug]))
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"] == f'attachment; filename="desk-{chart.slug}.csv"'
        header, *rows = csv.reader(io.StringIO(response.content.decode()))
        assert header == chart.header
        assert rows == [["" if c is None else str(c) for c in row] for row in chart.rows]


def test_a_name_a_spreadsheet_would_run_is_written_as_text(client, editor, reviewer, history):
    reviewer.first_name = "=HYPERLINK(1)"
    reviewer.save()
    client.force_login(editor)
    response = client.get(reverse("admin:annotations_claim_chart_csv", args=["work"]))
    assert "'=HYPERLINK(1)," in response.content.decode()


def test_a_verdict_label_in_a_charts_header_row_is_written_as_text(client, editor, history):
    Verdict.objects.filter(slug="false").update(label='=HYPERLINK("http://evil.example","x")')
    client.force_login(editor)
    response = client.get(reverse("admin:annotations_claim_chart_csv", args=["decided"]))
    header, *rows = csv.reader(io.StringIO(response.content.decode()))
    assert '\'=HYPERLINK("http://evil.example","x")' in header
    assert not any(name.startswith(("=", "+", "-", "@")) for name in header)
    assert all(value.lstrip("-").isdigit() or value == "" for row in rows for value in row[1:])


def test_a_persons_name_in_a_charts_rows_is_written_as_text(client, editor, reviewer, history):
    reviewer.first_name, reviewer.last_name = "+1", "-800"
    reviewer.save()
    client.force_login(editor)
    response = client.get(reverse("admin:annotations_claim_chart_csv", args=["work"]))
    names = [row[0] for row in csv.reader(io.StringIO(response.content.decode()))][1:]
    assert "'+1 -800" in names


def test_the_csv_is_for_staff_who_may_see_claims(client, reviewer, editor, history):
    url = reverse("admin:annotations_claim_chart_csv", args=["decided"])
    client.force_login(reviewer)  # not staff
    assert client.get(url).status_code == 302
    clerk = make_user("clerk", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_article"))
    client.force_login(clerk)
    assert client.get(url).status_code == 403
    assert "Claims decided per week" not in client.get(reverse("admin:index")).content.decode()
    client.force_login(editor)
    missing = client.get(reverse("admin:annotations_claim_chart_csv", args=["pie"]))
    assert missing.status_code == 404
