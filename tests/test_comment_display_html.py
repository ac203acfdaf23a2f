"""comments.display writes exactly the markup the template loop used to write, faster.

The reference is the loop that templates/comments/section.html held before the list was
rendered in Python (as main had it when this branch merged it: with Report links); it is kept
here, verbatim, and both are fed the same threads.
"""

import zoneinfo
from collections import namedtuple
from datetime import UTC, datetime, timedelta

import pytest
from django.template import engines
from django.utils import timezone, translation
from hypothesis import given, settings
from hypothesis import strategies as st

from comments.display import DateFormats, comment_list_html
from comments.models import website
from comments.threads import DISPLAY_FIELDS, build_tree

TEMPLATE_LOOP = engines["django"].from_string(
    """{% load static %}{% static 'img/avatar.svg' as default_avatar %}"""
    """{% url 'comments:report' as report_url %}"""
    """{% for node in comment_page.nodes %}{% with c=node.comment %}
      <li id="comment-{{ node.pk }}" class="comment depth-{{ node.depth }}{% if not c %} comment-removed{% endif %}">
      {% if c %}
        <article class="comment-body" aria-labelledby="comment-{{ node.pk }}-author">
          <footer class="comment-meta">
            <img class="avatar" src="{% if gravatar %}https://www.gravatar.com/avatar/{{ c.email_hash }}?s=96&amp;d=mp{% else %}{{ default_avatar }}{% endif %}" alt="" width="48" height="48" loading="lazy">
            <div>
              <span class="comment-author" id="comment-{{ node.pk }}-author">{% if c.website %}<a href="{{ c.website }}" rel="ugc nofollow noopener">{{ c.author_name }}</a>{% else %}{{ c.author_name }}{% endif %}</span>
              <a class="comment-permalink" href="#comment-{{ node.pk }}"><time datetime="{{ c.created_at|date:'c' }}">{{ c.created_at|date:"F j, Y \\a\\t g:i a" }}</time></a>
            </div>
          </footer>
          {% if c.status == "pending" %}<p class="comment-awaiting-moderation">Your comment is awaiting moderation.</p>{% endif %}
          <div class="comment-content">{{ c.body_html|safe }}</div>
          {% if c.status == "approved" %}
            <p class="comment-actions">
              {% if comments_open %}<a class="comment-reply-link" href="{{ comment_page_url }}?replytocom={{ node.pk }}#respond" data-reply-to="{{ node.pk }}" data-author="{{ c.author_name }}" aria-label="Reply to {{ c.author_name }}">Reply</a>{% endif %}
              <a class="comment-report-link" href="{{ report_url }}?comment={{ node.pk }}" rel="nofollow" aria-label="Report the comment by {{ c.author_name }}">Report</a>
            </p>
          {% endif %}
        </article>
      {% else %}
        <p class="comment-removed-text">This comment was removed.</p>
      {% endif %}
      {% if node.children %}<ol class="children">{% else %}</li>{% endif %}
      {% for _ in node.closes %}</ol></li>{% endfor %}
    {% endwith %}{% endfor %}"""  # noqa: E501
)


class Row(namedtuple("Row", DISPLAY_FIELDS)):
    """A row of the page's query, with the model's ``website`` for the template."""

    @property
    def website(self):
        return website(self.author_url)


ZONES = ["UTC", "Europe/Berlin", "America/St_Johns", "Asia/Kathmandu", "Pacific/Chatham"]
TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]) | st.sampled_from("<>&\"'"),
    max_size=20,
)
START = datetime(2024, 1, 1, tzinfo=UTC)


def template_dates(value):
    html = (
        engines["django"]
        .from_string("""{{ d|date:'c' }}|{{ d|date:"F j, Y \\a\\t g:i a" }}""")
        .render({"d": value})
    )
    return tuple(html.split("|"))


@settings(max_examples=300, deadline=None)
@given(
    value=st.datetimes(
        min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)
    ),
    zone=st.sampled_from(ZONES),
    language=st.sampled_from(["en", "fr", "de", "ja"]),
)
def test_dates_are_written_like_the_template_filters(value, zone, language):
    with timezone.override(zoneinfo.ZoneInfo(zone)), translation.override(language):
        assert DateFormats()(value) == template_dates(value)


@st.composite
def threads(draw):
    """Rows of a page of comments: replies to earlier ones, some removed (placeholders)."""
    count = draw(st.integers(0, 25))
    rows, removed = [], []
    for i in range(count):
        parent = draw(st.none() | st.integers(0, i - 1)) if i else None
        status = draw(st.sampled_from(["approved", "approved", "pending", "spam"]))
        row = Row(
            pk=i + 1,
            parent_id=parent + 1 if parent is not None else None,
            thread_id=None,
            created_at=START + timedelta(minutes=draw(st.integers(0, 10**6))),
            status=status,
            author_name=draw(TEXT.filter(str.strip)),
            author_url=draw(st.just("") | st.sampled_from(['https://a.example/?x=1&y="2"'])),
            email_hash=draw(st.sampled_from(["0" * 64, "ab" * 32])),
            body_html=f"<p>Comment {i}</p>",
        )
        if status == "spam":
            removed.append((row.pk, row.parent_id, row.created_at))
        else:
            rows.append(row)
    return sorted(rows, key=lambda r: (r.created_at, r.pk)), removed


@settings(max_examples=75, deadline=None)
@given(page=threads(), replies_open=st.booleans(), gravatar=st.booleans())
def test_comment_list_is_the_markup_of_the_template_loop(page, replies_open, gravatar):
    rows, removed = page
    nodes = build_tree(rows, removed)
    page_url = "/articles/the-future-of-nato/comment-page-2/"
    expected = TEMPLATE_LOOP.render(
        {
            "comment_page": {"nodes": nodes},
            "comments_open": replies_open,
            "gravatar": gravatar,
            "comment_page_url": page_url,
        }
    )
    assert (
        comment_list_html(nodes, replies_open=replies_open, gravatar=gravatar, page_url=page_url)
        == expected
    )


@pytest.mark.parametrize("gravatar", [True, False])
def test_the_whole_page_is_unchanged(client, essay, settings, gravatar):
    """The section template around the list: same page with the list from either source."""
    from comments.views import comment_section
    from tests.factories import CommentFactory

    settings.COMMENTS_GRAVATAR = gravatar
    first = CommentFactory(article=essay, author_name='A "quoted" <name>')
    CommentFactory(article=essay, parent=first, author_url="https://b.example/")
    page = client.get(essay.get_absolute_url()).content.decode()
    context = comment_section(client.get("/").wsgi_request, essay)
    for node in context["comment_page"].nodes:  # the template reads the model's ``website``
        node.comment = node.comment and Row(*node.comment)
    expected = TEMPLATE_LOOP.render(
        {
            "comment_page": context["comment_page"],
            "comments_open": True,
            "gravatar": gravatar,
            "comment_page_url": context["comment_page_url"],
        }
    )
    assert f'<ol class="comment-list">\n    {expected}\n    </ol>' in page


def test_a_changed_comment_is_written_anew(essay, client):
    """Rendered comments are kept by each process, but never once what they show changed."""
    from comments.models import Comment
    from tests.factories import CommentFactory

    comment = CommentFactory(article=essay, body="First words.")
    assert "First words." in client.get("/articles/the-future-of-nato/?a").content.decode()
    Comment.objects.filter(pk=comment.pk).update(body_html="<p>Second words.</p>")
    page = client.get("/articles/the-future-of-nato/?b").content.decode()
    assert "Second words." in page
    assert "First words." not in page
