// The live preview of a Markdown rationale: as one types (after a short pause), the text
// goes to the workspace API's preview endpoint, and the HTML it answers (what would be
// published: the same function renders both) is shown beside the text area. Used by the
// workspace's claim form and by the admin's claim page (../rationale-admin.js).

import { richText } from "./richtext.js";

const DELAY = 250; // ms after the last key

/**
 * Keep `output` showing `source` (a textarea) rendered. `url` is the preview endpoint,
 * `csrfToken` the session's token, `tags` the allow-list's tags. Returns {show, refresh}:
 * show(html) puts known HTML in without asking the server; refresh() asks now.
 */
export function attachPreview({ source, output, url, csrfToken, tags }) {
  let timer = null;
  let controller = null;
  let asked = 0; // only the answer to the latest question is shown

  function show(html) {
    output.removeAttribute("aria-busy");
    output.replaceChildren(
      html ? richText(html, tags) : empty("Nothing to preview yet: the formatted text shows here."),
    );
  }

  function fail(message) {
    output.removeAttribute("aria-busy");
    const note = empty(message);
    note.classList.add("md-error");
    output.replaceChildren(note);
  }

  async function refresh() {
    window.clearTimeout(timer);
    controller?.abort();
    const text = source.value;
    if (!text.trim()) {
      show("");
      return;
    }
    const mine = ++asked;
    controller = new AbortController();
    output.setAttribute("aria-busy", "true");
    let response;
    try {
      response = await fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken },
        body: JSON.stringify({ markdown: text }),
        signal: controller.signal,
      });
    } catch (error) {
      if (mine === asked && error.name !== "AbortError") {
        fail("The preview could not be updated: the server could not be reached. Your text is kept.");
      }
      return;
    }
    const data = await response.json().catch(() => null);
    if (mine !== asked) return;
    if (response.ok && data && typeof data.html === "string") show(data.html);
    else {
      const reason = data && (data.markdown || data.detail);
      fail(`The preview could not be updated: ${[reason].flat().join(" ") || `the server answered ${response.status}`}.`);
    }
  }

  source.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, DELAY);
  });
  return { show, refresh };
}

function empty(message) {
  const p = document.createElement("p");
  p.className = "md-empty";
  p.textContent = message;
  return p;
}
