// The claim form's source rows: one <fieldset> per source from the page's template, their
// values as typed (kept in drafts) and as the API takes them.

import { $, today } from "./dom.js";

let rows = null;
let template = null;
const FIELDS = ["url", "title", "publisher", "stance", "excerpt", "accessed_on"];

export function initSources({ rowsEl, templateEl }) {
  rows = rowsEl;
  template = templateEl;
}

export function addSourceRow(source = null) {
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

export function numberSourceRows() {
  [...rows.children].forEach((row, i) => {
    $(".source-number", row).textContent = String(i + 1);
  });
}

/** Every row as typed, empty ones too (what a draft keeps). */
export function sourceValues() {
  return [...rows.children].map((row) => {
    const source = { id: row.dataset.sourceId ? Number(row.dataset.sourceId) : null };
    for (const name of FIELDS) source[name] = row.elements.namedItem(name).value;
    return source;
  });
}

export function fillSources(sources) {
  rows.replaceChildren();
  for (const s of sources || []) addSourceRow(s);
  if (!rows.children.length) addSourceRow();
}

/** The sources as the API takes them, and the rows they came from (for field errors). */
export function sourcePayload() {
  const sent = [];
  const sentRows = [];
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
    sentRows.push(row);
  }
  return { sources: sent, rows: sentRows };
}
