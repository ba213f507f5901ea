// "Checked already?": while a new claim's form is open on some words, the claims on the
// desk worded like them, best first, each with "Attach here" (the selection becomes
// another appearance of that claim) and a link to its check once published.

import { $, announce, h } from "./dom.js";
import { config, remember, state } from "./state.js";
import { activate, render } from "./view.js";
import * as api from "./api.js";

let box = null;
let list = null;
let onAttached = () => {};
let asked = 0; // answers to older questions are dropped
let timer = null;

export function initChecked({ formEl, attached }) {
  box = $("#checked-already", formEl);
  list = $("#checked-already-list", formEl);
  onAttached = attached;
  list.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-attach]");
    if (button) attach(Number(button.dataset.attach), button);
  });
}

/** Look for claims like these words (a new claim's form opened or moved); null hides. */
export function lookFor(span) {
  clearTimeout(timer);
  const question = ++asked;
  if (!span || !span.exact.trim()) {
    box.hidden = true;
    return;
  }
  timer = setTimeout(() => ask(span.exact, question), 150);
}

async function ask(text, question) {
  let response;
  try {
    response = await api.similarClaims(text, 5);
  } catch {
    return; // a suggestion box is a help, not a step: stay quiet when offline
  }
  if (question !== asked || !response.ok || state.formMode !== "create") return;
  show(response.data.results);
}

function show(results) {
  list.replaceChildren(...results.map(item));
  box.hidden = results.length === 0;
  if (results.length) announce(`${results.length} similar claim(s) already on the desk.`);
}

function item(r) {
  const here = state.claims.has(r.id);
  const facts = [r.verdict || "no verdict yet", r.status.replaceAll("_", " ")];
  if (r.claimant) facts.unshift(`by ${r.claimant}`);
  facts.push(`${r.appearances} article${r.appearances === 1 ? "" : "s"}`);
  return h(
    "li",
    { className: "checked-item", dataset: { claim: String(r.id) } },
    h("span", { className: "checked-claim" }, r.claim),
    h("span", { className: "checked-facts" }, ` (${facts.join(" · ")})`),
    h(
      "span",
      { className: "checked-actions" },
      here
        ? h("span", { className: "field-help" }, "Already in this article")
        : h("button", { type: "button", dataset: { attach: String(r.id) } }, "Attach here"),
      r.url ? h("a", { href: r.url, target: "_blank", rel: "noopener" }, "Open the check") : "",
    ),
  );
}

async function attach(id, button) {
  const span = state.pending;
  if (!span) return;
  button.disabled = true;
  let response;
  try {
    response = await api.attachHere(id, {
      article: config.articleId,
      start: span.start,
      end: span.end,
      exact: span.exact,
    });
  } catch {
    button.disabled = false;
    announce("The server could not be reached: try again.");
    return;
  }
  if (!response.ok) {
    button.disabled = false;
    const message = api.errorText(response);
    button.after(h("span", { className: "field-error", role: "alert" }, ` ${message}`));
    return;
  }
  remember(response.data, response.etag);
  onAttached();
  render();
  activate(id, { scrollText: false });
  const waits = response.data.status === "approved";
  announce(
    waits
      ? "Attached here: it waits for a second editor before it is published."
      : "Attached here.",
  );
}
