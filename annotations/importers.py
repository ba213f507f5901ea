"""Turning scraped text files into Articles: parsing, cleaning and idempotency.

The file is kept exactly as read in ``raw_text``; ``body`` is the cleaned text
claims anchor to. Scraper noise (ads, comment prompts, disclaimers, related
links and their times) stays out of ``body`` but is never thrown away.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q

from annotations.models import Article, publisher_from_url

TITLE_MAX = 100
HEADLINE_MAX = 200
SUBTITLE_MAX = 250

IMPORTED, UPDATED, UNCHANGED, FAILED = "imported", "updated", "unchanged", "failed"

EMPTY_FILE = "the file is empty"
BINARY_FILE = "the file is binary, not text (it contains NUL bytes)"
NOT_UTF8 = "the file is not UTF-8 text (byte {position} cannot be decoded)"
TOO_LARGE = "the file is {size:,} bytes, over the {limit:,}-byte limit"
NO_TEXT = "the file has no article text once boilerplate is removed"
ORIGIN_CHANGED = (
    "an article from this origin was imported before with different content; "
    "use --update (or tick 'replace') to replace it"
)
HAS_CLAIMS = (
    "an article from this origin was imported before with different content and it has "
    "{count} claim(s) anchored to its text, so it cannot be replaced"
)
NOT_FOUND = "no such file or folder"
NOT_TXT = "not a .txt file"
UNREADABLE = "the file cannot be read ({error})"
NAME_TOO_LONG = "the file name is longer than {limit} characters"

# Lines that are scraper noise: kept in raw_text, left out of body.
_BOILERPLATE = re.compile(
    r"""^(?:
        advertisements?
      | \[image\]
      | comments?
      | post\ a\ comment
      | \|
      | disclaimer\s*[:：].*
      | statement\s*[:：].*
      | this\ article\ is\ an\ exclusive\ piece\b.*
      | .*\bunauthori[sz]ed\ reproduction\ is\ prohibited\.?
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
_RELATED_LINKS = re.compile(r"^related\s+links\b.*$", re.IGNORECASE)
_TIME_LINE = re.compile(r"^time\s*[:：].*$", re.IGNORECASE)
_ORIGINAL = re.compile(r"^original(?:\s+article)?\s*[:：]\s*(https?://\S+)\s*$", re.IGNORECASE)
_BYLINE = re.compile(r"^[【\[]\s*((?:text|written|words)?\s*by\s+.+?)\s*[】\]]$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])[\"'”’」)]*\s+")


class ArticleImportError(Exception):
    """A file that cannot be imported; the message is meant for a person."""


@dataclass
class ParsedArticle:
    title: str
    subtitle: str = ""
    byline: str = ""
    source_url: str = ""
    body: str = ""


@dataclass
class ImportResult:
    origin: str
    status: str
    message: str = ""
    article: Article | None = None

    def __str__(self) -> str:
        text = f"{self.status}: {self.origin}"
        return f"{text} ({self.message})" if self.message else text


@dataclass
class ImportSummary:
    results: list[ImportResult] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def failed(self) -> int:
        return self.count(FAILED)

    def __str__(self) -> str:
        parts = [f"imported {self.count(IMPORTED)}"]
        if self.count(UPDATED):
            parts.append(f"updated {self.count(UPDATED)}")
        parts += [f"unchanged {self.count(UNCHANGED)}", f"failed {self.failed}"]
        return ", ".join(parts)


def decode(data: bytes) -> str:
    """The file as text, exactly: ``decode(data).encode() == data`` for every accepted file."""
    limit = settings.FACTCHECK_IMPORT_MAX_BYTES
    if len(data) > limit:
        raise ArticleImportError(TOO_LARGE.format(size=len(data), limit=limit))
    if not data.strip():
        raise ArticleImportError(EMPTY_FILE)
    if b"\x00" in data:
        raise ArticleImportError(BINARY_FILE)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ArticleImportError(NOT_UTF8.format(position=exc.start)) from None


def _derive_title(text: str) -> str:
    """The first sentence, cut at a word boundary near TITLE_MAX characters."""
    first = _SENTENCE_END.split(text.strip(), maxsplit=1)[0].strip()
    if len(first) <= TITLE_MAX:
        return first
    cut = first[: TITLE_MAX + 1].rsplit(None, 1)[0] if " " in first[:TITLE_MAX] else ""
    cut = (cut or first[:TITLE_MAX]).rstrip(" ,;:–—-")
    return cut + "…"


def _is_headline(line: str, following: list[str]) -> bool:
    return bool(following) and len(line) <= HEADLINE_MAX and len(_SENTENCE_END.split(line)) <= 2


def parse(raw_text: str) -> ParsedArticle:
    """Split a scraped file into metadata and the cleaned body."""
    lines = raw_text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    content: list[str] = []
    byline = source_url = ""
    in_related_links = False
    byline_first = False
    for raw_line in lines:
        line = raw_line.strip()
        if not line:
            continue
        if in_related_links and _TIME_LINE.match(line):
            continue
        in_related_links = False
        if _RELATED_LINKS.match(line):
            in_related_links = True
            continue
        if match := _ORIGINAL.match(line):
            source_url = source_url or match.group(1)
            continue
        if (match := _BYLINE.match(line)) and not byline:
            byline = re.sub(r"^(?:text|written|words)?\s*by\s+", "", match.group(1), flags=re.I)
            byline_first = not content
            continue
        if _BOILERPLATE.match(line):
            continue
        content.append(line.rstrip())
    if not content:
        raise ArticleImportError(NO_TEXT)

    title = subtitle = ""
    if not byline_first and _is_headline(content[0], content[1:]):
        title = content[0]
        if len(content) > 2 and len(content[1]) <= SUBTITLE_MAX:
            subtitle = content[1]
    if not title:
        title = _derive_title(content[0])
    return ParsedArticle(
        title=title[:300],
        subtitle=subtitle[:500],
        byline=byline[:300],
        source_url=source_url[:1000],
        body="\n".join(content),
    )


def import_bytes(data: bytes, *, origin: str, user=None, update: bool = False) -> ImportResult:
    """Import one file's bytes in its own transaction. Never raises for bad input."""
    try:
        limit = Article._meta.get_field("origin").max_length
        if len(origin) > limit:
            raise ArticleImportError(NAME_TOO_LONG.format(limit=limit))
        raw_text = decode(data)
        parsed = parse(raw_text)
        content_hash = hashlib.sha256(data).hexdigest()
        with transaction.atomic():
            return _store(parsed, raw_text, content_hash, origin, user, update)
    except ArticleImportError as exc:
        return ImportResult(origin, FAILED, str(exc))
    except IntegrityError:
        # Another import of the same file won the race: nothing was written here.
        return ImportResult(origin, UNCHANGED, "imported concurrently")


def _store(
    parsed: ParsedArticle, raw_text: str, content_hash: str, origin: str, user, update: bool
) -> ImportResult:
    # One query finds both an article with this content and one from this origin.
    known = list(
        Article.objects.select_for_update()
        .filter(Q(content_hash=content_hash) | Q(origin=origin))
        .only("id", "origin", "content_hash")[:2]
    )
    same = next((a for a in known if a.content_hash == content_hash), None)
    if same is not None:
        note = "" if same.origin == origin else f"same content as {same.origin}"
        return ImportResult(origin, UNCHANGED, note, same)
    fields = {
        "title": parsed.title,
        "subtitle": parsed.subtitle,
        "byline": parsed.byline,
        "source_url": parsed.source_url,
        "publisher": publisher_from_url(parsed.source_url) if parsed.source_url else "",
        "body": parsed.body,
        "raw_text": raw_text,
        "content_hash": content_hash,
    }
    existing = next((a for a in known if a.origin == origin), None)
    if existing is None:
        article = Article.objects.create(origin=origin, imported_by=user, **fields)
        return ImportResult(origin, IMPORTED, "", article)
    if not update:
        raise ArticleImportError(ORIGIN_CHANGED)
    claim_count = existing.claims.count()
    if claim_count:
        raise ArticleImportError(HAS_CLAIMS.format(count=claim_count))
    for name, value in fields.items():
        setattr(existing, name, value)
    existing.imported_by = user
    existing.save()
    return ImportResult(origin, UPDATED, "", existing)


def iter_files(paths: Iterable[str | Path]) -> Iterator[tuple[str, Path | None, str]]:
    """(display name, file, error) for every .txt file named or inside a named folder."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for child in sorted(path.rglob("*.txt")):
                if child.is_file():
                    yield str(child), child, ""
        elif path.is_file():
            yield str(path), path, "" if path.suffix.lower() == ".txt" else NOT_TXT
        else:
            yield str(path), None, NOT_FOUND


def import_paths(
    paths: Iterable[str | Path], *, user=None, update: bool = False, progress=None
) -> ImportSummary:
    """Import files and folders; each file is its own transaction and its own result."""
    summary = ImportSummary()
    limit = settings.FACTCHECK_IMPORT_MAX_BYTES
    for name, path, error in iter_files(paths):
        if error:
            result = ImportResult(name, FAILED, error)
        else:
            try:
                size = path.stat().st_size
                if size > limit:
                    raise ArticleImportError(TOO_LARGE.format(size=size, limit=limit))
                data = path.read_bytes()
            except ArticleImportError as exc:
                result = ImportResult(path.name, FAILED, str(exc))
            except OSError as exc:
                result = ImportResult(path.name, FAILED, UNREADABLE.format(error=exc.strerror))
            else:
                result = import_bytes(data, origin=path.name, user=user, update=update)
        summary.results.append(result)
        if progress is not None:
            progress(result, summary)
    return summary
