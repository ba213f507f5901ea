// The reviewer workspace: draws claims over the article text and edits them through the API.
//
// Offsets: the API counts Unicode code points into article.body; the DOM counts
// UTF-16 code units. Each paragraph <p data-offset> holds body[offset:offset+len]
// exactly, paragraphs are separated by "\n" in the body, and the page keeps the
// paragraphs' text as arrays of code points. Highlights are drawn from those arrays
// (no conversion); a selection becomes code points in one place: codePointIndex().
//
// Claims: the page embeds a lean list (id, span, status, verdict slug, claim text,
// author, number of sources: annotations/workspace.py), enough for the highlights,
// the filters, the counts and the card summaries. A card's details (rationale,
// sources, history, what you may do, the version to write against) come from
// GET /api/v1/claims/<id>/ when it is opened, and every write answers with the
// claim in full: both are kept in state.details, and the lean entry is derived
// from them (leanOf), so the list never disagrees with what the card shows.
//
// First paint: the highlights are drawn while the module runs; the side panel's
// cards are built only after the frame that shows them (see "Start" at the end).
//
// No framework and no innerHTML: every piece of user text goes in with textContent.

const config = JSON.parse(document.getElementById("workspace-config").textContent);
const initialClaims = JSON.parse(document.getElementById("workspace-claims").textContent);

const $ = (selector, root = document) => root.querySelector(selector);
const bodyEl = $("#article-body");
const textColumn = $("#ws-text");
const form = $("#claim-form");
const list = $("#claim-list");
const panel = $("#ws-panel");
const statusEl = $("#ws-status");
const shortcuts = $("#shortcuts");
const csrfToken = $("#workspace input[name=csrfmiddlewaretoken]").value;

const NEUTRAL = "#8a949e";
const verdicts = new Map(config.verdicts.map((v) => [v.slug, v]));
const statusLabels = new Map(config.statuses.map((s) => [s.value, s.label]));

// ---------------------------------------------------------------------------
// The text model

const paragraphs = [...bodyEl.querySelectorAll("p.para[data-offset]")].map((el) => {
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
export function bodySlice(start, end) {
  return bodyCps.slice(start, end).join("");
}

/**
 * The code-point index of UTF-16 position `index` in `text`: the one conversion
 * between the browser's units and the API's.
 */
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

const isLowSurrogate = (text, i) => {
  const unit = text.charCodeAt(i);
  return unit >= 0xdc00 && unit <= 0xdfff;
};

// Made on first use: a selection needs it, the first paint does not.
let segmenter;
function wordSegmenter() {
  if (segmenter === undefined) {
    segmenter =
      typeof Intl !== "undefined" && Intl.Segmenter
        ? new Intl.Segmenter(document.documentElement.lang || undefined, { granularity: "word" })
        : null;
  }
  return segmenter;
}
const WORD_CHAR = /[\p{L}\p{N}\p{M}_]/u;

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
    const range = document.createRange();
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

/** A DOM range as a span of the body in code points, snapped to words and trimmed. */
export function rangeToSpan(range) {
  const from = locate(range.startContainer, range.startOffset, "start");
  const to = locate(range.endContainer, range.endOffset, "end");
  if (!from || !to) return null;
  let start = from.p.start + codePointIndex(from.p.text, snapStart(from.p, from.index));
  let end = to.p.start + codePointIndex(to.p.text, snapEnd(to.p, to.index));
  while (start < end && /\s/u.test(bodyCps[start])) start++;
  while (end > start && /\s/u.test(bodyCps[end - 1])) end--;
  if (start >= end) return null;
  return { start, end, exact: bodySlice(start, end) };
}

// ---------------------------------------------------------------------------
// State

const state = {
  claims: new Map(initialClaims.map((c) => [c.id, c])), // id → lean entry
  details: new Map(), // id → the claim as the API answered it, once loaded
  loading: new Map(), // id → the promise of its details, while they are fetched
  detailErrors: new Map(), // id → why its details could not be loaded
  activeId: null,
  filter: { verdict: "", status: "" },
  pending: null, // {start, end, exact} while a new claim's form is open
  formMode: null, // "create" | "edit"
  formClaimId: null,
  formVersion: null,
  formDirtyClaim: false,
  confirmDeleteId: null,
};

/** The lean entry of a claim from the API's full representation (what the page embeds). */
function leanOf(full) {
  return {
    id: full.id,
    start: full.quote.start,
    end: full.quote.end,
    status: full.status,
    claim: full.claim,
    verdict: full.verdict ? full.verdict.slug : null,
    author: full.author,
    source_count: full.sources.length,
  };
}

const sameLean = (a, b) => !!a && !!b && Object.keys(b).every((key) => a[key] === b[key]);

/** Keep a claim the API answered with: its details for the card, its lean entry for the rest. */
function remember(full) {
  state.details.set(full.id, full);
  state.detailErrors.delete(full.id);
  state.claims.set(full.id, leanOf(full));
}

function forget(id) {
  state.claims.delete(id);
  state.details.delete(id);
  state.detailErrors.delete(id);
}

const byTextOrder = (a, b) => a.start - b.start || a.end - b.end || a.id - b.id;

function sortedClaims() {
  return [...state.claims.values()].sort(byTextOrder);
}

function matchesFilter(c) {
  const { verdict, status } = state.filter;
  if (verdict === "none" && c.verdict) return false;
  if (verdict && verdict !== "none" && c.verdict !== verdict) return false;
  return !status || c.status === status;
}

const shownClaims = () => sortedClaims().filter(matchesFilter);
// Lean entries name their verdict by slug; label and colour come from the scale.
const verdictOf = (c) => (c.verdict ? verdicts.get(c.verdict) : null);
const verdictLabel = (c) => verdictOf(c)?.label || (c.verdict ? c.verdict : "No verdict");
const verdictColour = (c) => verdictOf(c)?.colour || NEUTRAL;
const statusLabel = (c) => statusLabels.get(c.status) || c.status;

function announce(message) {
  statusEl.textContent = "";
  // A fresh text node so screen readers announce repeated messages too.
  window.setTimeout(() => {
    statusEl.textContent = message;
  }, 30);
}

// ---------------------------------------------------------------------------
// Small DOM helper: elements from tags, attributes and children (text is always text).

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "className") el.className = value;
    else if (name === "dataset") Object.assign(el.dataset, value);
    else if (name === "style") {
      for (const [property, v] of Object.entries(value)) el.style.setProperty(property, v);
    } else el.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

function safeHref(url) {
  return /^https?:\/\//i.test(url || "") ? url : null;
}

function formatTime(value) {
  if (!value) return "";
  const date = new Date(value);
  return Number.isNaN(date.getTime())
    ? value
    : date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

// ---------------------------------------------------------------------------
// Colours and verdict labels as classes, not inline styles
//
// Highlights that each carry their own inline colours (and an attr() label) cannot
// share a computed style, and on a big article styling them was most of the first
// paint. So each colour and each label text gets a class in one constructed
// stylesheet, made on first use: alike highlights then share their style.

const paintSheet = new CSSStyleSheet();
document.adoptedStyleSheets = [...document.adoptedStyleSheets, paintSheet];
const colourKeys = new Map(); // "#rrggbb" → n, for the classes hl-a<n>, hl-b<n>, hl-e<n>, v-<n>
const labelKeys = new Map(); // label text → n, for the class hl-l<n>

function addRule(rule) {
  paintSheet.insertRule(rule, paintSheet.cssRules.length);
}

/** The number in the classes that set a colour (anything but #rrggbb is drawn neutral). */
function colourKey(colour) {
  const value = /^#[0-9a-f]{6}$/i.test(colour || "") ? colour.toLowerCase() : NEUTRAL;
  let key = colourKeys.get(value);
  if (key === undefined) {
    key = colourKeys.size;
    colourKeys.set(value, key);
    // Two classes' worth of specificity: above the defaults in workspace.css.
    addRule(`mark.hl.hl-a${key} { --hl: ${value}; }`);
    addRule(`mark.hl.hl-b${key} { --hl2: ${value}; }`);
    addRule(`mark.hl.hl-e${key} { --hl-end: ${value}; }`);
    addRule(`.v-${key}.v-${key} { --v: ${value}; }`);
  }
  return key;
}

/** The number in the class that writes ``text`` after a claim's last piece. */
function labelKey(text) {
  let key = labelKeys.get(text);
  if (key === undefined) {
    key = labelKeys.size;
    labelKeys.set(text, key);
    // A CSS string with everything but letters, digits and spaces escaped as code points.
    const quoted = Array.from(text, (ch) =>
      /[\p{L}\p{N} ]/u.test(ch) ? ch : `\\${ch.codePointAt(0).toString(16)} `,
    ).join("");
    addRule(`mark.hl-end.hl-l${key}::after { content: "${quoted}"; }`);
  }
  return key;
}

const colourClass = (c) => `v-${colourKey(verdictColour(c))}`;

// ---------------------------------------------------------------------------
// Highlights: each paragraph is cut at every claim boundary; each piece knows its claims.

function renderText() {
  const spans = shownClaims().map((c) => ({ start: c.start, end: c.end, claim: c }));
  if (state.pending) spans.push({ ...state.pending, claim: null });
  // Each span to the paragraphs it touches, found by bisection: no paragraphs × claims scan.
  const buckets = paragraphs.map(() => []);
  for (const s of spans) {
    let lo = 0;
    let hi = paragraphs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (paragraphs[mid].end > s.start) hi = mid;
      else lo = mid + 1;
    }
    for (let n = lo; n < paragraphs.length && paragraphs[n].start < s.end; n++) buckets[n].push(s);
  }
  paragraphs.forEach((p, n) => {
    const here = buckets[n];
    if (!here.length && !p.drawn) return;
    const cuts = new Set([0, p.cps.length]);
    for (const s of here) {
      cuts.add(Math.max(s.start, p.start) - p.start);
      cuts.add(Math.min(s.end, p.end) - p.start);
    }
    const points = [...cuts].sort((a, b) => a - b);
    // Built off the document, then swapped in at once: no layout in between.
    const pieces = document.createDocumentFragment();
    for (let i = 0; i + 1 < points.length; i++) {
      const a = points[i];
      const b = points[i + 1];
      const text = p.cps.slice(a, b).join("");
      const covering = here.filter((s) => s.start <= p.start + a && s.end >= p.start + b);
      pieces.append(covering.length ? markFor(text, covering, p.start + a, p.start + b) : text);
    }
    p.el.replaceChildren(pieces);
    p.drawn = here.length > 0;
  });
  markActive();
}

function markFor(text, covering, start, end) {
  // Innermost (shortest) claim first: its colour fills the piece, the next one underlines it.
  covering.sort((x, y) => x.end - x.start - (y.end - y.start) || byId(x, y));
  const claims = covering.filter((s) => s.claim).map((s) => s.claim);
  const pending = covering.some((s) => !s.claim);
  const starts = claims.filter((c) => c.start === start);
  const ends = claims.filter((c) => c.end === end);
  let classes = "hl";
  if (pending) classes += " hl-pending";
  if (claims.length > 1) classes += " hl-overlap";
  if (claims.length && !claims[0].verdict) classes += " hl-no-verdict";
  if (claims[0]) classes += ` hl-a${colourKey(verdictColour(claims[0]))}`;
  if (claims[1]) classes += ` hl-b${colourKey(verdictColour(claims[1]))}`;
  if (ends.length) {
    classes += ` hl-end hl-e${colourKey(verdictColour(ends[0]))}`;
    classes += ` hl-l${labelKey(ends.map(verdictLabel).join(" · "))}`;
  }
  const describe = (c) => `${verdictLabel(c)} (${statusLabel(c).toLowerCase()})`;
  const mark = document.createElement("mark");
  mark.className = classes;
  if (claims.length) mark.setAttribute("tabindex", starts.length ? "0" : "-1");
  mark.setAttribute(
    "aria-label",
    claims.length
      ? `Claim: ${claims.map(describe).join("; also ")}. “${text}”`
      : `New claim being written: “${text}”`,
  );
  mark.setAttribute("data-claims", claims.map((c) => c.id).join(" "));
  mark.textContent = text;
  return mark;
}

function byId(x, y) {
  return (x.claim ? x.claim.id : 0) - (y.claim ? y.claim.id : 0);
}

const marksOf = (id) => [...bodyEl.querySelectorAll(`mark.hl[data-claims~="${Number(id)}"]`)];

function markActive() {
  for (const m of bodyEl.querySelectorAll("mark.hl-active")) m.classList.remove("hl-active");
  if (state.activeId === null) return;
  for (const m of marksOf(state.activeId)) m.classList.add("hl-active");
}

// ---------------------------------------------------------------------------
// The side panel: counts, filters and the cards in text order

function renderPanel() {
  const all = sortedClaims();
  const shown = all.filter(matchesFilter);
  $("#claim-total").textContent =
    shown.length === all.length ? `(${all.length})` : `(${shown.length} of ${all.length})`;

  const counts = new Map();
  for (const c of all) {
    const key = c.verdict || "none";
    counts.set(key, (counts.get(key) || 0) + 1);
  }
  const chips = [];
  const chip = (key, label, colour) => {
    const n = counts.get(key) || 0;
    if (!n) return;
    const pressed = state.filter.verdict === key;
    chips.push(
      h(
        "li",
        {},
        h(
          "button",
          {
            type: "button",
            className: `verdict-chip v-${colourKey(colour)}`,
            "aria-pressed": pressed ? "true" : "false",
            dataset: { verdict: key },
            title: pressed ? "Show all verdicts" : `Show only ${label}`,
          },
          h("span", { className: "swatch", "aria-hidden": "true" }),
          `${label} `,
          h("strong", {}, String(n)),
        ),
      ),
    );
  };
  for (const v of config.verdicts) chip(v.slug, v.label, v.colour);
  chip("none", "No verdict", NEUTRAL);
  $("#verdict-counts").replaceChildren(...chips);

  const items = document.createDocumentFragment();
  for (const c of shown) {
    const li = document.createElement("li");
    li.append(card(c));
    items.append(li);
  }
  list.replaceChildren(items);
  const empty = $("#claim-list-empty");
  empty.hidden = shown.length > 0;
  empty.textContent = all.length
    ? "No claim matches these filters."
    : "No claims yet. Select words in the text to record the first one.";
}

function badge(c) {
  return h(
    "span",
    {
      className: `badge verdict-badge ${colourClass(c)}${c.verdict ? "" : " no-verdict"}`,
      title: verdictOf(c)?.description || null,
    },
    h("span", { className: "swatch", "aria-hidden": "true" }),
    verdictLabel(c),
  );
}

/** A card for a lean entry: the summary, and the details when it is the open claim. */
function card(c) {
  const el = document.createElement("article");
  el.id = `claim-${c.id}`;
  el.tabIndex = -1;
  el.setAttribute("aria-labelledby", `claim-${c.id}-title`);
  el.dataset.claimId = String(c.id);
  fillCard(el, c);
  return el;
}

/** (Re)draw a card inside its element, which stays, and with it the focus it may hold. */
function fillCard(el, c) {
  const open = state.activeId === c.id;
  const sourcesCount = c.source_count;
  el.className = `card ${colourClass(c)}${open ? " card-open" : ""}`;
  const toggle = h(
    "button",
    {
      type: "button",
      className: "card-toggle",
      "aria-expanded": open ? "true" : "false",
      "aria-controls": `claim-${c.id}-details`,
      dataset: { action: "toggle" },
    },
    h(
      "span",
      { className: "card-badges" },
      badge(c),
      h("span", { className: `badge status-badge status-${c.status}` }, statusLabel(c)),
    ),
    h("span", { className: "card-claim", id: `claim-${c.id}-title` }, c.claim),
    h(
      "span",
      { className: "card-meta" },
      `${sourcesCount} source${sourcesCount === 1 ? "" : "s"} · ${c.author || "unknown"}`,
    ),
  );
  if (!open) el.replaceChildren(toggle);
  else if (state.details.has(c.id)) el.replaceChildren(toggle, details(state.details.get(c.id)));
  else el.replaceChildren(toggle, detailsPending(c));
}

/** Redraw the cards of these claims in place (the others are left alone). */
function updateCards(...ids) {
  for (const id of new Set(ids)) {
    const c = state.claims.get(id);
    const el = id === null ? null : cardEl(id);
    if (c && el) fillCard(el, c);
  }
}

/**
 * An open card whose details are on their way from the API, or could not be loaded.
 * Not a .card-details: that class means the details are there.
 */
function detailsPending(c) {
  const box = h("div", { className: "card-pending", id: `claim-${c.id}-details` });
  box.append(h("blockquote", { className: "card-quote" }, bodySlice(c.start, c.end)));
  const error = state.detailErrors.get(c.id);
  if (error) {
    box.append(
      h("p", { className: "card-error card-load-error", role: "alert" }, error),
      h("button", { type: "button", dataset: { action: "retry" } }, "Try again"),
    );
  } else {
    box.setAttribute("aria-busy", "true");
    box.append(h("p", { className: "muted card-loading" }, "Loading the rationale, sources and history…"));
  }
  return box;
}

/** The open card's details, from the claim as the API gave it (state.details). */
function details(c) {
  const box = h("div", { className: "card-details", id: `claim-${c.id}-details` });
  box.append(h("blockquote", { className: "card-quote" }, c.quote.exact));

  const lastComment = [...c.events]
    .reverse()
    .find((e) => e.kind === "transition" && e.comment && e.to_status !== "submitted");
  if (lastComment && ["changes_requested", "rejected", "retracted"].includes(c.status)) {
    box.append(
      h(
        "div",
        { className: "callout", role: "note" },
        h("strong", {}, `${statusLabels.get(lastComment.to_status)} by ${lastComment.actor || "an editor"}:`),
        " ",
        h("span", { className: "callout-comment" }, lastComment.comment),
      ),
    );
  }

  box.append(h("h3", {}, "Rationale"));
  box.append(
    c.rationale_text
      ? h("p", { className: "card-rationale" }, c.rationale_text)
      : h("p", { className: "muted" }, "No rationale yet."),
  );

  box.append(h("h3", {}, `Sources (${c.sources.length})`));
  if (c.sources.length) {
    box.append(
      h(
        "ol",
        { className: "card-sources" },
        c.sources.map((s) => {
          const href = safeHref(s.url);
          const name = s.title || s.url;
          return h(
            "li",
            {},
            href
              ? h("a", { href, rel: "nofollow noopener noreferrer", target: "_blank" }, name)
              : name,
            h(
              "span",
              { className: `stance stance-${s.stance}` },
              [s.publisher, stanceLabel(s.stance)].filter(Boolean).join(" · "),
            ),
            s.excerpt ? h("q", { className: "excerpt" }, s.excerpt) : null,
          );
        }),
      ),
    );
  } else {
    box.append(h("p", { className: "muted" }, "No sources yet."));
  }

  box.append(historyList(c));
  box.append(actions(c));
  return box;
}

function stanceLabel(stance) {
  return { supports: "supports", refutes: "refutes", context: "context" }[stance] || stance;
}

function historyList(c) {
  const wrap = h("section", { className: "card-history", "aria-label": "History" });
  wrap.append(h("h3", {}, "History"));
  const when = (value) => h("span", { className: "when" }, formatTime(value));
  const items = [h("li", {}, when(c.created_at), ` Created by ${c.author || "unknown"}`)];
  for (const e of c.events) {
    let what;
    if (e.kind === "transition") {
      const to = statusLabels.get(e.to_status) || e.to_status;
      what = `${e.actor || "Someone"}: ${statusLabels.get(e.from_status) || e.from_status} → ${to}`;
    } else if (e.kind === "assignment") {
      what = `${e.actor || "Someone"}: assignment`;
    } else {
      what = `${e.actor || "Someone"} edited the claim`;
    }
    items.push(
      h(
        "li",
        { className: `event event-${e.kind} event-to-${e.to_status}` },
        h("span", { className: "when" }, formatTime(e.at)),
        ` ${what}`,
        e.comment ? h("q", { className: "event-comment" }, e.comment) : null,
      ),
    );
  }
  wrap.append(h("ol", { className: "events" }, items));
  return wrap;
}

const BUTTON_CLASS = { submit: "primary", approve: "primary", reject: "danger", retract: "danger" };

function actions(c) {
  const box = h("div", { className: "card-actions" });
  const row = h("div", { className: "button-row" });
  if (c.permissions.edit) {
    row.append(
      h("button", { type: "button", dataset: { action: "edit" }, "aria-keyshortcuts": "e" }, "Edit"),
    );
  }
  if (c.permissions.delete) {
    row.append(
      h("button", { type: "button", className: "danger", dataset: { action: "delete" } }, "Delete"),
    );
  }
  const moves = [...c.permissions.actions];
  // An incomplete draft of one's own cannot be submitted yet; offer the button anyway
  // so the server can say what is missing.
  const ownUnsubmitted =
    c.author_id === config.userId && ["draft", "changes_requested"].includes(c.status);
  if (ownUnsubmitted && c.permissions.edit && !moves.includes("submit")) moves.unshift("submit");
  let needsComment = false;
  for (const action of moves) {
    const t = config.transitions[action];
    if (!t) continue;
    needsComment = needsComment || t.needsComment;
    const label = action === "submit" && c.status === "changes_requested" ? "Resubmit" : t.label;
    row.append(
      h(
        "button",
        {
          type: "button",
          className: BUTTON_CLASS[action] || null,
          dataset: { action: "transition", transition: action },
        },
        label,
      ),
    );
  }
  if (row.childNodes.length) box.append(row);
  if (needsComment) {
    box.append(
      h(
        "label",
        { className: "field" },
        h("span", { className: "field-label" }, "Comment (say why when you send a claim back)"),
        h("textarea", { name: "transition-comment", rows: "2" }),
      ),
    );
  }
  if (state.confirmDeleteId === c.id) {
    box.append(
      h(
        "div",
        { className: "confirm", role: "group", "aria-label": "Confirm deletion" },
        h("span", {}, "Delete this draft for good? "),
        h(
          "button",
          { type: "button", className: "danger", dataset: { action: "confirm-delete" } },
          "Yes, delete it",
        ),
        h("button", { type: "button", dataset: { action: "cancel-delete" } }, "Keep it"),
      ),
    );
  }
  box.append(h("p", { className: "card-error", role: "alert", hidden: true }));
  return box;
}

function cardEl(id) {
  return document.getElementById(`claim-${id}`);
}

function showCardError(id, message) {
  const el = cardEl(id) && $(".card-error", cardEl(id));
  if (!el) return;
  el.textContent = message;
  el.hidden = !message;
}

function render() {
  renderText();
  renderPanel();
}

// ---------------------------------------------------------------------------
// Opening, closing and moving between claims

function activate(id, { focusCard = true, scrollText = true } = {}) {
  const c = state.claims.get(id);
  if (!c) return;
  const before = [state.activeId, state.confirmDeleteId];
  state.activeId = id;
  state.confirmDeleteId = null;
  state.detailErrors.delete(id); // opening a card again tries its details again
  if (!matchesFilter(c)) {
    state.filter = { verdict: "", status: "" };
    $("#filter-verdict").value = "";
    $("#filter-status").value = "";
    render();
  } else {
    // Only the card that closes and the one that opens change: not a thousand others.
    updateCards(...before, id);
    markActive();
  }
  if (!state.details.has(id)) loadDetails(id);
  setHash(id);
  const marks = marksOf(id);
  if (scrollText && marks.length) marks[0].scrollIntoView({ block: "center", behavior: "auto" });
  const el = cardEl(id);
  if (el) {
    if (focusCard) el.focus({ preventScroll: true });
    revealCard(el);
  }
  const shown = shownClaims();
  const position = shown.findIndex((x) => x.id === id) + 1;
  announce(`Claim ${position} of ${shown.length}: ${verdictLabel(c)}, ${statusLabel(c)}.`);
}

/** Scroll the panel (not the page, which holds the text in place) to show a card. */
function revealCard(el) {
  if (getComputedStyle(panel).position !== "sticky") {
    el.scrollIntoView({ block: "nearest" });
    return;
  }
  const box = panel.getBoundingClientRect();
  const rect = el.getBoundingClientRect();
  const visibleBottom = Math.min(box.bottom, window.innerHeight);
  if (rect.top < box.top) panel.scrollTop -= box.top - rect.top + 8;
  else if (rect.bottom > visibleBottom) {
    panel.scrollTop += Math.min(rect.bottom - visibleBottom + 8, rect.top - box.top - 8);
  }
}

function deactivate({ focusText = false } = {}) {
  if (state.activeId === null) return;
  const id = state.activeId;
  const confirming = state.confirmDeleteId;
  state.activeId = null;
  state.confirmDeleteId = null;
  updateCards(id, confirming);
  markActive();
  setHash(null);
  // Back to the claim's place in the text, for someone moving with the keyboard.
  if (focusText) marksOf(id).find((m) => m.tabIndex === 0)?.focus({ preventScroll: true });
}

/** Keep the open claim in the address (#claim-12, as Claim.get_absolute_url links it). */
function setHash(id) {
  const base = window.location.pathname + window.location.search;
  window.history.replaceState(null, "", id === null ? base : `${base}#claim-${id}`);
}

function step(delta) {
  const shown = shownClaims();
  if (!shown.length) return;
  const at = shown.findIndex((c) => c.id === state.activeId);
  let next;
  if (at === -1) next = delta > 0 ? 0 : shown.length - 1;
  else next = Math.min(shown.length - 1, Math.max(0, at + delta));
  activate(shown[next].id);
}

/**
 * The claim in full, from the cache or from GET /api/v1/claims/<id>/ (one request per
 * claim at a time); null when it could not be loaded, with the reason shown in its card.
 */
function loadDetails(id) {
  if (state.details.has(id)) return Promise.resolve(state.details.get(id));
  if (!state.loading.has(id)) {
    state.loading.set(id, fetchDetails(id).finally(() => state.loading.delete(id)));
  }
  return state.loading.get(id);
}

async function fetchDetails(id) {
  let response;
  try {
    // Not from the HTTP cache: the answer carries this user's permissions.
    response = await api("GET", claimUrl(id), null, {}, { cache: "no-store" });
  } catch {
    response = null;
  }
  if (!state.claims.has(id)) return null; // deleted meanwhile
  if (!response || !response.ok || !response.data) {
    state.detailErrors.set(
      id,
      response
        ? `The details could not be loaded: ${errorText(response)}`
        : "The details could not be loaded: the server could not be reached. Check the connection and try again.",
    );
    updateCards(id);
    return null;
  }
  const known = state.details.get(id);
  if (known && known.version > response.data.version) return known; // a write answered meanwhile
  const lean = state.claims.get(id);
  remember(response.data);
  if (sameLean(lean, state.claims.get(id))) {
    updateCards(id);
  } else {
    // Changed since the page was loaded: its highlight, counts and place may change too.
    const hadFocus = document.activeElement === cardEl(id);
    render();
    if (hadFocus) cardEl(id)?.focus({ preventScroll: true });
  }
  return response.data;
}

// ---------------------------------------------------------------------------
// The claim form

const sourceRows = $("#source-rows");
const rowTemplate = $("#source-row-template");
const formErrors = $("#claim-form-errors");

function today() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function addSourceRow(source = null) {
  const row = rowTemplate.content.firstElementChild.cloneNode(true);
  const field = (name) => row.elements.namedItem(name);
  if (source) {
    row.dataset.sourceId = String(source.id);
    for (const name of ["url", "title", "publisher", "stance", "excerpt"]) {
      field(name).value = source[name] || "";
    }
    field("accessed_on").value = source.accessed_on || "";
  } else {
    field("accessed_on").value = today();
  }
  sourceRows.append(row);
  numberSourceRows();
  return row;
}

function numberSourceRows() {
  [...sourceRows.children].forEach((row, i) => {
    $(".source-number", row).textContent = String(i + 1);
  });
}

function clearErrors() {
  formErrors.hidden = true;
  formErrors.replaceChildren();
  for (const el of form.querySelectorAll(".field-error")) {
    el.hidden = true;
    el.textContent = "";
  }
  for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
}

function openForm({ mode, claim = null, span = null, anchor = null }) {
  clearErrors();
  state.formMode = mode;
  state.formClaimId = claim ? claim.id : null;
  state.formVersion = claim ? claim.version : null;
  state.formDirtyClaim = false;
  state.pending = mode === "create" ? span : null;
  $("#claim-form-title").textContent = mode === "create" ? "New claim" : "Edit claim";
  $("#claim-form-quote").textContent = mode === "create" ? span.exact : claim.quote.exact;
  form.elements.claim.value = mode === "create" ? span.exact : claim.claim;
  form.elements.verdict.value = claim && claim.verdict ? claim.verdict.slug : "";
  form.elements.rationale.value = claim ? claim.rationale_html : "";
  sourceRows.replaceChildren();
  if (claim) for (const s of claim.sources) addSourceRow(s);
  if (!sourceRows.children.length) addSourceRow();
  renderText();
  form.hidden = false;
  placeForm(anchor);
  form.elements.claim.focus({ preventScroll: true });
}

function moveFormToSpan(span, anchor) {
  const keepText = state.formDirtyClaim;
  state.pending = span;
  $("#claim-form-quote").textContent = span.exact;
  if (!keepText) form.elements.claim.value = span.exact;
  renderText();
  placeForm(anchor);
}

/** Put the form just under `anchor` (a DOMRect in viewport coordinates) in the text column. */
function placeForm(anchor) {
  const column = textColumn.getBoundingClientRect();
  const marks =
    state.formMode === "create"
      ? [...bodyEl.querySelectorAll("mark.hl-pending")]
      : marksOf(state.formClaimId);
  const rect = anchor || (marks[marks.length - 1] || bodyEl).getBoundingClientRect();
  const width = Math.min(form.offsetWidth || 480, column.width);
  const left = Math.max(0, Math.min(rect.left - column.left, column.width - width));
  form.style.setProperty("--form-top", `${Math.round(rect.bottom - column.top + 10)}px`);
  form.style.setProperty("--form-left", `${Math.round(left)}px`);
  if (getComputedStyle(form).position === "fixed") return; // a sheet on narrow screens
  // Scroll to show the form, keeping the last lines of the selection above it in view.
  const box = form.getBoundingClientRect();
  const overflow = box.bottom - window.innerHeight + 12;
  if (overflow > 0) window.scrollBy(0, Math.max(0, Math.min(overflow, box.top - 96)));
  else if (box.top < 0) window.scrollBy(0, box.top - 12);
}

function closeForm() {
  if (form.hidden) return;
  form.hidden = true;
  const hadPending = state.pending !== null;
  const claimId = state.formClaimId;
  state.pending = null;
  state.formMode = null;
  state.formClaimId = null;
  if (hadPending) renderText();
  if (claimId !== null && cardEl(claimId)) cardEl(claimId).focus({ preventScroll: true });
}

function formPayload() {
  const rows = [];
  const sent = [];
  for (const row of sourceRows.children) {
    const value = (name) => row.elements.namedItem(name).value;
    const source = {
      url: value("url").trim(),
      title: value("title").trim(),
      publisher: value("publisher").trim(),
      stance: value("stance"),
      excerpt: value("excerpt").trim(),
      accessed_on: value("accessed_on") || null,
    };
    // A row left empty (only the defaults) is not a source.
    const empty = !source.url && !source.title && !source.publisher && !source.excerpt;
    if (empty && !row.dataset.sourceId) continue;
    if (row.dataset.sourceId) source.id = Number(row.dataset.sourceId);
    sent.push(source);
    rows.push(row);
  }
  const payload = {
    claim: form.elements.claim.value,
    verdict: form.elements.verdict.value || null,
    rationale: form.elements.rationale.value,
    sources: sent,
  };
  return { payload, rows };
}

const SOURCE_FIELDS = {
  url: "URL",
  title: "Title",
  publisher: "Publisher",
  stance: "Stance",
  excerpt: "Excerpt",
  accessed_on: "Accessed on",
  archived_url: "Archived URL",
};

/** Every message in an error value, however deeply DRF nested it. */
function flatMessages(value) {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(flatMessages);
  if (value && typeof value === "object") return Object.values(value).flatMap(flatMessages);
  return [];
}

function showFormErrors(data, rows, status) {
  clearErrors();
  const general = [];
  const put = (el, messages, input) => {
    el.textContent = messages.join(" ");
    el.hidden = false;
    if (input) input.setAttribute("aria-invalid", "true");
  };
  if (!data || typeof data !== "object") {
    general.push(`The server answered ${status}; your input is kept. Try again in a moment.`);
  } else {
    for (const [field, value] of Object.entries(data)) {
      if (field === "current") continue;
      if (["claim", "verdict", "rationale"].includes(field)) {
        put($(`#err-${field}`), flatMessages(value), form.elements[field]);
      } else if (field === "sources") {
        // Per-row errors come as a list of objects or as {"0": {...}} keyed by position.
        const perRow = Array.isArray(value)
          ? value.map((item, i) => [i, item])
          : value && typeof value === "object"
            ? Object.entries(value).map(([i, item]) => [Number(i), item])
            : [];
        if (perRow.some(([, item]) => item && typeof item === "object" && !Array.isArray(item))) {
          perRow.forEach(([i, item]) => {
            if (!item || typeof item !== "object" || Array.isArray(item) || !rows[i]) return;
            const parts = Object.entries(item).map(
              ([name, msgs]) => `${SOURCE_FIELDS[name] || name}: ${flatMessages(msgs).join(" ")}`,
            );
            if (!parts.length) return;
            put($(".field-error", rows[i]), parts);
            for (const name of Object.keys(item)) {
              rows[i].elements.namedItem(name)?.setAttribute("aria-invalid", "true");
            }
          });
        } else {
          put($("#err-sources"), flatMessages(value));
        }
      } else if (field === "detail" || field === "non_field_errors") {
        general.push(...flatMessages(value));
      } else {
        // start/end/exact messages speak for themselves; name any other field.
        const named = ["start", "end", "exact"].includes(field);
        general.push(...flatMessages(value).map((m) => (named ? m : `${field}: ${m}`)));
      }
    }
  }
  if (status === 409 || status === 412) {
    general.push("Your input is kept: saving again will replace the newer version with it.");
  }
  if (general.length) {
    formErrors.replaceChildren(...general.map((m) => h("p", {}, m)));
    formErrors.hidden = false;
  }
  const firstInvalid = form.querySelector("[aria-invalid=true]");
  if (firstInvalid && !general.length) firstInvalid.focus();
  announce("The claim was not saved: see the messages in the form.");
}

let saving = false;

async function saveForm() {
  if (saving || form.hidden) return;
  const { payload, rows } = formPayload();
  let response;
  saving = true;
  form.setAttribute("aria-busy", "true");
  try {
    if (state.formMode === "create") {
      const { start, end, exact } = state.pending;
      Object.assign(payload, { start, end, exact });
      response = await api("POST", config.claimsUrl, payload);
    } else {
      const id = state.formClaimId;
      response = await api("PATCH", claimUrl(id), payload, { "If-Match": etag(id, state.formVersion) });
    }
  } catch (error) {
    const detail = "The server could not be reached. Your input is kept: check the connection and save again.";
    showFormErrors({ detail }, rows, 0);
    return;
  } finally {
    saving = false;
    form.removeAttribute("aria-busy");
  }
  const { ok, status, data } = response;
  if (ok) {
    remember(data);
    const created = state.formMode === "create";
    state.pending = null;
    form.hidden = true;
    state.formMode = null;
    state.formClaimId = null;
    render();
    activate(data.id, { scrollText: false });
    announce(created ? "Claim saved." : "Changes saved.");
    return;
  }
  if ((status === 409 || status === 412) && data && data.current) {
    // Someone changed it meanwhile: show the current state, keep the reviewer's input.
    remember(data.current);
    state.formVersion = data.current.version;
    render();
  }
  if (status === 404 && state.formMode === "edit") {
    const detail = "This claim no longer exists (it may have been deleted). Your input is kept: copy it before closing.";
    showFormErrors({ detail }, rows, status);
    return;
  }
  showFormErrors(data, rows, status);
}

// ---------------------------------------------------------------------------
// The API

const claimUrl = (id) => config.claimUrl.replace("{id}", String(id));
// The ETag the API hands out; sending it back makes a stale write fail with 412.
const etag = (id, version) => `"claim-${id}-v${version}"`;
const transitionsUrl = (id) => config.transitionsUrl.replace("{id}", String(id));

async function api(method, url, body = null, headers = {}, options = {}) {
  const response = await fetch(url, {
    ...options,
    method,
    credentials: "same-origin",
    headers: {
      Accept: "application/json",
      "X-CSRFToken": csrfToken,
      ...(body ? { "Content-Type": "application/json" } : {}),
      ...headers,
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  let data = null;
  if (response.status !== 204) {
    try {
      data = await response.json();
    } catch {
      data = null;
    }
  }
  return { ok: response.ok, status: response.status, data };
}

async function deleteClaim(id) {
  const c = state.details.get(id); // the version the reader saw in the open card
  if (!c) return;
  let response;
  try {
    response = await api("DELETE", claimUrl(id), null, { "If-Match": etag(id, c.version) });
  } catch {
    showCardError(id, "The server could not be reached: nothing was deleted.");
    return;
  }
  if (response.ok) {
    const shown = shownClaims();
    const at = shown.findIndex((x) => x.id === id);
    forget(id);
    state.activeId = null;
    state.confirmDeleteId = null;
    render();
    setHash(null);
    const next = shownClaims()[Math.min(at, shownClaims().length - 1)];
    if (next) cardEl(next.id)?.focus({ preventScroll: true });
    announce("Claim deleted.");
    return;
  }
  state.confirmDeleteId = null;
  if (response.data && response.data.current) {
    remember(response.data.current);
    render();
  }
  showCardError(id, errorText(response));
}

async function transition(id, action) {
  const c = state.details.get(id); // its buttons are in the open card, drawn from these
  if (!c) return;
  const commentEl = cardEl(id) && $("textarea[name=transition-comment]", cardEl(id));
  const comment = commentEl ? commentEl.value : "";
  let response;
  try {
    response = await api("POST", transitionsUrl(id), { action, comment, version: c.version });
  } catch {
    showCardError(id, "The server could not be reached: nothing changed.");
    return;
  }
  if (response.ok) {
    remember(response.data);
    render();
    cardEl(id)?.focus({ preventScroll: true });
    announce(`Claim ${statusLabel(response.data).toLowerCase()}.`);
    return;
  }
  if (response.data && response.data.current) {
    remember(response.data.current);
    render();
  }
  // Keep the comment the person typed.
  const again = cardEl(id) && $("textarea[name=transition-comment]", cardEl(id));
  if (again && !again.value) again.value = comment;
  showCardError(id, errorText(response));
}

function errorText({ status, data }) {
  if (status === 404) return "This claim no longer exists, or you may no longer see it: reload the page.";
  if (data && typeof data === "object") {
    if (typeof data.detail === "string") return data.detail;
    const messages = Object.values(data).flat().filter((m) => typeof m === "string");
    if (messages.length) return messages.join(" ");
  }
  return `The server answered ${status}. Reload the page and try again.`;
}

// ---------------------------------------------------------------------------
// Events

let selectionOpenedForm = false;

/** The selected text, clipped to the article body, as a span (null when none). */
function selectionSpan() {
  const selection = window.getSelection();
  if (!selection || selection.isCollapsed || !selection.rangeCount) return null;
  const range = selection.getRangeAt(0).cloneRange();
  const bodyRange = document.createRange();
  bodyRange.selectNodeContents(bodyEl);
  const startWhere = bodyRange.comparePoint(range.startContainer, range.startOffset);
  const endWhere = bodyRange.comparePoint(range.endContainer, range.endOffset);
  if (startWhere > 0 || endWhere < 0) return null;
  if (startWhere < 0) range.setStart(bodyEl, 0);
  if (endWhere > 0) range.setEnd(bodyEl, bodyEl.childNodes.length);
  return { span: rangeToSpan(range), rect: range.getBoundingClientRect() };
}

function startFromSelection() {
  if (state.formMode === "edit") return false;
  const found = selectionSpan();
  if (!found || !found.span) return false;
  const anchor = found.rect;
  window.getSelection().removeAllRanges();
  if (state.formMode === "create") moveFormToSpan(found.span, anchor);
  else openForm({ mode: "create", span: found.span, anchor });
  return true;
}

bodyEl.addEventListener("mousedown", () => {
  selectionOpenedForm = false;
});

document.addEventListener("mouseup", (event) => {
  if (event.button !== 0) return;
  // A drag may end in the margin, outside the body; but not one made in the form or panel.
  const target = event.target instanceof Node ? event.target : null;
  if (target && (form.contains(target) || panel.contains(target) || shortcuts.contains(target))) {
    return;
  }
  selectionOpenedForm = startFromSelection();
});

document.addEventListener("keyup", (event) => {
  if (event.shiftKey || event.key === "Shift") {
    if (isTyping(event.target)) return;
    startFromSelection();
  }
});

bodyEl.addEventListener("click", (event) => {
  if (selectionOpenedForm) {
    selectionOpenedForm = false;
    return;
  }
  const mark = event.target.closest("mark.hl[data-claims]");
  if (!mark || !mark.dataset.claims) return;
  const selection = window.getSelection();
  if (selection && !selection.isCollapsed) return;
  openFromMark(mark);
});

bodyEl.addEventListener("keydown", (event) => {
  const mark = event.target.closest && event.target.closest("mark.hl[data-claims]");
  if (!mark || !mark.dataset.claims || (event.key !== "Enter" && event.key !== " ")) return;
  event.preventDefault();
  openFromMark(mark);
});

function openFromMark(mark) {
  const ids = mark.dataset.claims.split(" ").map(Number);
  // Clicking an overlap again opens the next claim under it.
  const at = ids.indexOf(state.activeId);
  const id = at === -1 ? ids[0] : ids[(at + 1) % ids.length];
  activate(id, { scrollText: false });
}

list.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-action]");
  const cardNode = event.target.closest(".card");
  if (!button || !cardNode) return;
  const id = Number(cardNode.dataset.claimId);
  switch (button.dataset.action) {
    case "toggle":
      if (state.activeId === id) deactivate();
      else activate(id);
      break;
    case "retry":
      state.detailErrors.delete(id);
      updateCards(id);
      loadDetails(id);
      break;
    case "edit":
      startEdit(id);
      break;
    case "delete":
      state.confirmDeleteId = id;
      updateCards(id);
      cardEl(id)?.querySelector("[data-action=confirm-delete]")?.focus();
      break;
    case "cancel-delete":
      state.confirmDeleteId = null;
      updateCards(id);
      cardEl(id)?.querySelector("[data-action=delete]")?.focus();
      break;
    case "confirm-delete":
      deleteClaim(id);
      break;
    case "transition":
      transition(id, button.dataset.transition);
      break;
  }
});

/** Open the form on a claim, once its details (rationale, sources, version) are here. */
async function startEdit(id) {
  if (!state.claims.has(id)) return;
  const mode = state.formMode;
  const c = await loadDetails(id);
  if (!c) {
    announce("This claim could not be loaded, so it cannot be edited yet.");
    return;
  }
  // Something else opened the form while the details were on their way: leave it.
  if (state.formMode !== mode) return;
  if (!c.permissions.edit) {
    announce("You cannot edit this claim.");
    showCardError(c.id, "You cannot edit this claim now.");
    return;
  }
  const marks = marksOf(c.id);
  const anchor = marks.length ? marks[marks.length - 1].getBoundingClientRect() : null;
  openForm({ mode: "edit", claim: c, anchor });
}

$("#verdict-counts").addEventListener("click", (event) => {
  const button = event.target.closest("button[data-verdict]");
  if (!button) return;
  const key = button.dataset.verdict;
  state.filter.verdict = state.filter.verdict === key ? "" : key;
  $("#filter-verdict").value = state.filter.verdict;
  applyFilter();
});

for (const [id, key] of [
  ["#filter-verdict", "verdict"],
  ["#filter-status", "status"],
]) {
  $(id).addEventListener("change", (event) => {
    state.filter[key] = event.target.value;
    applyFilter();
  });
}

function applyFilter() {
  const active = state.claims.get(state.activeId);
  if (active && !matchesFilter(active)) state.activeId = null;
  render();
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  saveForm();
});

form.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-action]");
  if (!button) return;
  if (button.dataset.action === "cancel") closeForm();
  else if (button.dataset.action === "add-source") {
    const row = addSourceRow();
    row.elements.namedItem("url").focus();
  } else if (button.dataset.action === "remove-source") {
    button.closest(".source-row").remove();
    numberSourceRows();
  }
});

form.elements.claim.addEventListener("input", () => {
  state.formDirtyClaim = true;
});

$("#shortcuts-button").addEventListener("click", () => shortcuts.showModal());

function isTyping(target) {
  return (
    target instanceof Element &&
    (target.closest("input, textarea, select, [contenteditable]") !== null)
  );
}

document.addEventListener("keydown", (event) => {
  if (shortcuts.open) return; // the dialog handles Esc itself
  if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
    if (!form.hidden) {
      event.preventDefault();
      form.requestSubmit();
    }
    return;
  }
  if (event.key === "Escape") {
    if (!form.hidden) closeForm();
    else if (state.confirmDeleteId !== null) {
      const id = state.confirmDeleteId;
      state.confirmDeleteId = null;
      updateCards(id);
    } else deactivate({ focusText: true });
    return;
  }
  if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
  switch (event.key) {
    case "j":
      step(1);
      break;
    case "k":
      step(-1);
      break;
    case "e":
      if (state.activeId !== null) startEdit(state.activeId);
      else announce("Open a claim first (j or k), then press e to edit it.");
      break;
    case "n":
      if (!startFromSelection()) announce("Select some words in the text first.");
      break;
    case "?":
      shortcuts.showModal();
      break;
    default:
      return;
  }
  event.preventDefault();
});

window.addEventListener("resize", () => {
  if (!form.hidden) placeForm(null);
});

// ---------------------------------------------------------------------------
// Start

// The highlights now; the side panel after the frame that shows them, so that the
// cards (a thousand on a big article) do not hold up the text.
renderText();
requestAnimationFrame(() =>
  setTimeout(() => {
    // For bench/browser_bench.py: a task queued from the next animation frame runs once
    // that frame, the first with all the highlights, has been painted.
    performance.mark("highlights-painted");
    bodyEl.dataset.paintedMs = String(Math.round(performance.now()));
    renderPanel();
    const fromHash = /^#claim-(\d+)$/.exec(window.location.hash);
    if (fromHash && state.claims.has(Number(fromHash[1]))) {
      activate(Number(fromHash[1]), { focusCard: false });
    }
    document.documentElement.dataset.workspaceReady = "1";
  }),
);
