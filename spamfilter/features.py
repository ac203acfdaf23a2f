"""What the spam filter reads of a comment: its tokens (the "features"), as strings.

A comment becomes a set of tokens, each counted once: the words of its text (lower-cased,
3 to 20 letters or digits) and each pair of neighbouring words; every link's domain
(``url:example.com``), ``urldepth:2`` / ``urldepth:3`` (3 or more) for a link two or more
path segments deep, ``urlquery`` for a link with a query string, and the link count
(``links:0``, ``links:1``, ``links:2+``); the
words of the author's name (``name:...``); the e-mail address's domain (``email:...``) and
the website's domain (``site:...``). Which of these help was measured on real spam (README,
"Spam filter": make bench-spam). Pure functions: no database, no Django."""

import html
import itertools
import re
from urllib.parse import urlsplit

WORD_RE = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*", re.UNICODE)
URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
TAG_RE = re.compile(r"<[^>]*>")
MIN_WORD, MAX_WORD = 3, 20


def domain(url):
    """The host of a URL without "www.", lower-cased ("" when there is none)."""
    url = url.strip()
    if not url:
        return ""
    if "://" not in url:
        url = "http://" + url
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def words(text):
    for word in WORD_RE.findall(text.lower()):
        if MIN_WORD <= len(word) <= MAX_WORD:
            yield word
        elif len(word) > MAX_WORD:
            yield f"long:{len(word) // 10 * 10}"


def link_tokens(url):
    """How a link is built, whatever its site: a page deep in a site (a channel's page, a
    product, a shortened link's code: two path segments or more) and a query string (?ref=,
    ?r=, ?v=). A link to a site's home or one level down says nothing the link count does
    not already say, so it gives no token here."""
    if "://" not in url:
        url = "http://" + url
    try:
        parts = urlsplit(url)
    except ValueError:
        return set()
    found = set()
    depth = len([part for part in parts.path.split("/") if part])
    if depth >= 2:
        found.add(f"urldepth:{min(depth, 3)}")
    if parts.query:
        found.add("urlquery")
    return found


def tokens(body, name="", email="", website=""):
    """The set of tokens of a comment."""
    text = html.unescape(body or "").replace("\ufeff", "")
    urls = [url.rstrip(".,!?;:)]}\ufeff") for url in URL_RE.findall(text)]
    # links written as <a href="..."> count once, by their href
    plain = TAG_RE.sub(" ", URL_RE.sub(" ", text))
    text_words = list(words(plain))
    found = set(text_words)
    # pairs of neighbouring words: "check out" and "my channel" say spam, "check" alone not
    found.update(f"{a} {b}" for a, b in itertools.pairwise(text_words))
    for url in urls:
        host = domain(url)
        if host:
            found.add(f"url:{host}")
            # the site itself, without its subdomains (youtu.be, youtube.com ...)
            found.add("url:" + ".".join(host.split(".")[-2:]))
        found.update(link_tokens(url))
    found.add(f"links:{min(len(urls), 2)}{'+' if len(urls) >= 2 else ''}")
    found.update(f"name:{word}" for word in words(name or ""))
    if email and "@" in email:
        found.add("email:" + email.rsplit("@", 1)[1].lower())
    if website:
        found.add(f"site:{domain(website) or '?'}")
    return found
