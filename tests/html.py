"""Reading a page the way a person does: its text, block by block."""

from html.parser import HTMLParser

BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "title"}


class _Blocks(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks = []  # (tag, text)
        self._stack = []

    def handle_starttag(self, tag, attrs):
        if tag in BLOCKS:
            self._stack.append([tag, ""])

    def handle_endtag(self, tag):
        if self._stack and self._stack[-1][0] == tag:
            block_tag, text = self._stack.pop()
            self.blocks.append((block_tag, text))
            if self._stack:
                self._stack[-1][1] += text

    def handle_data(self, data):
        if self._stack:
            self._stack[-1][1] += data


def blocks(html):
    """[(tag, text)] of the page's block elements, entities decoded, in document order."""
    parser = _Blocks()
    parser.feed(html if isinstance(html, str) else html.decode())
    return parser.blocks


def texts(html, tag):
    return [text for block_tag, text in blocks(html) if block_tag == tag]


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def elements(html):
    """[(tag, {attribute: value})] of every element, as a browser would parse them."""
    parser = _Elements()
    parser.feed(html if isinstance(html, str) else html.decode())
    return parser.elements


def unsafe_markup(html):
    """Elements or attributes in html that could run script or change the page's look."""
    found = []
    for tag, attrs in elements(html):
        if tag in {"script", "iframe", "svg", "style", "object", "embed", "math", "img"}:
            found.append(tag)
        for name, value in attrs.items():
            if name.startswith("on") or name == "style":
                found.append(f"{tag}[{name}]")
            if name in {"href", "src", "action", "formaction"} and (
                value or ""
            ).strip().lower().startswith(("javascript:", "data:", "vbscript:")):
                found.append(f"{tag}[{name}={value}]")
    return found
