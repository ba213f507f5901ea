// The admin's claim page: the rationale's Markdown with its preview beside it
// (templates annotations/widgets/markdown_preview.html). The data-* attributes name the
// text area, the preview endpoint and the allow-list's tags; the form holds the CSRF token.

import { attachPreview } from "./workspace/preview.js";

for (const output of document.querySelectorAll("[data-markdown-preview]")) {
  const source = document.getElementById(output.dataset.source);
  const token = output.closest("form")?.querySelector("input[name=csrfmiddlewaretoken]");
  if (!source || !token) continue;
  attachPreview({
    source,
    output,
    url: output.dataset.url,
    csrfToken: token.value,
    tags: output.dataset.tags.split(" "),
  });
}
