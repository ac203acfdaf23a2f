from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from natoblog.links import reverse
from pagecache.cache import invalidate

from .rendering import render_body


class Author(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    bio = models.TextField(
        _("bio"), blank=True, help_text=_("Shown in the box under each of their articles.")
    )
    website = models.URLField(_("website"), blank=True)
    photo = models.ImageField(_("photo"), upload_to="authors/", blank=True)
    email = models.EmailField(
        _("email"), blank=True, help_text=_("Never shown. Used to tell the author about comments.")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("author")
        verbose_name_plural = _("authors")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        slugs_changed(self.articles.values_list("slug", flat=True))  # the author box

    def get_absolute_url(self):
        return reverse("articles:author", kwargs={"slug": self.slug})


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """What readers may see: published, with a publication time that has come."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    # Bulk changes refresh the cached pages (article_changed, below), as Article.save() does.
    def update(self, **kwargs):
        slugs = list(self.values_list("slug", flat=True))
        rows = super().update(**kwargs)
        slugs_changed([*slugs, kwargs.get("slug")] if "slug" in kwargs else slugs)
        return rows

    def delete(self):
        slugs = list(self.values_list("slug", flat=True))
        deleted = super().delete()
        slugs_changed(slugs)
        return deleted


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=255)
    slug = models.SlugField(
        _("slug"), max_length=255, unique=True, help_text=_("The article's permalink.")
    )
    author = models.ForeignKey(
        Author, verbose_name=_("author"), on_delete=models.PROTECT, related_name="articles"
    )

    class BodyFormat(models.TextChoices):
        MARKDOWN = "markdown", _("Markdown")
        HTML = "html", _("HTML")

    body = models.TextField(_("body"), help_text=_("Markdown, or HTML (see the body format)."))
    body_format = models.CharField(
        _("body format"),
        max_length=10,
        choices=BodyFormat.choices,
        default=BodyFormat.MARKDOWN,
        help_text=_("HTML is for articles imported from WordPress; it is sanitised."),
    )
    body_html = models.TextField(editable=False, blank=True)
    excerpt = models.TextField(
        _("excerpt"),
        blank=True,
        help_text=_("One or two sentences for the home page, feeds and search engines."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        _("published at"),
        null=True,
        blank=True,
        help_text=_("Set when the article is first published; it may be in the future."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    comments_enabled = models.BooleanField(
        _("comments enabled"),
        default=True,
        help_text=_("Untick to close comments on this article."),
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [models.Index(fields=["status", "-published_at"])]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body_html = render_body(self.body, self.body_format)
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "body_html"}
        slugs = {self.slug}
        if not self._state.adding:  # the page at the old address too, if the slug changes
            slugs.update(Article.objects.filter(pk=self.pk).values_list("slug", flat=True))
        super().save(*args, **kwargs)
        slugs_changed(slugs)

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

    def delete(self, *args, **kwargs):
        deleted = super().delete(*args, **kwargs)
        slugs_changed([self.slug])
        return deleted

    @property
    def is_published(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )


# An article's pages in the page cache (pagecache) are the group named by the article's slug.
# Whatever changes what an article's page shows calls one of these (Article and Author saves
# above, and the comments app for its comments); they act once the transaction commits.


def article_changed(*article_ids):
    """Stop serving the cached pages of these articles (by id, looked up after the commit)."""
    invalidate(lambda: Article.objects.filter(pk__in=article_ids).values_list("slug", flat=True))


def slugs_changed(slugs):
    """Like ``article_changed``, for articles known by slug (the slug before a rename, too)."""
    invalidate(list(slugs))
