"""Gunicorn alone's HTTP protocol (pagecache.protocol): a request the ASGI short path answers
is written at once, in one write, with the bytes uvicorn's ASGI path writes for it; anything
else, and anything behind a request still being answered, is uvicorn's, in order.

In this process: uvicorn's protocol on an event loop, fed the bytes a client sends, writing
to a transport that records what it is given (tests/pagecache/test_asgi_alone.py runs the
same under gunicorn)."""

import asyncio
import logging

import brotli
import pytest
from django.core.handlers.asgi import ASGIHandler
from django.test import Client
from uvicorn.config import Config
from uvicorn.server import ServerState

from pagecache.asgi import Answer, ShortPath
from pagecache.protocol import Protocol, _head
from tests.pagecache.test_asgi_alone import BROWSER, run_apart

DATE = [(b"date", b"Wed, 02 Dec 2026 04:00:00 GMT"), (b"server", b"uvicorn")]


class Transport:
    """What uvicorn writes, each call apart."""

    def __init__(self):
        self.calls, self.closed = [], False

    def get_extra_info(self, name, default=None):
        return {"sockname": ("testserver", 80), "peername": ("127.0.0.1", 50123)}.get(name)

    def write(self, data):
        self.calls.append(bytes(data))

    def writelines(self, parts):
        self.calls.append(b"".join(parts))

    def close(self):
        self.closed = True

    def is_closing(self):
        return self.closed

    def pause_reading(self):
        pass

    def resume_reading(self):
        pass

    def responses(self):
        """(status, headers as a dict, body) of each response written, in order."""
        data, found = b"".join(self.calls), []
        while data:
            head, data = data.split(b"\r\n\r\n", 1)
            status, *lines = head.split(b"\r\n")
            headers = dict(line.split(b": ", 1) for line in lines)
            length = int(headers.get(b"content-length", 0))
            body, data = data[:length], data[length:]
            found.append((int(status.split()[1]), headers, body))
        return found


def request(path, method="GET", version="1.1", headers=()):
    lines = [f"{method} {path} HTTP/{version}", "Host: testserver", *headers, "", ""]
    return "\r\n".join(lines).encode()


def served(*sent, write_paused=False, short_path=True):
    """(the transport, the ASGI tasks uvicorn made) once ``sent`` (each what arrives at once)
    has reached a connection and every task has run."""
    app = ShortPath(ASGIHandler()) if short_path else ASGIHandler()
    config = Config(app=app, http=Protocol, lifespan="off")
    config.load()
    state = ServerState()
    state.default_headers = DATE
    transport = Transport()

    async def main():
        protocol = Protocol(config=config, server_state=state, app_state={})
        protocol.connection_made(transport)
        protocol.flow.write_paused = write_paused
        made = 0
        for data in sent:
            protocol.data_received(data)
            made += len(state.tasks)
            for _ in range(200):  # the tasks Django's handler runs (its threads included)
                if not state.tasks:
                    break
                await asyncio.sleep(0.01)
        assert not state.tasks
        if protocol.timeout_keep_alive_task:
            protocol.timeout_keep_alive_task.cancel()
        return made

    return transport, run_apart(main)


@pytest.fixture
def known(url, essay, cached, settings):
    """The essay's page, known to the short paths of this process."""
    settings.PAGE_CACHE_PROXY_SECONDS = 0
    cached()
    return Client().get(url, HTTP_ACCEPT_ENCODING=BROWSER)


def test_a_known_page_is_written_at_once_in_one_write_with_uvicorns_bytes(url, known):
    direct, tasks = served(request(url, headers=[f"Accept-Encoding: {BROWSER}"]))
    assert tasks == 0
    assert len(direct.calls) == 1
    [(status, headers, body)] = direct.responses()
    assert status == 200
    assert body == known.content
    assert brotli.decompress(body).startswith(b"<!doctype html>")
    assert headers[b"x-page-cache"] == b"hit"
    assert headers[b"date"] == DATE[0][1]
    assert headers[b"content-security-policy"] == known["Content-Security-Policy"].encode()
    # through uvicorn's ASGI path (a request from a proxy is its): the very same bytes
    proxied, tasks = served(
        request(url, headers=[f"Accept-Encoding: {BROWSER}", "X-Forwarded-For: 10.0.0.1"])
    )
    assert tasks == 1
    assert len(proxied.calls) == 2
    assert b"".join(proxied.calls) == direct.calls[0]
    assert not direct.closed


def test_head_http_1_0_and_a_client_not_reading_its_answers(url, known):
    head, _ = served(request(url, "HEAD", headers=[f"Accept-Encoding: {BROWSER}"]))
    [(status, headers, body)] = head.responses()
    assert (status, body) == (200, b"")
    assert headers[b"content-length"] == str(len(known.content)).encode()
    old, tasks = served(request(url, version="1.0", headers=[f"Accept-Encoding: {BROWSER}"]))
    assert tasks == 0
    assert old.closed
    assert old.responses()[0][1][b"connection"] == b"close"
    # the transport's buffer is full (the client reads nothing): uvicorn's path, which waits
    _, tasks = served(request(url), write_paused=True)
    assert tasks == 1


def test_requests_sent_together_are_answered_in_order(url, known):
    script = "/static/js/form-timestamp.js"  # not a page: Django's, in a task
    page = request(url, headers=[f"Accept-Encoding: {BROWSER}"])
    transport, tasks = served(page + page, page + request(script) + page + page)
    kinds = [headers[b"content-type"].split(b";")[0] for _, headers, _ in transport.responses()]
    assert kinds == [b"text/html"] * 3 + [b"text/javascript"] + [b"text/html"] * 2
    # the two pages behind the script waited for it: uvicorn's, in its pipeline
    assert tasks == 1


@pytest.mark.parametrize(
    "sent",
    [
        request("/articles/the-future-of-nato/?replytocom=1"),
        request("/articles/the-future-of-nato/", "POST", headers=["Content-Length: 0"]),
        request("/articles/the-future-of-nato/", headers=["Cookie: sessionid=x"]),
        request("/articles/the-future-of-nato/", headers=["Content-Length: 3"]) + b"abc",
    ],
)
def test_anything_else_is_uvicorns(url, known, sent):
    assert url == "/articles/the-future-of-nato/"
    transport, tasks = served(sent)
    assert tasks == 1
    assert len(transport.responses()) == 1


def test_a_failure_here_leaves_the_request_to_uvicorn(url, known, monkeypatch, caplog):
    answer, failed = ShortPath.answer, []

    def fails_once(self, scope):
        if not failed:
            failed.append(scope["path"])
            raise RuntimeError("a bug")
        return answer(self, scope)

    monkeypatch.setattr(ShortPath, "answer", fails_once)
    with caplog.at_level(logging.ERROR, logger="pagecache.protocol"):
        transport, tasks = served(request(url, headers=[f"Accept-Encoding: {BROWSER}"]))
    assert failed == [url]
    assert tasks == 1  # uvicorn's ASGI path answered, with the page
    [(status, _, body)] = transport.responses()
    assert (status, body) == (200, known.content)
    [record] = [r for r in caplog.records if r.name == "pagecache.protocol"]
    assert "The protocol's short path failed" in record.getMessage()


def test_an_answer_without_its_length_is_sent_with_it():
    answer = Answer(200, [(b"Content-Type", b"text/html")], b"<p>hello</p>")
    head = _head(answer, DATE)
    assert head.startswith(b"HTTP/1.1 200 OK\r\ndate: ")
    assert head.endswith(b"content-type: text/html\r\ncontent-length: 12\r\n\r\n")
    assert _head(answer, DATE) is head  # kept while uvicorn's date is the same
    assert b"content-length" not in _head(Answer(304, [], b""), DATE)


def test_an_application_without_the_short_path_is_uvicorns_alone(url, known):
    transport, tasks = served(request(url), short_path=False)
    assert tasks == 1
    assert transport.responses()[0][0] == 200
