"""Reading an export file as a stream, safely: defusedxml's iterparse (no external entities,
no entity expansion, no network), each finished top-level element handed over and then
dropped, so memory does not grow with the file; errors become one ``ImportFailed`` line
naming the line of the file."""

import re
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django.utils.translation import gettext as _

WXR_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/1\.\d+/?$")
NAMESPACES = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://wellformedweb.org/CommentAPI/": "wfw",
    "http://disqus.com": "",
    "http://disqus.com/disqus-internals": "dsq",
}


class ImportFailed(Exception):
    """The file cannot be imported: the message says why, on one line."""


class CountingReader:
    """A file that counts the bytes read from it (for the progress bar)."""

    def __init__(self, file, progress=None):
        self.file, self.read_bytes, self.progress = file, 0, progress

    def read(self, size=-1):
        data = self.file.read(size)
        self.read_bytes += len(data)
        if self.progress is not None:
            self.progress(self.read_bytes)
        return data


def prefix(uri):
    if uri in NAMESPACES:
        return NAMESPACES[uri]
    if WXR_NAMESPACE.match(uri):
        return "wp"
    if re.match(r"^https?://wordpress\.org/export/1\.\d+/excerpt/?$", uri):
        return "excerpt"
    return uri


def name(tag, cache={}):  # noqa: B006 (a cache of tag names)
    """ "wp:comment" for "{http://wordpress.org/export/1.2/}comment", whatever the version."""
    try:
        return cache[tag]
    except KeyError:
        pass
    if tag[:1] == "{":
        uri, _, local = tag[1:].partition("}")
        short = prefix(uri)
        result = f"{short}:{local}" if short else local
    else:
        result = tag
    cache[tag] = result
    return result


def stream(file, depth):
    """(root_name, element) for each element ``depth`` levels under the root (the root is
    level 0), once it is complete; the element is removed from its parent afterwards."""
    stack = []
    try:
        for event, element in iterparse(file, events=("start", "end")):
            if event == "start":
                stack.append(element)
                continue
            stack.pop()
            if len(stack) == depth:
                yield name(stack[0].tag) if stack else "", element
                if stack:
                    stack[-1].remove(element)
    except ParseError as error:
        line, column = getattr(error, "position", (0, 0))
        message = str(error).split(":")[0]
        raise ImportFailed(
            _("Not well-formed XML at line %(line)s, column %(column)s: %(error)s.")
            % {"line": line, "column": column + 1, "error": message}
        ) from error
    except DefusedXmlException as error:
        raise ImportFailed(
            _("Refused: the file declares entities or external references (%(error)s).")
            % {"error": error}
        ) from error


def text(element, tag, default=""):
    """The text of the first child named ``tag`` ("wp:post_id"), stripped."""
    for child in element:
        if name(child.tag) == tag:
            return (child.text or "").strip()
    return default


def raw_text(element, tag):
    """Like ``text`` without stripping (bodies)."""
    for child in element:
        if name(child.tag) == tag:
            return child.text or ""
    return ""


def children(element, tag):
    return [child for child in element if name(child.tag) == tag]


class Fields(dict):
    """An element's children by name: their text (the first of each name), unstripped."""

    element = None


def fields(element):
    result = Fields()
    for child in element:
        result.setdefault(name(child.tag), child.text or "")
    result.element = element
    return result
