"""``import_wordpress``: a WordPress export (WXR 1.0, 1.1, 1.2) into the site.

The file is streamed (moving/xmlstream.py): each ``<item>`` is handled once it is complete,
then dropped, so memory holds one post and its comments at a time. Everything happens in one
transaction: a file that breaks half way leaves the database as it was. Authors are matched by
login (an earlier import) or e-mail; a post whose slug an article here already has is that
article (its text is left alone, its comments added). Comments keep their status from the file
and go through ``comments.actions.import_comments``: no moderation, no mail.
"""

from urllib.parse import unquote, urlsplit

import nh3
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from articles.models import Article, Author, article_changed
from comments.actions import import_comments
from comments.models import Comment
from subscriptions.notifications import never_announce

from .models import Origin
from .report import Report
from .store import Accounts, Origins, add_old_link, ip_or_none, parse_datetime, unescaped
from .xmlstream import (
    CountingReader,
    ImportFailed,
    children,
    fields,
    name,
    raw_text,
    stream,
    text,
)

DATE = "%Y-%m-%d %H:%M:%S"
COMMENT_STATUS = {
    "1": Comment.Status.APPROVED,
    "approve": Comment.Status.APPROVED,
    "0": Comment.Status.PENDING,
    "hold": Comment.Status.PENDING,
    "spam": Comment.Status.SPAM,
    "trash": Comment.Status.TRASH,
    "post-trashed": Comment.Status.TRASH,
}
KINDS = {"pingback": Comment.Kind.PINGBACK, "trackback": Comment.Kind.TRACKBACK}
POST_STATUS = {
    "publish": Article.Status.PUBLISHED,
    "future": Article.Status.PUBLISHED,  # scheduled: published at a time still to come
    "draft": Article.Status.DRAFT,
    "pending": Article.Status.DRAFT,
    "private": Article.Status.DRAFT,
}
A, C = Origin.Kind.ARTICLE, Origin.Kind.COMMENT


class DryRun(Exception):
    pass


def run_in_transaction(importer, file, dry_run):
    """Run ``importer.run(file)`` in one transaction (rolled back for a dry run), the pages
    of the articles it touched refreshed once, on commit."""
    try:
        with transaction.atomic():
            importer.run(file)
            importer.origins.flush()
            if importer.report.article_ids:
                article_changed(*importer.report.article_ids)
            if dry_run:
                raise DryRun
    except DryRun:
        pass
    return importer.report


def import_wordpress(file, *, author_emails=None, dry_run=False, progress=None, file_name=""):
    """Import a WXR file (a binary file object). Returns the Report; raises ImportFailed
    (nothing written) for a file it cannot read."""
    importer = WordPressImport(Report("wordpress", file_name, dry_run), author_emails, progress)
    return run_in_transaction(importer, file, dry_run)


class WordPressImport:
    def __init__(self, report, author_emails=None, progress=None):
        self.report = report
        self.author_emails = dict(author_emails or {})
        self.progress = progress
        self.site = ""
        self.origins = None
        self.authors = {}  # login -> Author id
        self.accounts = Accounts()
        self.reason = _("Imported from WordPress")

    def run(self, file):
        wxr = False
        for root, element in stream(CountingReader(file, self.progress), depth=2):
            if root != "rss":
                raise ImportFailed(
                    _("Not a WordPress export (WXR): the file's root element is <%(root)s>.")
                    % {"root": root}
                )
            tag = name(element.tag)
            if tag == "wp:wxr_version":
                wxr = True
            elif tag == "wp:base_site_url" or (tag in ("link", "title") and not self.site):
                # the site's identity in the origins: its address (a file without one: its
                # title), so that two sites' post ids never meet
                self.site = (element.text or "").strip().rstrip("/")[:200]
            elif tag == "wp:author":
                self.author(element)
            elif tag in ("wp:category", "wp:tag", "wp:term"):
                self.report.skipped[tag.partition(":")[2]] += 1
            elif tag == "item":
                wxr = wxr or any(name(child.tag).startswith("wp:") for child in element)
                self.item(element)
        if not wxr:
            raise ImportFailed(
                _("Not a WordPress export (WXR): no wp:wxr_version and no wp: elements.")
            )

    def source(self):
        if self.origins is None:
            self.origins = Origins(f"wordpress:{self.site}" if self.site else "wordpress")
        return self.origins

    # --- authors -----------------------------------------------------------------------

    def author(self, element):
        login = text(element, "wp:author_login")
        if not login:
            return
        email = self.author_emails.get(login) or text(element, "wp:author_email")
        display = unescaped(text(element, "wp:author_display_name")) or login
        self.authors[login] = self.find_or_create_author(login, display, email)

    def find_or_create_author(self, login, display, email):
        origins = self.source()
        author_id = origins.find(Origin.Kind.AUTHOR, login)
        if author_id is not None and Author.objects.filter(pk=author_id).exists():
            self.report.existed["authors"] += 1
            return author_id
        author = Author.objects.filter(email__iexact=email).first() if email else None
        if author is not None:
            self.report.existed["authors"] += 1
        else:
            author = Author(name=display[:200], slug=self.free_slug(Author, login), email=email)
            author.save()
            self.report.created["authors"] += 1
        origins.add(Origin.Kind.AUTHOR, login, author.pk)
        origins.flush()
        return author.pk

    @staticmethod
    def free_slug(model, wanted, fallback="imported"):
        base = (slugify(unquote(wanted or "")) or fallback)[:180]
        slug, n = base, 1
        while model.objects.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        return slug

    def author_of(self, element):
        login = text(element, "dc:creator") or "wordpress"
        if login not in self.authors:  # WXR 1.0 has no wp:author: the login is all there is
            email = self.author_emails.get(login, "")
            self.authors[login] = self.find_or_create_author(login, unescaped(login), email)
        return self.authors[login]

    # --- posts -------------------------------------------------------------------------

    def item(self, element):
        title = unescaped(text(element, "title"), 255)
        post_type = text(element, "wp:post_type")
        if post_type != "post":  # a page, attachment, menu item...: its comments go with it
            comments = len(children(element, "wp:comment"))
            if comments:
                self.report.skipped["comments on skipped items"] += comments
        if not post_type:
            # WordPress's importer refuses an item whose post type does not exist ("Invalid
            # post type"); an item without one is such an item.
            self.report.skipped["item without wp:post_type"] += 1
            self.report.note(
                _("“%(title)s” has no wp:post_type: skipped, as WordPress's importer does.")
                % {"title": title}
            )
            return
        if post_type != "post":
            self.report.skipped[post_type] += 1
            return
        wp_status = text(element, "wp:status")
        if wp_status not in POST_STATUS:  # trash, auto-draft
            self.report.skipped[f"post ({wp_status or '?'})"] += 1
            self.report.skipped["comments on skipped items"] += len(
                children(element, "wp:comment")
            )
            return
        post_id = text(element, "wp:post_id") or text(element, "guid")
        article_id = self.article(element, post_id, title, wp_status)
        link = text(element, "link")
        add_old_link(urlsplit(link).path if link else "", article_id, self.report)
        if post_id.isdigit():
            add_old_link(f"/?p={post_id}", article_id, self.report)
        self.comments(element, article_id, post_id)

    def article(self, element, post_id, title, wp_status):
        origins = self.source()
        article_id = origins.find(A, post_id)
        if article_id is not None and Article.objects.filter(pk=article_id).exists():
            self.report.existed["articles"] += 1
            return article_id
        post_name = text(element, "wp:post_name")
        slug = slugify(unquote(post_name))[:255]
        existing = Article.objects.filter(slug=slug).first() if slug else None
        if existing is not None:
            self.report.existed["articles"] += 1
            self.report.note(
                _(
                    "“%(title)s” is the article “%(slug)s” already here: its text was left alone, "
                    "its comments added."
                )
                % {"title": title, "slug": slug}
            )
            origins.add(A, post_id, existing.pk)
            return existing.pk
        published = parse_datetime(text(element, "wp:post_date_gmt"), DATE) or parse_datetime(
            text(element, "wp:post_date"), DATE
        )
        status = POST_STATUS[wp_status]
        if status == Article.Status.PUBLISHED and published is None:
            published = timezone.now()
        excerpt = raw_text(element, "excerpt:encoded")
        article = Article(
            title=title or _("(no title)"),
            slug=slug or self.free_slug(Article, title, fallback=f"post-{post_id}"),
            author_id=self.author_of(element),
            body=raw_text(element, "content:encoded"),
            body_format=Article.BodyFormat.HTML,
            excerpt=unescaped(strip_tags(excerpt)),
            status=status,
            published_at=published if status == Article.Status.PUBLISHED else None,
            comments_enabled=text(element, "wp:comment_status", "open") != "closed",
        )
        article.save()
        never_announce(article.pk)  # importing is not publishing: no mail to followers
        self.report.created["articles"] += 1
        if wp_status != "publish":
            self.report.note(
                _("“%(title)s” was %(status)s in WordPress: imported as %(as)s.")
                % {
                    "title": article.title,
                    "status": wp_status,
                    "as": _("scheduled") if wp_status == "future" else _("a draft"),
                }
            )
        origins.add(A, post_id, article.pk)
        return article.pk

    # --- comments ----------------------------------------------------------------------

    def comments(self, element, article_id, post_id):
        rows = children(element, "wp:comment")
        if not rows:
            return
        origins = self.source()
        prefix = f"{post_id}:"
        rows = [fields(row) for row in rows]
        done = origins.find_many(C, prefix, {row.get("wp:comment_id", "").strip() for row in rows})
        new, parents = {}, {}
        for row in rows:
            comment_id = row.get("wp:comment_id", "").strip()
            kind = row.get("wp:comment_type", "").strip().lower()
            if kind == "note":  # an editor's note (WordPress 6.9), not a comment
                self.report.skipped["note"] += 1
                continue
            if comment_id in done or comment_id in new:
                self.report.existed["comments"] += 1
                continue
            new[comment_id] = self.comment(row, article_id, kind)
            parents[comment_id] = row.get("wp:comment_parent", "").strip()
        if not new:
            return
        saved = {}
        if any(parents[key] in done for key in new):  # replies to comments imported before
            wanted = set(parents.values())
            bulk = Comment.objects.in_bulk([pk for key, pk in done.items() if key in wanted])
            saved = {key: bulk[pk] for key, pk in done.items() if pk in bulk}
        self.link_parents(new, parents, saved, post_id)
        self.set_anchors(new)
        import_comments(new.values(), self.reason)
        for comment_id, comment in new.items():
            origins.add(C, prefix + comment_id, comment.pk)
            self.report.statuses[comment.status] += 1
            self.report.kinds[comment.kind] += 1
        self.report.created["comments"] += len(new)
        self.report.article_ids.add(article_id)

    def comment(self, row, article_id, kind):
        """A Comment from a wp:comment (``row``: its fields, see xmlstream.fields)."""

        def get(tag):
            return row.get(tag, "").strip()

        status = COMMENT_STATUS.get(get("wp:comment_approved"), Comment.Status.PENDING)
        email = get("wp:comment_author_email")[:100]
        comment = Comment(
            article_id=article_id,
            kind=KINDS.get(kind, Comment.Kind.COMMENT),
            author_name=unescaped(get("wp:comment_author"), 245),
            author_email=email,
            author_url=get("wp:comment_author_url")[:200],
            ip_address=ip_or_none(get("wp:comment_author_IP")),
            body=row.get("wp:comment_content", ""),
            body_format=Comment.BodyFormat.HTML,
            status=status,
            created_at=parse_datetime(get("wp:comment_date_gmt"), DATE)
            or parse_datetime(get("wp:comment_date"), DATE)
            or timezone.now(),
        )
        if status == Comment.Status.TRASH:
            before = {"1": Comment.Status.APPROVED, "0": Comment.Status.PENDING}
            for meta in row.element.iter():
                if name(meta.tag) == "wp:commentmeta" and (
                    text(meta, "wp:meta_key") == "_wp_trash_meta_status"
                ):
                    comment.status_before_removal = before.get(text(meta, "wp:meta_value"), "")
        if get("wp:comment_user_id") not in ("", "0"):
            comment.user_id = self.accounts.user_id(email)
        return comment

    def link_parents(self, new, parents, saved, post_id):
        """Each new comment's parent: another of the post's comments, new or imported before;
        a parent missing from the file makes a top-level comment (reported)."""
        for comment_id, comment in new.items():
            parent_id = parents[comment_id]
            if parent_id in ("", "0"):
                continue
            parent = new.get(parent_id) or saved.get(parent_id)
            if parent is None:
                self.report.note(
                    _(
                        "Comment %(id)s on post %(post)s replies to comment %(parent)s, which is "
                        "not in the file: imported as a top-level comment."
                    )
                    % {"id": comment_id, "post": post_id, "parent": parent_id}
                )
                self.report.skipped["missing parent (made top-level)"] += 1
            comment.parent = parent
        for comment_id, comment in new.items():  # a loop of parents: cut where it closes
            seen, node = {id(comment)}, comment.parent
            while node is not None and node.pk is None:
                if id(node) in seen:
                    comment.parent = None
                    self.report.note(
                        _("Comment %(id)s is in a loop of replies: imported as top-level.")
                        % {"id": comment_id}
                    )
                    break
                seen.add(id(node))
                node = node.parent

    @staticmethod
    def set_anchors(new):
        """The old "#comment-45" anchor, unless a comment here already has that id."""
        numbers = [int(key) for key in new if key.isdigit() and len(key) < 18]
        taken = set(Comment.objects.filter(pk__in=numbers).values_list("pk", flat=True))
        for key, comment in new.items():
            if key.isdigit() and len(key) < 18 and int(key) not in taken:
                comment.legacy_anchor = f"comment-{key}"


def strip_tags(value):
    return nh3.clean(value or "", tags=set())
