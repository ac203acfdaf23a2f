// The comment form's signed timestamp (a spam defence, comments/spam.py), for the page every
// anonymous reader shares, which holds none: asked for when the visitor starts on the form,
// so it says when they began to write; a post sent before the answer came waits for it.
// Without JavaScript, the first post gets the form back with a fresh timestamp, to post again.
(function () {
  "use strict";
  var form = document.getElementById("commentform");
  var field = form && form.querySelector("input[name=timestamp]");
  var url = form && form.getAttribute("data-timestamp-url");
  if (!field || !url || field.value || !window.fetch) return;
  var pending = null;
  var waited = false;
  function ask() {
    if (!pending) {
      pending = fetch(url, { credentials: "same-origin", cache: "no-store" })
        .then(function (response) { return response.ok ? response.text() : ""; })
        .then(function (token) { if (token && !field.value) field.value = token.trim(); })
        .catch(function () {});  // the server then asks the visitor to post again
    }
    return pending;
  }
  form.addEventListener("focusin", ask);
  form.addEventListener("pointerdown", ask);
  form.addEventListener("submit", function (event) {
    if (field.value || waited) return;
    event.preventDefault();
    var submitter = event.submitter;
    ask().then(function () {
      waited = true;
      if (form.requestSubmit) form.requestSubmit(submitter || undefined);
      else form.submit();
    });
  });
})();
