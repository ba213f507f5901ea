"""Rationales in Markdown: rendered once for everyone, and older HTML turned back into Markdown.

Writers type Markdown (CommonMark, through markdown-it-py with raw HTML off); the HTML
that is stored, previewed, exported and published is ``render_markdown`` of it, which
ends in ``sanitize.sanitize_html``: the preview shows exactly what will be published,
and the one allow-list stays the last word.

Rationales written before Markdown hold HTML only (``rationale_markdown`` is empty).
They keep displaying as they are; when one is edited, ``html_to_markdown`` gives the
editor its Markdown. That is a small reverse of the allow-list's few tags, written here
rather than taken from a general HTML-to-Markdown converter, so that rendering its
output gives the same formatting back (tests/test_richtext.py checks the round trip).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser

from markdown_it import MarkdownIt

from annotations.sanitize import html_to_text, sanitize_html

# The longest rationale anyone may send, as Markdown (the API and the preview refuse more).
MAX_MARKDOWN = 50_000

# What the allow-list (sanitize.ALLOWED_TAGS) cannot show is switched off in the parser,
# so that "# Title", "---" and "![alt](url)" read as typed in the preview instead of
# vanishing: headings would break the heading outline of the page around a rationale.
_DISABLED = ["heading", "lheading", "hr", "image"]
_md = MarkdownIt("commonmark", {"html": False, "typographer": False}).disable(_DISABLED)


def render_markdown(source: str | None) -> str:
    """The sanitised HTML of Markdown ``source``: what is stored, previewed and published."""
    if not source or not source.strip():
        return ""
    return sanitize_html(_md.render(source))


def rationale_source(markdown: str, html: str) -> str:
    """The Markdown an editor opens: the stored source, or one made from an older HTML
    rationale (which has no source)."""
    if markdown:
        return markdown
    return html_to_markdown(html) if html else ""


# ---------------------------------------------------------------------------
# HTML (sanitised: the allow-list's tags only) → Markdown

BLOCKS = frozenset({"p", "ul", "ol", "li", "blockquote", "pre"})
# A hard line break while a paragraph is built (NUL never survives the sanitiser).
_BREAK = "\x00"
_EDGES = " \t\n" + _BREAK
_STRONG = {"strong", "b"}
_EMPHASIS = {"em", "i"}
# Characters that may start Markdown syntax anywhere in a line.
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]])")
_AUTOLINK_START = re.compile(r"<(?=[A-Za-z/!?])")
_ENTITY_START = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
# What would start a block if it began a line: a list, a quote, a fence, a heading…
_LINE_START = re.compile(r"^(?:([#>+\-=~|])|(\d{1,9})([.)]))")


@dataclass
class Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("root")
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag != "br":
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        children = self.stack[-1].children
        if children and isinstance(children[-1], str):
            children[-1] += data  # one text node, even when the parser hands it over in parts
        else:
            children.append(data)


def parse_html(html: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def html_to_markdown(html: str | None) -> str:
    """Markdown that renders to the same formatting as ``html`` (sanitised first)."""
    if not html:
        return ""
    clean = sanitize_html(html)
    tree = parse_html(clean)
    markdown = "\n\n".join(_blocks(tree.children)).strip()
    if _words(render_markdown(markdown)) == _words(clean):
        return markdown
    # A corner CommonMark cannot write (say, code inside bold against a letter): the words
    # matter more than the formatting, so the text comes back plain rather than changed.
    return _plain_markdown(tree)


def _words(html: str) -> str:
    return re.sub(r"\s+", "", html_to_text(html))


def _plain_markdown(tree: Node) -> str:
    blocks = re.split(r"\n[ \t]*\n", _text_of(tree).strip())
    return "\n\n".join(_Inline().paragraph([block]) for block in blocks if block.strip())


def _is_block(node: Node | str) -> bool:
    return isinstance(node, Node) and node.tag in BLOCKS


def _blocks(children: list[Node | str], *, split_paragraphs: bool = True) -> list[str]:
    """Each block child as Markdown; runs of inline children become paragraphs."""
    out: list[str] = []
    run: list[Node | str] = []
    list_markers: dict[str, int] = {"ul": 0, "ol": 0}
    last_list = None

    def flush() -> None:
        if not run:
            return
        text = _Inline().paragraph(run)
        parts = re.split(r"\n[ \t]*\n", text) if split_paragraphs else [text]
        out.extend(part.strip("\n") for part in parts if part.strip())
        run.clear()

    for child in children:
        if not _is_block(child):
            if isinstance(child, str) and not child.strip() and not run:
                continue  # white space between blocks
            run.append(child)
            continue
        flush()
        assert isinstance(child, Node)
        if child.tag in ("ul", "ol"):
            # Two lists in a row would read as one: the second takes another marker.
            list_markers[child.tag] = list_markers[child.tag] + 1 if last_list == child.tag else 0
            out.append(_list(child, list_markers[child.tag]))
            last_list = child.tag
            continue
        last_list = None
        if child.tag == "p":
            text = _Inline().paragraph(child.children, collapse_blank=True).strip("\n")
            if text.strip():
                out.append(text)
        elif child.tag == "blockquote":
            inner = "\n\n".join(_blocks(child.children))
            out.append("\n".join(f"> {line}" if line else ">" for line in inner.split("\n")))
        elif child.tag == "pre":
            out.append(_fence(_text_of(child)))
        elif child.tag == "li":  # an item outside a list: its content as a paragraph
            out.extend(_blocks(child.children))
    flush()
    return out


def _list(node: Node, variant: int) -> str:
    items = [c for c in node.children if isinstance(c, Node) and c.tag == "li"]
    # A list whose items hold paragraphs is "loose" (blank lines between its blocks);
    # otherwise an item's text and a list or quote inside it stay on adjacent lines.
    loose = any(isinstance(c, Node) and c.tag == "p" for item in items for c in item.children)
    rendered = []
    for n, item in enumerate(items, start=1):
        marker = f"{n}{'.)'[variant % 2]} " if node.tag == "ol" else f"{'-*+'[variant % 3]} "
        content = ("\n\n" if loose else "\n").join(_blocks(item.children))
        lines = content.split("\n")
        pad = " " * len(marker)
        body = [marker + lines[0] if lines[0] else marker.rstrip()]
        body += [pad + line if line else "" for line in lines[1:]]
        rendered.append("\n".join(body))
    return ("\n\n" if loose else "\n").join(rendered)


def _text_of(node: Node | str) -> str:
    if isinstance(node, str):
        return node
    if node.tag == "br":
        return "\n"
    return "".join(_text_of(c) for c in node.children)


def _fence(code: str) -> str:
    code = code.removesuffix("\n")
    longest = max((len(m) for m in re.findall(r"`+", code)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}\n{code}\n{fence}"


class _Inline:
    """Inline content (text, emphasis, code, links, line breaks) as Markdown."""

    def __init__(self) -> None:
        self.at_line_start = True
        self.open_marks: list[str] = []  # bold inside bold is bold: no second delimiter
        self.before = self.after = ""  # the characters around the node being written

    def paragraph(self, children: list[Node | str], *, collapse_blank: bool = False) -> str:
        text = self.inline(children)
        if collapse_blank:  # a blank line inside <p> is a space on the page, not a new paragraph
            text = re.sub(r"\n[ \t]*(?:\n[ \t]*)+", "\n", text)
        # A hard break (backslash) at the very end of a paragraph would show as "\".
        return re.sub(r"(?:\x00\n\s*)+$", "", text).replace(_BREAK, "\\")

    def inline(self, children: list[Node | str]) -> str:
        parts = []
        outer = self.before, self.after
        children = _merge_marks(children)
        for i, child in enumerate(children):
            # The text either side, for emphasis delimiters (see ``delimited``).
            self.before = _last_char(children[:i]) or outer[0]
            if i and _mark_of(children[i - 1]):
                self.before = "a"  # right after another mark's "*": this one cannot open
            self.after = _first_char(children[i + 1 :]) or outer[1]
            parts.append(self.node(child))
        self.before, self.after = outer
        return "".join(parts)

    def node(self, node: Node | str) -> str:
        if isinstance(node, str):
            return self.text(node)
        tag = node.tag
        if tag == "br":
            self.at_line_start = True
            return _BREAK + "\n"  # "\" once the paragraph is done
        if tag in _STRONG or tag in _EMPHASIS:
            return self.delimited(node, "**" if tag in _STRONG else "*")
        if tag == "code":
            self.at_line_start = False
            return _code_span(_text_of(node))
        if tag == "a":
            return self.link(node)
        if tag == "pre":
            return self.text(_text_of(node))
        return self.inline(node.children)  # a block inside inline content: its content

    def delimited(self, node: Node, mark: str) -> str:
        if mark in self.open_marks:
            return self.inline(node.children)
        self.open_marks.append(mark)
        inner = self.inline(node.children)
        self.open_marks.pop()
        core = inner.strip(_EDGES)
        if not core:
            return inner
        # Delimiters must touch the text: white space and line breaks go outside them.
        lead = inner[: len(inner) - len(inner.lstrip(_EDGES))]
        trail = inner[len(inner.rstrip(_EDGES)) :]
        before = " " if lead else self.before
        after = " " if trail else self.after
        if not (_can_flank(core[0], before) and _can_flank(core[-1], after)):
            # CommonMark cannot mark "a<b>(b)</b>c": punctuation inside the mark against a
            # letter outside. The words stay; that bold or italic is left out.
            return inner
        return f"{lead}{mark}{core}{mark}{trail}"

    def link(self, node: Node) -> str:
        href = node.attrs.get("href", "")
        text_only = _text_of(node)
        if not href:
            return self.inline(node.children)
        destination = href.replace(" ", "%20").replace("<", "%3C").replace(">", "%3E")
        destination = destination.replace("\\", "%5C")
        title = node.attrs.get("title", "")
        if text_only == href and not title and re.fullmatch(r"[^\s<>\x00-\x1f]+", href):
            self.at_line_start = False
            return f"<{destination}>"
        label = self.inline(node.children).replace(_BREAK + "\n", " ").replace("\n", " ")
        if not label.strip():
            return ""  # an empty link shows nothing: it stays out
        if re.search(r"[()\s]", destination):
            destination = f"<{destination}>"
        title_part = ""
        if title:
            escaped = title.replace("\\", "\\\\").replace('"', '\\"')
            title_part = f' "{escaped}"'
        self.at_line_start = False
        return f"[{label}]({destination}{title_part})"

    def text(self, value: str) -> str:
        out = []
        for n, line in enumerate(value.split("\n")):
            if n:
                out.append("\n")
                self.at_line_start = True
            if self.at_line_start:
                line = line.lstrip(" \t")
            line = re.sub(r"[ \t]+$", " ", line) if n < value.count("\n") else line
            if not line:
                continue
            escaped = _escape(line)
            if self.at_line_start:
                escaped = _LINE_START.sub(_escape_line_start, escaped, count=1)
            out.append(escaped)
            self.at_line_start = False
        return "".join(out)


def _is_punctuation(char: str) -> bool:
    return unicodedata.category(char)[0] in "PS"


def _can_flank(inside: str, outside: str) -> bool:
    """Whether a delimiter between these characters can open or close emphasis."""
    if not inside or not _is_punctuation(inside):
        return True
    return not outside or outside.isspace() or _is_punctuation(outside)


def _mark_of(node: Node | str) -> str:
    if isinstance(node, Node):
        return "strong" if node.tag in _STRONG else "em" if node.tag in _EMPHASIS else ""
    return ""


def _kind(node: Node | str) -> str:
    return "code" if isinstance(node, Node) and node.tag == "code" else _mark_of(node)


def _merge_marks(children: list[Node | str]) -> list[Node | str]:
    """Bold next to bold is one bold, code next to code one code span: "**a****b**" and
    "`a``b`" would not read back as two."""
    merged: list[Node | str] = []
    for child in children:
        if merged and _kind(child) and _kind(merged[-1]) == _kind(child):
            previous = merged[-1]
            assert isinstance(previous, Node) and isinstance(child, Node)
            merged[-1] = Node(previous.tag, {}, [*previous.children, *child.children])
        else:
            merged.append(child)
    return merged


def _first_char(nodes: list[Node | str]) -> str:
    for node in nodes:
        text = _text_of(node)
        if text:
            return text[0]
    return ""


def _last_char(nodes: list[Node | str]) -> str:
    for node in reversed(nodes):
        text = _text_of(node)
        if text:
            return text[-1]
    return ""


def _escape_line_start(match: re.Match) -> str:
    if match.group(1):
        return "\\" + match.group(1)
    return match.group(2) + "\\" + match.group(3)  # "1\. " is a number, not a list


def _escape(text: str) -> str:
    text = _INLINE_SPECIAL.sub(r"\\\1", text)
    text = _AUTOLINK_START.sub(r"\\<", text)
    return _ENTITY_START.sub(r"\\&", text)


def _code_span(code: str) -> str:
    code = code.replace("\n", " ")
    longest = max((len(m) for m in re.findall(r"`+", code)), default=0)
    ticks = "`" * (longest + 1)
    if (code.startswith(("`", " ")) or code.endswith(("`", " "))) and code.strip(" "):
        code = f" {code} "
    return f"{ticks}{code}{ticks}"
