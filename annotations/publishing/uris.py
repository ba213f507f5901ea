"""Absolute addresses of what we publish, built from the URL map, never spelt by hand."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from annotations.models import claim_slug, claimant_slug

# Where the public site lives when neither the setting nor a request says (a command
# run on the demo machine): the address ``make run`` serves by default.
FALLBACK_BASE = "http://127.0.0.1:8000"
_PLACEHOLDER = 918273645  # an id no real route value shares, replaced by "{}"


def public_base(request: HttpRequest | None = None) -> str:
    """``FACTCHECK_PUBLIC_BASE_URL`` when set; else the scheme, host and port this
    request was served on (so ``make run PORT=8101`` links to 8101)."""
    configured = settings.FACTCHECK_PUBLIC_BASE_URL
    if configured:
        return configured.rstrip("/")
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return FALLBACK_BASE


@cache
def _pattern(name: str) -> str:
    """``reverse(name)`` with ``{}`` where the id goes: one reverse per process, not per item."""
    return reverse(name, args=[_PLACEHOLDER]).replace(str(_PLACEHOLDER), "{}")


def check_path(pk: int, slug: str) -> str:
    """The public fact-check page of a claim (the canonical, slugged address)."""
    return reverse("checks:detail", args=[pk, slug])


class Links:
    """The addresses of claims and articles under one base, made once per request or stream."""

    def __init__(self, base: str) -> None:
        self.base = base
        self._claim = base + _pattern("checks:uri")
        self._article = base + _pattern("checks:article")
        self._article_text = base + _pattern("checks:article-text")

    @classmethod
    def for_request(cls, request: HttpRequest | None = None) -> Links:
        return cls(public_base(request))

    def claim(self, pk: int) -> str:
        """A claim's stable URI: /checks/<id>/, which redirects to its slugged page."""
        return self._claim.format(pk)

    def article(self, pk: int) -> str:
        """An article's public page, with its published fact-checks highlighted."""
        return self._article.format(pk)

    def article_text(self, pk: int) -> str:
        """The article's cleaned text as text/plain: what quote selectors index."""
        return self._article_text.format(pk)

    def check_page(self, pk: int, claim: str) -> str:
        """A claim's public fact-check page, at its canonical slugged address."""
        return self.base + check_path(pk, claim_slug(claim))

    def claimant(self, pk: int, name: str) -> str:
        return self.base + reverse("checks:claimant", args=[pk, claimant_slug(name)])

    def article_url(self, source_url: str, pk: int) -> str:
        """Where a reader finds the article: the original page, else ours."""
        return source_url or self.article(pk)
