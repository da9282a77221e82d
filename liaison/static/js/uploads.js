// Files too large are refused in the browser before they are sent: a file input with
// data-max-bytes (the server's limit) and data-too-large (its translated message, with
// {name} for the file) marks itself invalid and its form does not submit. The server
// checks again; this only saves waiting for a large upload to be refused.
(function () {
  "use strict";

  function tooLarge(input) {
    var limit = parseInt(input.dataset.maxBytes, 10);
    var files = Array.prototype.slice.call(input.files || []);
    return files.filter(function (file) { return file.size > limit; });
  }

  function check(input) {
    var refused = tooLarge(input);
    var message = refused.map(function (file) {
      return input.dataset.tooLarge.replace("{name}", file.name);
    }).join(" ");
    input.setCustomValidity(message);
    input.classList.toggle("is-invalid", refused.length > 0);
    var feedback = input.parentNode.querySelector(".upload-too-large");
    if (!feedback) {
      feedback = document.createElement("div");
      feedback.className = "invalid-feedback upload-too-large";
      feedback.setAttribute("data-testid", "upload-too-large");
      input.insertAdjacentElement("afterend", feedback);
    }
    feedback.textContent = message;
    return refused.length === 0;
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input.matches && input.matches("input[type=file][data-max-bytes]")) check(input);
  });

  // Capture phase: refuse before htmx or the browser sends the form.
  document.addEventListener("submit", function (event) {
    var inputs = event.target.querySelectorAll("input[type=file][data-max-bytes]");
    var ok = true;
    inputs.forEach(function (input) { ok = check(input) && ok; });
    if (!ok) {
      event.preventDefault();
      event.stopImmediatePropagation();
      inputs[0].reportValidity();
    }
  }, true);
})();
