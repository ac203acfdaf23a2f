"""An article's body to HTML, once, when it is saved: Markdown (the site's own articles), or
HTML written elsewhere (an import from WordPress), sanitised either way with nh3."""

import re

import markdown
import nh3

ALLOWED_TAGS = nh3.ALLOWED_TAGS | {"h2", "h3", "h4", "figure", "figcaption", "img"}
# Blocks that WordPress's wpautop() does not wrap in a paragraph.
BLOCK = re.compile(
    r"^\s*<(?:p|div|ul|ol|li|dl|blockquote|pre|table|h[1-6]|figure|hr|address|section)[\s>/]",
    re.IGNORECASE,
)
BLANK_LINES = re.compile(r"\n\s*\n")


def render_markdown(text):
    """Render an editor's Markdown to sanitised HTML."""
    html = markdown.markdown(text, extensions=["extra", "sane_lists"], output_format="html")
    return nh3.clean(html, tags=ALLOWED_TAGS, link_rel="noopener")


def autop(html):
    """Paragraphs and line breaks from blank lines and newlines, as WordPress shows a post or
    a comment stored as HTML (its wpautop()): blocks that are already HTML blocks are kept."""
    html = html.replace("\r\n", "\n").replace("\r", "\n")
    html = re.sub(r"<!--.*?-->", "", html, flags=re.DOTALL)  # block editor's <!-- wp:… -->
    parts = []
    for block in BLANK_LINES.split(html.strip()):
        block = block.strip()
        if not block:
            continue
        if BLOCK.match(block):
            parts.append(block)
        else:
            parts.append("<p>" + block.replace("\n", "<br>\n") + "</p>")
    return "\n".join(parts)


def render_html(html):
    """Sanitise HTML written elsewhere: the tags an article may hold are kept, everything
    else removed (never shown as markup)."""
    return nh3.clean(autop(html), tags=ALLOWED_TAGS, link_rel="noopener")


def render_body(text, body_format="markdown"):
    return render_html(text) if body_format == "html" else render_markdown(text)
