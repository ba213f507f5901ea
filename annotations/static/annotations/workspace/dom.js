// Small DOM helpers shared by the workspace modules. No state, no page lookups at load.

export const $ = (selector, root = document) => root.querySelector(selector);

/** An element from a tag, attributes and children; children are always added as text. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "className") el.className = value;
    else if (name === "dataset") Object.assign(el.dataset, value);
    else if (name === "style") {
      for (const [property, v] of Object.entries(value)) el.style.setProperty(property, v);
    } else el.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** The URL when it is http(s), else null: never a javascript: link. */
export function safeHref(url) {
  return /^https?:\/\//i.test(url || "") ? url : null;
}

export function formatTime(value) {
  if (!value) return "";
  const date = new Date(value);
  return Number.isNaN(date.getTime())
    ? value
    : date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** Say something through the page's status region (#ws-status, a polite live region). */
export function announce(message) {
  const status = document.getElementById("ws-status");
  if (!status) return;
  status.textContent = "";
  // A fresh text node so screen readers announce repeated messages too.
  window.setTimeout(() => {
    status.textContent = message;
  }, 30);
}

/** Whether a key event's target is a place where the keys type text. */
export function isTyping(target) {
  return (
    target instanceof Element && target.closest("input, textarea, select, [contenteditable]") !== null
  );
}

/** "2026-11-20": today in the reader's time zone, as a date input wants it. */
export function today() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** A quote shortened for a one-line prompt. */
export function shorten(text, length = 80) {
  const chars = Array.from(text.replace(/\s+/g, " ").trim());
  return chars.length > length ? `${chars.slice(0, length - 1).join("")}…` : chars.join("");
}
