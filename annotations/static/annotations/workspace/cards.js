// The side panel: the counts per verdict, the filters' result and a card per claim in
// text order; the open card shows the claim's details and what the reader may do, as the
// server said (permissions.actions, and permissions.blocked with the reason for each).

import { $, formatTime, h, safeHref } from "./dom.js";
import {
  NEUTRAL,
  config,
  matchesFilter,
  sortedClaims,
  state,
  statusLabel,
  statusLabelOf,
  verdictLabel,
  verdictOf,
} from "./state.js";
import { colourClass, colourKey } from "./paint.js";
import { anchorNotice, textChanged } from "./anchor-notice.js";

let list = null;
let quoteOf = null; // (start, end) → the body's text there

/** Draw the cards into `listEl`; `slice(start, end)` gives a quote before details load. */
export function initCards({ listEl, slice }) {
  list = listEl;
  quoteOf = slice;
}

export function renderPanel() {
  const all = sortedClaims();
  const shown = all.filter(matchesFilter);
  $("#claim-total").textContent =
    shown.length === all.length ? `(${all.length})` : `(${shown.length} of ${all.length})`;

  const counts = new Map();
  for (const c of all) {
    const key = c.verdict || "none";
    counts.set(key, (counts.get(key) || 0) + 1);
  }
  const chips = [];
  const chip = (key, label, colour) => {
    const n = counts.get(key) || 0;
    if (!n) return;
    const pressed = state.filter.verdict === key;
    const button = h(
      "button",
      {
        type: "button",
        className: `verdict-chip v-${colourKey(colour)}`,
        "aria-pressed": pressed ? "true" : "false",
        dataset: { verdict: key },
        title: pressed ? "Show all verdicts" : `Show only ${label}`,
      },
      h("span", { className: "swatch", "aria-hidden": "true" }),
      `${label} `,
      h("strong", {}, String(n)),
    );
    chips.push(h("li", {}, button));
  };
  for (const v of config.verdicts) chip(v.slug, v.label, v.colour);
  chip("none", "No verdict", NEUTRAL);
  $("#verdict-counts").replaceChildren(...chips);

  // Claims whose text changed are shown apart, above the others, until someone answers.
  const items = document.createDocumentFragment();
  const changed = document.createDocumentFragment();
  for (const c of shown) {
    const li = document.createElement("li");
    li.append(card(c));
    (textChanged(c) ? changed : items).append(li);
  }
  list.replaceChildren(items);
  const changedSection = $("#changed-claims");
  changedSection.hidden = !changed.childNodes.length;
  $("#changed-list").replaceChildren(changed);
  const empty = $("#claim-list-empty");
  empty.hidden = shown.length > 0;
  empty.textContent = all.length
    ? "No claim matches these filters."
    : "No claims yet. Select words in the text to record the first one.";
}

function badge(c) {
  return h(
    "span",
    {
      className: `badge verdict-badge ${colourClass(c)}${c.verdict ? "" : " no-verdict"}`,
      title: verdictOf(c)?.description || null,
    },
    h("span", { className: "swatch", "aria-hidden": "true" }),
    verdictLabel(c),
  );
}

/** A card for a lean entry: the summary, and the details when it is the open claim. */
function card(c) {
  const el = document.createElement("article");
  el.id = `claim-${c.id}`;
  el.tabIndex = -1;
  el.setAttribute("aria-labelledby", `claim-${c.id}-title`);
  el.dataset.claimId = String(c.id);
  fillCard(el, c);
  return el;
}

/** (Re)draw a card inside its element, which stays, and with it the focus it may hold. */
function fillCard(el, c) {
  const open = state.activeId === c.id;
  const sourcesCount = c.source_count;
  el.className = `card ${colourClass(c)}${open ? " card-open" : ""}`;
  const toggle = h(
    "button",
    {
      type: "button",
      className: "card-toggle",
      "aria-expanded": open ? "true" : "false",
      "aria-controls": `claim-${c.id}-details`,
      dataset: { action: "toggle" },
    },
    h(
      "span",
      { className: "card-badges" },
      badge(c),
      h("span", { className: `badge status-badge status-${c.status}` }, statusLabel(c)),
    ),
    h("span", { className: "card-claim", id: `claim-${c.id}-title` }, c.claim),
    h(
      "span",
      { className: "card-meta" },
      `${sourcesCount} source${sourcesCount === 1 ? "" : "s"} · ${c.author || "unknown"}`,
    ),
  );
  // A comment being typed for a workflow move survives the card being redrawn.
  const typed = el.querySelector("textarea[name=transition-comment]")?.value;
  if (!open) el.replaceChildren(toggle);
  else if (state.details.has(c.id)) el.replaceChildren(toggle, details(state.details.get(c.id)));
  else el.replaceChildren(toggle, detailsPending(c));
  const comment = typed && el.querySelector("textarea[name=transition-comment]");
  if (comment) comment.value = typed;
}

/** Redraw the cards of these claims in place (the others are left alone). */
export function updateCards(...ids) {
  for (const id of new Set(ids)) {
    const c = state.claims.get(id);
    const el = id === null ? null : cardEl(id);
    if (c && el) fillCard(el, c);
  }
}

/**
 * An open card whose details are on their way from the API, or could not be loaded.
 * Not a .card-details: that class means the details are there.
 */
function detailsPending(c) {
  const box = h("div", { className: "card-pending", id: `claim-${c.id}-details` });
  box.append(h("blockquote", { className: "card-quote" }, quoteOf(c.start, c.end)));
  const error = state.detailErrors.get(c.id);
  if (error) {
    box.append(
      h("p", { className: "card-error card-load-error", role: "alert" }, error),
      h("button", { type: "button", dataset: { action: "retry" } }, "Try again"),
    );
  } else {
    box.setAttribute("aria-busy", "true");
    box.append(h("p", { className: "muted card-loading" }, "Loading the rationale, sources and history…"));
  }
  return box;
}

/** The open card's details, from the claim as the API gave it (state.details). */
function details(c) {
  const box = h("div", { className: "card-details", id: `claim-${c.id}-details` });
  box.append(h("blockquote", { className: "card-quote" }, c.quote.exact));
  const notice = anchorNotice(c);
  if (notice) box.append(notice);

  const lastComment = [...c.events]
    .reverse()
    .find((e) => e.kind === "transition" && e.comment && e.to_status !== "submitted");
  if (lastComment && ["changes_requested", "rejected", "retracted"].includes(c.status)) {
    box.append(
      h(
        "div",
        { className: "callout", role: "note" },
        h("strong", {}, `${statusLabelOf(lastComment.to_status)} by ${lastComment.actor || "an editor"}:`),
        " ",
        h("span", { className: "callout-comment" }, lastComment.comment),
      ),
    );
  }

  box.append(h("h3", {}, "Rationale"));
  box.append(
    c.rationale_text
      ? h("p", { className: "card-rationale" }, c.rationale_text)
      : h("p", { className: "muted" }, "No rationale yet."),
  );

  box.append(h("h3", {}, `Sources (${c.sources.length})`));
  if (c.sources.length) {
    const items = c.sources.map((s) => {
      const href = safeHref(s.url);
      const name = s.title || s.url;
      return h(
        "li",
        {},
        href ? h("a", { href, rel: "nofollow noopener noreferrer", target: "_blank" }, name) : name,
        h(
          "span",
          { className: `stance stance-${s.stance}` },
          [s.publisher, stanceLabel(s.stance)].filter(Boolean).join(" · "),
        ),
        s.excerpt ? h("q", { className: "excerpt" }, s.excerpt) : null,
      );
    });
    box.append(h("ol", { className: "card-sources" }, items));
  } else {
    box.append(h("p", { className: "muted" }, "No sources yet."));
  }

  box.append(historyList(c));
  box.append(actions(c));
  return box;
}

function stanceLabel(stance) {
  return { supports: "supports", refutes: "refutes", context: "context" }[stance] || stance;
}

function historyList(c) {
  const wrap = h("section", { className: "card-history", "aria-label": "History" });
  wrap.append(h("h3", {}, "History"));
  const when = (value) => h("span", { className: "when" }, formatTime(value));
  const items = [h("li", {}, when(c.created_at), ` Created by ${c.author || "unknown"}`)];
  for (const e of c.events) {
    let what;
    if (e.kind === "transition") {
      const to = statusLabelOf(e.to_status);
      what = `${e.actor || "Someone"}: ${statusLabelOf(e.from_status)} → ${to}`;
    } else if (e.kind === "assignment") {
      what = `${e.actor || "Someone"}: assignment`;
    } else {
      what = `${e.actor || "Someone"} edited the claim`;
    }
    items.push(
      h(
        "li",
        { className: `event event-${e.kind} event-to-${e.to_status}` },
        when(e.at),
        ` ${what}`,
        e.comment ? h("q", { className: "event-comment" }, e.comment) : null,
      ),
    );
  }
  wrap.append(h("ol", { className: "events" }, items));
  return wrap;
}

const BUTTON_CLASS = { submit: "primary", approve: "primary", reject: "danger", retract: "danger" };

/**
 * Edit, delete and the workflow's moves, exactly as the server listed them: a button for
 * each action allowed now, a disabled one with the server's reason for each blocked one.
 * No rule is decided here.
 */
function actions(c) {
  const box = h("div", { className: "card-actions" });
  const row = h("div", { className: "button-row" });
  const { permissions } = c;
  if (permissions.edit) {
    row.append(
      h("button", { type: "button", dataset: { action: "edit" }, "aria-keyshortcuts": "e" }, "Edit"),
    );
  }
  if (permissions.delete) {
    row.append(
      h("button", { type: "button", className: "danger", dataset: { action: "delete" } }, "Delete"),
    );
  }
  const allowed = new Set(permissions.actions);
  const blocked = new Map((permissions.blocked || []).map((b) => [b.action, b.reason]));
  const label = (action) =>
    action === "submit" && c.status === "changes_requested" ? "Resubmit" : config.transitions[action].label;
  const reasons = [];
  let needsComment = false;
  // In the workflow's order (the config lists the transitions as workflow.py does).
  for (const [action, t] of Object.entries(config.transitions)) {
    const attrs = { type: "button", className: BUTTON_CLASS[action] || null };
    if (allowed.has(action)) {
      needsComment = needsComment || t.needsComment;
      row.append(
        h("button", { ...attrs, dataset: { action: "transition", transition: action } }, label(action)),
      );
    } else if (blocked.has(action)) {
      const reasonId = `claim-${c.id}-blocked-${action}`;
      reasons.push(
        h(
          "div",
          { className: "blocked" },
          h(
            "button",
            { ...attrs, disabled: true, "aria-describedby": reasonId, dataset: { transition: action } },
            label(action),
          ),
          h("p", { className: "blocked-reason", id: reasonId }, blocked.get(action)),
        ),
      );
    }
  }
  if (row.childNodes.length) box.append(row);
  box.append(...reasons);
  if (needsComment) {
    box.append(
      h(
        "label",
        { className: "field" },
        h("span", { className: "field-label" }, "Comment (say why when you send a claim back)"),
        h("textarea", { name: "transition-comment", rows: "2" }),
      ),
    );
  }
  if (state.confirmDeleteId === c.id) {
    box.append(
      h(
        "div",
        { className: "confirm", role: "group", "aria-label": "Confirm deletion" },
        h("span", {}, "Delete this draft for good? "),
        h(
          "button",
          { type: "button", className: "danger", dataset: { action: "confirm-delete" } },
          "Yes, delete it",
        ),
        h("button", { type: "button", dataset: { action: "cancel-delete" } }, "Keep it"),
      ),
    );
  }
  const error = state.cardErrors.get(c.id);
  box.append(h("p", { className: "card-error", role: "alert", hidden: !error }, error || null));
  return box;
}

export function cardEl(id) {
  return document.getElementById(`claim-${id}`);
}

/** Say in a card why its last action failed (kept while the card stays open); null clears it. */
export function showCardError(id, message) {
  if (message) state.cardErrors.set(id, message);
  else state.cardErrors.delete(id);
  const el = cardEl(id) && $(".card-error", cardEl(id));
  if (!el) return;
  el.textContent = message || "";
  el.hidden = !message;
}
