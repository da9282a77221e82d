// Long forms keep a local draft while typing: a form marked data-local-draft="<key>" saves
// its fields to this browser's localStorage as you type, and offers to restore them when
// the form is opened again. The draft is cleared once the form was sent and the next page
// no longer shows it, or shows it without errors (the save succeeded). The texts come
// translated from this script's data- attributes (base.html).
(function () {
  "use strict";

  var script = document.currentScript;
  var texts = script ? script.dataset : {};
  var PREFIX = "liaison:draft:";
  var SENT = "liaison:draft-sent";
  // The names shown for the choices of pickers that load their options as one types (people):
  // without them a restored choice would have no option to show.
  var LABELS = " labels";

  function storeKey(form) {
    return PREFIX + form.dataset.localDraft + ":" + location.pathname;
  }

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrfmiddlewaretoken" &&
        ["file", "password", "hidden", "submit", "button"].indexOf(el.type) < 0;
    });
  }

  function read(form) {
    var data = {};
    var labels = {};
    fields(form).forEach(function (el) {
      var key = el.name;
      if (el.tomselect) {
        Array.prototype.forEach.call(el.selectedOptions, function (o) {
          if (o.value) labels[o.value] = o.textContent;
        });
      }
      if (el.type === "checkbox" || el.type === "radio") {
        if (!(key in data)) data[key] = [];
        if (el.checked) data[key].push(el.value);
      } else if (el.multiple) {
        data[key] = Array.prototype.filter.call(el.options, function (o) { return o.selected; })
          .map(function (o) { return o.value; });
      } else {
        data[key] = (data[key] || []).concat([el.value]);
      }
    });
    data[LABELS] = labels;
    return data;
  }

  // A picker's own choices, with an option for each (named as when the draft was kept).
  function choose(tom, values, labels) {
    values.forEach(function (value) {
      if (value && !tom.options[value]) tom.addOption({ value: value, text: labels[value] || value });
    });
    tom.setValue(values);
  }

  function write(form, data) {
    var seen = {};
    var labels = data[LABELS] || {};
    fields(form).forEach(function (el) {
      var values = data[el.name];
      if (!values) return;
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = values.indexOf(el.value) >= 0;
      } else if (el.multiple) {
        if (el.tomselect) choose(el.tomselect, values, labels);
        else Array.prototype.forEach.call(el.options, function (o) { o.selected = values.indexOf(o.value) >= 0; });
      } else if (el.tomselect) {
        // One picker per row (a decision's department, its responsible person): its own value.
        var n = seen[el.name] || 0;
        if (n < values.length) choose(el.tomselect, [values[n]], labels);
        seen[el.name] = n + 1;
      } else {
        var i = seen[el.name] || 0;
        if (i < values.length) el.value = values[i];
        seen[el.name] = i + 1;
      }
      el.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }

  function typed(data) {
    return Object.keys(data).some(function (k) {
      return k !== LABELS && data[k].some(function (v) { return v && v.trim && v.trim() !== ""; });
    });
  }

  function sentKeys() {
    try { return JSON.parse(sessionStorage.getItem(SENT) || "[]"); } catch (e) { return []; }
  }

  function offer(form, saved) {
    var bar = document.createElement("div");
    bar.className = "alert alert-info d-flex flex-wrap align-items-center gap-2";
    bar.setAttribute("data-testid", "draft-offer");
    var text = document.createElement("span");
    text.textContent = texts.offer || "";
    var restore = document.createElement("button");
    restore.type = "button";
    restore.className = "btn btn-sm btn-primary";
    restore.textContent = texts.restore || "";
    restore.setAttribute("data-testid", "draft-restore");
    var discard = document.createElement("button");
    discard.type = "button";
    discard.className = "btn btn-sm";
    discard.textContent = texts.discard || "";
    discard.setAttribute("data-testid", "draft-discard");
    bar.append(text, restore, discard);
    form.insertAdjacentElement("beforebegin", bar);
    restore.addEventListener("click", function () { write(form, saved); bar.remove(); });
    discard.addEventListener("click", function () { localStorage.removeItem(storeKey(form)); bar.remove(); });
  }

  function start() {
    var forms = Array.prototype.slice.call(document.querySelectorAll("form[data-local-draft]"));
    var here = forms.map(storeKey);
    // A form sent from the last page and not shown again, or shown again without errors
    // (saved, then back on the same page): its draft goes.
    sentKeys().forEach(function (key) {
      var i = here.indexOf(key);
      if (i < 0 || !forms[i].querySelector(".is-invalid, .alert-danger, .invalid-feedback")) {
        localStorage.removeItem(key);
      }
    });
    sessionStorage.removeItem(SENT);

    forms.forEach(function (form) {
      var key = storeKey(form);
      var saved = null;
      try { saved = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { saved = null; }
      var now = read(form);
      if (saved && typed(saved) && JSON.stringify(saved) !== JSON.stringify(now)) offer(form, saved);
      var timer = null;
      var save = function () {
        clearTimeout(timer);
        timer = setTimeout(function () {
          try { localStorage.setItem(key, JSON.stringify(read(form))); } catch (e) { /* full or blocked */ }
        }, 300);
      };
      form.addEventListener("input", save);
      form.addEventListener("change", save);
      form.addEventListener("submit", function () {
        var keys = sentKeys();
        keys.push(key);
        sessionStorage.setItem(SENT, JSON.stringify(keys));
      });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
