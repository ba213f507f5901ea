"""Fill a database with articles and claims for benchmarks (deterministic).

Claims are approved unless ``--submitted`` and ``--drafts`` ask for a share of them in
review and in draft, as a working desk has (the scale benchmark's queues and filters).
"""

from __future__ import annotations

import hashlib
import random
from datetime import timedelta

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from annotations.models import (
    Appearance,
    Article,
    Claim,
    ClaimEvent,
    Source,
    TransitionTally,
    Verdict,
)
from annotations.spans import make_quote

WORDS = [
    "chip",
    "export",
    "license",
    "revenue",
    "quarter",
    "market",
    "share",
    "semiconductor",
    "foundry",
    "lithography",
    "wafer",
    "nanometre",
    "supply",
    "chain",
    "regulator",
    "ministry",
    "analyst",
    "report",
    "billion",
    "percent",
    "growth",
    "company",
    "government",
    "policy",
    "sanction",
    "domestic",
    "foreign",
    "model",
    "training",
    "data",
    "centre",
    "investment",
    "factory",
    "production",
    "capacity",
    "design",
    "architecture",
    "memory",
    "bandwidth",
    "customer",
    "contract",
    "partner",
    "competition",
    "research",
    "laboratory",
    "engineer",
    "talent",
    "patent",
    "standard",
]
# How many of the two transitions (submit, approve) each status has behind it.
STEPS_TO = {Claim.Status.DRAFT: 0, Claim.Status.SUBMITTED: 1, Claim.Status.APPROVED: 2}
NAMES = ["Nvidia", "Huawei", "TSMC", "ASML", "Cambricon", "ByteDance", "Alibaba", "DeepSeek"]


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 22))]
    words[rng.randrange(len(words))] = rng.choice(NAMES)
    if rng.random() < 0.5:
        words.insert(rng.randrange(len(words)), f"{rng.randint(2, 95)}%")
    return " ".join(words).capitalize() + "."


def article_text(rng: random.Random, target_chars: int) -> str:
    paragraphs, size = [], 0
    while size < target_chars:
        paragraph = " ".join(sentence(rng) for _ in range(rng.randint(2, 6)))
        paragraphs.append(paragraph)
        size += len(paragraph) + 1
    return "\n".join(paragraphs)


class Command(BaseCommand):
    help = "Generate N articles and M claims with sources and events (deterministic)."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=200)
        parser.add_argument("--claims", type=int, default=2000)
        parser.add_argument("--sources", type=int, default=2, help="Sources per claim.")
        parser.add_argument("--article-chars", type=int, default=4000)
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--batch", type=int, default=2000)
        parser.add_argument(
            "--submitted", type=float, default=0.0, help="Share of claims waiting for review."
        )
        parser.add_argument("--drafts", type=float, default=0.0, help="Share of claims in draft.")

    def handle(self, *args, articles, claims, sources, article_chars, seed, batch, submitted,
               drafts, **options):  # fmt: skip
        if submitted < 0 or drafts < 0 or submitted + drafts > 1:
            raise CommandError("--submitted and --drafts are shares: each ≥ 0, together ≤ 1.")
        self.shares = (submitted, drafts)
        rng = random.Random(seed)
        reviewer, _ = User.objects.get_or_create(username="bench-reviewer")
        editor, _ = User.objects.get_or_create(username="bench-editor", defaults={"is_staff": True})
        reviewer.groups.add(*Group.objects.filter(name="Reviewers"))
        editor.groups.add(*Group.objects.filter(name="Editors"))
        verdicts = list(Verdict.objects.all())
        start_at = timezone.now() - timedelta(days=30)

        created_articles = []
        with transaction.atomic():
            for i in range(articles):
                body = f"Bench article {seed}-{i}\n" + article_text(rng, article_chars)
                created_articles.append(
                    Article(
                        title=f"Bench article {seed}-{i}",
                        body=body,
                        raw_text=body,
                        content_hash=hashlib.sha256(f"{seed}-{i}-{body}".encode()).hexdigest(),
                        origin=f"bench-{seed}-{i}.txt",
                        source_url=f"https://news.example.org/{seed}/{i}",
                        publisher="news.example.org",
                    )
                )
            created_articles = Article.objects.bulk_create(created_articles, batch_size=batch)
        self.stderr.write(f"{len(created_articles)} articles")

        made = 0
        while made < claims:
            chunk = min(batch, claims - made)
            self._claims(rng, chunk, made, created_articles, verdicts, reviewer, editor,
                         sources, start_at)  # fmt: skip
            made += chunk
            self.stderr.write(f"{made} claims")
        # The events were written in bulk, not one by one through ClaimEvent.objects.record:
        # the desk's tallies are counted from them once, as the migration counts a history.
        self.stderr.write(f"{TransitionTally.objects.rebuild()} tallies")
        # Planner statistics, as autovacuum would gather them soon after a bulk load in
        # production: without them PostgreSQL guesses a few dozen rows per table and
        # sorts every approved claim for each export page instead of walking its index.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(f"generated {len(created_articles)} articles and {made} claims")

    def _claims(self, rng, count, offset, articles, verdicts, reviewer, editor, per_claim,
                start_at):  # fmt: skip
        rows = []
        for n in range(count):
            article = articles[rng.randrange(len(articles))]
            body = article.body
            start = rng.randrange(0, max(1, len(body) - 200))
            end = min(len(body), start + rng.randint(20, 160))
            try:
                quote = make_quote(body, start, end)
            except Exception:  # noqa: BLE001 - a span of white space: take the first words
                quote = make_quote(body, 0, 20)
            at = start_at + timedelta(seconds=(offset + n) * 2)
            status = self._status(rng)
            approved = status == Claim.Status.APPROVED
            rows.append(
                Claim(
                    article=article, start=quote.start, end=quote.end, exact=quote.exact,
                    prefix=quote.prefix, suffix=quote.suffix,
                    claim=quote.exact[:1].upper() + quote.exact[1:],
                    verdict=rng.choice(verdicts),
                    # Markdown as the workspace writes it; plain sentences render as one
                    # paragraph (richtext.render_markdown), written here without the parser.
                    rationale_markdown=(why := " ".join(sentence(rng) for _ in range(3))),
                    rationale=f"<p>{why}</p>",
                    author=reviewer, status=status, version=3 if approved else 2,
                    created_at=at, updated_at=at,
                    submitted_at=None if status == Claim.Status.DRAFT else at,
                    approved_by=editor if approved else None, approved_at=at if approved else None,
                )
            )  # fmt: skip
        with transaction.atomic():
            claims = Claim.objects.bulk_create(rows)
            # Each claim's own span is its primary appearance, as appearances.py makes it.
            Appearance.objects.bulk_create(
                Appearance(
                    claim=claim, article_id=claim.article_id, start=claim.start, end=claim.end,
                    exact=claim.exact, prefix=claim.prefix, suffix=claim.suffix, primary=True,
                    created_at=claim.created_at,
                )
                for claim in claims
            )  # fmt: skip
            Source.objects.bulk_create(
                Source(
                    claim=claim, order=k, url=f"https://source.example.org/{claim.pk}/{k}",
                    title=sentence(rng)[:80], publisher=rng.choice(NAMES) + " News",
                    stance=rng.choice(["supports", "refutes", "context"]),
                    excerpt=sentence(rng), accessed_on=claim.created_at.date(),
                )
                for claim in claims
                for k in range(per_claim)
            )  # fmt: skip
            steps = [(reviewer, "draft", "submitted"), (editor, "submitted", "approved")]
            ClaimEvent.objects.bulk_create(
                ClaimEvent(claim=claim, actor=actor, kind=ClaimEvent.Kind.TRANSITION,
                           from_status=old, to_status=new, at=claim.created_at)
                for claim in claims
                for actor, old, new in steps[: STEPS_TO[claim.status]]
            )  # fmt: skip

    def _status(self, rng) -> str:
        submitted, drafts = self.shares
        if not (submitted or drafts):
            return Claim.Status.APPROVED  # no draw: the approved-only datasets stay as they were
        draw = rng.random()
        if draw < drafts:
            return Claim.Status.DRAFT
        if draw < drafts + submitted:
            return Claim.Status.SUBMITTED
        return Claim.Status.APPROVED
