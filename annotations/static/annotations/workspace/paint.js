// Highlights: the claims drawn over the article text, and the colour classes they share.
//
// Each paragraph is cut at every claim boundary; each piece is a <mark> that knows its
// claims (data-claims). Highlights are drawn from the paragraphs' code-point arrays, so no
// offset conversion happens here.
//
// Colours and verdict labels are classes, not inline styles: highlights that each carry
// their own inline colours (and an attr() label) cannot share a computed style, and on a
// big article styling them was most of the first paint. So each colour and each label
// text gets a class in one constructed stylesheet, made on first use.

import {
  NEUTRAL,
  shownClaims,
  state,
  statusLabel,
  verdictColour,
  verdictLabel,
} from "./state.js";

let paragraphs = [];
let body = null;
let paintSheet = null;
const colourKeys = new Map(); // "#rrggbb" → n, for the classes hl-a<n>, hl-b<n>, hl-e<n>, v-<n>
const labelKeys = new Map(); // label text → n, for the class hl-l<n>

/** Draw over this text model (createTextModel) of the article body. */
export function initPaint(text) {
  paragraphs = text.paragraphs;
  body = text.root;
  paintSheet = new CSSStyleSheet();
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, paintSheet];
}

function addRule(rule) {
  paintSheet.insertRule(rule, paintSheet.cssRules.length);
}

/** The number in the classes that set a colour (anything but #rrggbb is drawn neutral). */
export function colourKey(colour) {
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

export const colourClass = (c) => `v-${colourKey(verdictColour(c))}`;

/** (Re)draw the highlights of the claims the filter shows, and of the span being written. */
export function renderText() {
  // An orphaned quote is not on the current text: it has a card, not a highlight.
  const spans = shownClaims()
    .filter((c) => c.anchor_state !== "orphaned")
    .map((c) => ({ start: c.start, end: c.end, claim: c }));
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

const byClaimId = (x, y) => (x.claim ? x.claim.id : 0) - (y.claim ? y.claim.id : 0);

function markFor(text, covering, start, end) {
  // Innermost (shortest) claim first: its colour fills the piece, the next one underlines it.
  covering.sort((x, y) => x.end - x.start - (y.end - y.start) || byClaimId(x, y));
  const claims = covering.filter((s) => s.claim).map((s) => s.claim);
  const pending = covering.some((s) => !s.claim);
  const starts = claims.filter((c) => c.start === start);
  const ends = claims.filter((c) => c.end === end);
  let classes = "hl";
  if (pending) classes += " hl-pending";
  if (claims.length > 1) classes += " hl-overlap";
  if (claims.length && !claims[0].verdict) classes += " hl-no-verdict";
  if (claims.some((c) => c.anchor_state === "fuzzy")) classes += " hl-fuzzy";
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

/** The highlight pieces of one claim, in text order. */
export const marksOf = (id) => [...body.querySelectorAll(`mark.hl[data-claims~="${Number(id)}"]`)];

export const pendingMarks = () => [...body.querySelectorAll("mark.hl-pending")];

/** Mark the open claim's pieces (hl-active). */
export function markActive() {
  for (const m of body.querySelectorAll("mark.hl-active")) m.classList.remove("hl-active");
  if (state.activeId === null) return;
  for (const m of marksOf(state.activeId)) m.classList.add("hl-active");
}
