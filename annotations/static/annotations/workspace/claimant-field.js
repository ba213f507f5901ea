// The claimant field: the desk's claimants offered as you type (no duplicates by
// spelling or case: the server finds a name however it is written), a new one named inline.

import { $, h } from "./dom.js";
import * as api from "./api.js";

let input = null;
let options = null;
let known = new Map(); // name → {kind}
let timer = null;

export function initClaimantField(formEl) {
  input = formEl.elements.claimant;
  options = $("#claimant-options", formEl);
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(suggest, 150);
    const kind = known.get(input.value)?.kind;
    if (kind) formEl.elements.claimant_kind.value = kind; // a known claimant keeps its kind
  });
}

async function suggest() {
  const typed = input.value.trim();
  if (!typed) return;
  let response;
  try {
    response = await api.claimantSuggestions(typed);
  } catch {
    return;
  }
  if (!response.ok || input.value.trim() !== typed) return;
  known = new Map(response.data.map((c) => [c.name, c]));
  const label = (c) => [c.kind, c.description].filter(Boolean).join(", ");
  options.replaceChildren(...response.data.map((c) => h("option", { value: c.name, label: label(c) })));
}

/** The claimant to send: a name (found or made by the server), or null for none. */
export function claimantPayload(formEl) {
  const name = formEl.elements.claimant.value.trim();
  return name ? { name, kind: formEl.elements.claimant_kind.value } : null;
}

/** The form's who-and-when fields, as the form keeps them (drafts compare these). */
export const whoAndWhen = (formEl) => ({
  claimant: formEl.elements.claimant.value,
  claimant_kind: formEl.elements.claimant_kind.value,
  claim_date: formEl.elements.claim_date.value,
});

export function fillWhoAndWhen(formEl, { claimant, claimant_kind, claim_date }) {
  formEl.elements.claimant.value = claimant || "";
  formEl.elements.claimant_kind.value = claimant_kind || "person";
  formEl.elements.claim_date.value = claim_date || "";
}
