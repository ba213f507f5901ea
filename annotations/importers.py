"""Turning scraped text files, saved web pages and web addresses into Articles.

Parsing, cleaning, idempotency and revisions. What was read is kept exactly in
``raw_text``; ``body`` is the cleaned text claims anchor to. Scraper noise (ads,
comment threads, image credits, disclaimers, related links and their times) stays
out of ``body`` but is never thrown away. Pages are extracted by trafilatura
(``extraction.py``) and read from the web by ``fetching.py``, which holds the
network-safety rules. Importing changed content under a known origin with
``update`` adds a revision and re-anchors the article's claims (``revisions.py``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import cast
from urllib.parse import urldefrag

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from annotations import fetching, revisions
from annotations.models import Article, ArticleRevision, publisher_from_url

TITLE_MAX = 100
HEADLINE_MAX = 200
SUBTITLE_MAX = 250

IMPORTED, UPDATED, UNCHANGED, FAILED = "imported", "updated", "unchanged", "failed"
TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")

EMPTY_FILE = "the file is empty"
BINARY_FILE = "the file is binary, not text (it contains NUL bytes)"
NOT_UTF8 = "the file is not UTF-8 text (byte {position} cannot be decoded)"
TOO_LARGE = "the file is {size:,} bytes, over the {limit:,}-byte limit"
NO_TEXT = "the file has no article text once boilerplate is removed"
ORIGIN_CHANGED = (
    "an article from this origin was imported before with different content; "
    "use --update (or tick 'replace') to replace it"
)
NOT_FOUND = "no such file or folder"
NOT_MODIFIED = "not modified since it was last read"
NOT_TXT = "not a .txt, .html or .htm file"
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
# Where the text came from, as a line of its own ("Original article: URL", "Article
# Source: URL"): it becomes source_url and the publisher.
_ORIGINAL = re.compile(
    r"^(?:original(?:\s+article)?|(?:article\s+)?source|source\s+article)\s*[:：]\s*"
    r"(https?://\S+)\s*$",
    re.IGNORECASE,
)
# A line that is only an image credit ("Photo: Reuters", "Image source: Visual China",
# "(Photo by Jane Roe/AFP via Getty Images)"). A caption that ends in a credit is text.
_IMAGE_CREDIT = re.compile(
    r"""^[(\[]?\s*(?:
        (?:photo|image|picture|photograph|illustration|graphic|video)s?
            (?:\s+(?:credit|source|courtesy))?\s*[:：]\s*.{1,80}
      | (?:photo|image|picture|photograph)s?\s+(?:by|courtesy\s+of)\s+.{1,80}
      | (?:image\s+)?credits?\s*[:：]\s*.{1,80}
      | .{0,80}\bvia\s+getty\s+images
      | (?:getty\s+images|shutterstock|reuters|afp|ap\s+photo|xinhua|visual\s+china)
            (?:\s*/\s*.{1,40})?
    )\s*[)\]]?\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
# The start of a comment thread: everything after it is readers' comments.
_COMMENT_THREAD = re.compile(
    r"""^(?:
        \d[\d,]*\s+(?:comments?|responses?|replies)
      | (?:comments?|responses?|discussion)\s*\(\d[\d,]*\)
      | (?:leave|post|add|write)\s+a\s+(?:comment|reply|response)
      | (?:join|view)\s+the\s+(?:conversation|discussion)
      | (?:show|view|load|read|see)\s+(?:all\s+|more\s+|the\s+)?(?:\d+\s+)?comments?\b.*
      | comments?\s+are\s+closed\.?
      | what\s+do\s+you\s+think\??
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
# One line of a comment's furniture: "Reply", "12 likes", "jdoe · 3 hours ago".
_COMMENT_LINE = re.compile(
    r"""^(?:
        reply|like|report|share|flag
      | \d+\s+(?:likes?|replies|upvotes?)
      | .{1,60}\s[·•|-]\s*\d+\s+(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?)\s+ago
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
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
    publisher: str = ""
    published_at: datetime | None = None


@dataclass(frozen=True)
class Source:
    """What was read and from where: the bytes exactly, decoded as ``encoding``."""

    data: bytes
    origin: str
    html: bool = False
    charset: str = ""  # declared by the server, when it was fetched
    fetched_url: str = ""
    fetched_at: datetime | None = None
    etag: str = ""
    last_modified: str = ""


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


@dataclass
class CleanLines:
    content: list[str]
    byline: str = ""
    byline_first: bool = False
    source_url: str = ""


def clean_lines(lines: Iterable[str]) -> CleanLines:
    """The article's lines without scraper noise, and the metadata found among them.

    Shared by the text importer and the page importer (after extraction), so both
    leave the same things out.
    """
    found = CleanLines(content=[])
    in_related_links = in_comments = False
    for raw_line in lines:
        line = raw_line.strip()
        if not line:
            continue
        if match := _ORIGINAL.match(line):
            found.source_url = found.source_url or match.group(1)
            continue
        if in_comments:
            continue
        if in_related_links and _TIME_LINE.match(line):
            continue
        in_related_links = False
        if _RELATED_LINKS.match(line):
            in_related_links = True
            continue
        if found.content and _COMMENT_THREAD.match(line):
            in_comments = True  # readers' comments follow, to the end
            continue
        if (match := _BYLINE.match(line)) and not found.byline:
            byline = re.sub(r"^(?:text|written|words)?\s*by\s+", "", match.group(1), flags=re.I)
            found.byline = byline
            found.byline_first = not found.content
            continue
        if _BOILERPLATE.match(line) or _IMAGE_CREDIT.match(line) or _COMMENT_LINE.match(line):
            continue
        found.content.append(line.rstrip())
    return found


def parse(raw_text: str) -> ParsedArticle:
    """Split a scraped file into metadata and the cleaned body."""
    lines = raw_text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    found = clean_lines(lines)
    content = found.content
    if not content:
        raise ArticleImportError(NO_TEXT)

    title = subtitle = ""
    if not found.byline_first and _is_headline(content[0], content[1:]):
        title = content[0]
        if len(content) > 2 and len(content[1]) <= SUBTITLE_MAX:
            subtitle = content[1]
    if not title:
        title = _derive_title(content[0])
    return ParsedArticle(
        title=title[:300],
        subtitle=subtitle[:500],
        byline=found.byline[:300],
        source_url=found.source_url[:1000],
        body="\n".join(content),
        publisher=publisher_from_url(found.source_url) if found.source_url else "",
    )


def import_bytes(
    data: bytes, *, origin: str, user=None, update: bool = False, html: bool | None = None
) -> ImportResult:
    """Import one file's bytes in its own transaction. Never raises for bad input.

    ``html`` says the bytes are a web page (by default: the origin ends in .html/.htm).
    """
    if html is None:
        html = origin.lower().endswith(HTML_SUFFIXES)
    return import_source(Source(data=data, origin=origin, html=html), user=user, update=update)


def import_source(source: Source, *, user=None, update: bool = False) -> ImportResult:
    """Import what was read (a file's bytes or a fetched page) in its own transaction.

    Never raises for bad input: the result says what happened, and why when it failed.
    """
    origin = source.origin
    try:
        limit = cast(int, Article._meta.get_field("origin").max_length)  # a CharField's
        if len(origin) > limit:
            raise ArticleImportError(NAME_TOO_LONG.format(limit=limit))
        if source.html:
            from annotations import extraction

            raw_text, encoding = extraction.decode_page(source.data, source.charset)
            parsed = extraction.parse_page(raw_text, source.fetched_url or "")
            # A page's bytes change with every ad and timestamp around the article: its
            # identity is the text extracted from it.
            content_hash = hashlib.sha256(
                ("page\x1f" + parsed.title + "\x1f" + parsed.body).encode()
            ).hexdigest()
        else:
            raw_text, encoding = decode(source.data), "utf-8"
            parsed = parse(raw_text)
            content_hash = hashlib.sha256(source.data).hexdigest()
        with transaction.atomic():
            return _store(parsed, raw_text, encoding, content_hash, source, user, update)
    except ArticleImportError as exc:
        return ImportResult(origin, FAILED, str(exc))
    except IntegrityError:
        # Another import of the same content won the race: nothing was written here.
        return ImportResult(origin, UNCHANGED, "imported concurrently")


def _store(
    parsed: ParsedArticle,
    raw_text: str,
    encoding: str,
    content_hash: str,
    source: Source,
    user,
    update: bool,
) -> ImportResult:
    origin = source.origin
    # One query finds both an article with this content and one from this origin.
    known = list(
        Article.objects.select_for_update()
        .filter(Q(content_hash=content_hash) | Q(origin=origin))
        .only("id", "origin", "content_hash")[:2]
    )
    same = next((a for a in known if a.content_hash == content_hash), None)
    fetched = _fetch_fields(source)
    if same is not None:
        if fetched and same.origin == origin:
            # Nothing new, but the read itself is news: when, and the validators for the
            # next conditional request.
            Article.objects.filter(pk=same.pk).update(**fetched)
        note = "" if same.origin == origin else f"same content as {same.origin}"
        return ImportResult(origin, UNCHANGED, note, same)
    fields = {
        "title": parsed.title,
        "subtitle": parsed.subtitle,
        "byline": parsed.byline,
        "source_url": parsed.source_url,
        "publisher": parsed.publisher,
        "published_at": parsed.published_at,
        "body": parsed.body,
        "raw_text": raw_text,
        "content_hash": content_hash,
        **fetched,
    }
    revision = {"raw_text": raw_text, "encoding": encoding, "fetched_url": source.fetched_url}
    existing = next((a for a in known if a.origin == origin), None)
    if existing is None:
        article = Article.objects.create(origin=origin, imported_by=user, **fields)
        ArticleRevision.objects.create(
            article=article,
            number=1,
            title=article.title,
            body=article.body,
            content_hash=content_hash,
            created_by=user,
            **revision,
        )
        return ImportResult(origin, IMPORTED, "", article)
    if not update:
        raise ArticleImportError(ORIGIN_CHANGED)
    article = Article.objects.get(pk=existing.pk)
    outcome = revisions.article_revise(article=article, user=user, fields=fields, **revision)
    return ImportResult(origin, UPDATED, outcome.summary, article)


def _fetch_fields(source: Source) -> dict:
    """The article's columns about its last read from the web (none for a file)."""
    if not source.fetched_url:
        return {}
    return {
        "fetched_url": source.fetched_url[:1000],
        "fetched_at": source.fetched_at,
        "etag": source.etag,
        "last_modified": source.last_modified,
        "checked_at": timezone.now(),
    }


def importable(name: str) -> bool:
    return name.lower().endswith(TEXT_SUFFIXES + HTML_SUFFIXES)


def iter_files(paths: Iterable[str | Path]) -> Iterator[tuple[str, Path | None, str]]:
    """(display name, file, error) for every .txt/.html file named or inside a named folder."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and importable(child.name):
                    yield str(child), child, ""
        elif path.is_file():
            yield str(path), path, "" if importable(path.name) else NOT_TXT
        else:
            yield str(path), None, NOT_FOUND


def is_web_address(text: str) -> bool:
    return str(text).strip().lower().startswith(("http://", "https://"))


def origin_of_url(url: str) -> str:
    """A web address as an article's origin: as given, without its #fragment."""
    return urldefrag(url.strip())[0]


def read_url(url: str, *, origin: str | None = None) -> Source | ImportResult:
    """Read a web page (with every network-safety check) as a Source to import, or the
    result that ends its import already (failed, or not modified). Never raises.

    A known article is read with a conditional request (its ETag / Last-Modified), so an
    unchanged page costs the server a 304 and changes nothing here.
    """
    origin = origin or origin_of_url(url)
    known = Article.objects.filter(origin=origin).values("etag", "last_modified").first()
    try:
        page = fetching.fetch(url, **(known or {}))  # type: ignore[arg-type]  # etag, last_modified
    except fetching.FetchError as exc:
        return ImportResult(origin, FAILED, str(exc))
    if page.not_modified:
        Article.objects.filter(origin=origin).update(checked_at=timezone.now())
        return ImportResult(origin, UNCHANGED, NOT_MODIFIED)
    return Source(
        data=page.data,
        origin=origin,
        html=page.is_html,
        charset=page.charset,
        fetched_url=page.final_url,
        fetched_at=page.fetched_at,
        etag=page.etag,
        last_modified=page.last_modified,
    )


def import_url(url: str, *, user=None, update: bool = False) -> ImportResult:
    """Read a web page and import it, in its own transaction. Never raises."""
    source = read_url(url)
    if isinstance(source, ImportResult):
        return source
    return import_source(source, user=user, update=update)


def iter_sources(paths: Iterable[str | Path]) -> Iterator[tuple[str, Path | None, str]]:
    """Web addresses as they are (no file), then files as ``iter_files`` finds them."""
    for given in paths:
        if is_web_address(str(given)):
            yield str(given), None, ""
        else:
            yield from iter_files([given])


def import_paths(
    paths: Iterable[str | Path], *, user=None, update: bool = False, progress=None
) -> ImportSummary:
    """Import web addresses, files and folders; each is its own transaction and result."""
    summary = ImportSummary()
    limit = settings.FACTCHECK_IMPORT_MAX_BYTES
    for name, path, error in iter_sources(paths):
        if path is None and not error:
            result = import_url(name, user=user, update=update)
        elif error:
            result = ImportResult(name, FAILED, error)
        else:
            assert path is not None  # iter_sources: no file only for a web address
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
