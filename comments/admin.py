from django.contrib import admin, messages
from django.contrib.admin.utils import quote
from django.db import models
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.timezone import localtime
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from . import actions, admin_articles
from .actions import ACTION_LABELS, moderate_action
from .admin_queue import QueueButtons
from .admin_views import CommentAdminViews
from .models import Comment, DiscussionSettings, Flag

STATUS_BADGES = {
    Comment.Status.PENDING: "badge-pending",
    Comment.Status.APPROVED: "badge-approved",
    Comment.Status.SPAM: "badge-spam",
    Comment.Status.TRASH: "badge-trash",
}


def status_counts(comments):
    """{"approved": n, "pending": n, "spam": n, "trash": n} for a queryset, in one query."""
    return comments.aggregate(
        **{status.value: Count("pk", filter=Q(status=status)) for status in Comment.Status}
    )


def _moderation_action(action, description):
    @admin.action(description=description, permissions=["change"])
    def run(modeladmin, request, queryset):
        # Counted before the change: a filtered queryset (the pending queue) loses what the
        # action moves out of it.
        selected = list(queryset.select_related("article"))
        changed = moderate_action(selected, action, user=request.user)
        skipped = len(selected) - len(changed)
        text = ngettext(
            "%(action)s: %(count)d comment.", "%(action)s: %(count)d comments.", len(changed)
        ) % {"action": ACTION_LABELS[action], "count": len(changed)}
        if skipped:
            text += " " + ngettext(
                "%(count)d left as they were (the action does not apply to them).",
                "%(count)d left as they were (the action does not apply to them).",
                skipped,
            ) % {"count": skipped}
        modeladmin.message_user(request, text, messages.SUCCESS if changed else messages.WARNING)

    run.__name__ = action
    return run


@admin.register(Comment)
class CommentAdmin(QueueButtons, CommentAdminViews, admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = [
        "excerpt_column",
        "author_column",
        "article_link",
        "in_reply_to",
        "status_badge",
        "moderation_reason",
        "flag_count",
        "created_at",
    ]
    list_filter = ["status", "kind", ("article", admin.RelatedOnlyFieldListFilter), "created_at"]
    search_fields = ["body", "author_name", "author_email", "ip_address"]
    ordering = ["-created_at"]
    date_hierarchy = "created_at"
    list_select_related = ["article", "parent"]
    list_per_page = 50
    actions = [
        _moderation_action("approve", _("Approve")),
        _moderation_action("unapprove", _("Unapprove (back to pending)")),
        _moderation_action("spam", _("Mark as spam")),
        _moderation_action("not_spam", _("Not spam (back to pending)")),
        _moderation_action("trash", _("Move to trash")),
        _moderation_action("restore", _("Restore from trash")),
        "delete_permanently",
        "export_personal_data",
        "erase_personal_data",
    ]
    raw_id_fields = ["parent", "user"]
    readonly_fields = [
        "earlier_versions",
        "moderation_reason",
        "created_at",
        "updated_at",
        "edited_at",
        "ip_address",
        "user_agent",
        "notify_comments",
        "notify_posts",
    ]
    fieldsets = [
        (None, {"fields": ["article", "parent", "body", "status", "moderation_reason"]}),
        (_("Edit history"), {"fields": ["edited_at", "earlier_versions"]}),
        (_("Author"), {"fields": ["author_name", "author_email", "author_url", "user"]}),
        (
            _("Details"),
            {
                "classes": ["collapse"],
                "fields": [
                    "created_at",
                    "updated_at",
                    "ip_address",
                    "user_agent",
                    "notify_comments",
                    "notify_posts",
                ],
            },
        ),
    ]

    class Media:
        css = {"all": ["css/admin-comments.css", "css/admin-queue.css"]}
        js = ["js/admin-queue.js"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(flag_count=Count("flags"))

    @admin.display(description=_("earlier versions"))
    def earlier_versions(self, comment):
        """What its author wrote before each edit, oldest first (comments.actions.edit)."""
        revisions = list(comment.revisions.all()) if comment.pk else []
        if not revisions:
            return self.get_empty_value_display()  # never edited
        return format_html(
            '<ol class="comment-revisions">{}</ol>',
            format_html_join(
                "",
                "<li><strong>{}</strong> ({})<br>{}</li>",
                (
                    (
                        date_format(localtime(r.written_at), "DATETIME_FORMAT"),
                        r.get_status_display(),
                        linebreaksbr(r.body),
                    )
                    for r in revisions
                ),
            ),
        )

    def save_model(self, request, obj, form, change):
        """A comment added here has the status the moderator chose; a status changed here
        takes the one path every status change takes (comments.actions), after the other
        edits are saved."""
        if not change:
            obj.moderation_reason = obj.moderation_reason or (
                gettext("Added by %(user)s in the admin") % {"user": request.user.get_username()}
            )
            actions.add_moderated(obj)
            return
        status = obj.status
        if obj.status_changed:
            obj.status = obj._loaded_status
        super().save_model(request, obj, form, change)
        if status != obj.status:
            label = gettext("Changed by %(user)s in the admin") % {
                "user": request.user.get_username()
            }
            actions.change_status([obj], status, label, user=request.user)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # only spam and trash may be deleted
        return actions

    # Columns -----------------------------------------------------------------------------

    @admin.display(description=_("Comment"))
    def excerpt_column(self, obj):
        return Truncator(" ".join(obj.body.split())).chars(120)

    @admin.display(description=_("Author"), ordering="author_name")
    def author_column(self, obj):
        if obj.website:
            website = format_html(
                '<a href="{}" rel="noopener">{}</a><br>', obj.website, obj.website
            )
        elif obj.author_url:  # not http(s): shown, never a link
            website = format_html("{}<br>", obj.author_url)
        else:
            website = ""
        return format_html(
            "<strong>{}</strong><br>{}<br>{}{}",
            obj.author_name,
            obj.author_email,
            website,
            obj.ip_address or "",
        )

    @admin.display(description=_("Article"), ordering="article__title")
    def article_link(self, obj):
        return format_html('<a href="{}">{}</a>', obj.article.get_absolute_url(), obj.article)

    @admin.display(description=_("In reply to"))
    def in_reply_to(self, obj):
        if obj.parent is None:
            return "—"
        url = reverse("admin:comments_comment_change", args=[quote(obj.parent_id)])
        return format_html('<a href="{}">{}</a>', url, obj.parent.author_name)

    @admin.display(description=_("Status"), ordering="status")
    def status_badge(self, obj):
        # with, under it, the one-click Approve / Spam / Trash (comments/admin_queue.py)
        return format_html("{}{}", self.badge(obj), self.queue_buttons(obj))

    @staticmethod
    def badge(obj):
        return format_html(
            '<span class="comment-badge {}">{}</span>',
            STATUS_BADGES[obj.status],
            obj.get_status_display(),
        )

    @admin.display(description=_("Reports"), ordering="flag_count")
    def flag_count(self, obj):
        return obj.flag_count

    # Delete permanently: only from spam or trash -------------------------------------------

    @admin.action(
        description=_("Delete permanently (spam and trash only)"), permissions=["delete"]
    )
    def delete_permanently(self, request, queryset):
        removable = list(queryset.filter(status__in=[Comment.Status.SPAM, Comment.Status.TRASH]))
        skipped = queryset.count() - len(removable)
        if removable:
            self.log_deletions(request, removable)
            Comment.objects.filter(pk__in=[c.pk for c in removable]).delete()
        text = ngettext(
            "Deleted permanently: %(count)d comment.",
            "Deleted permanently: %(count)d comments.",
            len(removable),
        ) % {"count": len(removable)}
        if skipped:
            text += " " + ngettext(
                "%(count)d kept: only spam and trash can be deleted.",
                "%(count)d kept: only spam and trash can be deleted.",
                skipped,
            ) % {"count": skipped}
        self.message_user(request, text, messages.SUCCESS if removable else messages.WARNING)

    # The change page: the comment in context, trust / block, reply ------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        comment = self.get_object(request, object_id)
        if comment is not None:
            extra_context = {**(extra_context or {}), **self.context_for(comment)}
        return super().change_view(request, object_id, form_url, extra_context)

    def context_for(self, comment):
        by_email = status_counts(Comment.objects.filter(email_hash=comment.email_hash))
        by_ip = (
            status_counts(Comment.objects.filter(ip_address=comment.ip_address))
            if comment.ip_address
            else None
        )
        return {
            "comment": comment,
            "parent_comment": comment.parent,
            "history_by_email": by_email,
            "history_by_ip": by_ip,
            "flags": comment.flags.all()[:20],
            "trust_url": reverse("admin:comments_comment_trust", args=[quote(comment.pk)]),
            "block_url": reverse("admin:comments_comment_block", args=[quote(comment.pk)]),
            "reply_url": reverse("admin:comments_comment_reply", args=[quote(comment.pk)]),
        }


@admin.register(DiscussionSettings)
class DiscussionSettingsAdmin(admin.ModelAdmin):
    fieldsets = [
        (
            _("Before a comment appears"),
            {"fields": ["manual_approval", "require_previous_approval"]},
        ),
        (_("Comment moderation"), {"fields": ["link_limit", "moderation_keys"]}),
        (_("Disallowed comment keys"), {"fields": ["disallowed_keys", "disallowed_action"]}),
        (_("Readers' reports and clean-up"), {"fields": ["report_threshold", "purge_after_days"]}),
        (_("Other comment settings"), {"fields": ["comment_order"]}),
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        # One object: go straight to it.
        settings_object = DiscussionSettings.load()
        return HttpResponseRedirect(
            reverse("admin:comments_discussionsettings_change", args=[settings_object.pk])
        )


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = ["comment", "reason", "created_at"]
    list_select_related = ["comment__article"]
    readonly_fields = ["comment", "reporter", "reason", "created_at"]

    def has_add_permission(self, request):
        return False


admin_articles.register()
