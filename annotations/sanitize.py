"""The one allow-list for user-entered rich text. Every path (API, admin, forms) calls this."""

from __future__ import annotations

import html
import re
from functools import partial

import bleach
from bleach.linkifier import LinkifyFilter

ALLOWED_TAGS = frozenset(
    {"p", "br", "strong", "b", "em", "i", "ul", "ol", "li", "blockquote", "code", "pre", "a"}
)
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener noreferrer"
# bleach checks schemes with urlparse, which reads "javascript:1" as host:port and
# lets it through; links must be absolute http(s) or mailto, checked here.
_SAFE_HREF = re.compile(r"^(?:https?://[^\s/]|mailto:[^\s])", re.IGNORECASE)


def _allow_attribute(tag: str, name: str, value: str) -> bool:
    if tag != "a":
        return False
    if name == "href":
        return bool(_SAFE_HREF.match(value.strip()))
    return name in {"title", "rel"}


def _set_rel(attrs: dict, new: bool = False) -> dict:
    attrs[(None, "rel")] = LINK_REL
    return attrs


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=_allow_attribute,
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


_BLOCK_END = re.compile(r"(?i)</p>|<br\s*/?>|</li>|</blockquote>")
_TAG = re.compile(r"<[^>]*>")


def html_to_text(value: str | None) -> str:
    """Plain text of *stored* (already sanitised) HTML, for search, exports and previews.

    Sanitised HTML has every literal ``<`` escaped, so dropping tags with a pattern
    is exact here, and far cheaper than another parse (this runs once per exported
    claim). The result is text: it is escaped wherever it is shown.
    """
    if not value:
        return ""
    text = _TAG.sub("", _BLOCK_END.sub("\n", value))
    return re.sub(r"\n{2,}", "\n", html.unescape(text)).strip()
