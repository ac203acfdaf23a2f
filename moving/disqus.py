"""``import_disqus``: a Disqus export into the site's articles.

Threads are matched to articles by ``--map URL=SLUG`` first (the owner's word), then by their
``<link>``: its path is an article's address here, or an old address an earlier import
redirects, or its last segment is an article's slug; then by ``<id>`` as a slug. Threads that
match no article are reported, never invented. Posts keep their author, e-mail, address, date,
text (HTML, sanitised) and parent; ``isSpam`` → spam; ``isDeleted`` → the "This comment was
removed." placeholder when it has replies, else skipped. A Disqus export lists every thread,
then every post (in no order of parents), so the posts are read first (a few fields each) and
imported thread by thread, in one transaction.
"""

from collections import defaultdict
from urllib.parse import urlsplit

from django.urls import Resolver404, resolve
from django.utils.text import slugify
from django.utils.translation import gettext as _

from articles.models import Article
from comments.actions import ANONYMISED, import_comments
from comments.models import Comment

from .middleware import old_link
from .models import Origin
from .report import Report
from .store import Accounts, Origins, ip_or_none, parse_datetime, unescaped
from .wordpress import run_in_transaction
from .xmlstream import CountingReader, ImportFailed, name, raw_text, stream, text

C = Origin.Kind.COMMENT


def import_disqus(file, *, url_map=None, dry_run=False, progress=None, file_name=""):
    """Import a Disqus export (a binary file object). Returns the Report; raises
    ImportFailed (nothing written) for a file it cannot read."""
    importer = DisqusImport(Report("disqus", file_name, dry_run), url_map, progress)
    return run_in_transaction(importer, file, dry_run)


def dsq_id(element):
    for key, value in element.attrib.items():
        if name(key) == "dsq:id":
            return value.strip()
    return ""


def ref(element, tag):
    """The dsq:id of a child reference such as <thread dsq:id="2"/>."""
    for child in element:
        if name(child.tag) == tag:
            return dsq_id(child)
    return ""


class DisqusImport:
    def __init__(self, report, url_map=None, progress=None):
        self.report = report
        self.url_map = dict(url_map or {})
        self.progress = progress
        self.origins = Origins("disqus")
        self.accounts = Accounts()
        self.reason = _("Imported from Disqus")

    def run(self, file):
        threads, posts = {}, defaultdict(list)
        for root, element in stream(CountingReader(file, self.progress), depth=1):
            if root != "disqus":
                raise ImportFailed(
                    _("Not a Disqus export: the file's root element is <%(root)s>.")
                    % {"root": root}
                )
            tag = name(element.tag)
            if tag == "thread":
                threads[dsq_id(element)] = (
                    text(element, "link"),
                    text(element, "id"),
                    unescaped(text(element, "title")),
                    text(element, "forum"),
                )
            elif tag == "post":
                posts[ref(element, "thread")].append(self.read_post(element))
            elif tag == "category":
                self.report.skipped["category"] += 1
        for thread_id, thread_posts in posts.items():
            if thread_id not in threads:
                self.report.skipped["posts of a thread not in the file"] += len(thread_posts)
                self.report.note(
                    _("%(count)d post(s) belong to thread %(thread)s, which is not in the file.")
                    % {"count": len(thread_posts), "thread": thread_id or "?"}
                )
                continue
            link, key, title, forum = threads[thread_id]
            article = self.article_for(link, key)
            if article is None:
                self.report.skipped["posts of a thread matching no article"] += len(thread_posts)
                self.report.note(
                    _(
                        "Thread “%(title)s” (%(link)s) matches no article: %(count)d post(s) "
                        "not imported (add --map URL=SLUG)."
                    )
                    % {
                        "title": title or thread_id,
                        "link": link or key,
                        "count": len(thread_posts),
                    }
                )
                continue
            self.import_thread(article, forum, thread_id, thread_posts)
        self.report.skipped["threads without posts"] += len(set(threads) - set(posts))

    def read_post(self, element):
        author = next((child for child in element if name(child.tag) == "author"), None)
        return {
            "id": dsq_id(element),
            "parent": ref(element, "parent"),
            "message": raw_text(element, "message").strip(),
            "created": text(element, "createdAt"),
            "deleted": text(element, "isDeleted").lower() == "true",
            "spam": text(element, "isSpam").lower() == "true",
            "approved": text(element, "isApproved", "true").lower() != "false",
            "name": unescaped(text(author, "name"), 245) if author is not None else "",
            "username": text(author, "username") if author is not None else "",
            "email": text(author, "email")[:100] if author is not None else "",
            "ip": text(element, "ipAddress"),
        }

    def article_for(self, link, key):
        """The article a thread belongs to, or None."""
        path = urlsplit(link).path if link else ""
        for wanted in (link, link.rstrip("/"), path):
            if wanted and wanted in self.url_map:
                return Article.objects.filter(slug=self.url_map[wanted]).first()
        if path:
            try:
                match = resolve(path)
            except Resolver404:
                match = None
            if match is not None and match.url_name in ("detail", "detail-page"):
                article = Article.objects.filter(slug=match.kwargs["slug"]).first()
                if article is not None:
                    return article
            target = old_link(path)
            if target:
                return self.article_for(target, "") if target != link else None
            segments = [s for s in path.split("/") if s and not s.startswith("index.")]
            if segments:
                slug = slugify(segments[-1].rsplit(".", 1)[0])
                article = Article.objects.filter(slug=slug).first() if slug else None
                if article is not None:
                    return article
        slug = slugify(key) if key else ""
        return Article.objects.filter(slug=slug).first() if slug else None

    def import_thread(self, article, forum, thread_id, posts):
        prefix = f"{forum}:{thread_id}:"
        done = set(self.origins.find_many(C, prefix, {post["id"] for post in posts}))
        by_id = {post["id"]: post for post in posts}
        replied = {post["parent"] for post in posts if not post["deleted"]}
        new = {}
        for post in posts:
            if post["id"] in done:
                self.report.existed["comments"] += 1
            elif post["deleted"] and post["id"] not in replied:
                self.report.skipped["deleted posts without replies"] += 1
            else:
                new[post["id"]] = self.comment(article, post)
        for post_id, comment in new.items():
            parent = by_id[post_id]["parent"]
            if parent and parent not in new:
                saved = self.origins.find(C, prefix + parent)
                comment.parent = Comment.objects.filter(pk=saved).first() if saved else None
                if comment.parent is None:
                    self.report.note(
                        _(
                            "Post %(id)s replies to post %(parent)s, which is not in the file: "
                            "imported as a top-level comment."
                        )
                        % {"id": post_id, "parent": parent}
                    )
            elif parent:
                comment.parent = new[parent]
        self.cut_loops(new)
        import_comments(new.values(), self.reason)
        for post_id, comment in new.items():
            self.origins.add(C, prefix + post_id, comment.pk)
            self.report.statuses[comment.status] += 1
            self.report.kinds[comment.kind] += 1
        if new:
            self.report.created["comments"] += len(new)
            self.report.article_ids.add(article.pk)

    def comment(self, article, post):
        if post["spam"]:
            status = Comment.Status.SPAM
        elif post["approved"]:
            status = Comment.Status.APPROVED
        else:
            status = Comment.Status.PENDING
        comment = Comment(
            article=article,
            author_name=post["name"] or post["username"] or _("Anonymous"),
            author_email=post["email"],
            ip_address=ip_or_none(post["ip"]),
            body=post["message"],
            body_format=Comment.BodyFormat.HTML,
            status=status,
            created_at=parse_datetime(post["created"], "%Y-%m-%dT%H:%M:%SZ"),
        )
        if comment.created_at is None:
            raise ImportFailed(
                _("Post %(id)s has a date that cannot be read: %(date)s.")
                % {"id": post["id"], "date": post["created"] or "(none)"}
            )
        if post["deleted"]:  # kept only for its replies: "This comment was removed."
            for field, value in ANONYMISED.items():
                setattr(comment, field, value)
            comment.author_name = str(ANONYMISED["author_name"])
            comment.body, comment.status = "", Comment.Status.TRASH
        elif comment.author_email:
            comment.user_id = self.accounts.user_id(comment.author_email)
        return comment

    def cut_loops(self, new):
        for comment in new.values():
            seen, node = {id(comment)}, comment.parent
            while node is not None and node.pk is None:
                if id(node) in seen:
                    comment.parent = None
                    break
                seen.add(id(node))
                node = node.parent
