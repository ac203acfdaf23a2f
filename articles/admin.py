from django.contrib import admin
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html

from comments.admin import CommentInline
from comments.models import Comment

from .models import Article, Author


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "slug", "website"]
    search_fields = ["name", "bio"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "author",
        "status",
        "published_at",
        "updated_at",
        "comments_enabled",
        "approved_comments",
        "pending_comments",
    ]
    list_filter = ["status", "published_at", "author", "comments_enabled"]
    list_select_related = ["author"]
    search_fields = ["title", "excerpt", "body"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["author"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "author", "excerpt", "body"]}),
        ("Publishing", {"fields": ["status", "published_at", "comments_enabled"]}),
    ]
    inlines = [CommentInline]

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

    @admin.display(description="Approved", ordering="approved_count")
    def approved_comments(self, obj):
        return self._comments_link(obj, Comment.Status.APPROVED, obj.approved_count)

    @admin.display(description="Pending", ordering="pending_count")
    def pending_comments(self, obj):
        return self._comments_link(obj, Comment.Status.PENDING, obj.pending_count)
