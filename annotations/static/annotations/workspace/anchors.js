// The reviewer's answers to a quote the article's changed text moved or lost: accept the
// place the server found, or select the words again (the next selection in the text goes
// to the claim instead of opening the form). Each is written against the claim's ETag.

import { announce } from "./dom.js";
import { remember, state } from "./state.js";
import { cardEl, showCardError } from "./cards.js";
import { activate, currentEtag, render, showCurrent } from "./view.js";
import * as api from "./api.js";

/** Whether the next selection re-anchors a claim (its id), rather than starting a new one. */
export const reselecting = () => state.reselectId !== null && state.reselectId !== undefined;

export function startReselect(id) {
  state.reselectId = id;
  document.documentElement.dataset.reselecting = String(id);
  announce("Select the words in the text that this claim is about now. Esc cancels.");
  showCardError(id, null);
}

export function cancelReselect() {
  if (!reselecting()) return;
  state.reselectId = null;
  delete document.documentElement.dataset.reselecting;
  announce("The words were not selected again.");
}

/** Accept (no span) or re-select (a span from the text model) the claim's quote. */
export async function resolveAnchor(id, span = null) {
  const body = span ? { start: span.start, end: span.end, exact: span.exact } : {};
  state.reselectId = null;
  delete document.documentElement.dataset.reselecting;
  let response;
  try {
    const etag = await currentEtag(id);
    if (!etag) {
      showCardError(id, "The claim could not be read again: nothing changed. Try again.");
      return;
    }
    response = await api.anchorClaim(id, body, etag);
  } catch {
    showCardError(id, "The server could not be reached: nothing changed.");
    return;
  }
  if (response.ok) {
    remember(response.data, response.etag);
    render();
    activate(id, { scrollText: !!span });
    cardEl(id)?.focus({ preventScroll: true });
    announce(span ? "The claim now quotes the words you selected." : "The place found was accepted.");
    return;
  }
  const current = api.staleCurrent(response);
  if (current) showCurrent(current);
  showCardError(id, api.errorText(response));
}
