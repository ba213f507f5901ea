// A rationale's sanitised HTML (the server's richtext.render_markdown) put into the page
// without innerHTML: parsed in an inert document (no script runs, nothing loads), then
// copied element by element, keeping only the tags of the server's allow-list (the page
// names them) and http(s)/mailto links. Everything else leaves only its text.

const SAFE_HREF = /^(?:https?:\/\/|mailto:)/i;
const DROPPED = new Set(["script", "style", "template", "noscript"]);
const LINK_REL = "nofollow noopener noreferrer";

/** A fragment holding `html`'s allowed formatting and all of its text. */
export function richText(html, allowedTags) {
  const allowed = new Set(allowedTags);
  const parsed = new DOMParser().parseFromString(html || "", "text/html");
  const fragment = document.createDocumentFragment();
  copy(parsed.body, fragment, allowed);
  return fragment;
}

function copy(from, into, allowed) {
  for (const node of from.childNodes) {
    if (node.nodeType === Node.TEXT_NODE) {
      into.append(node.data);
    } else if (node.nodeType === Node.ELEMENT_NODE && !DROPPED.has(node.localName)) {
      if (!allowed.has(node.localName)) {
        copy(node, into, allowed);
        continue;
      }
      const el = document.createElement(node.localName);
      if (el.localName === "a") {
        const href = (node.getAttribute("href") || "").trim();
        if (SAFE_HREF.test(href)) el.setAttribute("href", href);
        if (node.getAttribute("title")) el.setAttribute("title", node.getAttribute("title"));
        el.setAttribute("rel", LINK_REL);
        el.setAttribute("target", "_blank"); // the page holds unsaved work: never leave it
      }
      copy(node, el, allowed);
      into.append(el);
    }
  }
}
