"""Markdown to HTML, once, when an article is saved."""

import markdown
import nh3

ALLOWED_TAGS = nh3.ALLOWED_TAGS | {"h2", "h3", "h4", "figure", "figcaption", "img"}


def render_markdown(text):
    """Render an editor's Markdown to sanitised HTML."""
    html = markdown.markdown(text, extensions=["extra", "sane_lists"], output_format="html")
    return nh3.clean(html, tags=ALLOWED_TAGS, link_rel="noopener")
