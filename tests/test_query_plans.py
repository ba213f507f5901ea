"""Every list reads through an index on PostgreSQL (issue 18).

Each page is requested as a person would, its queries captured and handed to EXPLAIN on
tables big enough for the planner to care (20,000 claims and events, 10,000 articles,
filled here and ANALYZEd). A plan passes when no big table is read whole: a sequential
scan is allowed only where a LIMIT stops it (a count capped at 1,001 rows, streaming),
never under a sort, a hash or an aggregate that would read every row; and the page's
own rows come from the index named for it. SQLite has no such planner to ask.
"""

from __future__ import annotations

import random
import re
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from annotations.models import Appearance, Article, Claim, ClaimEvent, Verdict
from annotations.publishing.keyset import LAST_PAGE
from tests.conftest import make_user

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="query plans are PostgreSQL's: run with DATABASE_URL=postgres://…",
    ),
]

BIG = {"annotations_claim", "annotations_article", "annotations_claimevent"}
# Nodes that read all of their input before giving a row: beneath them a LIMIT no
# longer bounds what is read.
READ_WHOLE = {"Sort", "Hash", "Aggregate", "Materialize", "Unique", "SetOp", "WindowAgg"}
CLAIMS, ARTICLES, EVENTS = 20_000, 10_000, 20_000
OLDEST = LAST_PAGE.encode()


@pytest.fixture(scope="module")
def big_desk(django_db_setup, django_db_blocker):
    """A desk of a few years, made once for the module and rolled back after it: 10,000
    articles, 20,000 claims (75% approved, 20% waiting, 5% drafts; "Unproven" rare),
    20,000 events; planner statistics gathered."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield fill()
        transaction.set_rollback(True)


def fill() -> dict:
    rng = random.Random(18)
    now = timezone.now()
    reviewer, reviewer2 = make_user("plan-reviewer", "Reviewers"), make_user("plan-r2", "Reviewers")
    editor = make_user("plan-editor", "Editors", is_staff=True)
    body = "Chip exports rose by a fifth, the ministry said in its report.\nMore words."
    articles = Article.objects.bulk_create(
        Article(
            title=f"Article {i} on chips and {words(rng, 3)}",
            body=body,
            raw_text=body,
            content_hash=f"{i:064d}",
            origin=f"{i}.txt",
            publisher=rng.choice(["a.example.org", "b.example.org", "c.example.org"]),
            imported_at=now - timedelta(minutes=i),
            priority=rng.choice([1, 2, 3, 4]),
            due_date=(now - timedelta(days=rng.randrange(-30, 30))).date() if i % 7 == 0 else None,
        )
        for i in range(ARTICLES)
    )
    verdicts = list(Verdict.objects.exclude(slug="unproven"))
    rare = Verdict.objects.get(slug="unproven")
    claims = []
    for i in range(CLAIMS):
        at = now - timedelta(hours=3 * i)  # a desk with years of work behind it
        draw = rng.random()
        status = "draft" if draw < 0.05 else "submitted" if draw < 0.25 else "approved"
        claims.append(
            Claim(
                article=rng.choice(articles), start=0, end=4, exact="Chip",
                claim=f"Claim {i}: chips {words(rng, 6)}",
                verdict=rare if i % 400 == 0 else rng.choice(verdicts),
                rationale=f"<p>The report says otherwise: {words(rng, 20)}.</p>",
                author=rng.choice([reviewer, reviewer2]), status=status,
                assignee=rng.choice([None, editor]),
                created_at=at, updated_at=at,
                submitted_at=None if status == "draft" else at,
                approved_by=editor if status == "approved" else None,
                approved_at=at if status == "approved" else None,
            )
        )  # fmt: skip
    claims = Claim.objects.bulk_create(claims, batch_size=5000)
    Appearance.objects.bulk_create(
        (
            Appearance(
                claim=claim, article_id=claim.article_id, start=0, end=4, exact="Chip",
                primary=True, created_at=claim.created_at,
                state="proposed" if i % 500 == 0 else "confirmed",
            )
            for i, claim in enumerate(claims)
        ),
        batch_size=5000,
    )  # fmt: skip
    ClaimEvent.objects.bulk_create(
        (
            ClaimEvent(
                claim=claim, actor=reviewer, kind="transition", from_status="draft",
                to_status="submitted", at=claim.created_at,
            )
            for claim in claims
            if claim.status != "draft"
        ),
        batch_size=5000,
    )  # fmt: skip
    with connection.cursor() as cursor:
        # What autovacuum does after a bulk load: statistics, and the full-text indexes'
        # pending entries merged into them (VACUUM cannot run inside the test's transaction).
        cursor.execute("ANALYZE")
        for index in ("claim_search_idx", "article_search_idx"):
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
    return {"article": articles[ARTICLES // 2], "editor": editor, "reviewer2": reviewer2}


def words(rng: random.Random, n: int) -> str:
    """Made-up words from a vocabulary of thousands, as real text has: the planner then
    knows a word it has not seen is rare."""
    return " ".join(f"word{rng.randrange(5000)}" for _ in range(n))


def plans(client, url: str) -> list[tuple[str, dict]]:
    """(SQL, plan) of every query the page sends that reads a big table."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    found = []
    for query in captured.captured_queries:
        sql = query["sql"]
        if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
            continue
        if not any(table in sql for table in BIG):
            continue
        found.append((sql, explain(sql)))
    return found


def explain(sql: str) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
        (plan,) = cursor.fetchone()[0]
    return plan


def walk(node: dict, bounded: bool = False):
    """Every node with whether a LIMIT above it still bounds what it reads."""
    kind = node["Node Type"]
    if kind == "Limit":
        bounded = True
    elif kind in READ_WHOLE:
        bounded = False
    yield node, bounded
    for child in node.get("Plans", []):
        yield from walk(child, bounded)


def whole_table_reads(plan: dict) -> list[str]:
    return [
        node["Relation Name"]
        for node, bounded in walk(plan["Plan"])
        if node["Node Type"] == "Seq Scan" and node.get("Relation Name") in BIG and not bounded
    ]


def describe(plan: dict) -> str:
    """The plan as EXPLAIN prints it, roughly: one node a line, indented."""

    def lines(node: dict, depth: int):
        where = node.get("Relation Name", "") + " " + node.get("Index Name", "")
        cond = node.get("Index Cond") or node.get("Filter") or node.get("Recheck Cond") or ""
        yield f"{'  ' * depth}{node['Node Type']} {where.strip()} {cond[:100]}".rstrip()
        for child in node.get("Plans", []):
            yield from lines(child, depth + 1)

    return "\n".join(lines(plan["Plan"], 0))


def indexes_used(plan: dict) -> set[str]:
    return {node["Index Name"] for node, _ in walk(plan["Plan"]) if "Index Name" in node}


PAGES = [
    # (who, address, an index the page's rows come from: one of them, if several)
    ("anonymous", "/checks/", "claim_published_idx"),
    ("anonymous", f"/checks/?cursor={OLDEST}", "claim_published_idx"),
    ("anonymous", "/checks/?verdict=misleading", None),  # common: the list's own index
    ("anonymous", "/checks/?verdict=unproven", "claim_published_verdict_idx"),  # rare
    ("anonymous", "/checks/?publisher=b.example.org", None),
    ("anonymous", "/checks/?q=chips", "claim_published_idx"),  # in every claim: walk and test
    ("anonymous", "/checks/?q=xylophone", "claim_search_idx"),  # in none: the word's entry
    ("editor", "/articles/?q=chips", "article_imported_idx"),
    ("editor", "/articles/?q=xylophone", "article_search_idx"),
    ("editor", "/admin/annotations/claim/?q=xylophone", "claim_search_idx"),
    ("editor", "/admin/annotations/article/?q=xylophone", "article_search_idx"),
    ("editor", "/api/v1/claims/?q=xylophone", "claim_search_idx"),
    ("editor", "/articles/", "article_imported_idx"),
    ("editor", f"/articles/?cursor={OLDEST}", "article_imported_idx"),
    ("editor", "/admin/", None),
    ("editor", "/admin/annotations/claim/", "claim_sync_idx"),
    (
        "editor",
        "/admin/annotations/claim/?status__exact=submitted",
        ("claim_status_sync_idx", "claim_sync_idx"),  # the planner's choice: both bounded
    ),
    ("editor", "/admin/annotations/claim/?status__exact=changes_requested", None),
    (
        "editor",
        "/admin/annotations/claim/?waiting=review",
        ("claim_status_sync_idx", "claim_sync_idx"),
    ),
    ("editor", "/admin/annotations/claim/?o=8", "claim_age_idx"),
    (
        "editor",
        "/admin/annotations/claim/?o=-8&status__exact=submitted",
        ("claim_status_age_idx", "claim_age_idx"),
    ),
    ("editor", "/admin/annotations/claim/?article__id__exact={article}", None),
    ("editor", "/admin/annotations/claim/?author__id__exact={reviewer2}", None),
    ("editor", "/admin/annotations/article/", "article_imported_idx"),
    ("editor", "/admin/annotations/article/?queue_status__exact=done", None),
    ("editor", "/admin/annotations/article/?o=5", "article_priority_idx"),
    ("editor", "/admin/annotations/article/?o=-6", "article_due_idx"),
    ("editor", "/admin/annotations/article/?due=overdue", None),
    ("editor", "/admin/annotations/appearance/", "appearance_created_idx"),
    ("editor", "/admin/annotations/appearance/?state__exact=proposed", "appearance_state_idx"),
    ("editor", "/admin/annotations/claimevent/", None),
    ("editor", "/admin/annotations/claimevent/?kind__exact=edit", "claimevent_kind_idx"),
    ("editor", "/admin/annotations/claimevent/?to_status=retracted", "claimevent_step_idx"),
    ("editor", "/admin/annotations/claimevent/?q=withdrawn", "claimevent_comment_trgm_idx"),
    (
        "editor",
        "/admin/autocomplete/?app_label=annotations&model_name=claim&field_name=article&term=41",
        None,
    ),
    ("editor", "/api/v1/claims/", ("claim_sync_idx", "claim_status_sync_idx")),
    ("editor", "/api/v1/articles/", None),
]


@pytest.mark.parametrize(("who", "address", "index"), PAGES, ids=[p[1] for p in PAGES])
def test_no_list_reads_a_whole_table(client, db, big_desk, who, address, index):
    if who == "editor":
        client.force_login(big_desk["editor"])
    url = address.format(article=big_desk["article"].pk, reviewer2=big_desk["reviewer2"].pk)
    found = plans(client, url)
    assert found, f"{url} read none of the big tables"
    for sql, plan in found:
        assert whole_table_reads(plan) == [], f"{url} reads a whole table:\n{sql}\n{describe(plan)}"
    if index is not None:
        used = set().union(*(indexes_used(plan) for _, plan in found))
        wanted = {index} if isinstance(index, str) else set(index)
        assert used & wanted, f"{url} does not use {' or '.join(wanted)}: {sorted(used)}"


def test_the_rule_catches_a_sorted_sequential_scan(db, big_desk):
    """The check itself can fail: an order no index serves sorts the whole table."""
    plan = explain(str(Claim.objects.order_by("rationale", "id")[:20].query))
    assert whole_table_reads(plan) == ["annotations_claim"]


def test_a_common_publishers_count_is_the_planners_estimate(client, db, big_desk):
    """Counting a publisher's checks joins every approved claim to its article: past
    twice the cap the list says "about" the planner's figure instead; a publisher with
    none finds none."""
    exact = Claim.objects.approved().from_publisher("b.example.org").count()
    html = client.get("/checks/?publisher=b.example.org").content.decode()
    about = re.search(r'<p class="count">About ([\d,]+) fact-checks\.</p>', html)
    assert about, re.search(r'<p class="count">.*?</p>', html)
    assert int(about[1].replace(",", "")) == pytest.approx(exact, rel=0.5)
    html = client.get("/checks/?publisher=nobody.example.org").content.decode()
    assert "No published fact-check matches." in html
