"""The stored copies of a shared page, one per content coding, and which one a reader gets.

The page is compressed once, when it is stored: every reader of it gets the same bytes, so
compressing it again for each response (what nginx's gzip and brotli filters do) is work
for nothing. The levels favour the size a little over the time of that one fill (a page
with 1000 comments: about 1.5 MB, compressed in a few tens of milliseconds).
"""

import gzip

import brotli  # whitenoise[brotli]

GZIP_LEVEL = 6
BROTLI_QUALITY = 5
PREFERENCE = ("br", "gzip")  # what we send when a reader accepts several


def compressed_copies(content):
    """{"": content, "gzip": ..., "br": ...}."""
    return {
        "": content,
        "gzip": gzip.compress(content, compresslevel=GZIP_LEVEL, mtime=0),
        "br": brotli.compress(content, quality=BROTLI_QUALITY, mode=brotli.MODE_TEXT),
    }


def accepted(header):
    """The codings an Accept-Encoding header accepts (q > 0), lower case; "*" stands for any."""
    codings = set()
    refused = set()
    for item in header.split(","):
        name, _, params = item.strip().partition(";")
        name = name.strip().lower()
        name = "gzip" if name == "x-gzip" else name  # (RFC 9110: the same)
        if not name:
            continue
        quality = 1.0
        for param in params.split(";"):
            label, _, value = param.strip().partition("=")
            if label.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        (codings if quality > 0 else refused).add(name)
    if "*" in codings:
        codings |= {coding for coding in PREFERENCE if coding not in refused}
    return codings - refused


def choose(header, copies):
    """The key of ``copies`` to send for this Accept-Encoding header ("" is the page as is)."""
    if not header:
        return ""
    codings = accepted(header)
    return next((coding for coding in PREFERENCE if coding in codings and coding in copies), "")
