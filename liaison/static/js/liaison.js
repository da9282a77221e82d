// Small behaviours of Liaison's pages, wired by data- attributes (the Content-Security-Policy
// allows no inline script or event handler). Listeners sit on the document, so content that
// htmx swaps in later behaves the same.
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-copy], [data-print], [data-details], [data-select-on-click], [data-href-with-form]");
    if (!target) return;
    if (target.hasAttribute("data-copy")) {
      // The suggestion's retrieval code, copied for the writer.
      if (navigator.clipboard) navigator.clipboard.writeText(target.dataset.copy);
    } else if (target.hasAttribute("data-print")) {
      window.print();
    } else if (target.hasAttribute("data-details")) {
      // Expand or collapse every <details> inside the element the selector names.
      var open = target.dataset.details === "open";
      document.querySelectorAll(target.dataset.target + " details").forEach(function (details) {
        details.open = open;
      });
    } else if (target.hasAttribute("data-select-on-click")) {
      target.select();
    } else if (target.hasAttribute("data-href-with-form")) {
      // A link that carries its form's current fields (e.g. the ledger of the filtered list).
      var form = target.closest("form");
      if (form) target.href = target.dataset.hrefWithForm + "?" + new URLSearchParams(new FormData(form)).toString();
    }
  });

  // An element with data-hidden-when-checked="#box" is hidden while that checkbox is ticked
  // (the signature of a letter sent anonymously).
  function toggle(root) {
    (root || document).querySelectorAll("[data-hidden-when-checked]").forEach(function (element) {
      var box = document.querySelector(element.dataset.hiddenWhenChecked);
      if (box) element.hidden = box.checked;
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.type === "checkbox") toggle(document);
  });
  document.addEventListener("DOMContentLoaded", function () { toggle(document); });

  // A checkbox with data-select-all="name" ticks or clears every checkbox of that name
  // (the to-do's selection for actions on several matters).
  document.addEventListener("change", function (event) {
    var all = event.target.closest("[data-select-all]");
    if (!all) return;
    document.querySelectorAll('input[type="checkbox"][name="' + all.dataset.selectAll + '"]').forEach(function (box) {
      box.checked = all.checked;
    });
  });

  // A form's data-current-query field carries the address as it is now (htmx may have
  // changed the filters since the page was drawn), e.g. a to-do view being saved.
  document.addEventListener("submit", function (event) {
    event.target.querySelectorAll("input[data-current-query]").forEach(function (input) {
      input.value = window.location.search.replace(/^\?/, "");
    });
  });

  // A link to "#act-<action>" (the to-do's decisions) opens that action's form on the
  // matter page, as its button would.
  document.addEventListener("DOMContentLoaded", function () {
    if (!/^#act-[a-z-]+$/.test(window.location.hash)) return;
    var button = document.querySelector('[data-bs-target="' + window.location.hash + '"]');
    if (button) button.click();
  });
})();
