"""One-click decisions in the moderation queue, as on WordPress's Comments screen: each row of
the comments list has Approve, Spam (or Not spam) and Trash buttons.

The buttons sit under each comment's status, inside the list's own form (forms do not nest),
each with ``formaction`` pointing at ``<id>/decide/``: a POST with the list form's CSRF
token, working without JavaScript (back to the list, with a message). When
static/js/admin-queue.js runs, it sends the same POST in the background, updates the row in
place, and adds the keyboard: j / k move between rows, a approves, s marks as spam (or not
spam), t trashes. Each decision goes through comments.actions.moderate_action: recorded in
the comment's history and told to the other apps (the spam filter learns from it)."""

from django.contrib import messages
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest, HttpResponseRedirect, JsonResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from .actions import ACTION_LABELS, moderate_action
from .models import Comment

Status = Comment.Status
# (action, button, key): what each row offers
BUTTONS = {
    "approve": (_("Approve"), "a"),
    "spam": (_("Spam"), "s"),
    "not_spam": (_("Not spam"), "s"),
    "trash": (_("Trash"), "t"),
}


def offered(comment):
    """The decisions a row offers for this comment's status."""
    choices = []
    if comment.status != Status.APPROVED:
        choices.append("approve")
    choices.append("not_spam" if comment.status == Status.SPAM else "spam")
    if comment.status != Status.TRASH:
        choices.append("trash")
    return choices


def buttons(comment):
    url = reverse("admin:comments_comment_decide", args=[quote(comment.pk)])
    return format_html_join(
        " ",
        '<button type="submit" class="button queue-button queue-{}" name="queue_decision" '
        'value="{}" formaction="{}" formmethod="post" data-queue-key="{}" '
        'aria-keyshortcuts="{}" aria-label="{}">{}</button>',
        (
            (action, action, url, key, key, f"{label}: {comment.author_name}", label)
            for action in offered(comment)
            for label, key in [BUTTONS[action]]
        ),
    )


class QueueButtons:
    """Mixed into CommentAdmin: the row's buttons (shown under the comment's status, in the
    Status column), their view."""

    def queue_buttons(self, obj):
        return format_html('<div class="queue-buttons">{}</div>', buttons(obj))

    def get_urls(self):
        decide = self.admin_site.admin_view(require_POST(self.decide_view))
        return [
            path("<path:object_id>/decide/", decide, name="comments_comment_decide"),
            *super().get_urls(),
        ]

    def decide_view(self, request, object_id):
        comment = self.get_object(request, object_id)
        if comment is None or not self.has_change_permission(request, comment):
            raise PermissionDenied
        action = request.POST.get("queue_decision", "")
        if action not in BUTTONS:
            return HttpResponseBadRequest(gettext("Unknown decision."))
        changed = moderate_action([comment], action, user=request.user)
        text = (
            gettext("%(action)s: %(comment)s")
            % {"action": ACTION_LABELS[action], "comment": comment.excerpt}
            if changed
            else gettext("Left as it was (the decision does not apply): %(comment)s")
            % {"comment": comment.excerpt}
        )
        if "application/json" in request.headers.get("Accept", ""):
            return JsonResponse(
                {
                    "changed": bool(changed),
                    "status": comment.status,
                    "status_html": self.badge(comment),
                    "reason": comment.moderation_reason,
                    "buttons_html": buttons(comment),
                    "message": text,
                }
            )
        self.message_user(request, text, messages.SUCCESS if changed else messages.WARNING)
        back = request.headers.get("Referer", "")
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = reverse("admin:comments_comment_changelist")
        return HttpResponseRedirect(back)
