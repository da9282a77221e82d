// Department pickers (tom-select): type a name, a code or pinyin initials (xxk → 信息科).
// The "nothing matches" text comes translated from the page, in the JSON script
// #picker-no-results.
(function () {
  "use strict";

  function nothingMatches() {
    var element = document.getElementById("picker-no-results");
    return element ? JSON.parse(element.textContent) : "";
  }

  function picker(select) {
    if (select.tomselect || !window.TomSelect) return;
    var multiple = select.multiple;
    new TomSelect(select, {
      plugins: multiple ? ["remove_button"] : (select.required ? [] : ["clear_button"]),
      maxOptions: 1000,
      dataAttr: "data",  // the data-data attribute of each option
      allowEmptyOption: false,  // the empty choice is the placeholder
      searchField: ["text", "code", "initials", "pinyin"],
      hidePlaceholder: true,
      // After a choice the typed words go, so the next department is typed afresh.
      onItemAdd: function () { this.setTextboxValue(""); this.refreshOptions(false); },
      render: {
        no_results: function () {
          var element = document.createElement("div");
          element.className = "no-results";
          element.textContent = nothingMatches();
          return element;
        }
      }
    });
  }

  function init(root) {
    (root || document).querySelectorAll("select[data-picker]").forEach(picker);
  }

  document.addEventListener("DOMContentLoaded", function () {
    init(document);
    if (window.htmx) htmx.onLoad(init);
  });
})();
