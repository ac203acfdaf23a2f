// The moderation queue (comments/admin_queue.py): each row's Approve / Spam / Not spam / Trash
// buttons decide in the background and the row is updated in place; and the keyboard, as on
// WordPress's Comments screen: j / k move to the next / previous comment, a approves, s marks
// as spam (or not spam), t trashes. Without JavaScript the buttons post the list's form and
// the page comes back with a message.
// The admin loads this in <head>: it starts once the list is parsed.
(function () {
  "use strict";
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }

  function start() {
    var table = document.getElementById("result_list");
    var form = document.getElementById("changelist-form");
    if (!table || !form) return;
    var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr"));
    if (!rows.length) return;
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");

    // Where each decision is announced to screen readers.
    var status = document.createElement("p");
    status.className = "queue-status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    table.parentNode.insertBefore(status, table);

    var keys = document.querySelector(".queue-keys");
    if (keys) keys.hidden = false;  // the keys work only with this script

    var current = -1;
    rows.forEach(function (row) { row.tabIndex = -1; });

    function select(index) {
      if (index < 0 || index >= rows.length) return;
      if (current >= 0) rows[current].classList.remove("queue-current");
      current = index;
      rows[current].classList.add("queue-current");
      rows[current].focus();
    }

    function cell(row, name) {
      return row.querySelector(".field-" + name);
    }

    function decide(button) {
      var row = button.closest("tr");
      var body = new FormData();
      body.append("csrfmiddlewaretoken", token ? token.value : "");
      body.append("queue_decision", button.value);
      row.setAttribute("aria-busy", "true");
      return fetch(button.getAttribute("formaction"), {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "Accept": "application/json" }
      }).then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      }).then(function (data) {
        var badge = row.querySelector(".field-status_badge .comment-badge");
        var reason = cell(row, "moderation_reason");
        var buttons = row.querySelector(".queue-buttons");
        if (badge) badge.outerHTML = data.status_html;
        if (reason) reason.textContent = data.reason;
        if (buttons) buttons.innerHTML = data.buttons_html;
        row.dataset.queueStatus = data.status;
        status.textContent = data.message;
      }).catch(function () {
        // the page's own way: post the form and reload
        button.dataset.queueFallback = "1";
        button.click();
      }).finally(function () {
        row.removeAttribute("aria-busy");
      });
    }

    form.addEventListener("click", function (event) {
      var button = event.target.closest("button.queue-button");
      if (!button || button.dataset.queueFallback || !window.fetch) return;
      event.preventDefault();
      select(rows.indexOf(button.closest("tr")));
      decide(button);
    });

    document.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      var target = event.target;
      if (target.closest("input, textarea, select, [contenteditable]")) return;
      var key = event.key;
      if (key === "j") { select(current + 1); event.preventDefault(); return; }
      if (key === "k") { select(current < 0 ? 0 : current - 1); event.preventDefault(); return; }
      if (current < 0 || ["a", "s", "t"].indexOf(key) < 0) return;
      var button = rows[current].querySelector('button.queue-button[data-queue-key="' + key + '"]');
      if (button) { event.preventDefault(); decide(button); }
    });
  }
})();
