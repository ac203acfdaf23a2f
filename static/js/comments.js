// Progressive enhancement of the comment form: "Reply" moves the form under the comment
// without a reload, "Cancel reply" puts it back. Without JavaScript the same links reload the
// page with ?replytocom=N, which the server understands.
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
