"""Rationales in Markdown: rendering and sanitising, the preview endpoint, and older HTML
rationales turned back into Markdown without losing anything."""

from __future__ import annotations

import re
import time

import pytest
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from annotations import claims
from annotations.models import Claim, ClaimEvent
from annotations.richtext import (
    MAX_MARKDOWN,
    Node,
    html_to_markdown,
    parse_html,
    rationale_source,
    render_markdown,
)
from annotations.sanitize import LINK_REL, html_to_text, sanitize_html
from tests import factories

PREVIEW = "/api/v1/workspace/preview/"


# ---------------------------------------------------------------------------
# Rendering: CommonMark in, the allow-list's HTML out


def test_markdown_formatting_becomes_the_allow_lists_html():
    html = render_markdown(
        "The **ministry** says *otherwise*:\n\n- figures from 2024\n- the report\n\n"
        "1. first\n2. second\n\n> quoted\n\n`code` and\n\n```\nblock\n```\n\nline\\\nbreak"
    )
    assert html == (
        "<p>The <strong>ministry</strong> says <em>otherwise</em>:</p>\n"
        "<ul>\n<li>figures from 2024</li>\n<li>the report</li>\n</ul>\n"
        "<ol>\n<li>first</li>\n<li>second</li>\n</ol>\n"
        "<blockquote>\n<p>quoted</p>\n</blockquote>\n"
        "<p><code>code</code> and</p>\n<pre><code>block\n</code></pre>\n"
        "<p>line<br>\nbreak</p>"
    )


def test_links_get_rel_and_keep_their_title():
    html = render_markdown('[the report](https://example.org/r "Annual report")')
    assert html == (
        f'<p><a href="https://example.org/r" title="Annual report" rel="{LINK_REL}">'
        "the report</a></p>"
    )
    assert f'rel="{LINK_REL}"' in render_markdown("<https://example.org/auto>")
    assert f'rel="{LINK_REL}"' in render_markdown("bare https://example.org/bare too")
    assert 'href="mailto:desk@example.org"' in render_markdown("[m](mailto:desk@example.org)")


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '<a href="javascript:alert(1)">x</a>',
        "<div onclick=alert(1)>x</div>",
        "<p style=color:red>x</p>",
        "<!-- comment --><iframe src=https://evil.example></iframe>",
    ],
)
def test_raw_html_is_shown_as_text(source):
    html = render_markdown(source)
    assert "<" + source[1:4] not in html
    assert html_to_text(html) == source


@pytest.mark.parametrize(
    "source",
    [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](java&#115;cript:alert(1))",
        "[x](<javascript:alert(1)>)",
        "[x](vbscript:msgbox(1))",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[x](file:///etc/passwd)",
        "[x][1]\n\n[1]: javascript:alert(1)",
        "<javascript:alert(1)>",
        "![x](javascript:alert(1))",
        '[x](https://example.org "a\\" onmouseover=\\"alert(1)")',
        "[x](\x01javascript:alert(1))",
    ],
)
def test_links_to_anything_but_the_web_or_mail_are_not_links(source):
    html = render_markdown(source)
    for link in links(parse_html(html)):
        assert set(link.attrs) <= {"href", "title", "rel"}, (source, html)
        assert link.attrs["href"].startswith(("http://", "https://", "mailto:")), (source, html)


def links(node: Node) -> list[Node]:
    found = [node] if node.tag == "a" else []
    for child in node.children:
        if isinstance(child, Node):
            found += links(child)
    return found


def test_what_the_allow_list_cannot_show_reads_as_typed():
    """Headings, rules and images are switched off: the preview shows the characters
    instead of a heading that breaks the page's outline or an image that vanishes."""
    assert render_markdown("# Title") == "<p># Title</p>"
    assert render_markdown("Title\n===") == "<p>Title\n===</p>"
    assert render_markdown("---") == "<p>---</p>"
    html = render_markdown("![a chart](https://example.org/c.png)")
    assert "<img" not in html
    assert html == f'<p>!<a href="https://example.org/c.png" rel="{LINK_REL}">a chart</a></p>'


def test_nothing_but_white_space_is_no_rationale():
    assert render_markdown("") == render_markdown("  \n\t") == render_markdown(None) == ""


@pytest.mark.parametrize(
    "source",
    [
        "*" * MAX_MARKDOWN,
        "[" * MAX_MARKDOWN,
        ">" * MAX_MARKDOWN,
        "- " * (MAX_MARKDOWN // 2),
        "`" * MAX_MARKDOWN,
        "**a " * (MAX_MARKDOWN // 4),
        "[a](" * (MAX_MARKDOWN // 4),
        "<" * MAX_MARKDOWN,
        "&#" * (MAX_MARKDOWN // 2),
    ],
)
def test_the_longest_rationale_renders_quickly_however_hostile(source):
    started = time.perf_counter()
    render_markdown(source)
    assert time.perf_counter() - started < 3


# ---------------------------------------------------------------------------
# Older HTML rationales → Markdown → the same formatting


def shape(html: str) -> list:
    """What a page shows of ``html``: tags (b as strong, i as em, bold italic either way)
    and text with its white space collapsed; white space between blocks, at the start of
    a line and inside the edges of bold or italic does not show, nor does empty emphasis;
    loose text beside blocks reads as a paragraph."""
    return _paragraphs(_shape(parse_html(sanitize_html(html)).children))


_SAME = {"b": "strong", "i": "em"}
_BLOCK = {"p", "ul", "ol", "li", "blockquote", "pre"}
_MARKS = {"strong", "em"}


def _shape(children, block: bool = True, marks: frozenset = frozenset()) -> list:
    out: list = []
    for child in children:
        if isinstance(child, str):
            text = re.sub(r"\s+", " ", child)
            if out and out[-1] == ("br", (), []):
                text = text.lstrip()  # a new line starts with its first word
            _add_text(out, text)
            continue
        tag = _SAME.get(child.tag, child.tag)
        if tag == "pre":
            text = "".join(_plain(c) for c in child.children).strip("\n")
            out.append(("pre", text))
            continue
        if tag in _MARKS:
            _emphasis(out, child, marks | {tag}, marks)
            continue
        inner = _shape(child.children, tag in _BLOCK, marks)
        if tag == "li" and len(inner) == 1 and isinstance(inner[0], tuple) and inner[0][0] == "p":
            inner = inner[0][2]  # a lone paragraph in an item shows as the item's text
        if tag == "li" and inner and _is_block(inner[-1]) and inner[0][0:1] == ("p",):
            inner = [*inner[0][2], *inner[1:]]  # an item's first paragraph before its list
        if tag == "blockquote":
            inner = _paragraphs(inner)
        if tag == "a" and not inner:
            continue  # an empty link shows nothing
        attrs = tuple(sorted((k, v) for k, v in child.attrs.items() if k != "rel"))
        out.append((tag, attrs, inner))
    return _trim(out) if block else out


def _emphasis(out: list, node, marks: frozenset, outer: frozenset) -> None:
    """Bold and italic as the set of marks on each piece of text: bold inside bold is bold,
    bold italic is the same in either order, white space at the edges shows no style."""
    inner = _shape(node.children, False, marks)
    if marks == outer:
        for item in inner:
            _add_text(out, item) if isinstance(item, str) else out.append(item)
        return
    name = "+".join(sorted(marks))
    if len(inner) == 1 and isinstance(inner[0], tuple) and set(inner[0][0].split("+")) > marks:
        out.append(inner[0])
        return
    if inner and isinstance(inner[0], str) and inner[0] != inner[0].lstrip():
        _add_text(out, " ")
        inner = [inner[0].lstrip(), *inner[1:]] if inner[0].strip() else inner[1:]
    trail = bool(inner) and isinstance(inner[-1], str) and inner[-1] != inner[-1].rstrip()
    if trail:
        inner = [*inner[:-1], inner[-1].rstrip()] if inner[-1].strip() else inner[:-1]
    if inner:
        out.append((name, (), inner))
    if trail:
        _add_text(out, " ")


def _trim(out: list) -> list:
    """White space at the edges of blocks and between them does not show."""
    cleaned = []
    for i, item in enumerate(out):
        if isinstance(item, str):
            before = out[i - 1] if i else None
            after = out[i + 1] if i + 1 < len(out) else None
            item = item.lstrip() if before is None or _is_block(before) else item
            item = item.rstrip() if after is None or _is_block(after) else item
            if not item:
                continue
        cleaned.append(item)
    return cleaned


def _add_text(out: list, text: str) -> None:
    if out and isinstance(out[-1], str):
        out[-1] = re.sub(r"\s+", " ", out[-1] + text)
    elif text:
        out.append(text)


def _paragraphs(items: list) -> list:
    """Loose inline content beside (or instead of) blocks, as the paragraph it reads as."""
    out: list = []
    run: list = []
    for item in [*items, None]:
        if item is not None and not _is_block(item):
            run.append(item)
            continue
        if run and any(not isinstance(x, str) or x.strip() for x in run):
            out.append(("p", (), run))
        run = []
        if item is not None:
            out.append(item)
    return out


def _is_block(item) -> bool:
    return isinstance(item, tuple) and item[0] in _BLOCK


def _plain(node) -> str:
    if isinstance(node, str):
        return node
    return "\n" if node.tag == "br" else "".join(_plain(c) for c in node.children)


LEGACY = [
    "<p>The <strong>ministry</strong> says <em>otherwise</em>:</p>"
    "<ul><li>figures from 2024</li><li>the original report</li></ul>"
    '<p>See <a href="https://example.org/report">the report</a>.</p>',
    "<p>Nvidia reported a <b>$5.5 billion charge</b>, not <i>lost revenue</i>.</p>",
    "Satellite images show the plant.",
    "<p>One<br>two<br>three</p><blockquote><p>A quote</p><p>in two parts</p></blockquote>",
    "<ol><li>first</li><li>second <code>x_y</code></li></ol><ol><li>another list</li></ol>",
    "<ul><li>a<ul><li>nested</li></ul></li><li>b</li></ul>",
    "<pre><code>if a &lt; b:\n    print('```')\n</code></pre>",
    "<p>* not a list, _not emphasis_, [not a link], 1. not a number, # not a heading</p>",
    "<p>&lt;b&gt; stays text, &amp;amp; too, and a \\ backslash</p>",
    "see https://example.org/report and <a href='mailto:desk@example.org'>mail</a>",
    '<p><a href="https://example.org/a_(b)" title=\'say "hi"\'>odd URL</a></p>',
    "<p>Zhōngguó 𝐀 chips “doubled” — 😀</p>",
    "<p>a<strong> spaced </strong>b and <em></em>empty</p>",
    "<p>2024.\nThe figure</p><p>- minus\n+ plus\n&gt; more</p>",
    "<blockquote>loose text<ul><li>x</li></ul></blockquote>",
]


@pytest.mark.parametrize("html", LEGACY)
def test_an_older_html_rationale_becomes_markdown_with_the_same_formatting(html):
    markdown = html_to_markdown(html)
    assert shape(render_markdown(markdown)) == shape(html), markdown


def test_plain_text_paragraphs_typed_before_markdown_become_paragraphs():
    assert html_to_markdown("Line one\n\nLine two") == "Line one\n\nLine two"
    assert render_markdown(html_to_markdown("Line one\n\nLine two")) == (
        "<p>Line one</p>\n<p>Line two</p>"
    )


_WORDS = st.text(
    alphabet=st.sampled_from("abcXYZ019 .,;:!?*_`[]()<>&#-+=~|\\'\"/é𝐀😀"), min_size=1, max_size=12
)
_URL = st.from_regex(r"https://example\.org/[a-z0-9_\-]{0,10}", fullmatch=True)


def _inline(depth: int):
    leaf = _WORDS.map(
        lambda t: t.replace("<", "&lt;").replace("&", "&amp;").replace("&amp;lt;", "&lt;")
    )
    if depth == 0:
        return leaf
    sub = st.lists(_inline(depth - 1), min_size=1, max_size=3).map("".join)
    return st.one_of(
        leaf,
        sub.map(lambda s: f"<strong>{s}</strong>"),
        sub.map(lambda s: f"<em>{s}</em>"),
        _WORDS.map(lambda t: f"<code>{t.replace('&', '&amp;').replace('<', '&lt;')}</code>"),
        st.tuples(_URL, sub).map(lambda p: f'<a href="{p[0]}">{p[1]}</a>'),
        st.just("<br>"),
    )


_PARAGRAPH = st.lists(_inline(2), min_size=1, max_size=4).map("".join)


def _block(depth: int):
    paragraph = _PARAGRAPH.map(lambda s: f"<p>{s}</p>")
    if depth == 0:
        return paragraph
    items = st.lists(st.one_of(_PARAGRAPH, _block(depth - 1)), min_size=1, max_size=3).map(
        lambda xs: "".join(f"<li>{x}</li>" for x in xs)
    )
    return st.one_of(
        paragraph,
        items.map(lambda s: f"<ul>{s}</ul>"),
        items.map(lambda s: f"<ol>{s}</ol>"),
        st.lists(_block(depth - 1), min_size=1, max_size=2).map(
            lambda xs: f"<blockquote>{''.join(xs)}</blockquote>"
        ),
    )


def _text_shape(html: str) -> str:
    return re.sub(r"\s+", "", html_to_text(sanitize_html(html)))


@settings(max_examples=300, deadline=None)
@given(st.lists(_block(2), min_size=1, max_size=4).map("".join))
def test_no_words_are_lost_from_any_html_rationale(html):
    """Whatever the HTML, its words (and their order) survive the trip through Markdown."""
    assert _text_shape(render_markdown(html_to_markdown(html))) == _text_shape(html)


_SAFE_WORDS = st.text(alphabet=st.sampled_from("abcXYZ019 é𝐀"), min_size=1, max_size=10).filter(
    lambda t: t.strip() == t and t
)


def _safe_inline(depth: int):
    if depth == 0:
        return _SAFE_WORDS
    sub = st.lists(_safe_inline(depth - 1), min_size=1, max_size=3).map(" ".join)
    return st.one_of(
        _SAFE_WORDS,
        sub.map(lambda s: f"<strong>{s}</strong>"),
        sub.map(lambda s: f"<em>{s}</em>"),
        st.tuples(_URL, sub).map(lambda p: f'<a href="{p[0]}">{p[1]}</a>'),
    )


@settings(max_examples=200, deadline=None)
@given(st.lists(_safe_inline(2), min_size=1, max_size=4).map(" ".join))
def test_formatting_survives_the_trip_through_markdown(inline):
    html = f"<p>{inline}</p><ul><li>{inline}</li></ul><blockquote><p>{inline}</p></blockquote>"
    assert shape(render_markdown(html_to_markdown(html))) == shape(html)


def test_the_source_is_what_was_typed_else_made_from_the_html():
    assert rationale_source("*typed*", "<p><em>typed</em></p>") == "*typed*"
    assert rationale_source("", "<p><b>old</b></p>") == "**old**"
    assert rationale_source("", "") == ""


def test_the_tree_keeps_one_text_node_per_run():
    assert parse_html("<p>a &amp;amp; b</p>").children == [Node("p", {}, ["a &amp; b"])]


# ---------------------------------------------------------------------------
# Claims: Markdown in, both kept; older rationales untouched until changed


def legacy(claim: Claim, html: str) -> Claim:
    """Make ``claim`` look like one written before Markdown: HTML only."""
    Claim.objects.filter(pk=claim.pk).update(rationale=html, rationale_markdown="")
    claim.refresh_from_db()
    return claim


def test_a_claim_keeps_the_markdown_and_stores_it_rendered(article, reviewer):
    claim = factories.draft(article, reviewer, rationale="The *record* says so.")
    assert claim.rationale_markdown == "The *record* says so."
    assert claim.rationale == "<p>The <em>record</em> says so.</p>"


def test_an_older_rationale_sent_back_unchanged_stays_exactly_as_it_was(article, reviewer, editor):
    claim = factories.submitted(article, reviewer)
    html = "<p>Old <b>HTML</b> rationale<br>with a break</p>"
    claim = legacy(claim, html)
    source = rationale_source(claim.rationale_markdown, claim.rationale)
    claim = claims.claim_update(
        claim=claim, user=editor, version=claim.version, rationale=source, text="Reworded"
    )
    assert claim.rationale == html and claim.rationale_markdown == ""
    (edit,) = ClaimEvent.objects.filter(claim=claim, kind=ClaimEvent.Kind.EDIT)
    assert set(edit.changes) == {"claim"}  # not the rationale: it did not change


def test_a_changed_older_rationale_is_rendered_from_its_markdown(article, reviewer):
    claim = legacy(factories.draft(article, reviewer), "<p>Old <b>HTML</b></p>")
    claim = claims.claim_update(
        claim=claim, user=reviewer, version=claim.version, rationale="New **Markdown**"
    )
    assert claim.rationale_markdown == "New **Markdown**"
    assert claim.rationale == "<p>New <strong>Markdown</strong></p>"


def test_the_workspace_representation_carries_the_source_to_edit(article, reviewer):
    typed = factories.draft(article, reviewer, rationale="Typed *here*.")
    older = legacy(
        factories.draft(article, reviewer, article.body[60:90]), "<p>Older <i>one</i></p>"
    )
    api = APIClient()
    api.force_authenticate(reviewer)
    data = {c.pk: api.get(f"/api/v1/workspace/claims/{c.pk}/").json() for c in (typed, older)}
    assert data[typed.pk]["rationale_markdown"] == "Typed *here*."
    assert data[older.pk]["rationale_markdown"] == "Older *one*"
    assert data[older.pk]["rationale_html"] == "<p>Older <i>one</i></p>"  # shown as it was


def test_the_api_takes_markdown_and_shows_raw_html_as_text(article, reviewer):
    api = APIClient()
    api.force_authenticate(reviewer)
    response = api.post(
        f"/api/v1/workspace/articles/{article.pk}/claims/",
        {"start": 0, "end": 20, "rationale": "**Bold** <b>not bold</b>"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["rationale_html"] == (
        "<p><strong>Bold</strong> &lt;b&gt;not bold&lt;/b&gt;</p>"
    )
    assert response.json()["rationale_markdown"] == "**Bold** <b>not bold</b>"


# ---------------------------------------------------------------------------
# The preview endpoint


def test_the_preview_is_what_would_be_stored(reviewer):
    api = APIClient()
    api.force_authenticate(reviewer)
    source = "A **bold** [link](https://example.org) <script>alert(1)</script>"
    response = api.post(PREVIEW, {"markdown": source}, format="json")
    assert response.status_code == 200
    assert response.json() == {"html": render_markdown(source)}


@pytest.mark.parametrize("who", ["outsider", None])
def test_only_reviewers_and_editors_may_preview(request, who):
    api = APIClient()
    if who:
        api.force_authenticate(request.getfixturevalue(who))
    response = api.post(PREVIEW, {"markdown": "x"}, format="json")
    assert response.status_code == (403 if who else 401)


def test_the_preview_refuses_more_than_a_rationale_may_hold(editor):
    api = APIClient()
    api.force_authenticate(editor)
    response = api.post(PREVIEW, {"markdown": "x" * (MAX_MARKDOWN + 1)}, format="json")
    assert response.status_code == 400
    assert "50000 characters" in response.json()["markdown"][0]
    assert api.post(PREVIEW, {}, format="json").status_code == 400


def test_a_session_needs_the_csrf_token_to_preview(reviewer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reviewer)
    refused = client.post(PREVIEW, {"markdown": "x"}, content_type="application/json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    client.get("/articles/")  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    allowed = client.post(
        PREVIEW,
        {"markdown": "*x*"},
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert allowed.status_code == 200 and allowed.json() == {"html": "<p><em>x</em></p>"}
