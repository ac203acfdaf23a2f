"""``export_wordpress``: the whole site as WXR 1.2, as WordPress's own exporter writes it and
its importer reads it: the authors, every article with its HTML, and every comment with its
status, parent, kind, author fields and date. Written as a stream (articles and comments are
read with ``iterator()``), so a large site does not sit in memory."""

import re
from datetime import UTC
from email.utils import format_datetime

from django.conf import settings
from django.utils import timezone

from articles.models import Article, Author
from comments.models import Comment

WXR_HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<!-- This is a WordPress eXtended RSS file: an export of a natoblog site. -->
<rss version="2.0"
\txmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
\txmlns:content="http://purl.org/rss/1.0/modules/content/"
\txmlns:wfw="http://wellformedweb.org/CommentAPI/"
\txmlns:dc="http://purl.org/dc/elements/1.1/"
\txmlns:wp="http://wordpress.org/export/1.2/"
>
<channel>
"""
APPROVED = {
    Comment.Status.APPROVED: "1",
    Comment.Status.PENDING: "0",
    Comment.Status.SPAM: "spam",
    Comment.Status.TRASH: "trash",
}


# Characters XML 1.0 cannot hold at all (control characters): left out.
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def cdata(value):
    """A CDATA section holding ``value`` exactly (a "]]>" inside is split, as WordPress does)."""
    value = NOT_XML.sub("", value or "")
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def escape(value):
    return (
        NOT_XML.sub("", str(value or ""))
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
    )


def wp_date(value):
    if value is None:
        return "0000-00-00 00:00:00"
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def local_date(value):
    if value is None:
        return "0000-00-00 00:00:00"
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")


def post_status(article):
    if article.status != Article.Status.PUBLISHED:
        return "draft"
    return "publish" if article.is_published else "future"


def export_wordpress(out):
    """Write the site's WXR to ``out`` (a text stream). Returns (articles, comments)."""
    site = settings.SITE_URL.rstrip("/")
    write = out.write
    write(WXR_HEAD)
    write(f"\t<title>{escape(settings.SITE_NAME)}</title>\n\t<link>{escape(site)}</link>\n")
    write(f"\t<pubDate>{format_datetime(timezone.now().astimezone(UTC), usegmt=True)}</pubDate>\n")
    write("\t<wp:wxr_version>1.2</wp:wxr_version>\n")
    write(f"\t<wp:base_site_url>{escape(site)}</wp:base_site_url>\n")
    write(f"\t<wp:base_blog_url>{escape(site)}</wp:base_blog_url>\n")
    for author in Author.objects.order_by("pk"):
        write(
            "\t<wp:author>"
            f"<wp:author_id>{author.pk}</wp:author_id>"
            f"<wp:author_login>{cdata(author.slug)}</wp:author_login>"
            f"<wp:author_email>{cdata(author.email)}</wp:author_email>"
            f"<wp:author_display_name>{cdata(author.name)}</wp:author_display_name>"
            "</wp:author>\n"
        )
    articles = comments = 0
    for article in Article.objects.select_related("author").order_by("pk").iterator():
        articles += 1
        comments += write_item(write, site, article)
    write("</channel>\n</rss>\n")
    return articles, comments


def write_item(write, site, article):
    url = site + article.get_absolute_url()
    # the HTML WordPress shows: an article's own HTML, or what its Markdown became
    body = article.body if article.body_format == Article.BodyFormat.HTML else article.body_html
    write(
        "\t<item>\n"
        f"\t\t<title>{escape(article.title)}</title>\n"
        f"\t\t<link>{escape(url)}</link>\n"
        f"\t\t<dc:creator>{cdata(article.author.slug)}</dc:creator>\n"
        f'\t\t<guid isPermaLink="false">{escape(url)}</guid>\n'
        "\t\t<description></description>\n"
        f"\t\t<content:encoded>{cdata(body)}</content:encoded>\n"
        f"\t\t<excerpt:encoded>{cdata(article.excerpt)}</excerpt:encoded>\n"
        f"\t\t<wp:post_id>{article.pk}</wp:post_id>\n"
        f"\t\t<wp:post_date>{cdata(local_date(article.published_at))}</wp:post_date>\n"
        f"\t\t<wp:post_date_gmt>{cdata(wp_date(article.published_at))}</wp:post_date_gmt>\n"
        f"\t\t<wp:comment_status>{'open' if article.comments_enabled else 'closed'}"
        "</wp:comment_status>\n"
        "\t\t<wp:ping_status>closed</wp:ping_status>\n"
        f"\t\t<wp:post_name>{cdata(article.slug)}</wp:post_name>\n"
        f"\t\t<wp:status>{post_status(article)}</wp:status>\n"
        "\t\t<wp:post_parent>0</wp:post_parent>\n"
        "\t\t<wp:menu_order>0</wp:menu_order>\n"
        "\t\t<wp:post_type>post</wp:post_type>\n"
        "\t\t<wp:post_password></wp:post_password>\n"
        "\t\t<wp:is_sticky>0</wp:is_sticky>\n"
    )
    count = 0
    for comment in Comment.objects.filter(article=article).order_by("pk").iterator():
        count += 1
        # WordPress keeps a comment's HTML: an imported one's own, else what the site showed
        text = (
            comment.body if comment.body_format == Comment.BodyFormat.HTML else comment.body_html
        )
        kind = "" if comment.kind == Comment.Kind.COMMENT else comment.kind
        write(
            "\t\t<wp:comment>\n"
            f"\t\t\t<wp:comment_id>{comment.pk}</wp:comment_id>\n"
            f"\t\t\t<wp:comment_author>{cdata(comment.author_name)}</wp:comment_author>\n"
            f"\t\t\t<wp:comment_author_email>{cdata(comment.author_email)}"
            "</wp:comment_author_email>\n"
            f"\t\t\t<wp:comment_author_url>{escape(comment.author_url)}</wp:comment_author_url>\n"
            f"\t\t\t<wp:comment_author_IP>{escape(comment.ip_address or '')}"
            "</wp:comment_author_IP>\n"
            f"\t\t\t<wp:comment_date>{cdata(local_date(comment.created_at))}</wp:comment_date>\n"
            f"\t\t\t<wp:comment_date_gmt>{cdata(wp_date(comment.created_at))}"
            "</wp:comment_date_gmt>\n"
            f"\t\t\t<wp:comment_content>{cdata(text)}</wp:comment_content>\n"
            f"\t\t\t<wp:comment_approved>{APPROVED[comment.status]}</wp:comment_approved>\n"
            f"\t\t\t<wp:comment_type>{kind}</wp:comment_type>\n"
            f"\t\t\t<wp:comment_parent>{comment.parent_id or 0}</wp:comment_parent>\n"
            f"\t\t\t<wp:comment_user_id>{comment.user_id or 0}</wp:comment_user_id>\n"
            "\t\t</wp:comment>\n"
        )
    write("\t</item>\n")
    return count
