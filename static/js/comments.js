// An old link's "#comment-45" (an imported comment's WordPress anchor, or a comment of the
// site) that is not on this page: the server says which page holds it
// (comments.views.find_anchor). Without JavaScript such a link opens the first page.
(function () {
  "use strict";
  var match = /^#comment-(\d{1,18})$/.exec(location.hash);
  var section = document.getElementById("comments");
  if (!match || !section || !section.dataset.findUrl) return;
  var asked = "comments-find";  // asked once: never a loop, whatever the answer
  try {
    if (document.getElementById("comment-" + match[1]) || sessionStorage.getItem(asked) === location.hash) {
      sessionStorage.removeItem(asked);
      return;
    }
    sessionStorage.setItem(asked, location.hash);
  } catch (e) {
    return;  // no storage: stay on this page
  }
  location.replace(section.dataset.findUrl.replace(/comment-0\/$/, "comment-" + match[1] + "/"));
})();

// Progressive enhancement of the comment form: "Reply" moves the form under the comment
// without a reload, "Cancel reply" puts it back. Without JavaScript the same links reload the
// page with ?replytocom=N, which the server understands. Below, Preview and Edit in place.
(function () {
  "use strict";
  var respond = document.getElementById("respond");
  if (!respond) return;
  var form = document.getElementById("commentform");
  var parentInput = form && form.querySelector("input[name=parent]");
  var title = document.getElementById("reply-title-text");
  var cancel = document.getElementById("cancel-comment-reply-link");
  if (!form || !parentInput || !title || !cancel) return;

  var home = document.createElement("div");
  home.id = "respond-home";
  home.hidden = true;
  respond.parentNode.insertBefore(home, respond);
  var body = form.querySelector("textarea[name=body]");
  // The titles in the page's language (comments/form.html); %(name)s is the author's name.
  var titleNew = title.dataset.title || "Leave a Reply";
  var titleReply = title.dataset.titleReply || "Leave a Reply to %(name)s";

  // The form came back with errors: start at their summary, which links to each field. Only
  // once the page has loaded: Chromium clears focus when it scrolls to #respond just before.
  var errors = document.getElementById("comment-errors");
  if (errors) {
    if (document.readyState === "complete") errors.focus();
    else window.addEventListener("load", function () { errors.focus(); });
  }

  function moveTo(comment, id, author) {
    var article = comment.querySelector(":scope > .comment-body");
    (article || comment).insertAdjacentElement("afterend", respond);
    parentInput.value = id;
    title.textContent = titleReply.replace("%(name)s", author);
    cancel.hidden = false;
    if (body) body.focus();
  }

  function reset() {
    home.parentNode.insertBefore(respond, home.nextSibling);
    parentInput.value = "";
    title.textContent = titleNew;
    cancel.hidden = true;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a.comment-reply-link");
    if (!link) return;
    var comment = document.getElementById("comment-" + link.dataset.replyTo);
    if (!comment) return;
    event.preventDefault();
    moveTo(comment, link.dataset.replyTo, link.dataset.author);
  });

  cancel.addEventListener("click", function (event) {
    event.preventDefault();
    var wasReplyingTo = parentInput.value;
    reset();
    var link = wasReplyingTo && document.querySelector('a.comment-reply-link[data-reply-to="' + wasReplyingTo + '"]');
    if (link) link.focus(); else if (body) body.focus();
  });
})();

// Progressive enhancement of Preview and Edit. Without JavaScript, Preview posts the form and
// the page comes back with the comment rendered above it, and Edit is a page of its own; with
// it, the preview appears in place (comments:preview), and the Edit page's form opens under the
// comment, its errors shown there with the text kept. Nothing here is needed for either to work.
(function () {
  "use strict";

  function slotFor(form) {
    return form.querySelector(".comment-preview-slot") ||
      (form.parentNode && form.parentNode.querySelector(".comment-preview-slot"));
  }

  function preview(form) {
    var slot = slotFor(form);
    if (!slot || !form.dataset.previewUrl) return false;
    var data = new FormData(form);
    fetch(form.dataset.previewUrl, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
    }).then(function (response) { return response.text(); }).then(function (html) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      var fragment = doc.getElementById("comment-preview-content");
      slot.replaceChildren();
      if (fragment) slot.appendChild(document.importNode(fragment, true));
    }).catch(function () { form.submit(); });
    return true;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[name=preview], input[name=preview]");
    if (!button || !button.form) return;
    if (preview(button.form)) event.preventDefault();
  });

  // Edit in place ---------------------------------------------------------------------------

  function restore(comment) {
    var open = comment.querySelector(".comment-edit-form");
    if (open) open.remove();
    var content = comment.querySelector(".comment-content");
    if (content) content.hidden = false;
  }

  function place(comment, form) {
    var content = comment.querySelector(".comment-content");
    var open = comment.querySelector(".comment-edit-form");
    form.removeAttribute("id");  // ids stay unique on the article's page
    var textarea = form.querySelector("textarea");
    if (textarea) textarea.id = "id_body_edit_" + form.dataset.comment;
    var label = form.querySelector("label[for=id_body]");
    if (label && textarea) label.htmlFor = textarea.id;
    var help = form.querySelector("#id_body_helptext");
    if (help && textarea) {
      help.id = textarea.id + "_helptext";
      textarea.setAttribute("aria-describedby", help.id);
    }
    if (open) open.replaceWith(form);
    else if (content) content.insertAdjacentElement("afterend", form);
    if (content) content.hidden = true;
    var errors = form.querySelector("#comment-edit-errors, .is-invalid");
    if (errors) errors.focus(); else if (textarea) textarea.focus();
  }

  function showProblem(comment, doc) {
    var alert = doc.querySelector(".alert");
    var note = document.createElement("p");
    note.className = "alert alert-warning comment-edit-problem";
    note.setAttribute("role", "alert");
    note.textContent = alert ? alert.textContent : "";
    var old = comment.querySelector(".comment-edit-problem");
    if (old) old.remove();
    restore(comment);
    comment.querySelector(".comment-body").appendChild(note);
  }

  function answer(comment, response) {
    var location_ = response.headers.get("X-Location");
    if (response.status === 204 && location_) {
      var target = new URL(location_, location.href);
      if (target.pathname + target.search === location.pathname + location.search) {
        location.hash = comment.id;
        location.reload();
      } else {
        location.assign(target.href);
      }
      return;
    }
    return response.text().then(function (html) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      var form = doc.getElementById("comment-edit-form");
      if (form) place(comment, document.importNode(form, true));
      else showProblem(comment, doc);
    });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a.comment-edit-link");
    if (link) {
      var comment = document.getElementById("comment-" + link.dataset.edit);
      if (!comment) return;
      event.preventDefault();
      fetch(link.href, { credentials: "same-origin" }).then(function (response) {
        return answer(comment, response);
      }).catch(function () { location.assign(link.href); });
      return;
    }
    var cancel = event.target.closest(".comment-list .comment-edit-cancel");
    if (cancel) {
      event.preventDefault();
      var owner = cancel.closest("li.comment");
      restore(owner);
      var edit = owner.querySelector("a.comment-edit-link");
      if (edit) edit.focus();
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList.contains("comment-edit-form")) return;
    var comment = form.closest("li.comment");
    if (!comment) return;  // the Edit page of its own: an ordinary post
    var submitter = event.submitter;
    if (submitter && submitter.name === "preview") return;
    event.preventDefault();
    fetch(form.action, {
      method: "POST", body: new FormData(form, submitter), credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
    }).then(function (response) {
      return answer(comment, response);
    }).catch(function () { form.submit(); });
  });
})();
