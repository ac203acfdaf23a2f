import json

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Count, Q
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from django.views.decorators.http import require_POST

from .http import client_ip, user_agent
from .models import Comment, DiscussionSettings, Flag
from .moderation import ACTION_LABELS, apply_action, parse_keys
from .privacy import erase_personal_data, export_personal_data

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
        changed = apply_action(selected, action, request.user)
        skipped = len(selected) - len(changed)
        noun = "comment" if len(changed) == 1 else "comments"
        text = f"{ACTION_LABELS[action]}: {len(changed)} {noun}."
        if skipped:
            text += f" {skipped} left as they were (the action does not apply to them)."
        modeladmin.message_user(request, text, messages.SUCCESS if changed else messages.WARNING)

    run.__name__ = action
    return run


class CommentInline(admin.TabularInline):
    """The comments of an article, read-only, newest first, on the article's admin page."""

    model = Comment
    fk_name = "article"
    fields = ["created_at", "author_name", "excerpt", "status"]
    readonly_fields = fields
    ordering = ["-created_at"]
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = "comments (newest first)"

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
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
    list_filter = ["status", ("article", admin.RelatedOnlyFieldListFilter), "created_at"]
    search_fields = ["body", "author_name", "author_email", "ip_address"]
    ordering = ["-created_at"]
    date_hierarchy = "created_at"
    list_select_related = ["article", "parent"]
    list_per_page = 50
    actions = [
        _moderation_action("approve", "Approve"),
        _moderation_action("unapprove", "Unapprove (back to pending)"),
        _moderation_action("spam", "Mark as spam"),
        _moderation_action("not_spam", "Not spam (back to pending)"),
        _moderation_action("trash", "Move to trash"),
        _moderation_action("restore", "Restore from trash"),
        "delete_permanently",
        "export_personal_data",
        "erase_personal_data",
    ]
    raw_id_fields = ["parent", "user"]
    readonly_fields = [
        "moderation_reason",
        "created_at",
        "updated_at",
        "ip_address",
        "user_agent",
        "notify_comments",
        "notify_posts",
    ]
    fieldsets = [
        (None, {"fields": ["article", "parent", "body", "status", "moderation_reason"]}),
        ("Author", {"fields": ["author_name", "author_email", "author_url", "user"]}),
        (
            "Details",
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
        css = {"all": ["css/admin-comments.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(flag_count=Count("flags"))

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # only spam and trash may be deleted
        return actions

    # Columns -----------------------------------------------------------------------------

    @admin.display(description="Comment")
    def excerpt_column(self, obj):
        return Truncator(" ".join(obj.body.split())).chars(120)

    @admin.display(description="Author", ordering="author_name")
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

    @admin.display(description="Article", ordering="article__title")
    def article_link(self, obj):
        return format_html('<a href="{}">{}</a>', obj.article.get_absolute_url(), obj.article)

    @admin.display(description="In reply to")
    def in_reply_to(self, obj):
        if obj.parent is None:
            return "—"
        url = reverse("admin:comments_comment_change", args=[quote(obj.parent_id)])
        return format_html('<a href="{}">{}</a>', url, obj.parent.author_name)

    @admin.display(description="Status", ordering="status")
    def status_badge(self, obj):
        return format_html(
            '<span class="comment-badge {}">{}</span>',
            STATUS_BADGES[obj.status],
            obj.get_status_display(),
        )

    @admin.display(description="Reports", ordering="flag_count")
    def flag_count(self, obj):
        return obj.flag_count

    # Delete permanently: only from spam or trash -------------------------------------------

    @admin.action(description="Delete permanently (spam and trash only)", permissions=["delete"])
    def delete_permanently(self, request, queryset):
        removable = list(queryset.filter(status__in=[Comment.Status.SPAM, Comment.Status.TRASH]))
        skipped = queryset.count() - len(removable)
        if removable:
            self.log_deletions(request, removable)
            Comment.objects.filter(pk__in=[c.pk for c in removable]).delete()
        text = f"Deleted permanently: {len(removable)} comment{'s' * (len(removable) != 1)}."
        if skipped:
            text += f" {skipped} kept: only spam and trash can be deleted."
        self.message_user(request, text, messages.SUCCESS if removable else messages.WARNING)

    # Privacy: export and erase the personal data of the selected comments' authors ----------

    def has_privacy_permission(self, request):
        """Exporting or erasing everything held for a person (their account included) is for
        superusers, not for every moderator."""
        return request.user.is_active and request.user.is_superuser

    @staticmethod
    def selected_emails(queryset):
        return sorted({c.author_email.strip().lower() for c in queryset if c.author_email})

    @admin.action(
        description="Export personal data of the selected comments' authors (JSON)",
        permissions=["privacy"],
    )
    def export_personal_data(self, request, queryset):
        emails = self.selected_emails(queryset)
        data = {"exports": [export_personal_data(email) for email in emails]}
        response = HttpResponse(
            json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
            content_type="application/json; charset=utf-8",
        )
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        response["Content-Disposition"] = f'attachment; filename="personal-data-{stamp}.json"'
        return response

    @admin.action(
        description="Erase personal data of the selected comments' authors…",
        permissions=["privacy"],
    )
    def erase_personal_data(self, request, queryset):
        emails = self.selected_emails(queryset)
        if request.POST.get("post") == "yes":
            comments = 0
            notes = []
            for email in emails:
                results = erase_personal_data(email)
                comments += results["comments"].erased
                notes += [note for result in results.values() for note in result.messages]
            self.message_user(
                request,
                f"Erased the personal data of {len(emails)} "
                f"author{'s' * (len(emails) != 1)}: {comments} comment"
                f"{'s' * (comments != 1)} anonymised, kept in their threads.",
                messages.SUCCESS,
            )
            for note in dict.fromkeys(notes):
                if "staff account" in note:
                    self.message_user(request, note, messages.WARNING)
            return None
        people = [
            {"email": email, "groups": export_personal_data(email)["groups"]} for email in emails
        ]
        return TemplateResponse(
            request,
            "admin/comments/comment/erase_personal_data.html",
            {
                **self.admin_site.each_context(request),
                "title": "Erase personal data?",
                "opts": self.model._meta,
                "people": people,
                "queryset": queryset,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )

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

    def get_urls(self):
        def view(func):
            return self.admin_site.admin_view(require_POST(func))

        return [
            path("<path:object_id>/trust/", view(self.trust_view), name="comments_comment_trust"),
            path("<path:object_id>/block/", view(self.block_view), name="comments_comment_block"),
            path("<path:object_id>/reply/", view(self.reply_view), name="comments_comment_reply"),
            *super().get_urls(),
        ]

    def _posted_comment(self, request, object_id, permission):
        comment = self.get_object(request, object_id)
        if comment is None or not request.user.has_perm(permission):
            raise PermissionDenied
        return comment

    def _back(self, comment):
        return HttpResponseRedirect(
            reverse("admin:comments_comment_change", args=[quote(comment.pk)])
        )

    def trust_view(self, request, object_id):
        """Approve every pending comment with this author's e-mail. Adds no rule."""
        comment = self._posted_comment(request, object_id, "comments.change_comment")
        pending = Comment.objects.pending().filter(email_hash=comment.email_hash)
        changed = apply_action(pending, "approve", request.user)
        self.message_user(
            request,
            f"Trusted {comment.author_name}: approved {len(changed)} pending "
            f"comment{'s' * (len(changed) != 1)}.",
            messages.SUCCESS,
        )
        return self._back(comment)

    def block_view(self, request, object_id):
        """Add the author's e-mail and IP address to the disallowed keys; their pending
        comments become spam."""
        comment = self._posted_comment(request, object_id, "comments.change_comment")
        if not request.user.has_perm("comments.change_discussionsettings"):
            raise PermissionDenied
        rules = DiscussionSettings.load()
        keys = parse_keys(rules.disallowed_keys)
        added = [
            key
            for key in [comment.author_email, comment.ip_address]
            if key and key.lower() not in {k.lower() for k in keys}
        ]
        if added:
            rules.disallowed_keys = "\n".join([*keys, *added])
            rules.save()
        pending = Comment.objects.pending().filter(
            Q(email_hash=comment.email_hash)
            | (Q(ip_address=comment.ip_address) if comment.ip_address else Q(pk__in=[]))
        )
        changed = apply_action(pending, "spam", request.user)
        self.message_user(
            request,
            f"Blocked {comment.author_name}: added {len(added)} disallowed "
            f"key{'s' * (len(added) != 1)}; {len(changed)} pending "
            f"comment{'s' * (len(changed) != 1)} marked as spam.",
            messages.SUCCESS,
        )
        return self._back(comment)

    def reply_view(self, request, object_id):
        """A moderator's reply, posted from the admin: approved (staff) and threaded."""
        parent = self._posted_comment(request, object_id, "comments.add_comment")
        body = request.POST.get("reply_body", "")
        if not body.strip():
            self.message_user(request, "Type a reply before posting it.", messages.ERROR)
            return self._back(parent)
        user = request.user
        reply = Comment(
            article=parent.article,
            parent=parent,
            user=user,
            author_name=user.get_full_name() or user.get_username(),
            author_email=user.email,
            body=body,
            ip_address=client_ip(request),
            user_agent=user_agent(request),
        )
        reply.save()
        self.log_addition(request, reply, [{"added": {}}])
        self.message_user(
            request,
            format_html(
                'Your reply was posted ({}). <a href="{}">See it on the site</a>.',
                reply.get_status_display().lower(),
                reply.get_absolute_url(),
            ),
            messages.SUCCESS,
        )
        return self._back(parent)


@admin.register(DiscussionSettings)
class DiscussionSettingsAdmin(admin.ModelAdmin):
    fieldsets = [
        ("Before a comment appears", {"fields": ["manual_approval", "require_previous_approval"]}),
        ("Comment moderation", {"fields": ["link_limit", "moderation_keys"]}),
        ("Disallowed comment keys", {"fields": ["disallowed_keys", "disallowed_action"]}),
        ("Readers' reports and clean-up", {"fields": ["report_threshold", "purge_after_days"]}),
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
