"""How a paragraph of an article's body is shown: headline, subtitle, caption or text.

The reviewer workspace and the public article page both lay the body out by it.
"""

from __future__ import annotations

import re

from annotations.models import Article

# A short line that ends in a credit rather than a sentence: "… reception. Oriental IC",
# "… of the video. Source: Screenshot".
_CAPTION = re.compile(
    r"[.!?”\"]\s+(?:Source:\s.+|Photo:\s.+|[A-Z][\w&.-]*(?:\s[A-Z][\w&.-]*){0,3})$"
)
CAPTION_MAX = 160


def classify_paragraph(article: Article, offset: int, text: str) -> str:
    """``headline``, ``subtitle``, ``caption`` or ``text`` for the paragraph at ``offset``."""
    if offset == 0 and text == article.title:
        return "headline"
    if article.subtitle and text == article.subtitle and offset == len(article.title) + 1:
        return "subtitle"
    if (
        len(text) <= CAPTION_MAX
        and _CAPTION.search(text)
        and not text.endswith((".", "!", "?", "”"))
    ):
        return "caption"
    return "text"


def laid_out(article: Article) -> list[dict]:
    """The body's paragraphs with their offset, text and kind, in order."""
    return [
        {"offset": offset, "text": text, "kind": classify_paragraph(article, offset, text)}
        for offset, text in article.paragraphs()
    ]
