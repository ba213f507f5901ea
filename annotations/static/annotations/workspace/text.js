// The text model: an article body split in paragraphs, and the offset maths between the
// browser and the API.
//
// The API counts Unicode code points into article.body; the DOM (String.length, Range,
// Selection) counts UTF-16 code units. They differ for every character outside the Basic
// Multilingual Plane (most emoji, 𝐀). Each paragraph element <p data-offset="n"> holds
// body[n:n+len] exactly, paragraphs are separated by "\n" in the body, and the model keeps
// each paragraph's text as an array of code points. A DOM position becomes a code point in
// one place, codePointIndex(); utf16Index() is its inverse.
//
// Nothing here reads the page at load: createTextModel(root) takes the element that holds
// the paragraphs, so the maths can be tested on any element.

/** The code-point index of UTF-16 position `index` in `text`. */
export function codePointIndex(text, index) {
  let count = 0;
  for (let i = 0; i < index; i++) {
    const unit = text.charCodeAt(i);
    // A high surrogate followed by a low one is one code point: skip the low half.
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < index) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}

/** The UTF-16 position of code point `index` in `text` (its length when past the end). */
export function utf16Index(text, index) {
  let units = 0;
  for (let n = 0; n < index && units < text.length; n++) {
    units += text.codePointAt(units) > 0xffff ? 2 : 1;
  }
  return units;
}

const isLowSurrogate = (text, i) => {
  const unit = text.charCodeAt(i);
  return unit >= 0xdc00 && unit <= 0xdfff;
};

const WORD_CHAR = /[\p{L}\p{N}\p{M}_]/u;

/**
 * The model of the text inside `root`: its paragraphs (elements matching
 * `paragraphSelector`, each with data-offset), the body they spell, and the conversion
 * of DOM ranges to spans of that body.
 */
export function createTextModel(root, { paragraphSelector = "p[data-offset]" } = {}) {
  const doc = root.ownerDocument;
  const paragraphs = [...root.querySelectorAll(paragraphSelector)].map((el) => {
    const text = el.textContent;
    const cps = Array.from(text);
    const start = Number(el.dataset.offset);
    return { el, text, cps, start, end: start + cps.length };
  });

  // The body as code points, rebuilt from the paragraphs and the "\n" between them.
  const bodyCps = [];
  for (const p of paragraphs) {
    while (bodyCps.length < p.start) bodyCps.push("\n");
    for (const c of p.cps) bodyCps.push(c);
  }

  /** body[start:end], as Python slices it. */
  function slice(start, end) {
    return bodyCps.slice(start, end).join("");
  }

  // Made on first use: a selection needs it, the first paint does not.
  let segmenter;
  function wordSegmenter() {
    if (segmenter === undefined) {
      const lang = root.closest("[lang]")?.getAttribute("lang") || undefined;
      segmenter =
        typeof Intl !== "undefined" && Intl.Segmenter
          ? new Intl.Segmenter(lang, { granularity: "word" })
          : null;
    }
    return segmenter;
  }

  /** Move a UTF-16 position in a paragraph outward to the start of the word it falls in. */
  function snapStart(p, i) {
    if (i > 0 && i < p.text.length && isLowSurrogate(p.text, i)) i--;
    if (i >= p.text.length) return i;
    if (wordSegmenter()) {
      const seg = wordSegmenter().segment(p.text).containing(i);
      return seg && seg.isWordLike ? seg.index : i;
    }
    while (i > 0 && WORD_CHAR.test(p.text[i - 1]) && WORD_CHAR.test(p.text[i])) i--;
    return i;
  }

  /** Move a UTF-16 position in a paragraph outward to the end of the word it falls in. */
  function snapEnd(p, i) {
    if (i > 0 && i < p.text.length && isLowSurrogate(p.text, i)) i++;
    if (i <= 0) return i;
    if (wordSegmenter()) {
      const seg = wordSegmenter().segment(p.text).containing(i - 1);
      return seg && seg.isWordLike ? seg.index + seg.segment.length : i;
    }
    while (i < p.text.length && WORD_CHAR.test(p.text[i - 1]) && WORD_CHAR.test(p.text[i])) i++;
    return i;
  }

  /**
   * Where a DOM point falls in the text: a paragraph and a UTF-16 index into it.
   * Points between paragraphs move to the next paragraph (start) or the previous one (end).
   */
  function locate(node, offset, edge) {
    for (let n = 0; n < paragraphs.length; n++) {
      const p = paragraphs[n];
      const range = doc.createRange();
      range.selectNodeContents(p.el);
      const where = range.comparePoint(node, offset);
      if (where === 0) {
        range.setEnd(node, offset);
        return { p, index: range.toString().length };
      }
      if (where < 0) {
        if (edge === "start") return { p, index: 0 };
        if (n === 0) return null;
        const prev = paragraphs[n - 1];
        return { p: prev, index: prev.text.length };
      }
    }
    if (edge === "start" || !paragraphs.length) return null;
    const last = paragraphs[paragraphs.length - 1];
    return { p: last, index: last.text.length };
  }

  /** A copy of `range` clipped to the root; null when they do not meet. */
  function clip(range) {
    const inside = doc.createRange();
    inside.selectNodeContents(root);
    const startWhere = inside.comparePoint(range.startContainer, range.startOffset);
    const endWhere = inside.comparePoint(range.endContainer, range.endOffset);
    if (startWhere > 0 || endWhere < 0) return null;
    const clipped = range.cloneRange();
    if (startWhere < 0) clipped.setStart(root, 0);
    if (endWhere > 0) clipped.setEnd(root, root.childNodes.length);
    return clipped;
  }

  /**
   * A DOM range as a span of the body in code points, {start, end, exact}: clipped to
   * the root, snapped outward to whole words and trimmed of white space; null when empty.
   */
  function rangeToSpan(range) {
    const clipped = clip(range);
    if (!clipped) return null;
    const from = locate(clipped.startContainer, clipped.startOffset, "start");
    const to = locate(clipped.endContainer, clipped.endOffset, "end");
    if (!from || !to) return null;
    let start = from.p.start + codePointIndex(from.p.text, snapStart(from.p, from.index));
    let end = to.p.start + codePointIndex(to.p.text, snapEnd(to.p, to.index));
    while (start < end && /\s/u.test(bodyCps[start])) start++;
    while (end > start && /\s/u.test(bodyCps[end - 1])) end--;
    if (start >= end) return null;
    return { start, end, exact: slice(start, end) };
  }

  // Words, for moving a caret or a span's ends word by word: each paragraph's word-like
  // segments as code-point offsets into the body, in text order, made on first use.
  let words = null;
  function allWords() {
    if (words) return words;
    words = [];
    const add = (p, from, to) =>
      words.push({
        start: p.start + codePointIndex(p.text, from),
        end: p.start + codePointIndex(p.text, to),
      });
    for (const p of paragraphs) {
      if (wordSegmenter()) {
        for (const seg of wordSegmenter().segment(p.text)) {
          if (seg.isWordLike) add(p, seg.index, seg.index + seg.segment.length);
        }
        continue;
      }
      for (const m of p.text.matchAll(/[\p{L}\p{N}\p{M}_]+/gu)) add(p, m.index, m.index + m[0].length);
    }
    return words;
  }

  /** The next word boundary of `kind` ("start" or "end") after `offset` (or before it, `back`). */
  function wordBoundary(offset, kind, back = false) {
    const list = allWords();
    if (back) {
      for (let n = list.length - 1; n >= 0; n--) if (list[n][kind] < offset) return list[n][kind];
      return null;
    }
    for (const w of list) if (w[kind] > offset) return w[kind];
    return null;
  }

  /** The word holding `offset` (or the nearest after it, or before it at the end). */
  function wordAt(offset) {
    const list = allWords();
    return list.find((w) => w.end > offset) || list[list.length - 1] || null;
  }

  /** The last word starting at or before `offset`. */
  function wordBefore(offset) {
    const list = allWords();
    for (let n = list.length - 1; n >= 0; n--) if (list[n].start <= offset) return list[n];
    return list[0] || null;
  }

  /** A DOM point (node, offset) at code point `offset` of the body. */
  function pointAt(offset, edge = "start") {
    let p = paragraphs.find((q) => (edge === "start" ? offset < q.end : offset <= q.end));
    p = p || paragraphs[paragraphs.length - 1];
    if (!p) return null;
    const index = utf16Index(p.text, Math.max(0, Math.min(offset, p.end) - p.start));
    const walker = doc.createTreeWalker(p.el, NodeFilter.SHOW_TEXT);
    let seen = 0;
    let node = walker.nextNode();
    while (node) {
      const after = seen + node.data.length;
      if (index < after || (index === after && edge === "end")) return { node, offset: index - seen };
      seen = after;
      const next = walker.nextNode();
      if (!next) return { node, offset: node.data.length };
      node = next;
    }
    return { node: p.el, offset: 0 };
  }

  /** A DOM range over body[start:end] (code points). */
  function spanToRange(start, end) {
    const from = pointAt(start, "start");
    const to = pointAt(end, "end");
    if (!from || !to) return null;
    const range = doc.createRange();
    range.setStart(from.node, from.offset);
    range.setEnd(to.node, to.offset);
    return range;
  }

  /** The code point a DOM point falls on (or next to), or null outside the text. */
  function offsetOf(node, offset) {
    const found = locate(node, offset, "start");
    return found ? found.p.start + codePointIndex(found.p.text, found.index) : null;
  }

  return {
    root,
    paragraphs,
    slice,
    clip,
    rangeToSpan,
    wordBoundary,
    wordAt,
    wordBefore,
    spanToRange,
    offsetOf,
    length: () => bodyCps.length,
  };
}
