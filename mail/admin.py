"""Outgoing mail in the admin, read-only: staff see each mail's state, attempts and last
error, filter the failed ones and send them again with "Retry now"."""

from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import delivery
from .models import OutgoingMail


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    list_display = [
        "subject",
        "to",
        "kind",
        "state",
        "attempts",
        "created_at",
        "next_attempt_at",
        "sent_at",
        "error",
    ]
    list_filter = ["state", "kind", "created_at"]
    search_fields = ["to", "subject"]
    date_hierarchy = "created_at"
    actions = ["retry_now"]
    view_on_site = False
    fields = [
        "kind",
        "to",
        "subject",
        "state",
        "attempts",
        "created_at",
        "last_attempt_at",
        "next_attempt_at",
        "sent_at",
        "error_details",
        "headers",
        "text",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_retry_permission(self, request):
        return request.user.has_perm("mail.change_outgoingmail")

    @admin.display(description=_("last error"))
    def error(self, mail):
        return mail.last_error.splitlines()[0][:80] if mail.last_error else ""

    @admin.display(description=_("last error"))
    def error_details(self, mail):
        return format_html("<pre>{}</pre>", mail.last_error) if mail.last_error else "-"

    @admin.display(description=_("plain-text part"))
    def text(self, mail):
        return format_html("<pre>{}</pre>", mail.body_text)

    @admin.action(description=_("Retry now"), permissions=["retry"])
    def retry_now(self, request, queryset):
        count = delivery.retry(queryset)
        skipped = queryset.count() - count
        self.message_user(
            request,
            ngettext(
                "%(count)d mail(s) queued to be sent again.",
                "%(count)d mail(s) queued to be sent again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d mail(s) left alone: already sent, or being sent right now.",
                    "%(count)d mail(s) left alone: already sent, or being sent right now.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )
