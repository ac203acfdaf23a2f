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
