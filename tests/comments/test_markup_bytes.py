"""The comment list sends no indentation (natoblog/jinja.py's Dedent on the Jinja2 engine):
its line breaks stay, what a commenter wrote keeps its own spaces."""

import re

from django.template import engines
from django.test import Client

from comments.models import Comment
from tests.factories import CommentFactory


def comment_list(essay):
    page = Client().get(essay.get_absolute_url()).content.decode()
    start = page.index('<ol class="comment-list">')
    return page[start : page.index("</ol>", page.rindex('<li id="comment-'))]


def test_the_comment_list_has_no_indentation(essay):
    for n in range(3):
        CommentFactory(article=essay, body=f"Words {n}.", status=Comment.Status.APPROVED)
    html = comment_list(essay)
    assert html.count('<li id="comment-') == 3
    lines = html.split("\n")[2:-1]  # (the first <li> and the </ol> are the section's)
    assert len(lines) > 30
    assert [line for line in lines if re.match(r"[ \t]", line)] == []
    # the line breaks between the elements are still there (white space, rendered the same)
    assert '</span>\n<a class="comment-permalink"' in html


def test_a_commenters_own_spaces_are_kept(essay):
    body = "Code:\n\n    indented line\n        more indented"
    comment = CommentFactory(article=essay, body=body, status=Comment.Status.APPROVED)
    assert "\n    " in comment.body_html or "  " in comment.body_html
    assert comment.body_html in comment_list(essay)


def test_every_template_of_the_engine_is_dedented():
    template = engines["jinja2"].from_string("<p>\n    <b>{{ x }}</b>\n  </p>")
    assert template.render({"x": "  kept  "}) == "<p>\n<b>  kept  </b>\n</p>"
