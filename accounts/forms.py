from django import forms
from django.utils.translation import gettext_lazy as _


class SignupForm(forms.Form):
    """What allauth's sign-up forms (local and social) ask besides the e-mail address: the
    name comments are posted under. Prefilled from the provider on a social sign-up."""

    name = forms.CharField(
        label=_("Name"),
        max_length=150,
        help_text=_("Shown with your comments."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Please enter your name.")},
    )
    field_order = ["name", "email", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        sociallogin = getattr(self, "sociallogin", None)
        if sociallogin is not None and "name" not in self.initial:
            self.initial["name"] = sociallogin.user.get_full_name()

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def signup(self, request, user):
        first, _space, last = self.cleaned_data["name"].partition(" ")
        user.first_name, user.last_name = first, last
        user.save(update_fields=["first_name", "last_name"])


COMMENT_CHOICES = [
    ("anonymise", _("Keep my comments, anonymised: shown as written by “Anonymous”.")),
    ("remove", _("Remove my comments. Replies to them stay, under “This comment was removed.”")),
]


class DeleteAccountForm(forms.Form):
    comments = forms.ChoiceField(
        label=_("What should happen to your comments?"),
        choices=COMMENT_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose what happens to your comments.")},
    )
    confirm = forms.BooleanField(
        label=_("I understand that my account cannot be restored."),
        error_messages={"required": _("Please tick the box to confirm.")},
    )
