"""Comments take a small Markdown subset (comments/rendering.py); text without Markdown renders
as it always did, and nh3 has the last word."""

import pytest
from django.test import Client

from comments.rendering import render_comment
from tests import xss
from tests.factories import CommentFactory

REL = 'rel="ugc nofollow noopener"'


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("*soft* and _soft_", "<p><em>soft</em> and <em>soft</em></p>"),
        ("**firm** and __firm__", "<p><strong>firm</strong> and <strong>firm</strong></p>"),
        ("use `a < b` here", "<p>use <code>a &lt; b</code> here</p>"),
        ("    x = 1\n    y = 2", "<pre><code>x = 1\ny = 2\n</code></pre>"),
        ("```\n<b>fenced</b>\n```", "<pre><code>&lt;b&gt;fenced&lt;/b&gt;\n</code></pre>"),
        ("> quoted\n\nreply", "<blockquote>\n<p>quoted</p>\n\n</blockquote>\n<p>reply</p>"),
        ("- one\n- two", "<ul>\n<li>one</li>\n<li>two</li>\n</ul>"),
        ("1. one\n2. two", "<ol>\n<li>one</li>\n<li>two</li>\n</ol>"),
        (
            "[the report](https://example.org/r)",
            f'<p><a href="https://example.org/r" {REL}>the report</a></p>',
        ),
    ],
)
def test_the_markdown_subset(text, html):
    assert render_comment(text) == html


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("# Not a heading", "<p># Not a heading</p>"),
        ("Title\n=====", "<p>Title<br>=====</p>"),
        (
            "<b>raw</b> &amp; <!-- x -->",
            "<p>&lt;b&gt;raw&lt;/b&gt; &amp;amp; &lt;!-- x --&gt;</p>",
        ),
        ("[local](/admin/)", "<p>[local](/admin/)</p>"),
        ("[tel](tel:+3212345)", "<p>[tel](tel:+3212345)</p>"),
        ("[js](javascript:alert(1))", "<p>[js](javascript:alert(1))</p>"),
        ("2*3*4 = 24 and 7*7", "<p>2*3*4 = 24 and 7*7</p>"),
    ],
)
def test_no_headings_no_raw_html_no_other_links(text, html):
    assert render_comment(text) == html


def test_images_are_not_images():
    html = render_comment("![a cat](https://example.org/cat.png)")
    assert "<img" not in html
    assert f'<a href="https://example.org/cat.png" {REL}>a cat</a>' in html


def test_plain_text_as_before():
    text = "First line\nsecond line\n\nSee https://example.org/x and www.example.com"
    html = render_comment(text)
    assert html == (
        "<p>First line<br>second line</p>\n\n<p>See "
        f'<a href="https://example.org/x" {REL}>https://example.org/x</a> and '
        f'<a href="http://www.example.com" {REL}>www.example.com</a></p>'
    )


def test_a_link_is_never_linked_twice():
    html = render_comment("[https://a.example/](https://b.example/)")
    assert html == f'<p><a href="https://b.example/" {REL}>https://a.example/</a></p>'


def test_bare_urls_inside_code_stay_text():
    assert render_comment("`https://example.org/`") == "<p><code>https://example.org/</code></p>"


@pytest.mark.parametrize("body", xss.BODIES[-11:])
def test_markdown_payloads_shown_without_markup_of_their_own(essay, body):
    comment = CommentFactory(article=essay, body=body)
    page = Client().get(essay.get_absolute_url()).content.decode()
    assert xss.markup_problems(xss.comment_fragment(page, comment.pk)) == []
    assert 'href="javascript' not in comment.body_html.lower()


def test_markdown_shows_on_the_page(essay):
    CommentFactory(article=essay, body="I **really** think `NATO` matters.")
    page = Client().get(essay.get_absolute_url()).content.decode()
    assert "<p>I <strong>really</strong> think <code>NATO</code> matters.</p>" in page
