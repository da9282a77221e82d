// A page drawn in answer to a refused form (not a redirect) shows the address it stands
// for, so that its links, a refresh and the next form work as on that page; and the
// form's dialog opens again, with what was typed and the error, instead of leaving the
// person on a page where their work seems gone (by its own button, as liaison.js does).
document.addEventListener("DOMContentLoaded", () => {
  const address = document.querySelector('meta[name="page-address"]');
  if (address) window.history.replaceState(null, "", address.content);
  const dialog = document.querySelector(".modal[data-reopen]");
  const button = dialog && document.querySelector(`[data-bs-target="#${dialog.id}"]`);
  if (button) button.click();
});
