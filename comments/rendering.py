"""A comment's text, made into safe HTML once, when it is saved (``render_body`` dispatches
on the comment's body format).

The site's own comments (``render_comment``) take a small Markdown subset (markdown-it-py):
*emphasis*, **strong**, `inline code`, code blocks (indented or fenced), > quotes, lists and
[links](https://…) (http and https only). No raw HTML (it shows as text), no images, no
headings, no tables, no entities (``&amp;`` shows as typed). Text without Markdown renders as
it always did: every piece of text is escaped and its bare http(s) addresses linked by
Django's ``urlize``, paragraphs become ``<p>`` and single line breaks ``<br>``. An asterisk
between two letters or digits (``7*7``) is not emphasis, as an underscore never is, so plain
text keeps its asterisks. nh3 then checks the result against a short list of tags, as the
last step.

Imported comments (``render_imported_html``): WordPress and Disqus store comment text as HTML.
It is sanitised as HTML: the entities are decoded once (by the HTML parser), the tags below
are kept, every other tag is removed (its text kept; script and style with their content),
never escaped into visible markup; paragraphs come from blank lines, as WordPress shows them.
"""

import re

import nh3
from django.utils.html import escape, urlize
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_inline.state_inline import Delimiter

from articles.rendering import autop

LINK_REL = "ugc nofollow noopener"
TAGS = {"p", "br", "a", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li"}
ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}
LEADING_BLANK_LINES = re.compile(r"\A(?:[ \t]*(?:\r\n|\r|\n))+")


def emphasis(state, silent):
    """markdown-it's emphasis rule, but ``*`` never splits a word (as ``_`` never does)."""
    marker = state.src[state.pos]
    if silent or marker not in ("_", "*"):
        return False
    scanned = state.scanDelims(state.pos, False)
    for _ in range(scanned.length):
        token = state.push("text", "", 0)
        token.content = marker
        state.delimiters.append(
            Delimiter(
                marker=ord(marker),
                length=scanned.length,
                token=len(state.tokens) - 1,
                end=-1,
                open=scanned.can_open,
                close=scanned.can_close,
            )
        )
    state.pos += scanned.length
    return True


class Renderer(RendererHTML):
    """What markdown-it writes, in the markup comments always had."""

    def text(self, tokens, idx, options, env):
        """Escaped, with bare addresses linked (except inside a link of the comment's own)."""
        content = tokens[idx].content
        if env.get("in_link"):
            return escape(content)
        return urlize(content, trim_url_limit=60, autoescape=True)

    def link_open(self, tokens, idx, options, env):
        env["in_link"] = True
        return self.renderToken(tokens, idx, options, env)

    def link_close(self, tokens, idx, options, env):
        env["in_link"] = False
        return "</a>"

    def softbreak(self, tokens, idx, options, env):
        return "<br>"

    hardbreak = softbreak

    # Django's linebreaks wrote "<p>…</p>" joined by a blank line; a tight list hides them
    def paragraph_open(self, tokens, idx, options, env):
        return "" if tokens[idx].hidden else "<p>"

    def paragraph_close(self, tokens, idx, options, env):
        return "" if tokens[idx].hidden else "</p>\n\n"


def markdown():
    md = MarkdownIt("zero", {"html": False, "breaks": True}, renderer_cls=Renderer)
    md.enable(["code", "fence", "blockquote", "list", "newline", "escape", "backticks"])
    md.enable(["emphasis", "link"])
    md.inline.ruler.at("emphasis", emphasis)
    md.validateLink = lambda url: url.strip().lower().startswith(("http://", "https://"))
    return md


# What WordPress allows in a comment ($allowedtags), with paragraphs, line breaks and lists.
IMPORTED_TAGS = {
    "p",
    "br",
    "a",
    "abbr",
    "acronym",
    "b",
    "blockquote",
    "cite",
    "code",
    "del",
    "em",
    "i",
    "q",
    "s",
    "strike",
    "strong",
    "pre",
    "ul",
    "ol",
    "li",
}


_markdown = markdown()


def render_comment(text):
    # blank lines and trailing spaces go; a first line's indent may be a code block's
    html = _markdown.render(LEADING_BLANK_LINES.sub("", text.rstrip()), {}).strip()
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https"},
        link_rel=LINK_REL,
    )


def render_imported_html(html):
    return nh3.clean(
        autop(html),
        tags=IMPORTED_TAGS,
        attributes={"a": {"href"}, "abbr": {"title"}, "acronym": {"title"}, "q": {"cite"}},
        url_schemes={"http", "https", "mailto"},
        link_rel=LINK_REL,
    )


def render_body(text, body_format="text"):
    """The HTML of a comment's text in its format ("html": imported)."""
    if body_format == "html":
        return render_imported_html(text)
    return render_comment(text)
