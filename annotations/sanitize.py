"""The one allow-list for user-entered rich text. Every path (API, admin, forms) calls this."""

from __future__ import annotations

from functools import partial

import bleach
from bleach.linkifier import LinkifyFilter

ALLOWED_TAGS = frozenset(
    {"p", "br", "strong", "b", "em", "i", "ul", "ol", "li", "blockquote", "code", "pre", "a"}
)
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener noreferrer"


def _set_rel(attrs: dict, new: bool = False) -> dict:
    attrs[(None, "rel")] = LINK_REL
    return attrs


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[partial(LinkifyFilter, callbacks=[_set_rel], skip_tags={"pre", "code"})],
)


def sanitize_html(value: str | None) -> str:
    """Clean rich text for storage: allowed formatting stays, everything else is removed."""
    if not value:
        return ""
    return _cleaner.clean(value).strip()


def html_to_text(value: str | None) -> str:
    """Plain text of sanitised HTML (for search, exports and previews)."""
    if not value:
        return ""
    text = bleach.clean(
        value.replace("</p>", "</p>\n").replace("<br>", "\n"), tags=set(), strip=True
    )
    import html

    return html.unescape(text).strip()
