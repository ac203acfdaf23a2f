"""Subscriptions in the admin: looked at and deleted, not added (an address subscribes itself,
through the confirmation link)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Subscription


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["email", "kind", "article", "is_confirmed", "created_at", "confirmed_at"]
    list_filter = ["kind", ("confirmed_at", admin.EmptyFieldListFilter)]
    list_select_related = ["article"]
    search_fields = ["email"]
    view_on_site = False
    fields = ["email", "kind", "article", "created_at", "confirmation_sent_at", "confirmed_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("confirmed"), boolean=True)
    def is_confirmed(self, subscription):
        return subscription.is_confirmed
