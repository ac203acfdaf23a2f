"""The comments of each article on the article's admin pages: two columns in the list
(approved and pending, each linked to that view of the queue) and the comments, read-only,
newest first, on its change page. The comments app extends articles' ArticleAdmin here, so
articles knows nothing of comments."""

from django.contrib import admin
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from articles.admin import ArticleAdmin
from articles.models import Article

from .models import Comment


class CommentInline(admin.TabularInline):
    """The comments of an article, read-only, newest first."""

    model = Comment
    fk_name = "article"
    fields = ["created_at", "author_name", "excerpt", "status"]
    readonly_fields = fields
    ordering = ["-created_at"]
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = _("comments (newest first)")

    def has_add_permission(self, request, obj=None):
        return False


class ArticleWithCommentsAdmin(ArticleAdmin):
    list_display = [*ArticleAdmin.list_display, "approved_comments", "pending_comments"]
    inlines = [*ArticleAdmin.inlines, CommentInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                approved_count=Count(
                    "comments", filter=Q(comments__status=Comment.Status.APPROVED)
                ),
                pending_count=Count("comments", filter=Q(comments__status=Comment.Status.PENDING)),
            )
        )

    def _comments_link(self, obj, status, count):
        url = reverse("admin:comments_comment_changelist")
        return format_html(
            '<a href="{}?article__id__exact={}&amp;status__exact={}">{}</a>',
            url,
            obj.pk,
            status,
            count,
        )

    @admin.display(description=_("Approved"), ordering="approved_count")
    def approved_comments(self, obj):
        return self._comments_link(obj, Comment.Status.APPROVED, obj.approved_count)

    @admin.display(description=_("Pending"), ordering="pending_count")
    def pending_comments(self, obj):
        return self._comments_link(obj, Comment.Status.PENDING, obj.pending_count)


def register(site=admin.site):
    if site.is_registered(Article):
        site.unregister(Article)
    site.register(Article, ArticleWithCommentsAdmin)
