"""Full-text search over claims, with an index on both databases.

PostgreSQL: a GIN index over a weighted ``tsvector`` of the claim's wording (A), its
quote (B) and its rationale (D), English stemming, and a trigram index (``pg_trgm``)
over the wording for near spellings. SQLite: an FTS5 table kept in step with the claims
by triggers (porter stemming, accents folded). Both are made by migration 0004.

Two questions are asked of them:
- ``matching(text)``: claims that contain every word of ``text`` (a search box);
- ``similar(text)``: claims ranked by how much of ``text`` they share, any word counting
  (a paraphrase shares some words, rarely all), rarer words more: "has this been checked
  already?". Scores lie between 0 and 1, best first.
"""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import Expression, RawSQL

TOKEN = re.compile(r"\w+(?:[.,'’]\w+)*", re.UNICODE)  # 5.5, 1,000 and China's stay whole
# Words too common to say anything about a claim (and websearch's operators).
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "for",
        "from",
        "had",
        "has",
        "have",
        "he",
        "her",
        "his",
        "i",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "not",
        "our",
        "she",
        "that",
        "the",
        "their",
        "them",
        "they",
        "this",
        "to",
        "was",
        "we",
        "were",
        "which",
        "who",
        "will",
        "with",
        "would",
        "said",
        "says",
        "say",
        "also",
        "than",
        "then",
        "there",
        "these",
        "those",
    ]
)
MAX_TERMS = 24  # of a question; its expansion may hold a few hundred words

# PostgreSQL: the expression the GIN index is built on; queries repeat it verbatim.
CLAIM_VECTOR = (
    "(setweight(to_tsvector('english', coalesce(claim, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(exact, '')), 'B') || "
    "setweight(to_tsvector('english', coalesce(rationale, '')), 'D'))"
)
CLAIM_WORDING = "(claim || ' ' || exact)"
VECTOR_COLUMN = "search_vector"
FTS_TABLE = "annotations_claim_fts"


def terms(text: str) -> list[str]:
    """The words of ``text`` worth searching for, lower-case, in order, once each."""
    words = [w.casefold() for w in TOKEN.findall(text or "")]
    kept = [w for w in words if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]
    return list(dict.fromkeys(kept))[:MAX_TERMS]


def expanded_terms(text: str) -> list[str]:
    """``terms(text)`` with numbers spelt one way and each word's usual stand-ins
    (``thesaurus``): what a paraphrase of the claim is likely to share with it."""
    from annotations.thesaurus import normalise, related

    found: list[str] = []
    for word in terms(text):
        for token in normalise(word):
            found.append(token)
            found += related(token)
    return [w for w in dict.fromkeys(found) if w not in STOPWORDS]


def _fts_phrase(words: list[str], joiner: str) -> str:
    return joiner.join('"' + w.replace('"', '""') + '"' for w in words)


def matching_ids(text: str) -> RawSQL | None:
    """A subquery of the ids of claims holding every word of ``text`` (None: no words)."""
    words = terms(text)
    if not words:
        return None
    if connection.vendor == "postgresql":
        return RawSQL(
            f"SELECT id FROM annotations_claim WHERE {VECTOR_COLUMN} @@ "
            "websearch_to_tsquery('english', %s)",
            [" ".join(words)],
        )
    return RawSQL(
        f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",
        [_fts_phrase(words, " AND ")],
    )


class StoredWords(Expression):
    """A table's stored ``search_vector`` column (PostgreSQL: the claims' generated one,
    the articles' kept by a trigger), named through the query's alias for the table, so
    that it stays right inside subqueries too."""

    def __init__(self, alias: str | None = None) -> None:
        from django.contrib.postgres.search import SearchVectorField

        super().__init__(output_field=SearchVectorField())
        self.alias = alias

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False,
                           for_save=False):  # fmt: skip
        resolved = self.copy()
        resolved.alias = query.get_initial_alias()
        return resolved

    def relabeled_clone(self, change_map):
        clone = self.copy()
        clone.alias = change_map.get(self.alias, self.alias)
        return clone

    def as_sql(self, compiler, connection_):
        return f"{compiler.quote_name_unless_alias(self.alias)}.{VECTOR_COLUMN}", []


def matching(text: str):
    """A condition that a claim holds every word of ``text`` (None: no words), for lists
    that keep their own order.

    On PostgreSQL it tests the claim's own row (its stored words ``@@`` the question)
    rather than asking for an id among all the matches (``matching_ids``): a list newest
    first then walks its order's index and tests each row while the word is common
    (twenty rows read for twenty shown), and starts from the GIN index when it is rare;
    the id list would gather every match of a common word first. On SQLite, the FTS5
    table's ids.
    """
    words = terms(text)
    if not words:
        return None
    if connection.vendor == "postgresql":
        return _vector_matches(StoredWords(), words)
    return Q(pk__in=matching_ids(text))


def _vector_matches(vector, words: list[str]):
    from django.contrib.postgres.search import SearchQuery, SearchVectorExact

    query = SearchQuery(" ".join(words), search_type="websearch", config="english")
    return SearchVectorExact(vector, query)


# Articles: their title and text, for the article lists' search boxes, made by migration
# 0010. On PostgreSQL the words are kept in a column of their own (``search_vector``,
# set by a trigger from the title and text) under a GIN index: an article's text is
# long, and a list walking its own order for a common word tests each row's stored words
# instead of reading four kilobytes of text again (a millisecond a row). A trigger
# rather than a generated column, so that a later migration may still change the title's
# or the text's type. On SQLite, FTS5.
ARTICLE_FTS_TABLE = "annotations_article_fts"
ARTICLE_INDEX = "article_search_idx"
ARTICLE_VECTOR = (
    "setweight(to_tsvector('english', coalesce({row}title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce({row}body, '')), 'B')"
)
ARTICLE_TRIGGER = "annotations_article_search_vector"


def matching_articles(text: str):
    """A condition that an article's title or text holds every word of ``text`` (None:
    no words); on the article's own row on PostgreSQL, as ``matching`` is for claims."""
    words = terms(text)
    if not words:
        return None
    if connection.vendor == "postgresql":
        return _vector_matches(StoredWords(), words)
    return Q(
        pk__in=RawSQL(
            f"SELECT rowid FROM {ARTICLE_FTS_TABLE} WHERE {ARTICLE_FTS_TABLE} MATCH %s",
            [_fts_phrase(words, " AND ")],
        )
    )


@dataclass(frozen=True)
class Ranked:
    id: int
    score: float


def similar(
    text: str, *, within: list[int] | None = None, limit: int = 10, engine: str = "auto"
) -> list[Ranked]:
    """Claim ids ranked by how much of ``text`` they share (any word counts), best first.

    The index finds the candidates sharing any word of the question or of its usual
    stand-ins (``thesaurus``), ranked by the database's own relevance; the best of them
    are ranked again here, the same way on both databases: how much of the question's
    meaning (its words, each counted with its stand-ins) the claim's wording covers,
    mixed with the database's rank. ``within`` restricts the candidates (None: every
    claim). Two queries at most.
    """
    from annotations import embeddings

    if within == []:
        return []
    if engine == "semantic" or (engine == "auto" and embeddings.available()):
        return _similar_semantic(text, within, limit)
    return _similar_lexical(text, within, limit)


def _similar_lexical(text: str, within: list[int] | None, limit: int) -> list[Ranked]:
    words = expanded_terms(text)
    if not words:
        return []
    fetch = max(limit * CANDIDATES_PER_RESULT, MIN_CANDIDATES)
    if connection.vendor == "postgresql":
        found = _candidates_postgresql(text, words, within, fetch)
    else:
        found = _candidates_sqlite(words, within, fetch)
    question = concepts(text)
    weights = _concept_weights(text) if connection.vendor == "postgresql" else {}
    best = max((rank for *_, rank in found), default=0.0) or 1.0
    ranked = [
        Ranked(
            pk,
            round(COVERAGE * coverage(question, wording, weights) + DB_RANK * rank / best, 6),
        )
        for pk, wording, rank in found
    ]
    ranked.sort(key=lambda r: (-r.score, r.id))
    return [r for r in ranked if r.score > 0][:limit]


def _similar_semantic(text: str, within: list[int] | None, limit: int) -> list[Ranked]:
    """The optional engine: cosine similarity of sentence vectors, mixed with the lexical
    rank (a shared rare word, a figure, still counts). A big desk compares only the
    lexical engine's candidates, read wide."""
    from annotations import embeddings
    from annotations.models import ClaimEmbedding

    wide = embeddings.BRUTE_FORCE_MAX // 100
    lexical = {r.id: r.score for r in _similar_lexical(text, within, wide)}
    candidates = within
    if candidates is None and ClaimEmbedding.objects.count() > embeddings.BRUTE_FORCE_MAX:
        candidates = list(lexical)
    fetch = max(limit * CANDIDATES_PER_RESULT, MIN_CANDIDATES)
    ranked = [
        Ranked(pk, round(SEMANTIC * max(0.0, cosine) + LEXICAL * lexical.get(pk, 0.0), 6))
        for pk, cosine in embeddings.ranked(text, candidates, fetch)
    ]
    ranked.sort(key=lambda r: (-r.score, r.id))
    return [r for r in ranked if r.score > 0][:limit]


SEMANTIC, LEXICAL = 0.7, 0.3


CANDIDATES_PER_RESULT, MIN_CANDIDATES = 5, 40
COVERAGE, DB_RANK = 0.85, 0.15


def concepts(text: str) -> set[str]:
    """The meanings of ``text``'s words: a word's thesaurus group, else its first six
    letters (a rough stem: "purchasing" and "purchases" are one)."""
    from annotations.thesaurus import group_of, normalise

    found = set()
    for word in terms(text):
        for token in normalise(word):
            group = group_of(token)
            found.add(f"g{group}" if group is not None else token[:6])
    return found


def coverage(question: set[str], wording: str, weights: dict[str, float] | None = None) -> float:
    """The share of the question's meanings that the claim's wording holds, each meaning
    counted by its weight (how rare its word is; 1 when unknown)."""
    if not question:
        return 0.0
    weights = weights or {}
    held = question & concepts(wording)
    total = sum(weights.get(c, 1.0) for c in question)
    return sum(weights.get(c, 1.0) for c in held) / total


def _concept_weights(text: str) -> dict[str, float]:
    """PostgreSQL: each meaning of the question weighed by how rare its word's stem is
    among claims (the planner's statistics); empty before ANALYZE."""
    rows, shares, floor = _statistics()
    if not shares:
        return {}
    words = terms(text)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT w, tsvector_to_array(to_tsvector('english', w)) FROM unnest(%s::text[]) AS w",
            [words],
        )
        stems = dict(cursor.fetchall())
    weights: dict[str, float] = {}
    for word in words:
        lexemes = stems.get(word) or []
        weight = max((_idf(rows, shares.get(lex, floor)) for lex in lexemes), default=1.0)
        for concept in concepts(word):
            weights[concept] = max(weights.get(concept, 0.0), weight)
    return weights


def _candidates_sqlite(
    words: list[str], within: list[int] | None, fetch: int
) -> list[tuple[int, str, float]]:
    # bm25 weighs rare words up and long texts down; the wording counts most, then the quote.
    sql = (
        f"SELECT c.id, c.claim || ' ' || c.exact, -bm25({FTS_TABLE}, 4.0, 1.0, 0.0) AS r "
        f"FROM {FTS_TABLE} JOIN annotations_claim AS c ON c.id = {FTS_TABLE}.rowid "
        f"WHERE {FTS_TABLE} MATCH %s"
    )
    params: list = ["{claim exact}: (" + _fts_phrase(words, " OR ") + ")"]
    if within is not None:
        sql += f" AND {FTS_TABLE}.rowid IN ({', '.join(['%s'] * len(within))})"
        params += within
    sql += " ORDER BY r DESC LIMIT %s"
    params.append(fetch)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(pk, wording, float(r)) for pk, wording, r in cursor.fetchall()]


def _candidates_postgresql(
    text: str, words: list[str], within: list[int] | None, fetch: int
) -> list[tuple[int, str, float]]:
    # The question's stems, but for those most claims hold (the planner's own statistics
    # of the index: pg_stats' most common elements): any rarer one finds a candidate
    # through the GIN index, and only candidates are ranked, so a question costs the
    # same at a hundred thousand claims as at a thousand. Near spellings (trigrams) then
    # add to the rank of what was found.
    lexemes = _rarer_lexemes(text, words)
    if not lexemes:
        return []
    quoted = ["'" + lex.replace("'", "''").replace("\\", "\\\\") + "'" for lex in lexemes]
    # Each stem found counts by how rare it is (its inverse document frequency, from the
    # planner's statistics): a shared "H20" says more than a shared "China".
    rows, shares, floor = _statistics()
    weights = [_idf(rows, shares.get(lex, floor)) for lex in lexemes]
    found = " + ".join(
        f"(CASE WHEN {VECTOR_COLUMN} @@ %s::tsquery THEN %s ELSE 0 END)" for _ in quoted
    )
    # The best few hundred by that weight, then near spellings among them.
    inner = (
        f"SELECT id, claim, exact, ({found}) AS rank "
        "FROM annotations_claim, to_tsquery('simple', %s) AS q "
        f"WHERE {VECTOR_COLUMN} @@ q"
    )
    params: list = [p for pair in zip(quoted, weights, strict=True) for p in pair]
    params.append(" | ".join(quoted))
    if within is not None:
        inner += " AND id = ANY(%s)"
        params.append(list(within))
    inner += " ORDER BY rank DESC, id LIMIT %s"
    params.append(fetch * RANKED_PER_FETCHED)
    best = sum(weights) or 1.0
    sql = (
        f"SELECT id, claim || ' ' || exact, rank / %s + word_similarity(%s, "
        "claim || ' ' || exact) AS score "
        f"FROM ({inner}) AS c ORDER BY score DESC, id LIMIT %s"
    )
    params = [best, text, *params, fetch]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(pk, wording, float(score)) for pk, wording, score in cursor.fetchall()]


# How many claims a question may read to rank them: the stems that hold the most claims
# are left out (most common first) until the rest hold at most about this many.
CANDIDATE_BUDGET = 10_000
ALWAYS_ASKED = 3
RANKED_PER_FETCHED = 5
STATISTICS_FOR = 300  # seconds: the planner's statistics move slowly


def _rarer_lexemes(text: str, words: list[str]) -> list[str]:
    """The English stems to look for: the question's own, rarest first, then its stand-ins
    (``thesaurus``), as long as they hold at most about ``CANDIDATE_BUDGET`` claims in
    all (by the planner's statistics of the search column, once ANALYZE has run); the
    question's three rarest are always asked. Common words still count in the ranking."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT unnest(tsvector_to_array(to_tsvector('english', %s))), 0 "
            "UNION SELECT unnest(tsvector_to_array(to_tsvector('english', %s))), 1",
            [" ".join(terms(text)), " ".join(words)],
        )
        found = cursor.fetchall()
    own = {lex for lex, stand_in in found if not stand_in}
    rows, shares, floor = _statistics()
    share = {lex: shares.get(lex, floor) for lex, _ in found}
    ordered = sorted(share, key=lambda lex: (lex not in own, share[lex], lex))
    kept: list[str] = []
    reads = 0.0
    for n, lex in enumerate(ordered):
        reads += rows * share[lex]
        if reads > CANDIDATE_BUDGET and n >= ALWAYS_ASKED:
            break
        kept.append(lex)
    return kept


def _idf(rows: float, share: float) -> float:
    """How much finding a stem says: more for rarer ones (1 when nothing is known)."""
    if rows <= 0 or share <= 0:
        return 1.0
    return max(0.1, math.log(1.0 / share))


_STATISTICS: tuple[float, dict[str, float], float] = (0.0, {}, 0.0)
_STATISTICS_AT: float = -STATISTICS_FOR


def forget_statistics() -> None:
    """Read the planner's statistics again at the next question (after an ANALYZE)."""
    global _STATISTICS_AT
    _STATISTICS_AT = -STATISTICS_FOR


def _statistics() -> tuple[float, dict[str, float], float]:
    """(claims, share of claims holding each most common stem, the share to assume for
    any other stem), from pg_class and pg_stats; nothing known before ANALYZE."""
    global _STATISTICS, _STATISTICS_AT
    if time.monotonic() - _STATISTICS_AT < STATISTICS_FOR:
        return _STATISTICS
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.reltuples, s.most_common_elems::text, s.most_common_elem_freqs "
            "FROM pg_class c LEFT JOIN pg_stats s ON s.tablename = c.relname "
            "AND s.attname = %s WHERE c.relname = 'annotations_claim'",
            [VECTOR_COLUMN],
        )
        row = cursor.fetchone()
    rows, shares, floor = 0.0, {}, 0.0
    if row and row[1] and row[2]:
        elems = [e.strip().strip('"') for e in row[1].strip("{}").split(",") if e]
        freqs = list(row[2])
        shares = dict(zip(elems, freqs[: len(elems)], strict=False))
        rows = max(float(row[0]), 0.0)
        floor = min(shares.values(), default=0.0) / 2  # PostgreSQL's own guess for the rest
    _STATISTICS, _STATISTICS_AT = (rows, shares, floor), time.monotonic()
    return _STATISTICS


# Installing the indexes -----------------------------------------------------------------------

SQLITE_TRIGGERS = {
    f"{FTS_TABLE}_ai": f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ai
        AFTER INSERT ON annotations_claim BEGIN
        INSERT INTO {FTS_TABLE}(rowid, claim, exact, rationale)
        VALUES (new.id, new.claim, new.exact, new.rationale); END""",
    f"{FTS_TABLE}_ad": f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ad
        AFTER DELETE ON annotations_claim BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, claim, exact, rationale)
        VALUES ('delete', old.id, old.claim, old.exact, old.rationale); END""",
    f"{FTS_TABLE}_au": f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_au
        AFTER UPDATE OF claim, exact, rationale ON annotations_claim BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, claim, exact, rationale)
        VALUES ('delete', old.id, old.claim, old.exact, old.rationale);
        INSERT INTO {FTS_TABLE}(rowid, claim, exact, rationale)
        VALUES (new.id, new.claim, new.exact, new.rationale); END""",
}
POSTGRESQL_INDEXES = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # The weighted vector is kept in a generated column (the database's, not the
    # model's): ranking candidates reads it instead of parsing every text again.
    f"ALTER TABLE annotations_claim ADD COLUMN IF NOT EXISTS {VECTOR_COLUMN} tsvector "
    f"GENERATED ALWAYS AS {CLAIM_VECTOR} STORED",
    f"CREATE INDEX IF NOT EXISTS claim_search_idx ON annotations_claim USING GIN ({VECTOR_COLUMN})",
    "CREATE INDEX IF NOT EXISTS claim_wording_trgm_idx ON annotations_claim "
    f"USING GIN ({CLAIM_WORDING} gin_trgm_ops)",
]


def install(connection_) -> None:
    """Create the search index of this database if it is missing (idempotent).

    On SQLite the FTS5 table follows the claims through triggers; a migration that
    rebuilds the claims table drops them, so this runs after every migrate too
    (``apps.py``) and re-indexes when it had to put them back.
    """
    with connection_.cursor() as cursor:
        if connection_.vendor == "postgresql":
            for statement in POSTGRESQL_INDEXES:
                cursor.execute(statement)
            return
        if connection_.vendor != "sqlite":
            return
        cursor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
            "claim, exact, rationale, content='annotations_claim', content_rowid='id', "
            "tokenize='porter unicode61 remove_diacritics 2')"
        )
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name IN (%s, %s, %s)",
            list(SQLITE_TRIGGERS),
        )
        present = {name for (name,) in cursor.fetchall()}
        if present != set(SQLITE_TRIGGERS):
            for statement in SQLITE_TRIGGERS.values():
                cursor.execute(statement)
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")


def uninstall(connection_) -> None:
    with connection_.cursor() as cursor:
        if connection_.vendor == "postgresql":
            cursor.execute("DROP INDEX IF EXISTS claim_search_idx")
            cursor.execute("DROP INDEX IF EXISTS claim_wording_trgm_idx")
            cursor.execute(f"ALTER TABLE annotations_claim DROP COLUMN IF EXISTS {VECTOR_COLUMN}")
        elif connection_.vendor == "sqlite":
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")


ARTICLE_TRIGGERS = {
    f"{ARTICLE_FTS_TABLE}_ai": f"""CREATE TRIGGER IF NOT EXISTS {ARTICLE_FTS_TABLE}_ai
        AFTER INSERT ON annotations_article BEGIN
        INSERT INTO {ARTICLE_FTS_TABLE}(rowid, title, body)
        VALUES (new.id, new.title, new.body); END""",
    f"{ARTICLE_FTS_TABLE}_ad": f"""CREATE TRIGGER IF NOT EXISTS {ARTICLE_FTS_TABLE}_ad
        AFTER DELETE ON annotations_article BEGIN
        INSERT INTO {ARTICLE_FTS_TABLE}({ARTICLE_FTS_TABLE}, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body); END""",
    f"{ARTICLE_FTS_TABLE}_au": f"""CREATE TRIGGER IF NOT EXISTS {ARTICLE_FTS_TABLE}_au
        AFTER UPDATE OF title, body ON annotations_article BEGIN
        INSERT INTO {ARTICLE_FTS_TABLE}({ARTICLE_FTS_TABLE}, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
        INSERT INTO {ARTICLE_FTS_TABLE}(rowid, title, body)
        VALUES (new.id, new.title, new.body); END""",
}


def install_articles(connection_) -> None:
    """The articles' index (idempotent), as ``install`` makes the claims'."""
    with connection_.cursor() as cursor:
        if connection_.vendor == "postgresql":
            _install_article_vector(cursor)
            return
        if connection_.vendor != "sqlite":
            return
        table = ARTICLE_FTS_TABLE
        cursor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {table} USING fts5("
            "title, body, content='annotations_article', content_rowid='id', "
            "tokenize='porter unicode61 remove_diacritics 2')"
        )
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name IN (%s, %s, %s)",
            list(ARTICLE_TRIGGERS),
        )
        present = {name for (name,) in cursor.fetchall()}
        if present != set(ARTICLE_TRIGGERS):
            for statement in ARTICLE_TRIGGERS.values():
                cursor.execute(statement)
            cursor.execute(f"INSERT INTO {table}({table}) VALUES ('rebuild')")


def _install_article_vector(cursor) -> None:
    cursor.execute("SELECT 1 FROM pg_trigger WHERE tgname = %s", [ARTICLE_TRIGGER])
    if cursor.fetchone() is None:
        cursor.execute(
            "ALTER TABLE annotations_article ADD COLUMN IF NOT EXISTS search_vector tsvector"
        )
        cursor.execute(
            f"CREATE OR REPLACE FUNCTION {ARTICLE_TRIGGER}() RETURNS trigger AS $$ BEGIN "
            f"NEW.search_vector := {ARTICLE_VECTOR.format(row='NEW.')}; RETURN NEW; "
            "END $$ LANGUAGE plpgsql"
        )
        cursor.execute(
            f"CREATE TRIGGER {ARTICLE_TRIGGER} BEFORE INSERT OR UPDATE OF title, body "
            f"ON annotations_article FOR EACH ROW EXECUTE FUNCTION {ARTICLE_TRIGGER}()"
        )
        cursor.execute(
            f"UPDATE annotations_article SET search_vector = {ARTICLE_VECTOR.format(row='')}"
        )
    cursor.execute(
        f"CREATE INDEX IF NOT EXISTS {ARTICLE_INDEX} ON annotations_article "
        "USING GIN (search_vector)"
    )


def uninstall_articles(connection_) -> None:
    with connection_.cursor() as cursor:
        if connection_.vendor == "postgresql":
            cursor.execute(f"DROP INDEX IF EXISTS {ARTICLE_INDEX}")
            cursor.execute(f"DROP TRIGGER IF EXISTS {ARTICLE_TRIGGER} ON annotations_article")
            cursor.execute(f"DROP FUNCTION IF EXISTS {ARTICLE_TRIGGER}()")
            cursor.execute("ALTER TABLE annotations_article DROP COLUMN IF EXISTS search_vector")
        elif connection_.vendor == "sqlite":
            for name in ARTICLE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"DROP TABLE IF EXISTS {ARTICLE_FTS_TABLE}")
