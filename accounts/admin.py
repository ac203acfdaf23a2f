"""Users in the admin: Django's own pages, except that an address another account already has
is refused with a message on the form (the database refuses it too: migrations/0001)."""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.utils.translation import gettext as _

User = get_user_model()


class UniqueEmailChangeForm(UserChangeForm):
    def clean_email(self):
        email = self.cleaned_data.get("email", "")
        if email:
            others = User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk)
            if others.exists():
                raise forms.ValidationError(_("Another account already uses this address."))
        return email


class AccountsUserAdmin(UserAdmin):
    form = UniqueEmailChangeForm


admin.site.unregister(User)
admin.site.register(User, AccountsUserAdmin)
