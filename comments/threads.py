"""The comment section of an article page: a page of threads, built from a few queries.

``comment_page`` fetches the ids of the page's threads and how many threads there are (one
query), then every comment of those threads (one query, with the visitor's own pending
comments; when the comments are paginated, one more counts them all), and builds the tree in
Python in O(n). The comments are plain rows holding only what the page shows (no model
instances), and ``comments.display`` writes the flat list as HTML in one pass: nothing recurses.
"""

import math
from collections import namedtuple
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial

from django.db import connection
from django.db.models import Count, Q, TextField, Window
from django.db.models.functions import Cast
from django.http import Http404

from natoblog.prepared import Prepared
from pagecache.data import kept

from . import order
from .conf import settings
from .models import Comment

SESSION_KEY = "comments_mine"
# What the page shows of a comment and its author (see comments.display).
DISPLAY_FIELDS = (
    "pk",
    "parent_id",
    "thread_id",
    "created_at",
    "status",
    "author_name",
    "author_url",
    "email_hash",
    "body_html",
    "kind",
    "legacy_anchor",
    "edited_at",
    "user_id",  # who may still edit it (comments.ownership), never shown
)
Row = namedtuple("Row", DISPLAY_FIELDS)
CREATED_AT = DISPLAY_FIELDS.index("created_at")
EDITED_AT = DISPLAY_FIELDS.index("edited_at")


@dataclass
class Node:
    comment: tuple | None  # a DISPLAY_FIELDS row; None: a removed comment's placeholder
    pk: int
    parent_id: int | None
    created_at: object
    children: list = field(default_factory=list)
    depth: int = 0
    closes: range = range(0)  # how many nested lists close after this node


@dataclass
class CommentPage:
    number: int
    count: int  # approved comments in all pages (pingbacks and trackbacks not counted)
    num_pages: int
    nodes: list  # flat, in display order

    @property
    def has_other_pages(self):
        return self.num_pages > 1


def own_comment_ids(request):
    """The comments this visitor posted in this session (pending ones are shown to them)."""
    if not hasattr(request, "session") or SESSION_KEY not in request.session:
        return []
    return list(request.session[SESSION_KEY])


def remember_own_comment(request, comment):
    mine = own_comment_ids(request)
    mine.append(comment.pk)
    request.session[SESSION_KEY] = mine[-50:]


def per_page():
    return max(settings.COMMENTS_PER_PAGE, 1)


def thread_roots(article, newest_first=False):
    """Top-level comments that start a thread on the page: approved ones, and removed ones
    that still have approved replies (shown as a placeholder), in the order of the pages."""
    # (a subquery limited to the article's replies: as a correlated EXISTS PostgreSQL hashed
    # every reply of every article)
    with_visible_replies = Comment.objects.approved().filter(article=article).exclude(parent=None)
    return (
        Comment.objects.filter(article=article, parent=None)
        .filter(
            Q(status=Comment.Status.APPROVED) | Q(pk__in=with_visible_replies.values("thread_id"))
        )
        .order_by(*(("-created_at", "-pk") if newest_first else ("created_at", "pk")))
    )


def comment_page(article, number=None, own_ids=(), newest_first=None, request=None):
    """The requested page of threads (the first by default), in DiscussionSettings' order
    (oldest or newest first; replies stay oldest first).

    The same for every reader who has no comment awaiting moderation: such a page is built
    once per process for each version of the article's pages in the page cache
    (pagecache.data; the group is the article's slug, as articles.models names it), so it is
    exactly as fresh as the cached page (``request``: the one it is for, see pagecache.data).
    Nobody changes a CommentPage once it is built."""
    number = 1 if number is None else number
    if newest_first is None:  # a change of order changes every article (DiscussionSettings)
        newest_first = kept(article.slug, ("comment-order",), order.newest_first, request)
    if number < 1:
        raise Http404("No such page of comments.")
    if own_ids:
        return _comment_page(article, number, own_ids, newest_first)
    key = ("comment-page", article.pk, number, newest_first, per_page())
    build = partial(_comment_page, article, number, (), newest_first)
    return kept(article.slug, key, build, request)


def _comment_page(article, number, own_ids, newest_first):
    start = (number - 1) * per_page()
    # the ids of this page's threads, with the number of threads in all
    roots = PAGE_ROOTS.rows(article.pk, newest_first, start, per_page())
    if not roots and number != 1:
        raise Http404("No such page of comments.")
    page_roots = [pk for pk, _ in roots]
    num_pages = max(math.ceil(roots[0][1] / per_page()), 1) if roots else 1

    visible = Q(status=Comment.Status.APPROVED)
    if num_pages > 1:
        visible &= Q(pk__in=page_roots) | Q(thread_id__in=page_roots)
    # else every thread is on this page: no need to send their ids to the database
    if own_ids:
        # The visitor's own comments awaiting moderation, shown only to them. Top-level ones
        # appear on the page of the newest threads; replies in the threads of this page
        # (filtered below).
        mine = Q(pk__in=own_ids, status=Comment.Status.PENDING)
        if number != (1 if newest_first else num_pages):
            mine &= ~Q(parent=None)
        visible |= mine
    roots = set(page_roots)
    rows = []
    if page_roots and num_pages == 1 and not own_ids and connection.vendor in TEXT_TIMES:
        rows = to_rows(ONE_PAGE_ROWS.rows(article.pk))  # (every approved comment)
    elif page_roots or own_ids:
        rows = display_rows(
            Comment.objects.filter(article=article).filter(visible).order_by("created_at", "pk")
        )
    comments = [
        c
        for c in rows
        if c.status == Comment.Status.APPROVED or c.parent_id is None or c.thread_id in roots
    ]
    shown = {c.pk for c in comments}
    broken = {c.thread_id or c.pk for c in comments if c.parent_id and c.parent_id not in shown}
    removed = []
    if broken:
        # A reply whose parent is not shown: fetch the hidden comments of those threads once,
        # to keep placeholders where they stood.
        removed = list(
            Comment.objects.filter(Q(pk__in=broken) | Q(thread_id__in=broken))
            .exclude(pk__in=shown)
            .values_list("pk", "parent_id", "created_at")
        )
    # "N thoughts": approved comments, not pingbacks and trackbacks (as WordPress counts)
    if num_pages == 1:  # every approved comment is on this page
        count = sum(
            c.status == Comment.Status.APPROVED and c.kind == Comment.Kind.COMMENT
            for c in comments
        )
    else:
        count = Comment.objects.approved().thoughts().filter(article=article).count()
    return CommentPage(
        number=number,
        count=count,
        num_pages=num_pages,
        nodes=build_tree(comments, removed, newest_first),
    )


TEXT_TIMES = ("postgresql", "sqlite")  # where the times are read as text (display_query)


def display_query(comments):
    """The DISPLAY_FIELDS of ``comments`` as a values_list, for ``to_rows``.

    On PostgreSQL and SQLite the times are read as text and parsed in ``to_rows``: Django reads
    each timestamptz from psycopg through a loader of its own, in Python, which cost as much as
    all the rest of a thousand rows (the "render ms" column of make bench shows it). The text
    is ISO 8601 in the connection's time zone (PostgreSQL, which Django sets to UTC) or UTC
    without an offset (SQLite, as Django stores it)."""
    if connection.vendor not in TEXT_TIMES:
        return comments.values_list(*DISPLAY_FIELDS)
    fields = [*DISPLAY_FIELDS]
    fields[CREATED_AT], fields[EDITED_AT] = "created_at_text", "edited_at_text"
    return comments.annotate(
        created_at_text=Cast("created_at", TextField()),
        edited_at_text=Cast("edited_at", TextField()),  # mostly NULL: no converter per row
    ).values_list(*fields)


def to_rows(rows):
    """A ``Row`` for each row of ``display_query``."""
    if connection.vendor not in TEXT_TIMES:
        return [Row._make(row) for row in rows]
    parse, utc, cut, edit = datetime.fromisoformat, UTC, CREATED_AT, EDITED_AT
    result = []
    for row in rows:
        created = parse(row[cut])
        if created.tzinfo is None:
            created = created.replace(tzinfo=utc)
        edited = row[edit]
        if edited is not None:
            edited = parse(edited)
            if edited.tzinfo is None:
                edited = edited.replace(tzinfo=utc)
        result.append(Row(*row[:cut], created, *row[cut + 1 : edit], edited, *row[edit + 1 :]))
    return result


def display_rows(comments):
    """The DISPLAY_FIELDS of ``comments``, a ``Row`` each."""
    return to_rows(display_query(comments))


# The two queries of nearly every page, built once (natoblog.prepared): the ids of a page's
# threads with how many there are, and, when they are all on one page, every approved comment.
PAGE_ROOTS = Prepared(
    lambda article_id, newest_first, start, size: (
        thread_roots(article_id, newest_first)
        .annotate(threads=Window(Count("pk")))
        .values_list("pk", "threads")[start : start + size]
    )
)
ONE_PAGE_ROWS = Prepared(
    lambda article_id: display_query(
        Comment.objects.filter(article=article_id, status=Comment.Status.APPROVED).order_by(
            "created_at", "pk"
        )
    )
)


def build_tree(comments, removed=(), newest_first=False):
    """Order comments as threads (oldest first at every level, or the threads newest first)
    and flatten them for display.

    ``removed`` holds (pk, parent_id, created_at) of comments that are not shown; those that
    are ancestors of a shown comment become placeholders, so no reply is ever orphaned.
    """
    nodes = {c.pk: Node(c, c.pk, c.parent_id, c.created_at) for c in comments}
    hidden = {pk: (parent_id, created_at) for pk, parent_id, created_at in removed}
    missing = [c.parent_id for c in comments if c.parent_id and c.parent_id not in nodes]
    while missing:
        pk = missing.pop()
        if pk in nodes or pk not in hidden:
            continue
        parent_id, created_at = hidden[pk]
        nodes[pk] = Node(None, pk, parent_id, created_at)
        if parent_id:
            missing.append(parent_id)
    roots = []
    for node in sorted(nodes.values(), key=lambda n: (n.created_at, n.pk)):
        parent = nodes.get(node.parent_id)
        (parent.children if parent else roots).append(node)

    flat = []
    stack = [(node, 0) for node in (roots if newest_first else reversed(roots))]
    while stack:
        node, depth = stack.pop()
        node.depth = depth
        flat.append(node)
        stack.extend((child, depth + 1) for child in reversed(node.children))
    # Each node closes the nested lists it opened and those of ancestors it ends.
    for i, node in enumerate(flat):
        next_depth = flat[i + 1].depth if i + 1 < len(flat) else 0
        node.closes = range(max(node.depth - next_depth, 0))
    return flat


def page_of(comment, newest_first=None):
    """The page number of the thread that holds a comment (a new top-level comment still
    awaiting moderation belongs on the page of the newest threads)."""
    if newest_first is None:
        newest_first = order.newest_first()
    root = comment.thread if comment.thread_id else comment
    roots = thread_roots(comment.article_id)
    if newest_first:
        earlier = Q(created_at__gt=root.created_at) | Q(created_at=root.created_at, pk__gt=root.pk)
    else:
        earlier = Q(created_at__lt=root.created_at) | Q(created_at=root.created_at, pk__lt=root.pk)
    before = roots.filter(earlier).count()
    last = max(math.ceil(roots.count() / per_page()), 1)
    return min(before // per_page() + 1, last)
