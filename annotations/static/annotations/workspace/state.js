// What the page knows: the claims, the open card, the filter and the form's state. No DOM.
//
// Claims: the page embeds a lean list (id, span, status, verdict slug, claim text,
// author, number of sources: annotations/workspace.py), enough for the highlights,
// the filters, the counts and the card summaries. A card's details (rationale,
// sources, history, what you may do) come from the API when it is opened, and every
// write answers with the claim in full: both are kept in state.details with the ETag
// the server sent (state.etags), and the lean entry is derived from them (leanOf), so
// the list never disagrees with what the card shows.

export const NEUTRAL = "#8a949e";

/** The page's #workspace-config (set once by initState). */
export let config = null;
let verdicts = new Map(); // slug → {slug, label, colour, description}
let statusLabels = new Map(); // value → label

export const state = {
  claims: new Map(), // id → lean entry
  details: new Map(), // id → the claim as the API answered it, once loaded
  etags: new Map(), // id → the ETag header that came with state.details (sent as If-Match)
  loading: new Map(), // id → the promise of its details, while they are fetched
  detailErrors: new Map(), // id → why its details could not be loaded
  cardErrors: new Map(), // id → why the open card's last action failed
  activeId: null,
  filter: { verdict: "", status: "" },
  pending: null, // {start, end, exact} while a new claim's form is open
  formMode: null, // "create" | "edit"
  formClaimId: null,
  formEtag: null, // the ETag an edit is written against (null: the claim's current one)
  formDirtyClaim: false,
  confirmDeleteId: null,
  reselectId: null, // a claim whose words the next selection chooses again (anchors.js)
};

export function initState(pageConfig, initialClaims) {
  config = pageConfig;
  verdicts = new Map(config.verdicts.map((v) => [v.slug, v]));
  statusLabels = new Map(config.statuses.map((s) => [s.value, s.label]));
  state.claims = new Map(initialClaims.map((c) => [c.id, c]));
}

/**
 * The lean entry of a claim from the API's full representation (what the page embeds):
 * its span is its appearance in this article, which may not be its first.
 */
export function leanOf(full) {
  const here = (full.appearances || []).find((a) => a.article.id === config.articleId);
  const quote = here ? here.quote : full.quote;
  return {
    id: full.id,
    start: quote.start,
    end: quote.end,
    status: full.status,
    claim: full.claim,
    verdict: full.verdict ? full.verdict.slug : null,
    author: full.author,
    source_count: full.sources.length,
    anchor_state: full.anchor_state,
  };
}

export const sameLean = (a, b) => !!a && !!b && Object.keys(b).every((key) => a[key] === b[key]);

/**
 * Keep a claim the API answered with: its details for the card, its lean entry for the
 * rest, and the answer's ETag. Without one (the claim inside a 409/412 body) the ETag
 * is unknown until the claim is read again: the page never makes one up.
 */
export function remember(full, etag = null) {
  state.details.set(full.id, full);
  state.detailErrors.delete(full.id);
  state.claims.set(full.id, leanOf(full));
  if (etag) state.etags.set(full.id, etag);
  else state.etags.delete(full.id);
}

export function forget(id) {
  state.claims.delete(id);
  state.details.delete(id);
  state.etags.delete(id);
  state.detailErrors.delete(id);
  state.cardErrors.delete(id);
}

export const byTextOrder = (a, b) => a.start - b.start || a.end - b.end || a.id - b.id;

export function sortedClaims() {
  return [...state.claims.values()].sort(byTextOrder);
}

export function matchesFilter(c) {
  const { verdict, status } = state.filter;
  if (verdict === "none" && c.verdict) return false;
  if (verdict && verdict !== "none" && c.verdict !== verdict) return false;
  return !status || c.status === status;
}

export const shownClaims = () => sortedClaims().filter(matchesFilter);

// Lean entries name their verdict by slug; label and colour come from the scale.
export const verdictOf = (c) => (c.verdict ? verdicts.get(c.verdict) : null);
export const verdictLabel = (c) => verdictOf(c)?.label || (c.verdict ? c.verdict : "No verdict");
export const verdictColour = (c) => verdictOf(c)?.colour || NEUTRAL;
export const statusLabelOf = (value) => statusLabels.get(value) || value;
export const statusLabel = (c) => statusLabelOf(c.status);
