// A form in a dialog that came back with an error opens again, with what was typed and
// the error, instead of leaving the person on a page where their work seems gone.
document.addEventListener("DOMContentLoaded", () => {
  const dialog = document.querySelector(".modal[data-reopen]");
  if (dialog && window.bootstrap) window.bootstrap.Modal.getOrCreateInstance(dialog).show();
});
