// What a card says about a claim whose article text changed under it (anchor_state
// fuzzy or orphaned): the words as they were, what the text now holds there, and the
// reviewer's answers (accept the place found, select the words again), as the server
// allows them (permissions.anchor). Rendering only: anchors.js sends the answers.

import { h } from "./dom.js";

/** Whether a claim (lean or full) needs a person because the text changed under it. */
export const textChanged = (c) => !!c.anchor_state && c.anchor_state !== "anchored";

/** The notice for an open card, or null when the quote is anchored. */
export function anchorNotice(c) {
  if (!textChanged(c)) return null;
  const before = (c.text_changed && c.text_changed.quote_as_checked) || null;
  const box = h("div", { className: `anchor-notice anchor-${c.anchor_state}`, role: "note" });
  if (c.anchor_state === "fuzzy") {
    const score = c.anchor_score === null || c.anchor_score === undefined ? "" : ` (${Math.round(c.anchor_score * 100)}% alike)`;
    box.append(h("p", {}, h("strong", {}, "The article's text changed here."), ` The quote was found only approximately${score}: check that it still says what was checked.`));
  } else {
    box.append(h("p", {}, h("strong", {}, "The article's text changed: the quote is no longer in it."), " Select the words again, or retract the check."));
  }
  if (before) box.append(h("p", { className: "anchor-before" }, "The words as they were: ", h("q", {}, before)));
  if (c.anchor_state === "fuzzy") box.append(h("p", { className: "anchor-now" }, "The text now reads: ", h("q", {}, c.quote.exact)));
  if (c.permissions && c.permissions.anchor) {
    const row = h("div", { className: "button-row" });
    if (c.anchor_state === "fuzzy") {
      row.append(h("button", { type: "button", className: "primary", dataset: { action: "anchor-accept" } }, "Accept this place"));
    }
    row.append(h("button", { type: "button", dataset: { action: "anchor-reselect" } }, "Select the words again"));
    box.append(row);
  }
  return box;
}
