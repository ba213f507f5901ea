// Small fixes to the admin's own widgets, on every desk page (admin/base_site.html).
// select2 (the admin's search-as-you-type select) leaves the text box inside its combobox
// without a name, which screen readers then announce as "text box": give it the label of
// the field it stands for, whenever one appears (jQuery sets them up after the page is ready,
// and again for each inline row added).
"use strict";
{
  const nameSelect2Boxes = () => {
    const boxes = document.querySelectorAll(
      ".select2-selection__rendered[role=textbox]:not([aria-label])",
    );
    for (const box of boxes) {
      const id = box.id.replace(/^select2-/, "").replace(/-container$/, "");
      const label = document.querySelector(`label[for="${CSS.escape(id)}"]`);
      box.setAttribute("aria-label", (label ? label.textContent : "Search").replace(/:\s*$/, "").trim());
    }
  };
  new MutationObserver(nameSelect2Boxes).observe(document.documentElement, {
    childList: true,
    subtree: true,
  });
}
