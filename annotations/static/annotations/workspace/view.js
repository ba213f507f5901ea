// Which claim is open: opening, closing and moving between claims, and loading an opened
// card's details (with their ETag) from the API.

import { announce } from "./dom.js";
import {
  matchesFilter,
  remember,
  sameLean,
  shownClaims,
  state,
  statusLabel,
  verdictLabel,
} from "./state.js";
import { markActive, marksOf, renderText } from "./paint.js";
import { cardEl, renderPanel, updateCards } from "./cards.js";
import { errorText, readClaim } from "./api.js";

let panel = null;
let filterInputs = [];

export function initView({ panelEl, filterEls }) {
  panel = panelEl;
  filterInputs = filterEls;
}

export function render() {
  renderText();
  renderPanel();
}

export function activate(id, { focusCard = true, scrollText = true } = {}) {
  const c = state.claims.get(id);
  if (!c) return;
  const before = [state.activeId, state.confirmDeleteId];
  state.activeId = id;
  state.confirmDeleteId = null;
  state.detailErrors.delete(id); // opening a card again tries its details again
  state.cardErrors.delete(id);
  if (!matchesFilter(c)) {
    state.filter = { verdict: "", status: "" };
    for (const input of filterInputs) input.value = "";
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

export function deactivate({ focusText = false } = {}) {
  if (state.activeId === null) return;
  const id = state.activeId;
  const confirming = state.confirmDeleteId;
  state.activeId = null;
  state.confirmDeleteId = null;
  state.cardErrors.delete(id);
  updateCards(id, confirming);
  markActive();
  setHash(null);
  // Back to the claim's place in the text, for someone moving with the keyboard.
  if (focusText) marksOf(id).find((m) => m.tabIndex === 0)?.focus({ preventScroll: true });
}

/** Keep the open claim in the address (#claim-12, as Claim.get_absolute_url links it). */
export function setHash(id) {
  const base = window.location.pathname + window.location.search;
  window.history.replaceState(null, "", id === null ? base : `${base}#claim-${id}`);
}

export function step(delta) {
  const shown = shownClaims();
  if (!shown.length) return;
  const at = shown.findIndex((c) => c.id === state.activeId);
  let next;
  if (at === -1) next = delta > 0 ? 0 : shown.length - 1;
  else next = Math.min(shown.length - 1, Math.max(0, at + delta));
  activate(shown[next].id);
}

/**
 * The claim in full, from the cache or from the API (one request per claim at a time);
 * null when it could not be loaded, with the reason shown in its card. With `fresh`,
 * read it again even when it is cached.
 */
export function loadDetails(id, { fresh = false } = {}) {
  if (!fresh && state.details.has(id)) return Promise.resolve(state.details.get(id));
  if (!state.loading.has(id)) {
    state.loading.set(id, fetchDetails(id).finally(() => state.loading.delete(id)));
  }
  return state.loading.get(id);
}

async function fetchDetails(id) {
  let response;
  try {
    response = await readClaim(id);
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
  remember(response.data, response.etag);
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

/**
 * Show the claim a 409/412 answer holds (as it now is), and read it again for its ETag,
 * which that answer does not carry.
 */
export function showCurrent(current) {
  remember(current);
  render();
  loadDetails(current.id, { fresh: true });
}

/** The ETag of the claim as the page shows it: known, or read from the API now. */
export async function currentEtag(id) {
  if (state.etags.has(id)) return state.etags.get(id);
  await loadDetails(id, { fresh: true });
  return state.etags.get(id) || null;
}
