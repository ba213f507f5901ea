/* The editor's loop on a claim's desk page: single keys press the buttons and links that
   carry data-shortcut="key" (listed on the page). Keys typed into a field stay text;
   Escape leaves the field. A decision that needs a comment first puts the cursor in the
   comment box (named by data-needs-comment); Ctrl+Enter there sends it. */
'use strict';
{
  const typing = (element) =>
    element && (element.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(element.tagName));
  let pending = null;

  const press = (target) => {
    const commentId = target.dataset.needsComment;
    if (commentId) {
      const comment = document.getElementById(commentId);
      if (comment && !comment.value.trim()) {
        pending = target;
        const hint = document.getElementById('claim-queue-hint');
        if (hint) {
          hint.textContent = `Write the comment, then press Ctrl+Enter to ${target.textContent.trim().toLowerCase()}.`;
          hint.hidden = false;
        }
        comment.focus();
        return;
      }
    }
    if (target.tagName === 'A') {
      window.location.assign(target.href);
    } else {
      target.form.requestSubmit(target);
    }
  };

  document.addEventListener('keydown', (event) => {
    if (event.defaultPrevented || event.isComposing) return;
    const active = document.activeElement;
    if (typing(active)) {
      if (event.key === 'Escape') {
        active.blur();
      } else if (event.key === 'Enter' && (event.ctrlKey || event.metaKey) && pending && active.id === pending.dataset.needsComment) {
        event.preventDefault();
        press(pending);
      }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || event.key.length !== 1) return;
    const key = event.key.toLowerCase();
    const target = [...document.querySelectorAll('[data-shortcut]')].find((el) => el.dataset.shortcut === key);
    if (!target) return;
    event.preventDefault();
    press(target);
  });
}
