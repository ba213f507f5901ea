// The claim form's source rows: adding, removing and numbering them, what they hold as
// typed (kept in drafts), and what is sent (a row left empty is not a source).

import { $, today } from "./dom.js";

let rows = null;
let template = null;

export function initSourceRows(rowsEl, templateEl) {
  rows = rowsEl;
  template = templateEl;
}

function addSourceRow(source = null) {
  const row = template.content.firstElementChild.cloneNode(true);
  const field = (name) => row.elements.namedItem(name);
  if (source) {
    if (source.id) row.dataset.sourceId = String(source.id);
    for (const name of ["url", "title", "publisher", "stance", "excerpt"]) {
      if (name !== "stance" || source.stance) field(name).value = source[name] || "";
    }
    field("accessed_on").value = source.accessed_on || "";
  } else {
    field("accessed_on").value = today();
  }
  rows.append(row);
  numberSourceRows();
  return row;
}

function numberSourceRows() {
  [...rows.children].forEach((row, i) => {
    $(".source-number", row).textContent = String(i + 1);
  });
}

/** The form's "Add a source" and "Remove" buttons. */
export function sourceButton(button) {
  if (button.dataset.action === "add-source") {
    addSourceRow().elements.namedItem("url").focus();
  } else {
    button.closest(".source-row").remove();
    numberSourceRows();
  }
}

/** The rows for these sources (one empty row when there are none). */
export function fillSourceRows(sources) {
  rows.replaceChildren();
  for (const source of sources || []) addSourceRow(source);
  if (!rows.children.length) addSourceRow();
}

/** What the rows hold, as typed (every row, empty ones too). */
export function sourceValues() {
  return [...rows.children].map((row) => {
    const source = { id: row.dataset.sourceId ? Number(row.dataset.sourceId) : null };
    for (const name of ["url", "title", "publisher", "stance", "excerpt", "accessed_on"]) {
      source[name] = row.elements.namedItem(name).value;
    }
    return source;
  });
}

/** The sources to send, and the rows they came from (errors point back at them). */
export function sourcePayload() {
  const kept = [];
  const sent = [];
  for (const row of rows.children) {
    const value = (name) => row.elements.namedItem(name).value;
    const source = {
      url: value("url").trim(),
      title: value("title").trim(),
      publisher: value("publisher").trim(),
      stance: value("stance"),
      excerpt: value("excerpt").trim(),
      accessed_on: value("accessed_on") || null,
    };
    // A row left empty (only the defaults) is not a source.
    const empty = !source.url && !source.title && !source.publisher && !source.excerpt;
    if (empty && !row.dataset.sourceId) continue;
    if (row.dataset.sourceId) source.id = Number(row.dataset.sourceId);
    sent.push(source);
    kept.push(row);
  }
  return { sent, rows: kept };
}
