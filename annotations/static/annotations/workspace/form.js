// The claim form: opening it on a selection (a new claim) or on a claim (an edit), its
// source rows, saving it through the API, and never losing what was typed: its values are
// kept in the browser while they differ from what was opened (drafts.js), and closing a
// changed form asks first.

import { $, announce } from "./dom.js";
import { remember, state } from "./state.js";
import { marksOf, pendingMarks, renderText } from "./paint.js";
import { cardEl, showCardError } from "./cards.js";
import { activate, currentEtag, loadDetails, render, showCurrent } from "./view.js";
import { clearErrors, initFormErrors, showFormErrors } from "./form-errors.js";
import {
  fillSourceRows,
  initSourceRows,
  sourceButton,
  sourcePayload,
  sourceValues,
} from "./source-rows.js";
import { clearDraft, draftKey, readDraft, renderPrompts, saveDraft } from "./drafts.js";
import { initChecked, lookFor } from "./checked.js";
import { claimantPayload, fillWhoAndWhen, initClaimantField, whoAndWhen } from "./claimant-field.js";
import * as api from "./api.js";

let form = null;
let discardBox = null;
let textColumn = null;
let body = null;
let baseline = null; // the values the form opened with: changes are measured against them
let openKey = null; // the draft key of what the form holds

export function initForm({ formEl, textColumnEl, bodyEl }) {
  form = formEl;
  textColumn = textColumnEl;
  body = bodyEl;
  initSourceRows($("#source-rows", form), $("#source-row-template"));
  discardBox = $("#claim-form-discard", form);
  initFormErrors(form);
  initClaimantField(form);
  initChecked({ formEl: form, attached: () => closeForm({ focusCard: false }) });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    saveForm();
  });
  form.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-action]");
    if (!button) return;
    const action = button.dataset.action;
    if (action === "cancel") requestClose();
    else if (action === "keep-editing") keepEditing();
    else if (action === "discard") closeForm();
    else if (action === "add-source" || action === "remove-source") {
      sourceButton(button);
      persist();
    }
  });
  form.elements.claim.addEventListener("input", () => {
    state.formDirtyClaim = true;
  });
  form.addEventListener("input", persist);
  form.addEventListener("change", persist);
}

export const formOpen = () => !form.hidden;

/** What the form holds, as typed (every source row, empty ones too). */
function values() {
  const sources = sourceValues();
  return {
    claim: form.elements.claim.value,
    ...whoAndWhen(form),
    verdict: form.elements.verdict.value,
    rationale: form.elements.rationale.value,
    sources,
  };
}

function fill({ claim, verdict, rationale, sources, ...who }) {
  form.elements.claim.value = claim || "";
  fillWhoAndWhen(form, who);
  form.elements.verdict.value = verdict || "";
  form.elements.rationale.value = rationale || "";
  fillSourceRows(sources);
}

/** Whether the open form holds something not saved. */
export function hasChanges() {
  return formOpen() && baseline !== null && JSON.stringify(values()) !== JSON.stringify(baseline);
}

/** The span the form is about: the selection for a new claim, the claim's quote for an edit. */
function formSpan() {
  if (state.formMode === "create") return state.pending;
  return state.details.get(state.formClaimId)?.quote || state.claims.get(state.formClaimId);
}

/** Keep what the form holds in the browser while it differs from what was opened. */
function persist() {
  if (!formOpen() || baseline === null) return;
  const span = formSpan();
  const key = draftKey({ claimId: state.formClaimId, start: span.start, end: span.end });
  if (openKey && openKey !== key) clearDraft(openKey); // the new claim moved to other words
  openKey = key;
  if (!hasChanges()) {
    clearDraft(key);
    return;
  }
  saveDraft(key, {
    claimId: state.formClaimId,
    start: span.start,
    end: span.end,
    exact: span.exact ?? "",
    // An edit is written against the version it started from, after a reload too.
    etag: state.formEtag || state.etags.get(state.formClaimId) || null,
    fields: values(),
  });
}

/**
 * Open the form for a new claim on `span` or an edit of `claim`. What was kept for these
 * words or this claim comes back into it: `restore` (a kept draft), or the one kept
 * under the same key.
 */
export function openForm({ mode, claim = null, span = null, anchor = null, restore = null }) {
  hideDiscard();
  clearErrors();
  state.formMode = mode;
  state.formClaimId = claim ? claim.id : null;
  state.formEtag = claim ? state.etags.get(claim.id) || null : null;
  state.formDirtyClaim = false;
  state.pending = mode === "create" ? span : null;
  $("#claim-form-title", form).textContent = mode === "create" ? "New claim" : "Edit claim";
  $("#claim-form-quote", form).textContent = mode === "create" ? span.exact : claim.quote.exact;
  fill({
    claim: mode === "create" ? span.exact : claim.claim,
    claimant: claim?.claimant?.name,
    claimant_kind: claim?.claimant?.kind,
    claim_date: claim?.claim_date,
    verdict: claim && claim.verdict ? claim.verdict.slug : "",
    rationale: claim ? claim.rationale_html : "",
    sources: claim ? claim.sources : [],
  });
  baseline = values();
  const where = mode === "create" ? span : claim.quote;
  openKey = draftKey({ claimId: state.formClaimId, start: where.start, end: where.end });
  form.hidden = false;
  const kept = restore || readDraft(openKey);
  if (kept) {
    fill(kept.fields);
    if (mode === "edit" && kept.etag) state.formEtag = kept.etag;
    state.formDirtyClaim = kept.fields.claim !== baseline.claim;
    persist();
    if (kept.key !== openKey) clearDraft(kept.key); // an edit of a deleted claim, now new
    if (!restore) announce("What you wrote here before and did not save is back in the form.");
  }
  renderText();
  placeForm(anchor);
  form.elements.claim.focus({ preventScroll: true });
  renderPrompts({ except: openKey });
  lookFor(mode === "create" ? span : null);
}

/** A new selection while a new claim's form is open: the form moves to it. */
export function moveFormToSpan(span, anchor) {
  const key = draftKey(span);
  if (key !== openKey && readDraft(key)) {
    // Those words have a draft of their own: open it. This form's draft stays kept.
    openForm({ mode: "create", span, anchor });
    return;
  }
  state.pending = span;
  $("#claim-form-quote", form).textContent = span.exact;
  if (!state.formDirtyClaim) form.elements.claim.value = span.exact;
  baseline.claim = span.exact; // what an untouched form on these words holds
  persist();
  renderText();
  placeForm(anchor);
  renderPrompts({ except: openKey });
  lookFor(span);
}

/** Put the form just under `anchor` (a DOMRect in viewport coordinates) in the text column. */
export function placeForm(anchor) {
  const column = textColumn.getBoundingClientRect();
  const marks = state.formMode === "create" ? pendingMarks() : marksOf(state.formClaimId);
  const rect = anchor || (marks[marks.length - 1] || body).getBoundingClientRect();
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

// Closing: a changed form asks first, in the form itself.

export const discardAsked = () => !discardBox.hidden;

function hideDiscard() {
  discardBox.hidden = true;
}

/** Esc, × or Cancel: close an unchanged form; ask before throwing changes away. */
export function requestClose() {
  if (!formOpen()) return;
  if (!hasChanges()) {
    closeForm();
    return;
  }
  discardBox.hidden = false;
  discardBox.scrollIntoView({ block: "nearest" });
  $("[data-action=keep-editing]", discardBox).focus({ preventScroll: true });
  announce("This claim is not saved. Discard it, or keep editing?");
}

/** Back to the form from the question, as it was. */
export function keepEditing() {
  hideDiscard();
  form.elements.claim.focus({ preventScroll: true });
}

/** Close the form and forget what it held (saved, discarded, or nothing to keep). */
export function closeForm({ focusCard = true } = {}) {
  if (!formOpen()) return;
  hideDiscard();
  if (openKey) clearDraft(openKey);
  openKey = null;
  baseline = null;
  form.hidden = true;
  lookFor(null);
  const hadPending = state.pending !== null;
  const claimId = state.formClaimId;
  state.pending = null;
  state.formMode = null;
  state.formClaimId = null;
  state.formEtag = null;
  if (hadPending) renderText();
  if (focusCard && claimId !== null) cardEl(claimId)?.focus({ preventScroll: true });
  renderPrompts();
}

/** Open the form on a claim, once its details (rationale, sources, ETag) are here. */
export async function startEdit(id, { restore = null } = {}) {
  if (!state.claims.has(id)) return false;
  const mode = state.formMode;
  const c = await loadDetails(id);
  if (!c) {
    announce("This claim could not be loaded, so it cannot be edited yet.");
    return false;
  }
  // Something else opened the form while the details were on their way: leave it.
  if (state.formMode !== mode) return false;
  if (!c.permissions.edit) {
    announce("You cannot edit this claim.");
    showCardError(c.id, "You cannot edit this claim now.");
    return false;
  }
  const marks = marksOf(c.id);
  const anchor = marks.length ? marks[marks.length - 1].getBoundingClientRect() : null;
  openForm({ mode: "edit", claim: c, anchor, restore });
  return true;
}

/** Offer the kept drafts back, but the one in the form. Returns how many are offered. */
export const refreshPrompts = () => renderPrompts({ except: openKey });

/** Bring a kept draft back into the form (the prompt's Restore button). */
export async function restoreDraft(key) {
  const draft = readDraft(key);
  if (!draft) {
    refreshPrompts();
    return;
  }
  if (draft.claimId && state.claims.has(draft.claimId)) {
    if (!(await startEdit(draft.claimId, { restore: draft }))) {
      announce("Your unsaved changes are still kept: discard them when you no longer need them.");
    }
    return;
  }
  // A new claim; or an edit of a claim since deleted, whose text comes back as a new claim.
  openForm({ mode: "create", span: draft, restore: { ...draft, etag: null } });
}

function formPayload() {
  const { sent, rows } = sourcePayload();
  const payload = {
    claim: form.elements.claim.value,
    claimant: claimantPayload(form),
    claim_date: form.elements.claim_date.value || null,
    verdict: form.elements.verdict.value || null,
    rationale: form.elements.rationale.value,
    sources: sent,
  };
  return { payload, rows };
}

let saving = false;

export async function saveForm() {
  if (saving || form.hidden) return;
  hideDiscard();
  const { payload, rows } = formPayload();
  const created = state.formMode === "create";
  let response;
  saving = true;
  form.setAttribute("aria-busy", "true");
  try {
    if (created) {
      const { start, end, exact } = state.pending;
      response = await api.createClaim({ ...payload, start, end, exact });
    } else {
      // The version this edit started from; after a stale answer, the claim as now shown.
      const etag = state.formEtag || (await currentEtag(state.formClaimId));
      if (!etag) throw new Error("no ETag");
      response = await api.updateClaim(state.formClaimId, payload, etag);
    }
  } catch {
    const detail = "The server could not be reached. Your input is kept: check the connection and save again.";
    showFormErrors({ detail }, rows, 0);
    return;
  } finally {
    saving = false;
    form.removeAttribute("aria-busy");
  }
  const { ok, status, data } = response;
  if (ok) {
    remember(data, response.etag);
    closeForm({ focusCard: false });
    render();
    activate(data.id, { scrollText: false });
    announce(created ? "Claim saved." : "Changes saved.");
    return;
  }
  const current = api.staleCurrent(response);
  if (current) {
    // Someone changed it meanwhile: show the current state, keep the reviewer's input;
    // saving again writes it over the version now shown.
    state.formEtag = null;
    showCurrent(current);
  }
  if (status === 404 && !created) {
    const detail = "This claim no longer exists (it may have been deleted). Your input is kept: copy it before closing.";
    showFormErrors({ detail }, rows, status);
    return;
  }
  showFormErrors(data, rows, status);
}
