// Department pickers (tom-select): type a name, a code or pinyin initials (xxk → 信息科);
// departments show as a tree, indented by level. People pickers (data-people-url) ask the
// server as one types (name, pinyin, initials, employee number), narrowed to the department
// chosen in the field named by data-filter-by. The "nothing matches" text comes translated
// from the page, in the JSON script #picker-no-results. In a scrolling box (a table's
// .table-responsive) the list opens on the page's body, so the box does not clip it.
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

  // Inside a box that clips what overflows it, the list would be cut off at its edge. A
  // modal scrolls as a whole and stacks above the body, so its lists stay in it.
  function inClippingBox(select) {
    for (var box = select.parentElement; box && box !== document.body; box = box.parentElement) {
      if (box.classList.contains("modal")) return false;
      var style = getComputedStyle(box);
      if (style.overflowX !== "visible" || style.overflowY !== "visible") return true;
    }
    return false;
  }

  // Where the list opens: on the body in a clipping box (placed under its field by
  // place()), else in the picker itself.
  function dropdownParent(select) {
    return inClippingBox(select) ? "body" : null;
  }

  // A list on the body follows its field when a box around it scrolls (tom-select follows
  // only the window); it opens above the field when the window has no room for it below
  // (a field at the bottom of the page), stays within the page's width on a phone, and is
  // wide enough for a name with its department even under a narrow field.
  function place(tom) {
    if (tom.settings.dropdownParent !== "body") return;
    var tallest = parseFloat(getComputedStyle(tom.dropdown_content).maxHeight) || 0;
    tom.positionDropdown = function () {
      var rect = tom.control.getBoundingClientRect();
      var dropdown = tom.dropdown;
      var gap = parseFloat(getComputedStyle(dropdown).marginTop) || 0;
      var width = Math.max(rect.width, 192);
      var left = Math.max(0, Math.min(rect.left, document.documentElement.clientWidth - width));
      // Which side by the list's full height, so it does not jump sides as one types.
      var full = Math.max(dropdown.offsetHeight, tallest) + gap;
      var above = rect.bottom + full > window.innerHeight && rect.top - full >= 0;
      var top = above ? rect.top - dropdown.offsetHeight - 2 * gap : rect.bottom;
      dropdown.style.top = top + window.scrollY + "px";
      dropdown.style.left = left + window.scrollX + "px";
      dropdown.style.width = width + "px";
    };
    document.addEventListener("scroll", function (event) {
      if (tom.isOpen && !tom.dropdown.contains(event.target)) tom.positionDropdown();
    }, true);
    // Loaded or filtered options change its height: above the field, its foot stays put.
    tom.hook("after", "refreshOptions", function () {
      if (tom.isOpen) tom.positionDropdown();
    });
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
      dropdownParent: dropdownParent(select),
      valueField: "value",
      labelField: "text",
      searchField: ["text", "pinyin", "initials", "employee_number"],
      dataAttr: "data",
      allowEmptyOption: false,
      hidePlaceholder: true,
      preload: "focus",
      shouldLoad: function () { return true; },
      load: function (query, callback) {
        var self = this;
        var department = filter ? filter.value : "";
        var url = new URL(select.dataset.peopleUrl, window.location.href);
        url.searchParams.set("q", query);
        if (department) url.searchParams.set("department", department);
        fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
          .then(function (response) { return response.json(); })
          .then(function (body) {
            // An answer that comes after the department changed lists the wrong people.
            var people = department === (filter ? filter.value : "") ? body.results : [];
            // One for words no longer typed (a name was chosen meanwhile from the list shown)
            // is kept without opening the list again over the next field.
            if (!self.isOpen && query !== self.inputValue()) {
              self.addOptions(people);
              self.loading = Math.max(self.loading - 1, 0);
              if (!self.loading) self.wrapper.classList.remove(self.settings.loadingClass);
              return;
            }
            callback(people);
          })
          .catch(function () { callback(); });
      },
      closeAfterSelect: !select.multiple,
      onItemAdd: function () {
        clearTimeout(this.refreshTimeout);  // as for departments: no list reopened late
        this.refreshTimeout = null;
        this.setTextboxValue("");
        if (select.multiple) this.refreshOptions(false);
      },
      render: { option: personOption, no_results: noResults }
    });
    place(tom);
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
    var tom = new TomSelect(select, {
      plugins: plugins(select),
      dropdownParent: dropdownParent(select),
      maxOptions: 1000,
      dataAttr: "data",  // the data-data attribute of each option
      allowEmptyOption: false,  // the empty choice is the placeholder
      searchField: ["text", "code", "initials", "pinyin"],
      hidePlaceholder: true,
      // After a choice the typed words go, so the next department is typed afresh; a
      // single choice closes the list, so that the next field takes the pointer.
      closeAfterSelect: !select.multiple,
      onItemAdd: function () {
        // A choice made within 300 ms of typing (tom-select's refreshThrottle) would see the
        // list reopen over the next field when the delayed filtering of the typed words runs:
        // the choice made, that filtering is dropped.
        clearTimeout(this.refreshTimeout);
        this.refreshTimeout = null;
        this.setTextboxValue("");
        if (select.multiple) this.refreshOptions(false);
      },
      render: { option: departmentOption, no_results: noResults }
    });
    place(tom);
  }

  function init(root) {
    (root || document).querySelectorAll("select[data-picker]").forEach(picker);
  }

  document.addEventListener("DOMContentLoaded", function () {
    init(document);
    if (window.htmx) htmx.onLoad(init);
  });
  // A picker that htmx swaps out takes its list on the body with it.
  document.addEventListener("htmx:beforeCleanupElement", function (event) {
    var tom = event.target.tomselect;
    if (tom && tom.settings.dropdownParent === "body") tom.dropdown.remove();
  });
})();
