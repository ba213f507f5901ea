// Choosing the words of a new claim. With the mouse: drag over them (the form opens when
// the button is released), Shift+click to extend the span the form is open on. With the
// keyboard: focus the text (Tab), move a caret word by word with ←/→ (↑/↓ and Home/End by
// paragraph), select with Shift and those keys, then Enter opens the form. While a new
// claim's form is open, Shift+←/→ in the text move its end, Alt+Shift+←/→ its start.

import { announce, isTyping, shorten } from "./dom.js";
import { state } from "./state.js";
import { moveFormToSpan, openForm } from "./form.js";
import { adjustKey, offsetAtPoint } from "./adjust.js";
import { reselecting, resolveAnchor } from "./anchors.js";

let text = null;
let body = null;
let caretEl = null;
let column = null;
let ignore = []; // elements whose mouse-ups are not selections (form, panel, dialogs…)
let selectionOpenedForm = false;
const keys = { caret: null, anchor: null }; // the keyboard's caret and selection (code points)

export function initSelect({ textModel, textColumnEl, caret, ignoreEls }) {
  text = textModel;
  body = text.root;
  column = textColumnEl;
  caretEl = caret;
  ignore = ignoreEls;

  body.addEventListener("mousedown", (event) => {
    selectionOpenedForm = false;
    if (event.button === 0 && event.shiftKey && extendTo(event.clientX, event.clientY)) {
      event.preventDefault(); // no native selection: the span itself grew
      selectionOpenedForm = true; // and the click is not a click on a highlight
    }
  });
  document.addEventListener("mouseup", (event) => {
    if (event.button !== 0 || selectionOpenedForm) return;
    // A drag may end in the margin, outside the body; but not one made in the form or panel.
    const target = event.target instanceof Node ? event.target : null;
    if (ignore.some((el) => target && el.contains(target))) return;
    selectionOpenedForm = startFromSelection();
  });
  document.addEventListener("keyup", (event) => {
    // A selection made with the browser's own keys (caret browsing) opens the form when
    // Shift is let go; the text's own caret (below) waits for Enter instead.
    if (!(event.shiftKey || event.key === "Shift") || isTyping(event.target)) return;
    if (event.target === body) return;
    startFromSelection();
  });
  body.addEventListener("keydown", onKey);
  body.addEventListener("focus", onFocus);
  body.addEventListener("blur", () => {
    caretEl.hidden = true;
  });
}

/** Whether a click on a highlight should be left alone (it just ended a selection). */
export function consumeSelectionClick() {
  const was = selectionOpenedForm;
  selectionOpenedForm = false;
  return was;
}

/** The selected text, clipped to the article body, as a span (null when none). */
function selectionSpan() {
  const selection = window.getSelection();
  if (!selection || selection.isCollapsed || !selection.rangeCount) return null;
  const range = text.clip(selection.getRangeAt(0));
  if (!range) return null;
  return { span: text.rangeToSpan(range), rect: range.getBoundingClientRect() };
}

/** Open the form (or move a new claim's form) on the selected words; or give them to the
claim being re-anchored. */
export function startFromSelection() {
  if (state.formMode === "edit") return false;
  const found = selectionSpan();
  if (!found || !found.span) return false;
  window.getSelection().removeAllRanges();
  keys.anchor = null;
  if (reselecting()) {
    // The words a claim whose text changed is about now (anchors.js), not a new claim.
    resolveAnchor(state.reselectId, found.span);
    return true;
  }
  if (state.formMode === "create") moveFormToSpan(found.span, found.rect);
  else openForm({ mode: "create", span: found.span, anchor: found.rect });
  return true;
}

/** Shift+click while a new claim's form is open: the span grows (or shrinks) to that word. */
function extendTo(x, y) {
  const span = state.pending;
  if (state.formMode !== "create" || !span) return false;
  const offset = offsetAtPoint(x, y);
  if (offset === null) return false;
  let { start, end } = span;
  if (offset < start) start = text.wordAt(offset)?.start ?? start;
  else end = Math.max(text.wordBefore(offset)?.end ?? end, start + 1);
  if (start === span.start && end === span.end) return true;
  const exact = text.slice(start, end);
  moveFormToSpan({ start, end, exact }, null);
  announce(`The quote is now “${shorten(exact, 120)}”.`);
  return true;
}

// ---------------------------------------------------------------------------
// The text's own caret, for the keyboard

function onFocus() {
  // A click focuses the text too: the mouse is selecting, the caret stays out of its way.
  if (!body.matches(":focus-visible")) return;
  if (keys.caret === null) keys.caret = text.wordAt(0)?.start ?? 0;
  drawCaret();
  announce(
    "Article text. ← and → move by a word, ↑ and ↓ by a paragraph; hold Shift to select; " +
      "Enter writes a claim on the selection.",
  );
}

/** Where keys start after a click: at the click (the selection's focus), else the first word. */
function caretFromSelection() {
  const selection = window.getSelection();
  const at =
    selection && selection.focusNode && body.contains(selection.focusNode)
      ? text.offsetOf(selection.focusNode, selection.focusOffset)
      : null;
  return at ?? text.wordAt(0)?.start ?? 0;
}

function paragraphStart(offset, back) {
  const starts = text.paragraphs.map((p) => p.start);
  if (back) return [...starts].reverse().find((s) => s < offset) ?? 0;
  return starts.find((s) => s > offset) ?? text.length();
}

function onKey(event) {
  if (event.target !== body || event.ctrlKey || event.metaKey) return;
  if (state.formMode === "create" && adjustKey(event)) {
    event.preventDefault();
    return;
  }
  if (keys.caret === null) keys.caret = caretFromSelection();
  const caret = keys.caret;
  const paragraph = text.paragraphs.find((p) => p.start <= caret && caret <= p.end);
  let next = null;
  switch (event.key) {
    case "ArrowRight":
      next = text.wordBoundary(caret, "end") ?? caret;
      break;
    case "ArrowLeft":
      next = text.wordBoundary(caret, "start", true) ?? caret;
      break;
    case "ArrowDown":
      next = paragraphStart(caret, false);
      break;
    case "ArrowUp":
      next = paragraphStart(caret, true);
      break;
    case "Home":
      next = paragraph ? paragraph.start : caret;
      break;
    case "End":
      next = paragraph ? paragraph.end : caret;
      break;
    case "Enter":
      if (keys.anchor !== null && keys.anchor !== caret) {
        event.preventDefault();
        if (!startFromSelection()) announce("Those characters hold no word: select at least one.");
      } else if (!event.target.closest("mark")) {
        announce("Select some words first: hold Shift and press → to select word by word.");
      }
      return;
    case "Escape":
      if (keys.anchor === null) return;
      keys.anchor = null;
      drawCaret();
      event.stopPropagation(); // clears the selection only
      return;
    default:
      return;
  }
  event.preventDefault();
  if (event.shiftKey && keys.anchor === null) keys.anchor = caret;
  if (!event.shiftKey) keys.anchor = null;
  keys.caret = next;
  drawCaret();
  sayWhere();
}

/** Show the keyboard's selection as the page's selection, or its caret as a bar. */
function drawCaret() {
  const selection = window.getSelection();
  const { caret, anchor } = keys;
  if (anchor !== null && anchor !== caret) {
    const range = text.spanToRange(Math.min(anchor, caret), Math.max(anchor, caret));
    if (range) selection.setBaseAndExtent(range.startContainer, range.startOffset, range.endContainer, range.endOffset);
    caretEl.hidden = true;
    range?.endContainer.parentElement?.scrollIntoView({ block: "nearest" });
    return;
  }
  if (selection.rangeCount && body.contains(selection.anchorNode)) selection.removeAllRanges();
  const range = text.spanToRange(caret, caret);
  const box = range && ([...range.getClientRects()].pop() || range.getBoundingClientRect());
  if (!box || (!box.height && !box.top)) {
    caretEl.hidden = true;
    return;
  }
  const col = column.getBoundingClientRect();
  caretEl.style.setProperty("--caret-x", `${Math.round(box.left - col.left)}px`);
  caretEl.style.setProperty("--caret-y", `${Math.round(box.top - col.top)}px`);
  caretEl.style.setProperty("--caret-h", `${Math.round(box.height)}px`);
  caretEl.hidden = false;
  caretEl.scrollIntoView({ block: "nearest" });
}

function sayWhere() {
  const { caret, anchor } = keys;
  if (anchor !== null && anchor !== caret) {
    const chosen = text.slice(Math.min(anchor, caret), Math.max(anchor, caret));
    announce(`Selected: “${shorten(chosen, 120)}”. Enter to write a claim on it.`);
  } else {
    const word = text.wordAt(caret);
    announce(word ? text.slice(word.start, word.end) : "End of the text.");
  }
}
