"""Gunicorn alone (deploy/gunicorn.conf.py's uvicorn mode): uvicorn's HTTP protocol, with the
ASGI short path (pagecache.asgi) asked first, as soon as a request's headers are parsed.

Under uvicorn, each request becomes an ASGI task: a coroutine, a RequestResponseCycle, two
``send`` messages whose headers are checked and joined again, and two writes to the socket.
For a page the short path answers (a few microseconds), that was most of a worker's time: the
cached 100-comment page reached about 0.2 of nginx serving it as a file, when an empty ASGI
app under uvicorn reached about 0.3. Here a plain GET or HEAD that the short path answers is
written at once, status line, headers and body in one write, as uvicorn would have written
them (its ``date`` and ``server`` headers, ``connection: close`` when the client asked for
it); everything else (another method, a body, an upgrade, headers from a proxy, a request
behind one still being answered, a client not reading its answers, anything the short path
does not answer) is uvicorn's, exactly as before.

The rules of what is answered, and with which bytes, are pagecache.asgi's (``ShortPath.answer``)
and pagecache.cache's: this module only carries the bytes.
"""

import logging

import httptools
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol
from uvicorn_worker import UvicornWorker as BaseWorker

logger = logging.getLogger(__name__)

# Requests left to uvicorn: with a body, or passed on by a proxy (whose headers uvicorn's
# ProxyHeadersMiddleware reads; gunicorn alone has none in front of it).
NOT_HERE = {
    b"content-length",
    b"transfer-encoding",
    b"expect",
    b"upgrade",
    b"forwarded",
    b"x-forwarded-for",
    b"x-forwarded-proto",
    b"x-forwarded-host",
    b"x-forwarded-port",
}


class Protocol(HttpToolsProtocol):
    """uvicorn's httptools protocol; a request the ASGI short path answers is answered here."""

    _answered = False

    def connection_made(self, transport):
        super().connection_made(transport)
        self._short_path = _short_path_of(self.app)

    def on_message_begin(self):
        self._answered = False
        super().on_message_begin()

    def on_headers_complete(self):
        try:
            answer = self._cached()
        except Exception:  # uvicorn answers (and the short path's own errors are logged)
            logger.exception("The protocol's short path failed for %r", self.url)
            answer = None
        if answer is None:
            super().on_headers_complete()
            return
        self._answered = True
        keep_alive = self.scope["http_version"] == "1.1" and self.parser.should_keep_alive()
        head = _head(answer, self.server_state.default_headers)
        if not keep_alive:
            head = head[:-2] + b"connection: close\r\n\r\n"
        if self.access_log:
            self.access_logger.info(
                '%s - "%s %s HTTP/%s" %d',
                "{}:{}".format(*self.client) if self.client else "",
                self.scope["method"],
                self.scope["path"],
                self.scope["http_version"],
                answer.status,
            )
        if self.scope["method"] == "HEAD":
            self.transport.write(head)
        else:
            self.transport.writelines((head, answer.body))
        if not keep_alive:
            self.transport.close()
        self.on_response_complete()

    def on_body(self, body):
        if not self._answered:
            super().on_body(body)

    def on_message_complete(self):
        if not self._answered:
            super().on_message_complete()

    def _cached(self):
        """The short path's answer to this request, or None: it is uvicorn's."""
        if self.cycle is not None and not self.cycle.response_complete:
            return None  # behind a request still being answered: in order, by uvicorn
        if self.pipeline or self.flow.write_paused or self.parser.should_upgrade():
            return None
        method = self.parser.get_method()
        if method not in (b"GET", b"HEAD"):
            return None
        if any(name in NOT_HERE for name, _ in self.headers):
            return None
        if self._short_path is None:
            return None
        version = self.parser.get_http_version()
        if version != "1.1":
            if version != "1.0":
                return None
            self.scope["http_version"] = version
        url = httptools.parse_url(self.url)
        path = url.path.decode("ascii")
        if "%" in path or url.query:  # not a page the short path answers as it is
            return None
        self.scope["method"] = method.decode("ascii")
        self.scope["path"] = self.root_path + path
        self.scope["raw_path"] = self.root_path.encode("ascii") + url.path
        self.scope["query_string"] = b""
        return self._short_path.answer(self.scope)


def _short_path_of(app):
    """The ShortPath around the application (under uvicorn's own middleware), or None."""
    while app is not None and not hasattr(app, "answer"):
        app = getattr(app, "app", None)
    return app


def _head(answer, defaults):
    """The status line and headers of ``answer`` as uvicorn writes them (its own headers
    first, names in lower case), kept with the answer while uvicorn's (the date) are the same."""
    kept = answer.wire
    if kept is not None and kept[0] is defaults:
        return kept[1]
    lines = [STATUS_LINE[answer.status]]
    for name, value in (*defaults, *answer.headers):
        lines += (name.lower(), b": ", value, b"\r\n")
    if answer.status not in (204, 304) and not any(
        name.lower() == b"content-length" for name, _ in answer.headers
    ):  # the body's end, as uvicorn would have marked it (the short path's answers say it)
        lines += (b"content-length: ", str(len(answer.body)).encode("ascii"), b"\r\n")
    lines.append(b"\r\n")
    head = b"".join(lines)
    answer.wire = (defaults, head)
    return head


class UvicornWorker(BaseWorker):
    """uvicorn_worker's worker (uvloop, httptools) with this module's protocol."""

    CONFIG_KWARGS = {"loop": "auto", "http": Protocol}
