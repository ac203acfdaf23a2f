from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout, Submit
from crispy_forms.utils import render_crispy_form
from django import forms
from django.core.validators import URLValidator
from django.utils import translation
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .models import Comment
from .spam import form_token, token_age

FORMATTING_HELP = _(
    "Formatting: *emphasis*, **strong**, `code`, > quote, - list, [link](https://…); "
    "an empty line starts a new paragraph."
)
REMEMBER_LABEL = _("Save my name, email, and website in this browser for the next time I comment.")
# Where the timestamp goes in the blank form's markup kept per process: a fresh timestamp
# for a page rendered for one visitor, nothing in the page every anonymous reader shares
# (static/js/form-timestamp.js fills it in; without JavaScript, see comments.spam).
TIMESTAMP_PLACEHOLDER = mark_safe("<!--form-timestamp-->")
_blank_form_html = {}  # (form class, anonymous, language) -> the markup of its blank form


# What an e-mail field says when it is left empty or is not an address (the follow form too).
EMAIL_ERRORS = {
    "required": _("Please enter your email address."),
    "invalid": _("Please enter a valid email address, like name@example.com."),
}
HONEYPOT_LABEL = _("Leave this field empty if you are a person (it catches spam robots).")


class HoneypotInput(forms.TextInput):
    """Always rendered empty: a person who sees the form again can simply post again."""

    def format_value(self, value):
        return None


class FormTimestampInput(forms.HiddenInput):
    """The signed time the form was rendered: a fresh one on every rendering, including a
    form shown again with errors (see comments.spam); in a shared form, none (see
    CommentForm.render_fields)."""

    shared = False
    keep = None  # a preview shows the form again with the time it was first rendered

    def format_value(self, value):
        if self.keep and token_age(self.keep) is not None:
            return self.keep
        return TIMESTAMP_PLACEHOLDER if self.shared else form_token()


class PreviewButton(Submit):
    """Beside Post Comment, in a quieter style."""

    field_classes = "btn btn-outline-secondary ms-2"


class WebsiteField(forms.URLField):
    """A web address: http or https only. (Django's own validator, which also takes ftp, is
    replaced rather than added to, or a bad address got the same message twice.)"""

    default_validators = [URLValidator(schemes=["http", "https"])]


def body_field():
    """The comment's text, as the "Leave a Reply" form and the Edit form both ask for it."""
    return forms.CharField(
        label=_("Comment"),
        max_length=65525,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=FORMATTING_HELP,
        error_messages={"required": _("Please type your comment.")},
    )


class CommentForm(forms.ModelForm):
    """The "Leave a Reply" form. Logged-in commenters do not see name, e-mail and website."""

    body = body_field()
    author_email = forms.EmailField(
        label=_("Email"),
        max_length=100,
        help_text=_("Address never made public"),
        error_messages=EMAIL_ERRORS,
    )
    author_name = forms.CharField(
        label=_("Name"),
        max_length=245,
        error_messages={"required": _("Please enter your name.")},
    )
    author_url = WebsiteField(
        label=_("Website"),
        max_length=200,
        required=False,
        assume_scheme="https",
        error_messages={
            "invalid": _("Please enter a web address starting with http:// or https://.")
        },
    )
    notify_comments = forms.BooleanField(
        label=_("Notify me of new comments via email."), required=False
    )
    notify_posts = forms.BooleanField(label=_("Notify me of new posts via email."), required=False)
    remember = forms.BooleanField(label=REMEMBER_LABEL, required=False)
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # Spam defences, checked by comments.spam.check_post: a field hidden from people (by CSS,
    # from screen readers and from the keyboard) that robots fill in, and the signed time the
    # form was rendered.
    honeypot = forms.CharField(
        label=HONEYPOT_LABEL,
        required=False,
        widget=HoneypotInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    timestamp = forms.CharField(required=False, widget=FormTimestampInput)

    class Meta:
        model = Comment
        fields = [
            "body",
            "author_email",
            "author_name",
            "author_url",
            "notify_comments",
            "notify_posts",
        ]

    def __init__(self, *args, article, user=None, shared=False, **kwargs):
        """``shared``: rendered for every anonymous reader, in a page kept by the page cache."""
        self.article = article
        self.user = user if user is not None and user.is_authenticated else None
        self.shared = shared
        super().__init__(*args, **kwargs)
        self.fields["timestamp"].widget.shared = shared
        for name in ("author_email", "author_name", "author_url"):
            self.fields[name].widget.attrs["autocomplete"] = {
                "author_email": "email",
                "author_name": "name",
                "author_url": "url",
            }[name]
        if self.user is not None:
            for name in ("author_email", "author_name", "author_url", "remember"):
                del self.fields[name]

    @cached_property
    def helper(self):
        """crispy's layout: built when the form is laid out, not for a blank form whose
        markup this process already has (render_fields)."""
        return self.build_helper()

    def build_helper(self):
        helper = FormHelper()
        helper.form_tag = False  # the template owns <form>, its action and the CSRF token
        helper.disable_csrf = True
        fields = [
            Field("body"),
            Field("parent"),
            Field("timestamp"),
            Div(Field("honeypot"), css_class="comment-hp", aria_hidden="true"),
        ]
        if self.user is None:
            fields += [
                Field("author_email"),
                Field("author_name"),
                Field("author_url"),
            ]
        fields += [Field("notify_comments"), Field("notify_posts")]
        if self.user is None:
            fields.append(Field("remember"))
        fields.append(
            Div(
                Submit("submit", _("Post Comment")),
                # shows the comment above the form (comments.views.post_comment), or in place
                # with JavaScript (static/js/comments.js): stores nothing
                PreviewButton("preview", _("Preview")),
                css_class="form-submit",
            )
        )
        helper.layout = Layout(*fields)
        return helper

    def render_fields(self):
        """The fields as crispy lays them out (the template owns <form> and the token).

        A blank form (unbound, nothing filled in) is the same for every anonymous reader, and
        for every logged-in one, but for its timestamp: its markup is kept per process with the
        timestamp placeholder in it, which a form that is not shared gets filled here (a
        shared one gets an empty timestamp: nothing of any reader in the shared page). (crispy's
        templates cost more than the rest of an article page without comments: make bench's
        "render ms" column shows the page.)"""
        if self.is_bound or self.initial:
            html = render_crispy_form(self, helper=self.helper)
            return mark_safe(html.replace(TIMESTAMP_PLACEHOLDER, "", 1)) if self.shared else html
        return blank_markup(type(self), self.user, self.shared, lambda: self)

    def clean_body(self):
        body = self.cleaned_data["body"]
        if not body.strip():
            raise forms.ValidationError(_("Please type your comment."))
        return body

    def clean_author_name(self):
        name = self.cleaned_data["author_name"].strip()
        if not name:
            raise forms.ValidationError(_("Please enter your name."))
        return name

    def clean_parent(self):
        parent_id = self.cleaned_data.get("parent")
        if not parent_id:
            return None
        parent = (
            Comment.objects.approved()
            .thoughts()  # a pingback takes no replies
            .filter(article=self.article, pk=parent_id)
            .select_related("parent")
            .first()
        )
        if parent is None:
            raise forms.ValidationError(
                _(
                    "The comment you are replying to is no longer available. "
                    "Your text is kept below: post it as a new comment."
                )
            )
        return parent

    def save(self, commit=True):
        comment = super().save(commit=False)
        comment.article = self.article
        comment.parent = self.cleaned_data.get("parent")
        if self.user is not None:
            comment.user = self.user
            comment.author_name = self.user.get_full_name() or self.user.get_username()
            comment.author_email = self.user.email
        if commit:
            comment.save()
        return comment


class CommentEditForm(forms.Form):
    """Its author's new text for a comment (the Edit page, and the form that opens in place)."""

    body = body_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout("body")

    def clean_body(self):
        body = self.cleaned_data["body"]
        if not body.strip():
            raise forms.ValidationError(_("Please type your comment."))
        return body.strip()


class ReportForm(forms.Form):
    comment = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Why should moderators look at it? (optional)"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout("comment", "reason")


def blank_markup(form_class, user, shared, form):
    """The fields of a blank form of ``form_class`` for this reader (``user``: None when
    anonymous), with its timestamp filled in (none when ``shared``): the markup kept per
    process, laid out by crispy from ``form()`` the first time (CommentForm.render_fields)."""
    key = (form_class, user is None, translation.get_language())
    html = _blank_form_html.get(key)
    if html is None:
        built = form()
        timestamp = built.fields["timestamp"].widget
        timestamp.shared = True
        try:
            html = _blank_form_html[key] = render_crispy_form(built, helper=built.helper)
        finally:
            timestamp.shared = built.shared
    value = "" if shared else form_token()
    return mark_safe(html.replace(TIMESTAMP_PLACEHOLDER, value, 1))


class BlankCommentForm:
    """The blank comment form under an article (unbound, nothing filled in), as the comment
    section shows it, without building a CommentForm for each page: its markup is kept per
    process (blank_markup), and it has no errors to list."""

    errors = {}

    def __init__(self, *, article, user=None, shared=False):
        self.article = article
        self.user = user if user is not None and user.is_authenticated else None
        self.shared = shared

    def __iter__(self):
        return iter(())

    def non_field_errors(self):
        return []

    def render_fields(self):
        return blank_markup(CommentForm, self.user, self.shared, self.build)

    def build(self):
        return CommentForm(article=self.article, user=self.user, shared=self.shared)
