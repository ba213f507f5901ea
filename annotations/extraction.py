"""A saved or fetched web page as an article: its text decoded exactly, then extracted.

trafilatura finds the main text of a news page (leaving out navigation, ads, share
buttons, comment threads and related-links blocks) and its metadata: headline,
author, date, site name and canonical address. The lines it returns then go through
the same cleaning as a text file (``importers.clean_lines``), so image credits and
source lines are treated alike whichever way an article arrives.
"""

from __future__ import annotations

import codecs
import re
from datetime import datetime, time
from typing import cast

import trafilatura
from django.conf import settings
from django.utils import timezone
from trafilatura.settings import Document

from annotations.importers import (
    BINARY_FILE,
    EMPTY_FILE,
    NO_TEXT,
    TOO_LARGE,
    ArticleImportError,
    ParsedArticle,
    clean_lines,
    publisher_from_url,
)

NOT_A_PAGE = "the page has no article text that could be extracted (is it a news article?)"
# Fewer words than this is a menu or a form, not an article.
MIN_WORDS = 15
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)
SNIFF_BYTES = 4096


def _codec(name: str) -> str | None:
    try:
        return codecs.lookup(name.strip()).name
    except (LookupError, ValueError):
        return None


def decode_page(data: bytes, declared: str = "") -> tuple[str, str]:
    """(text, encoding) with ``text.encode(encoding) == data``: the page byte for byte.

    The charset the server declared wins, then the page's own <meta charset>, then
    UTF-8, then Windows-1252; ISO-8859-1 decodes any bytes, so nothing is ever refused
    for its encoding (a wrong guess shows as odd letters, never as lost bytes).
    """
    limit = settings.FACTCHECK_IMPORT_MAX_BYTES
    if len(data) > limit:
        raise ArticleImportError(TOO_LARGE.format(size=len(data), limit=limit))
    if not data.strip():
        raise ArticleImportError(EMPTY_FILE)
    if b"\x00" in data:
        raise ArticleImportError(BINARY_FILE)
    meta = _META_CHARSET.search(data[:SNIFF_BYTES])
    names = [declared, meta.group(1).decode("ascii") if meta else "", "utf-8", "cp1252"]
    for name in names:
        codec = _codec(name) if name else None
        if codec is None or codec.startswith("utf-16") or codec.startswith("utf-32"):
            continue
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if text.encode(codec) == data:
            return text, codec
    return data.decode("latin-1"), "latin-1"


def parse_page(html: str, url: str = "") -> ParsedArticle:
    """The article in a web page: metadata from trafilatura, the body cleaned line by line."""
    try:
        # A Document, not a dict: as_dict is off.
        document = cast(
            Document | None,
            trafilatura.bare_extraction(
                html,
                url=url or None,
                with_metadata=True,
                include_comments=False,
                include_images=False,
                favor_precision=True,
            ),
        )
    except Exception:  # a page the parser chokes on is a page without an article
        document = None
    text = (getattr(document, "text", None) or "").strip() if document is not None else ""
    if document is None or len(text.split()) < MIN_WORDS:
        raise ArticleImportError(NOT_A_PAGE)
    found = clean_lines(text.split("\n"))
    if not found.content:
        raise ArticleImportError(NO_TEXT)
    title = (document.title or "").strip() or found.content[0]
    source_url = (document.url or url or found.source_url or "").strip()
    if not source_url.lower().startswith(("http://", "https://")):
        source_url = url if url.lower().startswith(("http://", "https://")) else ""
    publisher = (document.sitename or "").strip() or publisher_from_url(source_url)
    return ParsedArticle(
        title=title[:300],
        subtitle=(document.description or "").strip()[:500],
        byline=(document.author or found.byline or "").strip()[:300],
        source_url=source_url[:1000],
        body="\n".join(found.content),
        publisher=publisher[:200],
        published_at=_date(document.date),
    )


def _date(value: str | None) -> datetime | None:
    """trafilatura's date (``2025-03-04``, or with a time) as an aware datetime."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if len(value) <= 10:
        parsed = datetime.combine(parsed.date(), time.min)
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, timezone.get_current_timezone())
    return parsed
