// The workspace API: its addresses (from the page's config), the CSRF token, JSON in and
// out, and the ETag of every answer. Callers send an ETag back as If-Match exactly as it
// came: its format is the server's business (it is not "claim-<id>-v<n>" any more).

let settings = null;

export function configureApi(given) {
  const { csrfToken, claimsUrl, claimUrl, transitionsUrl, anchorUrl } = given;
  const { appearancesUrl, similarUrl, claimantsUrl } = given;
  settings = { csrfToken, claimsUrl, claimUrl, transitionsUrl, anchorUrl };
  Object.assign(settings, { appearancesUrl, similarUrl, claimantsUrl });
}

const claimUrl = (id) => settings.claimUrl.replace("{id}", String(id));
const transitionsUrl = (id) => settings.transitionsUrl.replace("{id}", String(id));

/**
 * One request; resolves to {ok, status, data, etag} (data is the JSON body or null),
 * rejects only when the server could not be reached.
 */
async function request(method, url, { body = null, ifMatch = null, fresh = false } = {}) {
  const headers = { Accept: "application/json", "X-CSRFToken": settings.csrfToken };
  if (body) headers["Content-Type"] = "application/json";
  if (ifMatch) headers["If-Match"] = ifMatch;
  const response = await fetch(url, {
    method,
    credentials: "same-origin",
    headers,
    body: body ? JSON.stringify(body) : undefined,
    // Not from the HTTP cache: the answer carries this user's permissions.
    cache: fresh ? "no-store" : "default",
  });
  let data = null;
  if (response.status !== 204) {
    try {
      data = await response.json();
    } catch {
      data = null;
    }
  }
  return { ok: response.ok, status: response.status, data, etag: response.headers.get("ETag") };
}

export const readClaim = (id) => request("GET", claimUrl(id), { fresh: true });

export const createClaim = (payload) => request("POST", settings.claimsUrl, { body: payload });

export const updateClaim = (id, payload, etag) =>
  request("PATCH", claimUrl(id), { body: payload, ifMatch: etag });

export const deleteClaim = (id, etag) => request("DELETE", claimUrl(id), { ifMatch: etag });

export const transitionClaim = (id, action, comment, etag) =>
  request("POST", transitionsUrl(id), { body: { action, comment }, ifMatch: etag });

const withQuery = (url, params) => `${url}?${new URLSearchParams(params)}`;

/** Claims worded like `text`, best first ({results: [...]}); line breaks are spaces here. */
export const similarClaims = (text, limit = 5) =>
  request("GET", withQuery(settings.similarUrl, { text: words(text).slice(0, 1000), limit }));

const words = (text) => text.replace(/\s+/g, " ").trim();

/** Claimants whose name holds what was typed. */
export const claimantSuggestions = (q) =>
  request("GET", withQuery(settings.claimantsUrl, { q: q.slice(0, 200) }));

/** Say the claim `id` is also made here: `{article, start, end, exact}`. */
export const attachHere = (id, span) =>
  request("POST", settings.appearancesUrl.replace("{id}", String(id)), { body: span });
export const anchorClaim = (id, body, etag) =>
  request("POST", settings.anchorUrl.replace("{id}", String(id)), { body, ifMatch: etag });

/** A 409 or 412 whose body holds the claim as it now is ({detail, current}). */
export const staleCurrent = ({ status, data }) =>
  (status === 409 || status === 412) && data && data.current ? data.current : null;

/** What went wrong, for a person, from an answer that was not ok. */
export function errorText({ status, data }) {
  if (status === 404) return "This claim no longer exists, or you may no longer see it: reload the page.";
  if (data && typeof data === "object") {
    if (typeof data.detail === "string") return data.detail;
    const messages = Object.values(data).flat().filter((m) => typeof m === "string");
    if (messages.length) return messages.join(" ");
  }
  return `The server answered ${status}. Reload the page and try again.`;
}
