"""The spam filter in the moderation queue: the comments list gets a "Spam score" column
(sortable) and a filter by it, the comment's page what the filter makes of the comment and
the tokens that pushed it most, both ways, and the list says when the filter does not decide
yet. spamfilter extends comments' CommentAdmin here, so comments knows nothing of it."""

from django.contrib import admin
from django.db.models import Q
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from comments.admin import CommentAdmin, DiscussionSettingsAdmin
from comments.models import Comment, DiscussionSettings

from . import store
from .check import shown
from .conf import settings
from .models import FilterSettings


class SpamProbabilityFilter(admin.SimpleListFilter):
    title = _("spam probability")
    parameter_name = "spam_probability"
    RANGES = {
        "0.99": (0.99, None),
        "0.9": (0.9, 0.99),
        "0.5": (0.5, 0.9),
        "0": (None, 0.5),
    }

    def lookups(self, request, model_admin):
        return [
            ("0.99", _("0.99 and above")),
            ("0.9", _("0.90 to 0.99")),
            ("0.5", _("0.50 to 0.90")),
            ("0", _("below 0.50")),
            ("none", _("not scored")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "none":
            return queryset.filter(Q(spam_verdict__isnull=True) | Q(spam_verdict__score=None))
        if value in self.RANGES:
            low, high = self.RANGES[value]
            if low is not None:
                queryset = queryset.filter(spam_verdict__score__gte=low)
            if high is not None:
                queryset = queryset.filter(spam_verdict__score__lt=high)
        return queryset


def learnt_text(nspam, nham):
    least = settings.SPAMFILTER_MIN_DECISIONS
    text = gettext(
        "The spam filter has learnt %(spam)d spam and %(ham)d legitimate decisions."
    ) % {"spam": nspam, "ham": nham}
    if not store.is_ready(nspam, nham):
        text += " " + gettext(
            "It only records its score and decides nothing until it has %(least)d of each."
        ) % {"least": least}
    return text


class SpamFilterCommentAdmin(CommentAdmin):
    list_display = [*CommentAdmin.list_display, "spam_score"]
    list_filter = [
        CommentAdmin.list_filter[0],
        SpamProbabilityFilter,
        *CommentAdmin.list_filter[1:],
    ]
    list_select_related = [*CommentAdmin.list_select_related, "spam_verdict"]
    readonly_fields = [*CommentAdmin.readonly_fields, "spam_explanation"]
    fieldsets = [
        *CommentAdmin.fieldsets[:1],
        (_("Spam filter"), {"fields": ["spam_explanation"]}),
        *CommentAdmin.fieldsets[1:],
    ]

    @staticmethod
    def verdict(obj):
        try:
            return obj.spam_verdict
        except Comment.spam_verdict.RelatedObjectDoesNotExist:
            return None

    @admin.display(description=_("Spam score"), ordering="spam_verdict__score")
    def spam_score(self, obj):
        verdict = self.verdict(obj)
        if verdict is None or verdict.score is None:
            return "—"
        return format_html('<span class="spam-score">{}</span>', shown(verdict.score))

    @admin.display(description=_("What the filter makes of it"))
    def spam_explanation(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        verdict = self.verdict(obj)
        result, nspam, nham = store.score_tokens(store.comment_tokens(obj), explain=8)
        parts = []
        if verdict is not None and verdict.score is not None:
            parts.append(
                format_html(
                    "<p>{}</p>",
                    gettext("Spam probability when it was posted: %(p)s")
                    % {"p": shown(verdict.score)},
                )
            )
        else:
            parts.append(format_html("<p>{}</p>", gettext("Not scored when it was posted.")))
        parts.append(
            format_html(
                "<p>{}</p>",
                gettext("Spam probability now: %(p)s") % {"p": shown(result.probability)},
            )
        )
        parts.append(
            format_html(
                "<p>{}</p>",
                gettext(
                    "Naive Bayes (how often each token was in spam): %(bayes)s; linear SVM "
                    "(each token's learnt weight; it decides): %(linear)s."
                )
                % {"bayes": shown(result.bayes), "linear": shown(result.linear)},
            )
        )
        for title, clues, number in [
            (gettext("Towards spam:"), result.spammy, "{:.2f}"),
            (gettext("Towards legitimate:"), result.hammy, "{:.2f}"),
            (gettext("Heaviest weights towards spam:"), result.heavy_spam, "{:+.2f}"),
            (gettext("Heaviest weights towards legitimate:"), result.heavy_ham, "{:+.2f}"),
        ]:
            items = (
                format_html_join(
                    "", "<li><code>{}</code> {}</li>", ((t, number.format(p)) for t, p in clues)
                )
                if clues
                else format_html("<li>{}</li>", gettext("nothing"))
            )
            parts.append(format_html("<p><strong>{}</strong></p><ul>{}</ul>", title, items))
        if verdict is not None and verdict.learnt_as:
            parts.append(
                format_html(
                    "<p>{}</p>",
                    gettext("Learnt as: %(label)s") % {"label": verdict.get_learnt_as_display()},
                )
            )
        parts.append(format_html("<p>{}</p>", learnt_text(nspam, nham)))
        return format_html(
            '<div class="spam-explanation">{}</div>',
            format_html_join("", "{}", ((p,) for p in parts)),
        )

    change_list_template = "admin/spamfilter/comment_change_list.html"

    def changelist_view(self, request, extra_context=None):
        nspam, nham = store.totals()
        notice = "" if store.is_ready(nspam, nham) else learnt_text(nspam, nham)
        extra_context = {**(extra_context or {}), "spam_filter_notice": notice}
        return super().changelist_view(request, extra_context)


class FilterSettingsInline(admin.StackedInline):
    """The filter's switch and thresholds, on the Discussion settings page: part of the
    discussion settings, so whoever may edit those (the Moderators) may edit these."""

    model = FilterSettings
    can_delete = False
    min_num = max_num = 1
    verbose_name = verbose_name_plural = _("Spam filter")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("comments.view_discussionsettings")

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("comments.change_discussionsettings")

    has_add_permission = has_change_permission

    def has_delete_permission(self, request, obj=None):
        return False


class DiscussionSettingsWithFilterAdmin(DiscussionSettingsAdmin):
    inlines = [*DiscussionSettingsAdmin.inlines, FilterSettingsInline]


def register(site=admin.site):
    for model, model_admin in [
        (Comment, SpamFilterCommentAdmin),
        (DiscussionSettings, DiscussionSettingsWithFilterAdmin),
    ]:
        if site.is_registered(model):
            site.unregister(model)
        site.register(model, model_admin)


register()
