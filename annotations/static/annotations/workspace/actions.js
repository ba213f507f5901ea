// What the open card's buttons send: a workflow move (submit, approve, …) or a delete,
// each written against the ETag of the claim the card shows.

import { $, announce } from "./dom.js";
import { forget, remember, shownClaims, state, statusLabel } from "./state.js";
import { cardEl, showCardError } from "./cards.js";
import { currentEtag, render, setHash, showCurrent } from "./view.js";
import * as api from "./api.js";

export async function deleteClaim(id) {
  if (!state.details.has(id)) return; // its button is in the open card, drawn from these
  showCardError(id, null);
  let response;
  try {
    const etag = await currentEtag(id);
    if (!etag) {
      showCardError(id, "The claim could not be read again: nothing was deleted. Try again.");
      return;
    }
    response = await api.deleteClaim(id, etag);
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
    const rest = shownClaims();
    const next = rest[Math.min(at, rest.length - 1)];
    if (next) cardEl(next.id)?.focus({ preventScroll: true });
    announce("Claim deleted.");
    return;
  }
  state.confirmDeleteId = null;
  const current = api.staleCurrent(response);
  if (current) showCurrent(current);
  showCardError(id, api.errorText(response));
}

export async function transition(id, action) {
  if (!state.details.has(id)) return;
  const commentEl = cardEl(id) && $("textarea[name=transition-comment]", cardEl(id));
  const comment = commentEl ? commentEl.value : "";
  showCardError(id, null);
  let response;
  try {
    const etag = await currentEtag(id);
    if (!etag) {
      showCardError(id, "The claim could not be read again: nothing changed. Try again.");
      return;
    }
    response = await api.transitionClaim(id, action, comment, etag);
  } catch {
    showCardError(id, "The server could not be reached: nothing changed.");
    return;
  }
  if (response.ok) {
    remember(response.data, response.etag);
    render();
    cardEl(id)?.focus({ preventScroll: true });
    announce(`Claim ${statusLabel(response.data).toLowerCase()}.`);
    return;
  }
  const current = api.staleCurrent(response);
  if (current) showCurrent(current);
  // Keep the comment the person typed.
  const again = cardEl(id) && $("textarea[name=transition-comment]", cardEl(id));
  if (again && !again.value) again.value = comment;
  showCardError(id, api.errorText(response));
}
