// The server's answers to a refused save, shown in the claim form: field errors next to
// their fields (DRF's nesting for sources included), the rest at the top of the form.

import { $, announce, h } from "./dom.js";

let form = null;
let formErrors = null;

export function initFormErrors(formEl) {
  form = formEl;
  formErrors = $("#claim-form-errors", form);
}

const SOURCE_FIELDS = {
  url: "URL",
  title: "Title",
  publisher: "Publisher",
  stance: "Stance",
  excerpt: "Excerpt",
  accessed_on: "Accessed on",
  archived_url: "Archived URL",
};

/** Every message in an error value, however deeply DRF nested it. */
function flatMessages(value) {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(flatMessages);
  if (value && typeof value === "object") return Object.values(value).flatMap(flatMessages);
  return [];
}

export function clearErrors() {
  formErrors.hidden = true;
  formErrors.replaceChildren();
  for (const el of form.querySelectorAll(".field-error")) {
    el.hidden = true;
    el.textContent = "";
  }
  for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
}

/**
 * Show an error answer: `data` as the API sent it, `rows` the source rows in the order
 * their sources were sent, `status` the HTTP status (0 when the server was not reached).
 */
export function showFormErrors(data, rows, status) {
  clearErrors();
  const general = [];
  const put = (el, messages, input) => {
    el.textContent = messages.join(" ");
    el.hidden = false;
    if (input) input.setAttribute("aria-invalid", "true");
  };
  if (!data || typeof data !== "object") {
    general.push(`The server answered ${status}; your input is kept. Try again in a moment.`);
  } else {
    for (const [field, value] of Object.entries(data)) {
      if (field === "current") continue;
      if (["claim", "verdict", "rationale"].includes(field)) {
        put($(`#err-${field}`, form), flatMessages(value), form.elements[field]);
      } else if (field === "sources") {
        // Per-row errors come as a list of objects or as {"0": {...}} keyed by position.
        const perRow = Array.isArray(value)
          ? value.map((item, i) => [i, item])
          : value && typeof value === "object"
            ? Object.entries(value).map(([i, item]) => [Number(i), item])
            : [];
        if (perRow.some(([, item]) => item && typeof item === "object" && !Array.isArray(item))) {
          perRow.forEach(([i, item]) => {
            if (!item || typeof item !== "object" || Array.isArray(item) || !rows[i]) return;
            const parts = Object.entries(item).map(
              ([name, msgs]) => `${SOURCE_FIELDS[name] || name}: ${flatMessages(msgs).join(" ")}`,
            );
            if (!parts.length) return;
            put($(".field-error", rows[i]), parts);
            for (const name of Object.keys(item)) {
              rows[i].elements.namedItem(name)?.setAttribute("aria-invalid", "true");
            }
          });
        } else {
          put($("#err-sources", form), flatMessages(value));
        }
      } else if (field === "detail" || field === "non_field_errors") {
        general.push(...flatMessages(value));
      } else {
        // start/end/exact messages speak for themselves; name any other field.
        const named = ["start", "end", "exact"].includes(field);
        general.push(...flatMessages(value).map((m) => (named ? m : `${field}: ${m}`)));
      }
    }
  }
  if (status === 409 || status === 412) {
    general.push("Your input is kept: saving again will replace the newer version with it.");
  }
  if (general.length) {
    formErrors.replaceChildren(...general.map((m) => h("p", {}, m)));
    formErrors.hidden = false;
  }
  const firstInvalid = form.querySelector("[aria-invalid=true]");
  if (firstInvalid && !general.length) firstInvalid.focus();
  announce("The claim was not saved: see the messages in the form.");
}
