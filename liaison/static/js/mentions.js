// @mentions: typing "@" and a few letters (name, pinyin or initials) in a textarea with
// data-mentions-url suggests people from org's people search; choosing one (click, Enter
// or Tab) puts "@姓名 " in place of what was typed. Escape closes the list.
(function () {
  "use strict";

  var TYPED = /@([^\s@]{0,20})$/;  // the "@…" just before the caret

  function mentions(textarea) {
    if (textarea.dataset.mentionsReady) return;
    textarea.dataset.mentionsReady = "1";
    var list = document.createElement("div");
    list.className = "dropdown-menu mention-menu";
    list.setAttribute("role", "listbox");
    textarea.parentNode.classList.add("position-relative");
    textarea.insertAdjacentElement("afterend", list);
    var people = [];
    var active = 0;
    var asked = 0;

    function typed() {
      var before = textarea.value.slice(0, textarea.selectionStart);
      var match = TYPED.exec(before);
      return match ? { start: before.length - match[0].length, query: match[1] } : null;
    }

    function close() {
      list.classList.remove("show");
      people = [];
    }

    function show() {
      list.textContent = "";
      people.forEach(function (person, index) {
        var item = document.createElement("button");
        item.type = "button";
        item.className = "dropdown-item" + (index === active ? " active" : "");
        item.setAttribute("role", "option");
        item.dataset.testid = "mention-option";
        item.textContent = person.text;
        if (person.where) {
          var where = document.createElement("span");
          where.className = "small text-secondary ms-2";
          where.textContent = person.where;
          item.appendChild(where);
        }
        item.addEventListener("mousedown", function (event) {
          event.preventDefault();  // keep the caret in the textarea
          choose(index);
        });
        list.appendChild(item);
      });
      // Just under the textarea (set through the CSSOM, which the CSP allows).
      list.style.top = textarea.offsetTop + textarea.offsetHeight + "px";
      list.style.left = textarea.offsetLeft + "px";
      list.classList.toggle("show", people.length > 0);
    }

    function choose(index) {
      var at = typed();
      var person = people[index];
      if (!at || !person) return close();
      var caret = textarea.selectionStart;
      var inserted = "@" + person.text + " ";
      textarea.value = textarea.value.slice(0, at.start) + inserted + textarea.value.slice(caret);
      var position = at.start + inserted.length;
      textarea.setSelectionRange(position, position);
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
      close();
    }

    textarea.addEventListener("input", function () {
      var at = typed();
      if (!at || !at.query) return close();
      var ask = ++asked;
      var url = new URL(textarea.dataset.mentionsUrl, window.location.href);
      url.searchParams.set("q", at.query);
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (body) {
          if (ask !== asked) return;  // a later keystroke asked again
          people = body.results.slice(0, 8);
          active = 0;
          show();
        })
        .catch(close);
    });

    textarea.addEventListener("keydown", function (event) {
      if (!list.classList.contains("show")) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        active = (active + (event.key === "ArrowDown" ? 1 : people.length - 1)) % people.length;
        show();
      } else if (event.key === "Enter" || event.key === "Tab") {
        event.preventDefault();
        choose(active);
      } else if (event.key === "Escape") {
        close();
      }
    });
    textarea.addEventListener("blur", close);
  }

  function init(root) {
    (root || document).querySelectorAll("textarea[data-mentions-url]").forEach(mentions);
  }

  document.addEventListener("DOMContentLoaded", function () {
    init(document);
    if (window.htmx) htmx.onLoad(init);
  });
})();
