// Where the claim form goes: never over the words it is about. Under the span's last line
// in the text column (the page scrolls so that both show), or, on narrow screens where the
// form is a sheet at the bottom, with the page scrolled so the span stays above the sheet.
// The handles that adjust a new claim's span (adjust.js) are put at its two ends here too.

import { state } from "./state.js";
import { marksOf, pendingMarks } from "./paint.js";

let form = null;
let column = null;
let body = null;
let handles = null; // {start, end}: the drag handles at a new claim's ends

export function initPlace({ formEl, textColumnEl, bodyEl, startHandle, endHandle }) {
  form = formEl;
  column = textColumnEl;
  body = bodyEl;
  handles = { start: startHandle, end: endHandle };
}

/** The boxes (viewport coordinates) of the words the open form is about, line by line. */
export function spanBoxes() {
  const marks = state.formMode === "create" ? pendingMarks() : marksOf(state.formClaimId);
  return marks.flatMap((m) => [...m.getClientRects()]).filter((r) => r.width || r.height);
}

/** Put the form under the span (or `anchor`, a DOMRect, when it is not drawn) and show it. */
export function placeForm(anchor = null) {
  const col = column.getBoundingClientRect();
  const boxes = spanBoxes();
  const last = boxes.length ? boxes[boxes.length - 1] : anchor || body.getBoundingClientRect();
  const bottom = boxes.length ? Math.max(...boxes.map((r) => r.bottom)) : last.bottom;
  const width = Math.min(form.offsetWidth || 640, col.width);
  const left = Math.max(0, Math.min(last.left - col.left, col.width - width));
  form.style.setProperty("--form-top", `${Math.round(bottom - col.top + 12)}px`);
  form.style.setProperty("--form-left", `${Math.round(left)}px`);
  placeHandles(boxes);
  const top = boxes.length ? Math.min(...boxes.map((r) => r.top)) : last.top;
  const box = form.getBoundingClientRect();
  if (getComputedStyle(form).position === "fixed") {
    // A sheet at the bottom: scroll the span up above it (its first line stays in view).
    const hidden = bottom + 12 - box.top;
    if (hidden > 0) window.scrollBy(0, Math.min(hidden, top - 8));
    else if (top < 0) window.scrollBy(0, top - 8);
    placeHandles(spanBoxes());
    return;
  }
  // Show the form, keeping the span's first line in view above it.
  const overflow = box.bottom - window.innerHeight + 12;
  if (overflow > 0) window.scrollBy(0, Math.max(0, Math.min(overflow, top - 8)));
  else if (top < 0) window.scrollBy(0, top - 8);
}

/** The handles at the ends of a new claim's span; hidden for an edit or with no span drawn. */
function placeHandles(boxes) {
  const show = state.formMode === "create" && boxes.length > 0 && !form.hidden;
  for (const el of Object.values(handles)) el.hidden = !show;
  if (!show) return;
  const col = column.getBoundingClientRect();
  const first = boxes[0];
  const last = boxes[boxes.length - 1];
  const put = (el, x, y, height) => {
    el.style.setProperty("--handle-x", `${Math.round(x - col.left)}px`);
    el.style.setProperty("--handle-y", `${Math.round(y - col.top)}px`);
    el.style.setProperty("--handle-h", `${Math.round(height)}px`);
  };
  put(handles.start, first.left, first.top, first.height);
  put(handles.end, last.right, last.top, last.height);
}

/** Hide the handles (the form closed). */
export function hideHandles() {
  if (handles) for (const el of Object.values(handles)) el.hidden = true;
}
