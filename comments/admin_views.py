"""The moderation queue's extra doors, beside CommentAdmin's list and actions (comments/admin.py):
on a comment's page, Trust (approve the author's pending comments), Block (add their e-mail and
IP address to the disallowed keys) and Reply (a moderator's reply, threaded); in the list,
export and erase the personal data of the selected comments' authors (superusers)."""

import json

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from natoblog.addresses import normalise_email
from natoblog.http import client_ip, user_agent
from privacy import erase_personal_data, export_personal_data

from . import actions
from .actions import moderate_action
from .models import Comment, DiscussionSettings
from .moderation import parse_keys


class CommentAdminViews:
    # Privacy: export and erase the personal data of the selected comments' authors ----------

    def has_privacy_permission(self, request):
        """Exporting or erasing everything held for a person (their account included) is for
        superusers, not for every moderator."""
        return request.user.is_active and request.user.is_superuser

    @staticmethod
    def selected_emails(queryset):
        return sorted({normalise_email(c.author_email) for c in queryset if c.author_email})

    @admin.action(
        description=_("Export personal data of the selected comments' authors (JSON)"),
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
        description=_("Erase personal data of the selected comments' authors…"),
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
                # what an eraser kept, and why (a staff account): a warning for each
                notes += [note for r in results.values() if r.retained for note in r.messages]
            self.message_user(
                request,
                ngettext(
                    "Erased the personal data of %(authors)d author: ",
                    "Erased the personal data of %(authors)d authors: ",
                    len(emails),
                )
                % {"authors": len(emails)}
                + ngettext(
                    "%(comments)d comment anonymised, kept in its thread.",
                    "%(comments)d comments anonymised, kept in their threads.",
                    comments,
                )
                % {"comments": comments},
                messages.SUCCESS,
            )
            for note in dict.fromkeys(notes):
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
                "title": _("Erase personal data?"),
                "opts": self.model._meta,
                "people": people,
                "queryset": queryset,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )

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
        changed = moderate_action(pending, "approve", user=request.user)
        self.message_user(
            request,
            ngettext(
                "Trusted %(name)s: approved %(count)d pending comment.",
                "Trusted %(name)s: approved %(count)d pending comments.",
                len(changed),
            )
            % {"name": comment.author_name, "count": len(changed)},
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
        changed = moderate_action(pending, "spam", user=request.user)
        self.message_user(
            request,
            ngettext(
                "Blocked %(name)s: added %(count)d disallowed key; ",
                "Blocked %(name)s: added %(count)d disallowed keys; ",
                len(added),
            )
            % {"name": comment.author_name, "count": len(added)}
            + ngettext(
                "%(count)d pending comment marked as spam.",
                "%(count)d pending comments marked as spam.",
                len(changed),
            )
            % {"count": len(changed)},
            messages.SUCCESS,
        )
        return self._back(comment)

    def reply_view(self, request, object_id):
        """A moderator's reply, posted from the admin: approved (staff) and threaded."""
        parent = self._posted_comment(request, object_id, "comments.add_comment")
        body = request.POST.get("reply_body", "")
        if not body.strip():
            self.message_user(request, _("Type a reply before posting it."), messages.ERROR)
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
        actions.post(reply)  # a staff member's comment: approved by the rules
        self.log_addition(request, reply, [{"added": {}}])
        self.message_user(
            request,
            format_html(
                _('Your reply was posted ({}). <a href="{}">See it on the site</a>.'),
                reply.get_status_display().lower(),
                reply.get_absolute_url(),
            ),
            messages.SUCCESS,
        )
        return self._back(parent)
