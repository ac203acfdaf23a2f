from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from articles.models import Article


class Origin(models.Model):
    """Where an imported object came from: its source site, what it is and its key there (an
    author's login, a post's id, a comment's post id and comment id: exports reuse comment ids
    across posts). A second import of the same file finds everything here and creates
    nothing."""

    class Kind(models.TextChoices):
        AUTHOR = "author", _("author")
        ARTICLE = "article", _("article")
        COMMENT = "comment", _("comment")

    source = models.CharField(_("source"), max_length=255)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    key = models.CharField(_("original key"), max_length=255)
    object_id = models.PositiveBigIntegerField(_("object id"))

    class Meta:
        verbose_name = _("imported object")
        verbose_name_plural = _("imported objects")
        constraints = [
            models.UniqueConstraint(fields=["source", "kind", "key"], name="one_origin_per_key")
        ]

    def __str__(self):
        return f"{self.source} {self.kind} {self.key}"


class OldLink(models.Model):
    """An address the article had on the site it was imported from ("/2021/10/27/slug/", or
    "/?p=123"): it answers 301 to the article (moving/middleware.py)."""

    path = models.CharField(_("old address"), max_length=500, unique=True)
    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("old address")
        verbose_name_plural = _("old addresses")

    def __str__(self):
        return self.path


class ImportRun(models.Model):
    """An import started from the admin: the uploaded file, run by a background task
    (moving/tasks.py), its progress and its report."""

    class Source(models.TextChoices):
        WORDPRESS = "wordpress", _("WordPress (WXR)")
        DISQUS = "disqus", _("Disqus")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    source = models.CharField(_("from"), max_length=10, choices=Source.choices)
    file = models.FileField(_("export file"), upload_to="imports/", blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True, editable=False)
    mapping = models.TextField(
        _("mapping"),
        blank=True,
        help_text=_(
            "One per line. WordPress: LOGIN=ADDRESS gives an author an e-mail address. Disqus: "
            "URL=SLUG puts a thread's comments on that article."
        ),
    )
    dry_run = models.BooleanField(
        _("dry run"), default=False, help_text=_("Report what would be done; write nothing.")
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.QUEUED, editable=False
    )
    report = models.JSONField(_("report"), null=True, blank=True, editable=False)
    error = models.TextField(_("error"), blank=True, editable=False)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        editable=False,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import from WordPress / Disqus")
        verbose_name_plural = _("Import from WordPress / Disqus")

    def __str__(self):
        return f"{self.get_source_display()}: {self.file_name or self.pk}"

    def mapping_pairs(self):
        """The mapping's lines as (left, right), split at the last "="."""
        pairs = []
        for line in self.mapping.splitlines():
            left, sep, right = line.strip().rpartition("=")
            if sep and left.strip() and right.strip():
                pairs.append((left.strip(), right.strip()))
        return pairs
