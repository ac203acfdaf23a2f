from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from comments.forms import EMAIL_ERRORS


class FollowForm(forms.Form):
    """ "Follow this blog": new posts by e-mail, for readers who do not comment."""

    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        help_text=_("We will send a link to confirm. Address never made public."),
        error_messages=EMAIL_ERRORS,
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "follow")
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.helper = FormHelper()
        self.helper.form_tag = False  # the template owns <form>, its action and the CSRF token
        self.helper.disable_csrf = True
        self.helper.layout = Layout(Field("email"))
