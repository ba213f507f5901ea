"""Stored XSS in a real browser: every payload through every text people can enter, every page.

The payloads (tests/xss_payloads.py) go in the way people put text in: the workspace
API and the claim services (claim text, rationale, sources, transition comments), the
importer (files uploaded through the admin: name, title, byline, body), and the admin
forms (an article's fields, the verdict scale). Then Chromium opens every page that
shows them, hovers, focuses and clicks what is there, and three things are watched:

- execution: a dialog (``alert(1)``), ``console.error(MARKER)`` or ``document.title ==
  MARKER``, in any page or frame. One is enough to fail.
- injection: markup none of our pages has (``on*`` attributes, ``javascript:``/``data:``
  URLs, frames, SVG/MathML, ``<base>``, stray scripts or styles, shadow roots), and
  requests the page should never make (a 4xx from an injected ``<img src=x>``,
  another host). This catches markup whose handler needs a gesture to fire.
- presence: each payload is on the page *as text*. Escaped, not dropped: otherwise
  "nothing ran" could mean "nothing was shown".

The browser ignores the Content-Security-Policy (``bypass_csp``): escaping and
sanitising must hold on their own; the CSP is the second wall, and every document
is checked to carry it.

Many payloads share one page load (all lines in one article, all sources on one claim,
all comments in one history), so the sweep costs a page per surface, not per payload;
only the public fact-check page, where the rationale is rendered as HTML, is loaded
once per payload.
"""

from __future__ import annotations

import json
import logging
import math
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urljoin

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory
from rest_framework.test import APIClient

from annotations import claims, workflow
from annotations.admin import short
from annotations.importers import import_bytes
from annotations.models import Article, Claim, Notification, Verdict, http_url_validator
from annotations.publishing.uris import check_path
from annotations.richtext import render_markdown
from annotations.sanitize import html_to_text, sanitize_html
from annotations.views import NEWEST_UNREAD
from annotations.views import NOTIFICATIONS_PER_PAGE as PER_PAGE
from tests import figures
from tests.browser.conftest import log_in
from tests.browser.test_review_flow import admin_log_in
from tests.conftest import PASSWORD
from tests.xss_payloads import (
    HARMLESS_HTML,
    HARMLESS_RATIONALE,
    MARKDOWN_PAYLOADS,
    MARKER,
    PAYLOADS,
)

pytestmark = pytest.mark.django_db(transaction=True)

TEXTS = [p.text for p in PAYLOADS]
N = len(TEXTS)
JOINED = "\n".join(TEXTS)
# Rationales are Markdown: these go in as rationales (and as claims, to be seen as typed).
MARKDOWN = [p.text for p in MARKDOWN_PAYLOADS]
MARKDOWN_JOINED = "\n\n".join(MARKDOWN)


def rendered(markdown: str) -> str:
    """What a rationale written as ``markdown`` shows as text."""
    return html_to_text(render_markdown(markdown))


URL_REFUSED = http_url_validator.message
LINK_REL = "nofollow noopener noreferrer"
UPLOAD_BATCH = 100  # Django takes at most DATA_UPLOAD_MAX_NUMBER_FILES (100) files a request
SENT_BACK = ["retracted", "rejected"]  # the history rows whose comments hold payloads

# The carrier article's fields, set in the admin: every page that names the article shows them.
CARRIER_FIELDS = {
    "title": "</title><script>alert(1)</script>",
    "subtitle": '"><img src=x onerror=alert(1)>',
    "byline": "' onmouseover='alert(1)' x='",
    "publisher": "<svg onload=alert(1)>",
    "source_url": 'https://example.org/p?q="><script>alert(1)</script>',
}

# Poke what a person could touch (inline handlers fire on synthetic events too), follow
# any link whose scheme is not http(s), then audit the DOM and return the page's text.
LOOK_JS = r"""
async (selector) => {
  const SAFE = new Set(['http:', 'https:', 'mailto:']);
  const URL_ATTRS = new Set(['href', 'src', 'action', 'formaction', 'xlink:href', 'data',
    'poster', 'background', 'srcset', 'lowsrc', 'dynsrc', 'codebase', 'cite', 'ping', 'to',
    'from', 'values', 'icon', 'manifest']);
  const BANNED = new Set(['iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'base',
    'portal', 'isindex', 'marquee', 'noembed', 'xmp', 'plaintext']);
  // The admin draws its icons with these, the desk's charts add text and desc; script,
  // foreignObject, a, animate, set … are not here.
  const SVG_SHAPES = new Set(['svg', 'use', 'symbol', 'defs', 'g', 'path', 'title', 'circle',
    'rect', 'line', 'polyline', 'polygon', 'ellipse', 'text', 'desc']);
  const CSS_SINK = /url\s*\(|expression\s*\(|javascript:|behavior/i;
  const XHTML = 'http://www.w3.org/1999/xhtml';
  const SVG = 'http://www.w3.org/2000/svg';
  const found = [];
  const name = (el) => el.localName + (el.id ? '#' + el.id : '');
  // The scheme as the URL parser reads it (leading controls and tabs/newlines dropped);
  // no scheme means relative, which is http(s) here.
  const unsafeUrl = (value) => {
    const cleaned = value.replace(/^[\u0000-\u0020]+/, '').replace(/[\t\n\r]/g, '');
    const match = /^([a-z][a-z0-9+.-]*):/i.exec(cleaned);
    return match ? !SAFE.has(match[1].toLowerCase() + ':') : false;
  };
  const elements = [];
  const collect = (scope) => {
    for (const el of scope.querySelectorAll('*')) {
      elements.push(el);
      if (el.shadowRoot) {
        found.push('shadow root on ' + name(el));
        collect(el.shadowRoot);
      }
    }
  };
  collect(document);
  for (const el of elements) {
    el.dispatchEvent(new MouseEvent('mouseover', {bubbles: true}));
    el.dispatchEvent(new MouseEvent('mouseenter'));
    const handlesFocus = [...el.attributes].some((a) => /^on.*focus/i.test(a.name));
    if (handlesFocus || el.hasAttribute('autofocus')) {
      el.focus?.({preventScroll: true});
    }
  }
  let followed = 0;
  for (const a of document.querySelectorAll('a[href], area[href]')) {
    if (unsafeUrl(a.getAttribute('href'))) {
      a.click();
      followed += 1;
    }
  }
  // A javascript: URL runs in a task of its own, after this one: let it run (and be
  // caught) before the audit returns and the page is left.
  if (followed) await new Promise((resolve) => setTimeout(resolve, 100));
  for (const el of elements) {
    const tag = el.localName;
    if (BANNED.has(tag)) found.push('<' + tag + '> element');
    if (tag === 'style' && !el.closest('head')) found.push('<style> in the body');
    if (el.namespaceURI !== XHTML && !(el.namespaceURI === SVG && SVG_SHAPES.has(tag))) {
      found.push('foreign element ' + tag);
    }
    if (tag === 'meta' && el.httpEquiv && el.httpEquiv.toLowerCase() !== 'content-type') {
      found.push('<meta http-equiv=' + el.httpEquiv + '>');
    }
    if (tag === 'script') {
      const data = ['application/json', 'application/ld+json'].includes(el.type);
      const ours = el.src && new URL(el.src).origin === location.origin;
      if (!data && !ours) found.push('script ' + (el.src || el.textContent.slice(0, 60)));
      if (data) {
        try { JSON.parse(el.textContent); } catch { found.push('broken JSON in ' + name(el)); }
      }
    }
    if (tag === 'link' && el.rel !== 'canonical' && new URL(el.href).origin !== location.origin) {
      found.push('link to ' + el.href);
    }
    for (const attr of el.attributes) {
      const attrName = attr.name.toLowerCase();
      if (attrName.startsWith('on')) found.push(attrName + ' on ' + name(el));
      if (attrName === 'srcdoc') found.push('srcdoc on ' + name(el));
      if (URL_ATTRS.has(attrName) && unsafeUrl(attr.value)) {
        found.push(attrName + '=' + attr.value.slice(0, 60) + ' on ' + name(el));
      }
      if (attrName === 'style' && CSS_SINK.test(attr.value)) {
        found.push('style=' + attr.value.slice(0, 60) + ' on ' + name(el));
      }
    }
  }
  const root = selector ? document.querySelector(selector) : document.documentElement;
  const fields = root ? [...root.querySelectorAll('input, textarea, select')] : [];
  const text = [root ? root.textContent : '', ...fields.map((el) => el.value)].join('\n');
  return {found, title: document.title, text};
}
"""


def squeeze(text: str) -> str:
    """Text without white space or control characters: how a payload reads once rendered."""
    return "".join(
        c for c in text if not c.isspace() and unicodedata.category(c) not in ("Cc", "Cf")
    )


def as_json(text: str) -> str:
    """A string as DRF's JSON renderer writes it (the browsable API shows that text)."""
    return (
        json.dumps(text, ensure_ascii=False)[1:-1]
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def payload_url(k: int, text: str) -> str:
    """An http(s) address with the payload in its path, query and fragment."""
    escaped = "".join(
        f"%{ord(c):02X}" if c.isspace() or ord(c) < 32 or ord(c) == 127 else c for c in text
    )
    scheme = ("https", "HTTP", "HtTpS")[k % 3]
    return f"{scheme}://example.org/xss/{k}/{escaped}?q={escaped}#{escaped}"


def source(k: int, text: str) -> dict:
    return {
        "url": payload_url(k, text),
        "archived_url": payload_url(k, text),
        "title": text[:300],
        "publisher": text[:200],
        "excerpt": text,
        "stance": ("supports", "refutes", "context")[k % 3],
    }


def article_file(k: int, text: str) -> bytes:
    return "\n".join(
        [
            text,
            f"[by {text}]",
            f"Original: {payload_url(k, text)}",
            f"Report {k}: {text}",
            f"Report {k} goes on in a second paragraph.",
        ]
    ).encode()


def upload_name(k: int, text: str) -> str:
    # Browsers and Django keep only the part after the last slash: keep the rest.
    return f"{k:03d} {text.replace('/', '∕').replace(chr(92), '∖')}.txt"


@dataclass
class Sweep:
    """What the browser saw, page by page: executions, injections and the text shown."""

    origin: str
    where: str = ""
    executions: list[str] = field(default_factory=list)
    injections: list[str] = field(default_factory=list)
    no_csp: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    documents: int = 0
    shown: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def context(self, browser, live_server):
        """A browser context every page of which is watched."""
        context = browser.new_context(
            base_url=live_server.url, bypass_csp=True, viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(15_000)
        context.on("page", self._watch)
        return context

    def _watch(self, page) -> None:
        page.on("dialog", lambda dialog: self._dialog(page, dialog))
        page.on("console", lambda msg: self._console(page, msg))
        page.on("pageerror", lambda exc: self.injections.append(f"{self.at(page)}: threw {exc}"))
        page.on("request", lambda request: self._request(page, request))
        page.on("response", lambda response: self._response(page, response))

    def at(self, page) -> str:
        return f"[{self.where}] {page.url}"

    def _dialog(self, page, dialog) -> None:
        self.executions.append(f"{self.at(page)}: {dialog.type}({dialog.message!r})")
        dialog.dismiss()

    def _console(self, page, msg) -> None:
        if msg.text == MARKER:
            self.executions.append(f"{self.at(page)}: console.{msg.type}({msg.text!r})")

    def _request(self, page, request) -> None:
        if not request.url.startswith((self.origin, "data:", "blob:", "about:")):
            self.injections.append(f"{self.at(page)}: requested {request.url}")

    def _response(self, page, response) -> None:
        url = response.url
        if response.status >= 400 and not url.endswith("/favicon.ico"):
            self.injections.append(f"{self.at(page)}: {response.status} for {url}")
        if response.request.resource_type == "document" and url.startswith(self.origin):
            self.documents += 1
            policy = response.headers.get("content-security-policy", "")
            script_src = next(
                (d for d in policy.split(";") if d.strip().startswith("script-src")), ""
            )
            if "'self'" not in script_src or "unsafe-" in script_src:
                self.no_csp.append(f"{url}: {policy or 'no Content-Security-Policy'}")

    def look(
        self, page, surface: str, selector: str | None = None, expect: Iterable[str] = ()
    ) -> None:
        """Touch what is on the page, audit it, and keep its text (or ``selector``'s) as seen
        on ``surface``; ``expect`` must be in this very page's text."""
        self.where = surface
        result = page.evaluate(LOOK_JS, selector)
        self.injections += [f"{self.at(page)}: {finding}" for finding in result["found"]]
        if len(page.frames) > 1:
            self.injections.append(f"{self.at(page)}: {len(page.frames) - 1} frame(s)")
        if result["title"] == MARKER:
            self.executions.append(f"{self.at(page)}: document.title = {MARKER!r}")
        text = squeeze(result["text"])
        self.shown[surface].append(text)
        self.absent += [f"{self.at(page)}: {e!r}" for e in expect if squeeze(e) not in text]

    def visit(self, page, surface: str, *urls: str, expect: Iterable[str] = ()) -> None:
        for url in urls:
            self.where = surface
            page.goto(url)
            self.look(page, surface, expect=expect)

    def visit_list(self, page, surface: str, url: str) -> None:
        """A list paged by keyset, from its first page through its Older links to the end."""
        while url:
            self.visit(page, surface, url)
            older = page.locator('nav.pager a[rel="next"]')
            url = urljoin(page.url, older.get_attribute("href")) if older.count() else ""

    @contextmanager
    def reporting(self) -> Iterator[None]:
        """Injected markup can break a page (a stray <plaintext> eats the form after it), so
        a step may fail before the end: say what had been seen by then."""
        try:
            yield
        except Exception as exc:
            seen = [*self.executions, *self.injections]
            exc.add_note(
                f"The sweep had seen {len(self.executions)} execution(s) and "
                f"{len(self.injections)} injection(s):\n" + "\n".join(seen[:30])
            )
            raise

    def missing(self, surface: str, expected: list[str]) -> list[str]:
        seen = "\n".join(self.shown[surface])
        return [text for text in expected if squeeze(text) not in seen]


# ---------------------------------------------------------------------------
# The hostile desk, built the way people build it


def admin_form(model, user, data: dict):
    """The model admin's own add form, bound to ``data`` (its validation, not HTTP's)."""
    model_admin = admin.site.get_model_admin(model)
    request = RequestFactory().post("/admin/")
    request.user = user
    return model_admin, request, model_admin.get_form(request)(data=data)


def make_verdicts(editor) -> list[Verdict]:
    """One verdict per payload (label and description), saved as the verdict admin saves."""
    verdicts, labels = [], set()
    for k, text in enumerate(TEXTS):
        label = text[:60].strip()  # labels are unique, and at most 60 characters
        if label in labels:
            label = f"{k} {text}"[:60].strip()
        labels.add(label)
        data = {"label": label, "slug": f"xss-{k}", "order": 100 + k, "colour": "#5b6570"}
        model_admin, request, form = admin_form(Verdict, editor, {**data, "description": text})
        assert form.is_valid(), form.errors
        verdict = form.save(commit=False)
        model_admin.save_model(request, verdict, form, change=False)
        verdicts.append(verdict)
    # The colour goes into style attributes: nothing but #rrggbb gets in.
    data = {"label": "CSS", "slug": "css", "order": 1, "colour": "red;background:url(x)"}
    assert "colour" in admin_form(Verdict, editor, data)[2].errors
    return verdicts


def make_carrier(editor) -> Article:
    """The article whose body holds every payload, a line each; its fields set in the admin."""
    lines = ["Hostile input desk", *(f"Line {k}: {text}" for k, text in enumerate(TEXTS))]
    carrier = import_bytes("\n".join(lines).encode(), origin="carrier.txt", user=editor).article
    client = Client()
    client.force_login(editor)
    url = f"/admin/annotations/article/{carrier.pk}/change/"
    form = {
        **CARRIER_FIELDS,
        "published_at_0": "",
        "published_at_1": "",
        "queue_status": "new",
        "assignee": "",
        "priority": "2",
        "due_date": "",
        "body": carrier.body,
    }
    refused = client.post(url, {**form, "source_url": "javascript:alert(1)"})
    assert refused.status_code == 200 and 'class="errorlist' in refused.content.decode()
    assert client.post(url, form).status_code == 302
    carrier.refresh_from_db()
    assert carrier.title == CARRIER_FIELDS["title"]
    return carrier


def span_of(article: Article, text: str) -> dict:
    start = article.body.index(text)
    return {"start": start, "end": start + len(text)}


def make_carried(carrier: Article, reviewer, editor, verdicts) -> dict[str, Claim]:
    """Claims on the carrier that hold every payload at once: one published with every
    source and then corrected, one sent back and rejected with every payload as the
    comments, and one whose rationale is harmless formatting."""
    every = claims.claim_create(
        article=carrier,
        user=reviewer,
        start=0,
        end=len(carrier.body),
        text=JOINED,
        verdict=verdicts[0],
        rationale=JOINED,
        sources=[source(k, text) for k, text in enumerate(TEXTS)],
    )
    every = workflow.claim_transition(claim=every, user=reviewer, action="submit")
    every = workflow.claim_transition(claim=every, user=editor, action="approve")
    # Corrected the one way there is: retracted (every payload as the reason), reopened,
    # reworded by its author, and approved again.
    every = workflow.claim_transition(claim=every, user=editor, action="retract",
                                      comment=JOINED)  # fmt: skip
    every = workflow.claim_transition(claim=every, user=reviewer, action="reopen")
    every = claims.claim_update(
        claim=every,
        user=reviewer,
        version=every.version,
        text=JOINED + "\n(corrected)",
        verdict=verdicts[1],
    )
    every = workflow.claim_transition(claim=every, user=reviewer, action="submit")
    every = workflow.claim_transition(claim=every, user=editor, action="approve")

    rejected = claims.claim_create(
        article=carrier,
        user=reviewer,
        **span_of(carrier, "Line 0"),
        text=JOINED,
        verdict=verdicts[2],
        rationale=JOINED,
        sources=[source(0, TEXTS[0])],
    )
    for action, user, comment in [
        ("submit", reviewer, ""),
        ("request_changes", editor, JOINED),
        ("submit", reviewer, ""),
        ("reject", editor, JOINED),
    ]:
        rejected = workflow.claim_transition(
            claim=rejected, user=user, action=action, comment=comment
        )

    # Every Markdown payload as the rationale (and the claim) of one draft; and every
    # payload as a rationale written in HTML before Markdown (shown as stored, opened
    # for editing as Markdown made from it).
    markdown = claims.claim_create(
        article=carrier,
        user=reviewer,
        **span_of(carrier, "Line 1"),
        text=MARKDOWN_JOINED,
        verdict=verdicts[3],
        rationale=MARKDOWN_JOINED,
        sources=[source(1, TEXTS[1])],
    )
    legacy = claims.claim_create(
        article=carrier,
        user=reviewer,
        **span_of(carrier, "Line 2"),
        text=JOINED,
        verdict=verdicts[4],
        sources=[source(2, TEXTS[2])],
    )
    Claim.objects.filter(pk=legacy.pk).update(rationale=sanitize_html(JOINED))

    formatted = {}
    for name, phrase in [("formatted", "Hostile input desk"), ("formatted-html", "Line 3")]:
        claim = claims.claim_create(
            article=carrier,
            user=reviewer,
            **span_of(carrier, phrase),
            text=f"A claim whose rationale keeps its formatting ({name})",
            verdict=Verdict.objects.get(slug="false"),
            rationale=HARMLESS_RATIONALE,
            sources=[{"url": "https://example.org/report", "title": "The report"}],
        )
        if name == "formatted-html":  # written before Markdown
            Claim.objects.filter(pk=claim.pk).update(
                rationale=sanitize_html(HARMLESS_HTML), rationale_markdown=""
            )
        claim = workflow.claim_transition(claim=claim, user=reviewer, action="submit")
        formatted[name] = workflow.claim_transition(claim=claim, user=editor, action="approve")
    return {
        "every": every,
        "rejected": rejected,
        "markdown": markdown,
        "legacy": legacy,
        **formatted,
    }


def assert_the_api_refuses_every_address_that_is_not_http(reviewer) -> None:
    """Each payload as a source's URL and archived URL: 400 unless it is an http(s) address."""
    probe = import_bytes(b"URL probe\nA line to anchor claims on.", origin="probe.txt").article
    api = APIClient()
    api.force_authenticate(reviewer)
    url = f"/api/v1/workspace/articles/{probe.pk}/claims/"
    request_log = logging.getLogger("django.request")
    level = request_log.level
    request_log.setLevel(logging.ERROR)  # a "Bad Request" line per payload is the point here
    try:
        responses = [
            api.post(
                url,
                {"start": 0, "end": 9, "sources": [{"url": text, "archived_url": text}]},
                format="json",
            )
            for text in TEXTS
        ]
    finally:
        request_log.setLevel(level)
    accepted = []
    for text, response in zip(TEXTS, responses, strict=True):
        if response.status_code == 201:
            accepted.append(text)
            assert [s["url"] for s in response.json()["sources"]] == [text]
        else:
            assert response.status_code == 400, (text, response.content)
            errors = response.json()["sources"]  # by position: a list, or {"0": …}
            first = errors[0] if isinstance(errors, list) else errors["0"]
            assert first == {"url": [URL_REFUSED], "archived_url": [URL_REFUSED]}, text
    assert accepted == [t for t in TEXTS if t.lower().startswith(("http://", "https://"))]


def make_markdown_checks(article: Article, reviewer, editor) -> list[Claim]:
    """One published fact-check per Markdown payload, the payload its rationale and claim."""
    checks = []
    for k, text in enumerate(MARKDOWN):
        claim = claims.claim_create(
            article=article,
            user=reviewer,
            **span_of(article, "Report 0"),
            text=text,
            verdict=Verdict.objects.get(slug="misleading"),
            rationale=f"Rationale {k}:\n\n{text}",
            sources=[source(k, text)],
        )
        claim = workflow.claim_transition(claim=claim, user=reviewer, action="submit")
        checks.append(workflow.claim_transition(claim=claim, user=editor, action="approve"))
    return checks


def make_checks(articles: list[Article], reviewer, editor, verdicts) -> list[Claim]:
    """One fact-check per payload on the article imported for it: written through the API
    (claim, rationale, source, verdict), published, then withdrawn with the payload as the
    reason (the public page shows a withdrawn check with its reason and corrections)."""
    api = APIClient()
    api.force_authenticate(reviewer)
    checks = []
    for k, (article, text) in enumerate(zip(articles, TEXTS, strict=True)):
        response = api.post(
            f"/api/v1/workspace/articles/{article.pk}/claims/",
            {
                **span_of(article, f"Report {k}"),
                "claim": text,
                # Markdown: something is left whatever the payload, as submitting needs it.
                "rationale": f"Rationale {k}:\n\n{text}",
                "verdict": verdicts[k].slug,
                "sources": [source(k, text)],
            },
            format="json",
        )
        assert response.status_code == 201, (text, response.content)
        claim = Claim.objects.get(pk=response.json()["id"])
        for action, user, comment in [
            ("submit", reviewer, ""),
            ("approve", editor, ""),
            ("retract", editor, text),
        ]:
            claim = workflow.claim_transition(
                claim=claim, user=user, action=action, comment=comment
            )
        checks.append(claim)
    return checks


# ---------------------------------------------------------------------------
# The pages


def upload_articles(page, sweep: Sweep) -> list[Article]:
    """Every payload in a file of its own (name, title, byline, body), through the admin."""
    files = [
        {"name": upload_name(k, text), "mimeType": "text/plain", "buffer": article_file(k, text)}
        for k, text in enumerate(TEXTS)
    ]
    for first in range(0, N, UPLOAD_BATCH):
        page.goto("/admin/annotations/article/import/")
        page.set_input_files("input[type=file]", files=files[first : first + UPLOAD_BATCH])
        page.click("input[type=submit]")
        page.wait_for_url("**/admin/annotations/article/")
        sweep.look(page, "admin import report")
    articles = sorted(Article.objects.filter(origin__regex=r"^\d{3} "), key=lambda a: a.origin)
    assert [a.origin[:3] for a in articles] == [f"{k:03d}" for k in range(N)]
    return articles


def sweep_workspace(page, sweep: Sweep, carrier: Article, carried: dict[str, Claim]) -> None:
    """The carrier in the workspace: the text, every card opened, its history, its edit form."""
    page.goto(f"/articles/{carrier.pk}/")
    page.wait_for_selector("html[data-workspace-ready]")
    sweep.look(page, "workspace")
    marks = page.locator("mark.hl")
    for i in range(min(marks.count(), 5)):  # a real pointer over the first highlights
        marks.nth(i).hover()
    for claim in carried.values():
        card = page.locator(f"#claim-{claim.pk}")
        card.locator(".card-toggle").click()
        card.locator(".card-details").wait_for()
        sweep.look(page, "workspace claim cards", f"#claim-{claim.pk}")
        sweep.look(page, "workspace card history", f"#claim-{claim.pk} .card-history")
        # The details hold the card's buttons (built with them, in one piece).
        edit = card.locator(".card-details [data-action=edit]")
        if claim.status == Claim.Status.APPROVED:  # a published check is not changed in place
            assert edit.count() == 0
            continue
        edit.click()
        page.wait_for_selector("#claim-form:not([hidden])")
        sweep.look(page, "workspace edit form", "#claim-form")
        page.keyboard.press("Escape")
        page.wait_for_selector("#claim-form", state="hidden")
    # The live preview of a new claim's rationale: every Markdown payload typed at once.
    page.keyboard.press("Escape")
    page.evaluate(
        """() => {
            const p = document.querySelector('#article-body p.para');
            window.getSelection().selectAllChildren(p);
        }"""
    )
    page.keyboard.press("n")
    page.wait_for_selector("#claim-form:not([hidden])")
    page.fill("#claim-form textarea[name=rationale]", MARKDOWN_JOINED)
    page.wait_for_function(
        "() => document.querySelector('#rationale-preview').textContent.includes('Rationale') "
        "|| document.querySelector('#rationale-preview li')"
    )
    page.wait_for_selector("#rationale-preview:not([aria-busy])")
    sweep.look(page, "workspace rationale preview", "#rationale-preview")
    page.fill("#claim-form textarea[name=rationale]", "")
    page.keyboard.press("Escape")
    page.wait_for_selector("#claim-form", state="hidden")
    # A click on a highlight opens its claim; so does Enter on a focused one.
    page.locator(f"mark.hl[data-claims~='{carried['rejected'].pk}']").first.click()
    page.locator(f"mark.hl[data-claims~='{carried['every'].pk}']").last.focus()
    page.keyboard.press("Enter")
    sweep.look(page, "workspace claim cards")


def sweep_desk(page, sweep: Sweep, carrier: Article, carried: dict[str, Claim]) -> None:
    """The admin's lists and change pages, the API's browsable view, the reviewers' list."""
    held = [carried[name].pk for name in ("every", "rejected", "markdown", "legacy")]
    sweep.visit(page, "admin article changelist", "/admin/annotations/article/?all=")
    sweep.visit(
        page, "admin article change page", f"/admin/annotations/article/{carrier.pk}/change/"
    )
    sweep.visit(page, "admin claim changelist", "/admin/annotations/claim/?all=")
    sweep.visit(
        page,
        "admin claim change page",
        *(f"/admin/annotations/claim/{pk}/change/" for pk in held),
    )
    sweep.visit(
        page,
        "admin history changelist",
        *(f"/admin/annotations/claimevent/?to_status__exact={s}&all=" for s in SENT_BACK),
    )
    sweep.visit(page, "admin verdict changelist", "/admin/annotations/verdict/?all=")
    # The charts name the verdicts of the claims decided (every check was approved).
    sweep.visit(page, "admin index charts", "/admin/")
    sweep.visit(page, "API browsable view", *(f"/api/v1/workspace/claims/{pk}/" for pk in held))
    sweep.visit_list(page, "reviewer article list", "/articles/")


def sweep_bulk_action(page, sweep: Sweep) -> None:
    """A bulk action over every check: its confirmation page lists them, its report (each
    refused: a withdrawn check cannot be sent back) names them."""
    page.goto("/admin/annotations/claim/?status__exact=retracted&all=")
    page.check("#action-toggle")
    page.select_option("select[name=action]", "request_changes")
    page.click("button[name=index]")
    page.wait_for_selector("textarea[name=comment]")
    sweep.look(page, "admin bulk action")
    page.fill("textarea[name=comment]", JOINED)
    page.click("input[name=apply]")
    page.wait_for_selector("ul.messagelist .error")
    sweep.look(page, "admin bulk action")


def sweep_bulk_approve(page, sweep: Sweep) -> None:
    """Bulk approve first lists what it would publish and what it would not, and why."""
    page.goto("/admin/annotations/claim/?status__exact=retracted&all=")
    page.check("#action-toggle")
    page.select_option("select[name=action]", "approve")
    page.click("button[name=index]")
    page.wait_for_selector("#refused-list")
    sweep.look(page, "admin bulk approve confirmation")


def sweep_inbox(page, sweep: Sweep, reviewer) -> None:
    """The reviewer's My work and notifications: the editors' comments on their checks."""
    newest = Notification.objects.filter(recipient=reviewer, read_at__isnull=True)[:NEWEST_UNREAD]
    sweep.visit(page, "my work", "/", expect=[n.comment for n in newest if n.comment])
    pages = math.ceil(Notification.objects.filter(recipient=reviewer).count() / PER_PAGE)
    sweep.visit(page, "notifications", *(f"/notifications/?page={n}" for n in range(1, pages + 1)))


def assert_the_rationale_keeps_its_formatting(page) -> None:
    rationale = page.locator(".rationale")
    assert rationale.locator("strong").inner_text() == "ministry"
    assert rationale.locator("em").inner_text() == "otherwise"
    assert rationale.locator("ul > li").all_inner_texts() == [
        "figures from 2024",
        "the original report",
    ]
    link = rationale.locator("a")
    assert link.get_attribute("href") == "https://example.org/report"
    assert link.get_attribute("rel") == LINK_REL
    assert link.get_attribute("target") is None


def sweep_public(page, sweep: Sweep, carrier: Article, carried, checks, markdown_checks) -> None:
    """The public site, signed out: each fact-check, the list, the checked article."""
    for check in checks:  # the one page that renders a rationale as HTML: one per payload
        expect = [check.claim, check.verdict.label, check.retraction_reason]
        sweep.visit(page, "public fact-check page", check_path(check.pk, check.slug), expect=expect)
    sweep.visit(
        page,
        "public fact-check page",
        check_path(carried["every"].pk, carried["every"].slug),
        expect=TEXTS,
    )
    for check in markdown_checks:
        expect = [check.claim, rendered(check.rationale_markdown)]
        sweep.visit(page, "public fact-check page", check_path(check.pk, check.slug), expect=expect)
    for name in ("formatted", "formatted-html"):  # Markdown, and HTML from before Markdown
        formatted = carried[name]
        sweep.visit(page, "public fact-check page", check_path(formatted.pk, formatted.slug))
        assert_the_rationale_keeps_its_formatting(page)
    sweep.visit_list(page, "public fact-check list", "/checks/")
    sweep.visit(page, "public article page", f"/checks/articles/{carrier.pk}/")
    highlights = page.locator("a.hl")
    for i in range(min(highlights.count(), 5)):
        highlights.nth(i).hover()
        highlights.nth(i).focus()
    sweep.look(page, "public article page")


# ---------------------------------------------------------------------------
# The tests


CANARY = (
    "<!doctype html><title>canary</title>"
    '<img src=x onerror="alert(1)">'
    f"<img src=y onerror=\"document.title='{MARKER}'\">"
    f"<div onmouseover=\"console.error('{MARKER}')\">hover</div>"
    '<a href="javascript:alert(2)">link</a>'
    "<svg><a><text>s</text></a></svg>"
)


def test_the_sweep_notices_a_payload_that_runs(browser, live_server):
    """The watchers are live: a page (without our headers) that runs payloads is caught."""
    sweep = Sweep(origin=live_server.url)
    context = sweep.context(browser, live_server)
    context.route(
        f"{live_server.url}/canary/",
        lambda route: route.fulfill(body=CANARY, content_type="text/html"),
    )
    sweep.visit(context.new_page(), "canary", "/canary/")
    context.close()
    assert sorted(e.split(": ", 1)[1] for e in sweep.executions) == [
        "alert('1')",  # onerror, on load
        "alert('2')",  # the javascript: link, followed
        f"console.error('{MARKER}')",  # onmouseover, poked
        f"document.title = '{MARKER}'",
    ]
    found = "\n".join(sweep.injections)
    for injected in ["onerror on img", "onmouseover on div", "href=javascript:", "element a"]:
        assert injected in found
    assert "404 for" in found  # the <img src=x> fetched /canary/x
    assert sweep.no_csp == [f"{live_server.url}/canary/: no Content-Security-Policy"]


def test_no_payload_runs_anywhere_it_is_shown(browser, live_server, reviewer, editor):
    verdicts = make_verdicts(editor)
    carrier = make_carrier(editor)
    carried = make_carried(carrier, reviewer, editor, verdicts)
    assert_the_api_refuses_every_address_that_is_not_http(reviewer)

    sweep = Sweep(origin=live_server.url)
    with sweep.reporting():
        desk = sweep.context(browser, live_server)
        page = desk.new_page()
        admin_log_in(page, "editor")
        articles = upload_articles(page, sweep)
        checks = make_checks(articles, reviewer, editor, verdicts)
        markdown_checks = make_markdown_checks(articles[0], reviewer, editor)
        sweep_desk(page, sweep, carrier, carried)
        sweep_bulk_action(page, sweep)
        sweep_bulk_approve(page, sweep)
        sweep_workspace(page, sweep, carrier, carried)
        desk.close()

        inbox = sweep.context(browser, live_server)
        page = inbox.new_page()
        log_in(page, "reviewer", PASSWORD)
        sweep_inbox(page, sweep, reviewer)
        inbox.close()

        public = sweep.context(browser, live_server)
        sweep_public(public.new_page(), sweep, carrier, carried, checks, markdown_checks)
        public.close()

    titles = [a.title for a in articles]
    expected = {
        "workspace": TEXTS,
        "workspace claim cards": TEXTS,
        "workspace card history": TEXTS,
        "workspace edit form": TEXTS + MARKDOWN,
        "workspace rationale preview": [rendered(m) for m in MARKDOWN],
        "admin import report": [a.origin for a in articles],
        "admin article changelist": titles,
        "admin article change page": TEXTS,
        "admin claim changelist": [str(c) for c in checks + markdown_checks],
        "admin bulk action": [short(c) for c in checks],
        "admin bulk approve confirmation": [short(c) for c in checks],
        "admin index charts": [v.label for v in verdicts],
        "my work": [],  # the newest comments, checked on the page itself
        "notifications": TEXTS,  # each check was withdrawn with a payload as the reason
        "admin claim change page": TEXTS + MARKDOWN,
        "admin history changelist": TEXTS,
        "admin verdict changelist": [v.label for v in verdicts],
        "API browsable view": [as_json(t) for t in TEXTS],
        "reviewer article list": titles,
        "public fact-check page": TEXTS + MARKDOWN + [rendered(m) for m in MARKDOWN],
        "public fact-check list": TEXTS,
        "public article page": TEXTS,
    }
    assert set(sweep.shown) == set(expected)
    missing = {s: m for s, texts in expected.items() if (m := sweep.missing(s, texts))}
    print(
        f"xss: {N} payloads and {len(MARKDOWN)} Markdown payloads x {len(expected)} surfaces, "
        f"{len(sweep.executions)} executed"
    )
    figures.add("xss", payloads=N + len(MARKDOWN), surfaces=len(expected),
                executed=len(sweep.executions))  # fmt: skip
    assert sweep.executions == []
    assert sweep.injections == []
    assert missing == {}, "shown nowhere on these surfaces: dropped rather than escaped?"
    assert sweep.absent == []
    assert sweep.no_csp == []
    assert sweep.documents > N + len(MARKDOWN)
