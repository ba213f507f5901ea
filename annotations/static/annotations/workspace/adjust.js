// Adjusting a new claim's words before it is saved: its two ends move by a word at a time,
// with the buttons beside the quote in the form, with Shift+←/→ (the end) and
// Alt+Shift+←/→ (the start) on the quote or in the text, or by dragging the handles drawn
// at the span's ends (place.js puts them there). The quote in the form follows.

import { announce, shorten } from "./dom.js";
import { state } from "./state.js";
import { moveFormToSpan } from "./form.js";

let text = null; // the text model (text.js)
let column = null;

export function initAdjust({ textModel, formEl, textColumnEl, handles }) {
  text = textModel;
  column = textColumnEl;
  formEl.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-adjust]");
    if (!button) return;
    const [edge, step] = button.dataset.adjust.split(":");
    adjust(edge, Number(step));
  });
  formEl.querySelector("#claim-form-quote").addEventListener("keydown", (event) => {
    if (adjustKey(event)) event.preventDefault();
  });
  for (const handle of handles) handle.addEventListener("pointerdown", startDrag);
}

/** Shift+←/→ move the end, Alt+Shift+←/→ the start, of a new claim's span. */
export function adjustKey(event) {
  if (!event.shiftKey || event.ctrlKey || event.metaKey) return false;
  if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") return false;
  if (state.formMode !== "create") return false;
  adjust(event.altKey ? "start" : "end", event.key === "ArrowRight" ? 1 : -1);
  return true;
}

/** Move one end of the new claim's span by a word (step 1: later, -1: earlier). */
export function adjust(edge, step) {
  const span = state.pending;
  if (state.formMode !== "create" || !span) return false;
  let { start, end } = span;
  const next = text.wordBoundary(edge === "end" ? end : start, edge, step < 0);
  if (edge === "end") end = next ?? end;
  else start = next ?? start;
  if (next === null || start >= end) {
    announce(
      start >= end
        ? "The quote cannot be shorter than one word."
        : `The quote cannot ${edge === "end" ? "end later" : "start earlier"}: that is the edge of the text.`,
    );
    return false;
  }
  moveTo(start, end);
  return true;
}

function moveTo(start, end) {
  const span = state.pending;
  if (span && span.start === start && span.end === end) return;
  const exact = text.slice(start, end);
  moveFormToSpan({ start, end, exact }, null);
  announce(`The quote is now “${shorten(exact, 120)}”.`);
}

// Dragging a handle: the end it holds follows the pointer, a whole word at a time.

let drag = null; // {edge, handle, frame}

function startDrag(event) {
  if (event.button !== 0 || !state.pending) return;
  event.preventDefault(); // no text selection while dragging
  const handle = event.currentTarget;
  drag = { edge: handle.dataset.edge, handle, frame: 0 };
  handle.classList.add("dragging"); // lets the text under it be hit (pointer-events: none)
  column.classList.add("adjusting");
  window.addEventListener("pointermove", onDrag);
  window.addEventListener("pointerup", endDrag, { once: true });
  window.addEventListener("pointercancel", endDrag, { once: true });
}

function onDrag(event) {
  if (!drag || drag.frame) return;
  const { clientX: x, clientY: y } = event;
  drag.frame = requestAnimationFrame(() => {
    if (!drag) return;
    drag.frame = 0;
    const offset = offsetAtPoint(x, y);
    if (offset === null) return;
    const { start, end } = state.pending;
    if (drag.edge === "end") {
      const word = text.wordBefore(offset);
      if (word && word.end > start) moveTo(start, word.end);
    } else {
      const word = text.wordAt(offset);
      if (word && word.start < end) moveTo(word.start, end);
    }
  });
}

function endDrag() {
  if (!drag) return;
  cancelAnimationFrame(drag.frame);
  drag.handle.classList.remove("dragging");
  column.classList.remove("adjusting");
  window.removeEventListener("pointermove", onDrag);
  drag = null;
}

/** The body's code point under a viewport point, or null off the text. */
function offsetAtPoint(x, y) {
  let node = null;
  let offset = 0;
  if (document.caretPositionFromPoint) {
    const at = document.caretPositionFromPoint(x, y);
    if (at) ({ offsetNode: node, offset } = at);
  } else if (document.caretRangeFromPoint) {
    const range = document.caretRangeFromPoint(x, y);
    if (range) ({ startContainer: node, startOffset: offset } = range);
  }
  if (!node || !text.root.contains(node)) return null;
  return text.offsetOf(node, offset);
}

export { offsetAtPoint };
