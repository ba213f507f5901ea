// Unsaved claims kept in the browser (localStorage), so that a reload, a followed link or
// a closed tab loses no typing. One entry per article and span for a new claim, per
// claim for an edit; the form writes it as it changes and clears it when the claim is
// saved or the writer discards it. When the page opens, each entry is offered back.

import { h, shorten } from "./dom.js";

const PREFIX = "factcheck.workspace.draft";
let scope = null; // PREFIX + this user and article: other people's and pages' entries stay apart
let box = null;

export function initDrafts({ userId, articleId, boxEl }) {
  scope = `${PREFIX}.u${userId}.a${articleId}.`;
  box = boxEl;
}

/** The key of a claim's entry (an edit) or a span's (a new claim). */
export function draftKey({ claimId = null, start = null, end = null }) {
  return scope + (claimId ? `claim-${claimId}` : `span-${start}-${end}`);
}

// localStorage may be off, full or refused (private windows): then nothing is kept,
// and the page still warns before it is left (beforeunload).
function storage() {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/**
 * Keep `draft`: {claimId, start, end, exact, etag, fields: {claim, verdict, rationale,
 * sources}}. Returns whether it was stored.
 */
export function saveDraft(key, draft) {
  try {
    storage()?.setItem(key, JSON.stringify({ ...draft, savedAt: new Date().toISOString() }));
    return !!storage();
  } catch {
    return false;
  }
}

export function clearDraft(key) {
  try {
    storage()?.removeItem(key);
  } catch {
    // Nothing was kept, then.
  }
}

const isDraft = (d) =>
  !!d &&
  typeof d === "object" &&
  Number.isInteger(d.start) &&
  Number.isInteger(d.end) &&
  typeof d.exact === "string" &&
  !!d.fields &&
  typeof d.fields === "object";

export function readDraft(key) {
  try {
    const draft = JSON.parse(storage()?.getItem(key) ?? "null");
    return isDraft(draft) ? { ...draft, key } : null;
  } catch {
    return null;
  }
}

/** This user's entries for this article, newest first. */
export function listDrafts() {
  const store = storage();
  if (!store || !scope) return [];
  const keys = [];
  for (let i = 0; i < store.length; i++) {
    const key = store.key(i);
    if (key && key.startsWith(scope)) keys.push(key);
  }
  return keys
    .map(readDraft)
    .filter(Boolean)
    .sort((a, b) => String(b.savedAt).localeCompare(String(a.savedAt)));
}

/** Offer every kept entry back, but the one open in the form (`except`, a key). */
export function renderPrompts({ except = null } = {}) {
  const drafts = listDrafts().filter((d) => d.key !== except);
  box.replaceChildren(...drafts.map(prompt));
  box.hidden = drafts.length === 0;
  return drafts.length;
}

function prompt(draft, n) {
  const questionId = `draft-question-${n}`;
  const quote = `“${shorten(draft.exact)}”`;
  const question = draft.claimId
    ? `Restore your unsaved changes to the claim on ${quote}?`
    : `Restore your unsaved claim on ${quote}?`;
  return h(
    "div",
    {
      className: "draft-prompt",
      role: "group",
      "aria-labelledby": questionId,
      dataset: { draftKey: draft.key },
    },
    h("p", { id: questionId }, question),
    h("button", { type: "button", className: "primary", dataset: { action: "restore-draft" } }, "Restore"),
    h("button", { type: "button", dataset: { action: "discard-draft" } }, "Discard"),
  );
}
