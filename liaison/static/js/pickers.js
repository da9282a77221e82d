// Department pickers (tom-select): type a name, a code or pinyin initials (xxk → 信息科);
// departments show as a tree, indented by level. People pickers (data-people-url) ask the
// server as one types (name, pinyin, initials, employee number), narrowed to the department
// chosen in the field named by data-filter-by. The "nothing matches" text comes translated
// from the page, in the JSON script #picker-no-results.
(function () {
  "use strict";

  // A text translated by the page, in a JSON script with this id.
  function translated(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : "";
  }

  function nothingMatches() {
    return translated("picker-no-results");
  }

  // Remove and clear buttons, their tooltips in the page's language (not "Clear All").
  function plugins(select) {
    if (select.multiple) return { remove_button: { title: translated("picker-remove") } };
    return select.required ? {} : { clear_button: { title: translated("picker-clear") } };
  }

  function noResults() {
    var element = document.createElement("div");
    element.className = "no-results";
    element.textContent = nothingMatches();
    return element;
  }

  // A department indented by its level in the tree (data-data's "level").
  function departmentOption(data) {
    var element = document.createElement("div");
    element.className = "picker-level-" + Math.min(data.level || 0, 5);
    element.textContent = data.text;
    return element;
  }

  // A person with their position and where they work, so namesakes tell apart.
  function personOption(data) {
    var element = document.createElement("div");
    element.textContent = data.title ? data.text + " · " + data.title : data.text;
    if (data.where) {
      var where = document.createElement("div");
      where.className = "small text-secondary";
      where.textContent = data.where;
      element.appendChild(where);
    }
    return element;
  }

  function peoplePicker(select) {
    var by = select.dataset.filterBy;
    // The department field: an element id, else the name of a field of the same form.
    var filter = by ? document.getElementById(by) || (select.form && select.form.elements[by]) : null;
    var tom = new TomSelect(select, {
      plugins: plugins(select),
      valueField: "value",
      labelField: "text",
      searchField: ["text", "pinyin", "initials", "employee_number"],
      dataAttr: "data",
      allowEmptyOption: false,
      hidePlaceholder: true,
      preload: "focus",
      shouldLoad: function () { return true; },
      load: function (query, callback) {
        var url = new URL(select.dataset.peopleUrl, window.location.href);
        url.searchParams.set("q", query);
        if (filter && filter.value) url.searchParams.set("department", filter.value);
        fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
          .then(function (response) { return response.json(); })
          .then(function (body) { callback(body.results); })
          .catch(function () { callback(); });
      },
      closeAfterSelect: !select.multiple,
      onItemAdd: function () {
        this.setTextboxValue("");
        if (select.multiple) this.refreshOptions(false);
      },
      render: { option: personOption, no_results: noResults }
    });
    if (filter) {
      // Another department: its own people, and the one chosen before goes.
      filter.addEventListener("change", function () {
        tom.clear();
        tom.clearOptions();
        tom.wrapper.classList.remove("preloaded");
      });
    }
  }

  function picker(select) {
    if (select.tomselect || !window.TomSelect) return;
    if (select.dataset.peopleUrl) return peoplePicker(select);
    new TomSelect(select, {
      plugins: plugins(select),
      maxOptions: 1000,
      dataAttr: "data",  // the data-data attribute of each option
      allowEmptyOption: false,  // the empty choice is the placeholder
      searchField: ["text", "code", "initials", "pinyin"],
      hidePlaceholder: true,
      // After a choice the typed words go, so the next department is typed afresh; a
      // single choice closes the list, so that the next field takes the pointer.
      closeAfterSelect: !select.multiple,
      onItemAdd: function () {
        this.setTextboxValue("");
        if (select.multiple) this.refreshOptions(false);
      },
      render: { option: departmentOption, no_results: noResults }
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
