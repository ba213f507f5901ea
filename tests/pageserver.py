"""A web server on 127.0.0.1 for the import tests: pages, redirects, stalls, big bodies.

Each test registers what a path answers (``server.route(path, ...)``); nothing leaves
this machine. Handlers that stall wait on an event the fixture sets when the test ends,
so no thread outlives its test.
"""

from __future__ import annotations

import contextlib
import gzip
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html"})
    stall: bool = False  # never answer
    trickle: float = 0.0  # seconds between single bytes of the body
    trickle_headers: float = 0.0  # seconds between single bytes of the status line and headers
    when: Callable[[dict[str, str]], Answer | None] | None = None  # conditional answers


class PageServer:
    def __init__(self) -> None:
        self.routes: dict[str, Answer] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.done = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                headers = {k.lower(): v for k, v in self.headers.items()}
                server.requests.append((self.path, headers))
                answer = server.routes.get(self.path, Answer(404, b"not here"))
                if answer.when is not None:
                    answer = answer.when(headers) or answer
                if answer.stall:
                    server.done.wait(30)
                    return
                if answer.trickle_headers:
                    self.trickle_head(answer)
                    return
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                if answer.trickle:
                    self.end_headers()
                    self.dribble(answer.body, answer.trickle)
                    return
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                with contextlib.suppress(OSError):
                    self.wfile.write(answer.body)

            def trickle_head(self, answer: Answer) -> None:
                lines = [
                    f"HTTP/1.1 {answer.status} OK",
                    *(f"{k}: {v}" for k, v in answer.headers.items()),
                    *(f"X-Pad-{n}: {'x' * 20}" for n in range(20)),
                ]
                head = ("\r\n".join(lines) + "\r\n\r\n").encode()
                self.dribble(head + answer.body, answer.trickle_headers)

            def dribble(self, data: bytes, interval: float) -> None:
                """Send ``data`` a byte at a time, until the test ends or the client leaves."""
                for byte in data:
                    if server.done.wait(interval):
                        return
                    try:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                    except OSError:
                        return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return self.base + path

    def route(self, path: str, body: bytes | str = b"", **kwargs) -> str:
        data = body.encode() if isinstance(body, str) else body
        self.routes[path] = Answer(body=data, **kwargs)
        return self.url(path)

    def page(self, path: str, html: bytes | str, content_type: str = "text/html") -> str:
        return self.route(path, html, headers={"Content-Type": content_type})

    def redirect(self, path: str, to: str, status: int = 302) -> str:
        return self.route(path, b"", status=status, headers={"Location": to})

    def gzipped(self, path: str, data: bytes) -> str:
        headers = {"Content-Type": "text/html", "Content-Encoding": "gzip"}
        return self.route(path, gzip.compress(data), headers=headers)


@pytest.fixture
def pages(settings):
    """A local page server, and the setting that lets the importer read from it."""
    settings.FACTCHECK_FETCH_ALLOW_PRIVATE = True
    settings.FACTCHECK_FETCH_TIMEOUT = 2
    server = PageServer()
    server.thread.start()
    yield server
    server.done.set()
    server.httpd.shutdown()
    server.httpd.server_close()
