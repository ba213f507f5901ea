""" "Has this been checked already?": recall of each engine on the evaluation set, and the
time of one question with 100,000 claims on PostgreSQL.

    python bench/matching_bench.py [--claims 100000] [--database-url postgres://…]

Recall: the claims of ``bench/matching_pairs.py`` are stored in a fresh test database
and each paraphrase is asked; top-1 and top-3 recall per engine (lexical always; semantic
when the extra is installed). Latency: the database is filled with ``--claims`` claims
worded from the seed vocabulary (bulk insert), then 60 questions (the paraphrases and
variations) are timed in this process; the median and the 95th percentile are printed.
Figures go to stderr as they come and, as JSON, to bench/data/matching.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import DATA, say  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument(
        "--keep", action="store_true", help="Keep (and reuse) the filled test database."
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("MATCHING_DATABASE_URL", "postgres://root@127.0.0.1:5432/test"),
    )
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    os.environ.setdefault("DJANGO_DEBUG", "true")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=args.keep)
    try:
        result = run(args.claims)
    finally:
        if not args.keep:
            connection.creation.destroy_test_db(old_name, verbosity=0)
    DATA.mkdir(parents=True, exist_ok=True)
    (DATA / "matching.json").write_text(json.dumps(result, indent=2))
    (ROOT / "bench" / "matching.md").write_text(markdown(result))
    print(json.dumps(result, indent=2))
    return 0


def markdown(result: dict) -> str:
    lines = [
        '# "Has this been checked already?"',
        "",
        "Written by `bench/matching_bench.py` (`make bench-matching`); the semantic row",
        "appears when the `semantic` extra is installed in the environment that runs it.",
        "",
        f"Recall on {next(iter(result['recall'].values()))['pairs']} paraphrases of claims "
        f"from the seeds (`bench/matching_pairs.py`), {result['database']}:",
        "",
        "| engine | top-1 recall | top-3 recall | target (top-3) |",
        "|---|---|---|---|",
    ]
    targets = {"lexical": 0.9, "semantic": 0.95}
    for engine, figures in result["recall"].items():
        ok = "PASS" if figures["top3"] >= targets[engine] else "FAIL"
        lines.append(
            f"| {engine} | {figures['top1']:.2f} | {figures['top3']:.2f} | "
            f"≥ {targets[engine]} {ok} |"
        )
    latency = result["latency"]
    ok = "PASS" if latency["p95_ms"] < 50 else "FAIL"
    lines += [
        "",
        f"Similar-claims query (lexical engine, in-process) with {latency['claims']:,} claims "
        f"on {result['database']}: median {latency['median_ms']} ms, p95 "
        f"{latency['p95_ms']} ms over {latency['questions']} questions (target p95 < 50 ms: "
        f"{ok}).",
        "",
    ]
    return "\n".join(lines)


def run(total: int) -> dict:
    from django.contrib.auth.models import Group, User
    from django.db import connection

    from annotations import embeddings, search
    from annotations.importers import import_paths
    from annotations.models import Claim
    from bench.matching_eval import evaluate, load_eval_claims
    from bench.matching_pairs import PAIRS

    summary = import_paths([ROOT / "seeds"])
    article = next(r.article for r in summary.results if r.origin.startswith("000"))
    user, made = User.objects.get_or_create(username="bench-matcher")
    user.groups.add(Group.objects.get(name="Reviewers"))
    if made:
        ids = load_eval_claims(article, user)
    else:  # a kept database: the evaluation claims are the first ones stored
        from bench.matching_pairs import DISTRACTORS

        texts = [stored for stored, _ in PAIRS] + DISTRACTORS
        ids = dict(Claim.objects.filter(claim__in=texts).values_list("claim", "pk"))
    result: dict = {"database": connection.vendor, "recall": {}}
    engines = ["lexical"] + (["semantic"] if embeddings.available() else [])
    for engine in engines:
        if engine == "semantic":
            embeddings.refresh(list(ids.values()))

        def ask(text: str, engine: str = engine) -> list[int]:
            return [r.id for r in search.similar(text, limit=3, engine=engine)]

        recall = evaluate(engine, ask, ids)
        result["recall"][engine] = {
            "pairs": recall.pairs,
            "top1": round(recall.top1_rate, 3),
            "top3": round(recall.top3_rate, 3),
        }
        say(f"{engine}: top-1 {recall.top1_rate:.2f}, top-3 {recall.top3_rate:.2f}")
    # Latency with many claims: bulk rows worded from the seeds' sentences.
    words = " ".join(article.body.split()).split()
    rng = random.Random(7)
    template = Claim.objects.get(pk=next(iter(ids.values())))
    batch = []
    made = Claim.objects.count()
    while made < total:
        text = " ".join(rng.choice(words) for _ in range(rng.randint(8, 18)))
        batch.append(
            Claim(article=article, start=template.start, end=template.end, exact=template.exact,
                  prefix=template.prefix, suffix=template.suffix, claim=text, author=user)
        )  # fmt: skip
        made += 1
        if len(batch) == 5000:
            Claim.objects.bulk_create(batch)
            batch = []
    if batch:
        Claim.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        # As autovacuum does after such a load: statistics, and the GIN indexes' pending
        # lists merged (a fresh bulk insert leaves every search scanning them).
        cursor.execute("VACUUM ANALYZE annotations_claim")
    search.forget_statistics()  # a server reads them again within STATISTICS_FOR seconds
    questions = [p for _, p in PAIRS] + [p.lower() for _, p in PAIRS[:24]]
    for question in questions:  # a running server has read its indexes once already
        search.similar(question, limit=5, engine="lexical")
    times = []
    for question in questions:
        start = time.perf_counter()
        search.similar(question, limit=5, engine="lexical")
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    result["latency"] = {
        "claims": Claim.objects.count(),
        "questions": len(times),
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(p95, 1),
    }
    say(f"similar claims with {Claim.objects.count():,} claims: median "
        f"{statistics.median(times):.1f} ms, p95 {p95:.1f} ms")  # fmt: skip
    return result


if __name__ == "__main__":
    raise SystemExit(main())
