// The reviewer workspace (templates/annotations/article_detail.html): draws the claims over
// the article text and edits them through the workspace API. This entry point reads the
// page's data, sets up the modules and wires the mouse and keyboard to them:
//
//   text.js        the text model and its offset maths (UTF-16 ↔ code points, words, ranges)
//   state.js       what the page knows: claims, their details and ETags, filter, form state
//   api.js         requests to the API: CSRF, JSON, ETag / If-Match
//   paint.js       the highlights over the text
//   cards.js       the side panel and its cards, with what the server says one may do
//   view.js        opening, closing and moving between claims; loading their details
//   actions.js     a card's workflow moves and delete
//   anchors.js     answers to a changed text: accept the place found, select again
//                  (anchor-notice.js draws what the card says about it)
//   form.js        the claim form (form-errors.js shows what the server refused)
//   drafts.js      unsaved claims kept in the browser and offered back
//   dom.js         small DOM helpers
//
// Every rule (who may do what, when) is the server's: the page shows what it is told.
// No framework and no innerHTML: every piece of user text goes in with textContent.

import { $, announce, isTyping } from "./dom.js";
import { createTextModel } from "./text.js";
import { initState, matchesFilter, state } from "./state.js";
import { configureApi } from "./api.js";
import { initPaint, renderText } from "./paint.js";
import { cardEl, initCards, renderPanel, updateCards } from "./cards.js";
import { activate, deactivate, initView, loadDetails, render, step } from "./view.js";
import { deleteClaim, transition } from "./actions.js";
import {
  discardAsked,
  formOpen,
  hasChanges,
  initForm,
  keepEditing,
  moveFormToSpan,
  openForm,
  placeForm,
  refreshPrompts,
  requestClose,
  restoreDraft,
  startEdit,
} from "./form.js";
import { clearDraft, initDrafts } from "./drafts.js";
import { cancelReselect, reselecting, resolveAnchor, startReselect } from "./anchors.js";

const config = JSON.parse($("#workspace-config").textContent);
const bodyEl = $("#article-body");
const form = $("#claim-form");
const list = $("#claim-list");
const panel = $("#ws-panel");
const shortcuts = $("#shortcuts");
const draftsBox = $("#ws-drafts");
const filterVerdict = $("#filter-verdict");
const filterStatus = $("#filter-status");

const text = createTextModel(bodyEl, { paragraphSelector: "p.para[data-offset]" });
initState(config, JSON.parse($("#workspace-claims").textContent));
configureApi({
  csrfToken: $("#workspace input[name=csrfmiddlewaretoken]").value,
  claimsUrl: config.claimsUrl,
  claimUrl: config.claimUrl,
  transitionsUrl: config.transitionsUrl,
  appearancesUrl: config.appearancesUrl,
  similarUrl: config.similarUrl,
  claimantsUrl: config.claimantsUrl,
  anchorUrl: config.anchorUrl,
});
initPaint(text);
initCards({ listEl: list, slice: text.slice });
initView({ panelEl: panel, filterEls: [filterVerdict, filterStatus] });
initDrafts({ userId: config.userId, articleId: config.articleId, boxEl: draftsBox });
initForm({ formEl: form, textColumnEl: $("#ws-text"), bodyEl });

// ---------------------------------------------------------------------------
// Selecting words: a new claim's form

let selectionOpenedForm = false;

/** The selected text, clipped to the article body, as a span (null when none). */
function selectionSpan() {
  const selection = window.getSelection();
  if (!selection || selection.isCollapsed || !selection.rangeCount) return null;
  const range = text.clip(selection.getRangeAt(0));
  if (!range) return null;
  return { span: text.rangeToSpan(range), rect: range.getBoundingClientRect() };
}

function startFromSelection() {
  if (state.formMode === "edit") return false;
  const found = selectionSpan();
  if (!found || !found.span) return false;
  if (reselecting()) {
    window.getSelection().removeAllRanges();
    resolveAnchor(state.reselectId, found.span);
    return true;
  }
  const anchor = found.rect;
  window.getSelection().removeAllRanges();
  if (state.formMode === "create") moveFormToSpan(found.span, anchor);
  else openForm({ mode: "create", span: found.span, anchor });
  return true;
}

bodyEl.addEventListener("mousedown", () => {
  selectionOpenedForm = false;
});

document.addEventListener("mouseup", (event) => {
  if (event.button !== 0) return;
  // A drag may end in the margin, outside the body; but not one made in the form or panel.
  const target = event.target instanceof Node ? event.target : null;
  const inside = [form, panel, shortcuts, draftsBox].some((el) => target && el.contains(target));
  if (inside) return;
  selectionOpenedForm = startFromSelection();
});

document.addEventListener("keyup", (event) => {
  if (event.shiftKey || event.key === "Shift") {
    if (isTyping(event.target)) return;
    startFromSelection();
  }
});

// ---------------------------------------------------------------------------
// Highlights and cards

bodyEl.addEventListener("click", (event) => {
  if (selectionOpenedForm) {
    selectionOpenedForm = false;
    return;
  }
  const mark = event.target.closest("mark.hl[data-claims]");
  if (!mark || !mark.dataset.claims) return;
  const selection = window.getSelection();
  if (selection && !selection.isCollapsed) return;
  openFromMark(mark);
});

bodyEl.addEventListener("keydown", (event) => {
  const mark = event.target.closest && event.target.closest("mark.hl[data-claims]");
  if (!mark || !mark.dataset.claims || (event.key !== "Enter" && event.key !== " ")) return;
  event.preventDefault();
  openFromMark(mark);
});

function openFromMark(mark) {
  const ids = mark.dataset.claims.split(" ").map(Number);
  // Clicking an overlap again opens the next claim under it.
  const at = ids.indexOf(state.activeId);
  const id = at === -1 ? ids[0] : ids[(at + 1) % ids.length];
  activate(id, { scrollText: false });
}

function onCardClick(event) {
  const button = event.target.closest("button[data-action]");
  const cardNode = event.target.closest(".card");
  if (!button || !cardNode) return;
  const id = Number(cardNode.dataset.claimId);
  switch (button.dataset.action) {
    case "toggle":
      if (state.activeId === id) deactivate();
      else activate(id);
      break;
    case "retry":
      state.detailErrors.delete(id);
      updateCards(id);
      loadDetails(id);
      break;
    case "edit":
      startEdit(id);
      break;
    case "delete":
      state.confirmDeleteId = id;
      updateCards(id);
      cardEl(id)?.querySelector("[data-action=confirm-delete]")?.focus();
      break;
    case "cancel-delete":
      state.confirmDeleteId = null;
      updateCards(id);
      cardEl(id)?.querySelector("[data-action=delete]")?.focus();
      break;
    case "confirm-delete":
      deleteClaim(id);
      break;
    case "transition":
      transition(id, button.dataset.transition);
      break;
    case "anchor-accept":
      resolveAnchor(id);
      break;
    case "anchor-reselect":
      startReselect(id);
      break;
  }
}

list.addEventListener("click", onCardClick);
$("#changed-list").addEventListener("click", onCardClick);

// ---------------------------------------------------------------------------
// Filters

$("#verdict-counts").addEventListener("click", (event) => {
  const button = event.target.closest("button[data-verdict]");
  if (!button) return;
  const key = button.dataset.verdict;
  state.filter.verdict = state.filter.verdict === key ? "" : key;
  filterVerdict.value = state.filter.verdict;
  applyFilter();
});

for (const [select, key] of [
  [filterVerdict, "verdict"],
  [filterStatus, "status"],
]) {
  select.addEventListener("change", (event) => {
    state.filter[key] = event.target.value;
    applyFilter();
  });
}

function applyFilter() {
  const active = state.claims.get(state.activeId);
  if (active && !matchesFilter(active)) state.activeId = null;
  render();
}

// ---------------------------------------------------------------------------
// Unsaved claims: offered back when the page opens; a warning before leaving with one open

draftsBox.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-action]");
  const prompt = event.target.closest("[data-draft-key]");
  if (!button || !prompt) return;
  const key = prompt.dataset.draftKey;
  if (button.dataset.action === "restore-draft") {
    restoreDraft(key);
  } else if (button.dataset.action === "discard-draft") {
    clearDraft(key);
    const left = refreshPrompts();
    announce("The unsaved claim was discarded.");
    if (left) $("[data-action=restore-draft]", draftsBox)?.focus();
  }
});

window.addEventListener("beforeunload", (event) => {
  // What the form holds is kept in the browser already; still, say it is not saved.
  if (!hasChanges()) return;
  event.preventDefault();
  event.returnValue = "";
});

// ---------------------------------------------------------------------------
// Keyboard

$("#shortcuts-button").addEventListener("click", () => shortcuts.showModal());

document.addEventListener("keydown", (event) => {
  if (shortcuts.open) return; // the dialog handles Esc itself
  if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
    if (formOpen()) {
      event.preventDefault();
      form.requestSubmit();
    }
    return;
  }
  if (event.key === "Escape") {
    if (reselecting()) cancelReselect();
    else if (formOpen()) {
      if (discardAsked()) keepEditing();
      else requestClose();
    } else if (state.confirmDeleteId !== null) {
      const id = state.confirmDeleteId;
      state.confirmDeleteId = null;
      updateCards(id);
    } else deactivate({ focusText: true });
    return;
  }
  if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
  switch (event.key) {
    case "j":
      step(1);
      break;
    case "k":
      step(-1);
      break;
    case "e":
      if (state.activeId !== null) startEdit(state.activeId);
      else announce("Open a claim first (j or k), then press e to edit it.");
      break;
    case "n":
      if (!startFromSelection()) announce("Select some words in the text first.");
      break;
    case "?":
      shortcuts.showModal();
      break;
    default:
      return;
  }
  event.preventDefault();
});

window.addEventListener("resize", () => {
  if (formOpen()) placeForm(null);
});

// ---------------------------------------------------------------------------
// Start

// The highlights now; the side panel after the frame that shows them, so that the
// cards (a thousand on a big article) do not hold up the text.
renderText();
requestAnimationFrame(() =>
  setTimeout(() => {
    renderPanel();
    const fromHash = /^#claim-(\d+)$/.exec(window.location.hash);
    if (fromHash && state.claims.has(Number(fromHash[1]))) {
      activate(Number(fromHash[1]), { focusCard: false });
    }
    if (refreshPrompts()) {
      announce("You have unsaved claims on this article: restore or discard them above the text.");
    }
    document.documentElement.dataset.workspaceReady = "1";
  }),
);
