"""Reading a web page for the desk, safely: the one place a request leaves the server.

An address typed by an editor is a way into the server's own network (server-side
request forgery), so every request and every redirect is checked the same way before
it is sent: http or https only; the host name resolved here, and refused when any of
its addresses is private, loopback, link-local or otherwise not public (unless
``FACTCHECK_FETCH_ALLOW_PRIVATE`` is on, as tests turn it on for their local server);
the connection made to the address that was checked, so a second DNS answer cannot
point it elsewhere; time-outs on connecting and on each read, and one deadline,
``FACTCHECK_FETCH_TOTAL_SECONDS``, for the whole fetch (connecting, the headers, the
body, every redirect), so a server that sends its headers a byte at a time is cut off
with the rest; a size cap on what is read (after decompression); a limited number of
redirects.

The deadline is kept two ways: each time-out is shrunk to the time left, and a timer
shuts the connection down when the time is up. The timer is what stops a trickle: a
byte a second satisfies every read time-out, and the headers are read inside the HTTP
library, where no loop of ours could look at the clock.

Every refusal is a ``FetchError`` whose message says, for a person, what went wrong.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin, urlsplit, urlunsplit

import urllib3
from django.conf import settings
from django.utils import timezone
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.exceptions import NewConnectionError, ProtocolError, SSLError
from urllib3.exceptions import TimeoutError as Urllib3Timeout

BAD_URL = "this is not a web address ({detail})"
BAD_SCHEME = "only http:// and https:// addresses can be read, not {scheme}:"
NO_HOST = "the address has no host name"
UNRESOLVABLE = "the host name {host} could not be found (DNS)"
NOT_PUBLIC = (
    "{host} is at {address}, a private, loopback or link-local address: pages are read "
    "only from the public internet"
)
TIMED_OUT = "the server did not answer within {seconds} seconds"
TOO_SLOW = (
    "the page took longer than {seconds} seconds to download (connecting, headers and body "
    "together)"
)
TOO_LARGE = "the page is larger than the {limit:,}-byte limit"
TOO_MANY_REDIRECTS = "it redirected more than {limit} times"
REDIRECT_WITHOUT_LOCATION = "the server answered {status} (a redirect) without saying where to"
HTTP_ERROR = "the server answered {status} {reason}"
UNREACHABLE = "the server could not be reached ({reason})"
TLS_ERROR = "the secure connection failed ({reason})"
NOT_A_PAGE = "the address serves {content_type}, not a web page (HTML) or text"

REDIRECTS = {301, 302, 303, 307, 308}
PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
CHUNK = 64 * 1024


class FetchError(Exception):
    """A page that could not be read; the message names the reason, for a person."""


class Deadline:
    """The whole fetch's time limit: how much is left, and a timer that shuts down every
    connection of the fetch when it runs out (a blocked read then returns at once).

    Each connection is watched through a duplicate of its socket, owned here and closed
    when the fetch ends, so the timer can never shut down a descriptor since reused.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.ends = time.monotonic() + seconds
        self.expired = False
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._timer.cancel()
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            sock.close()

    def left(self) -> float:
        return self.ends - time.monotonic()

    def over(self) -> bool:
        return self.expired or self.left() <= 0

    def watch(self, sock: socket.socket) -> None:
        copy = sock.dup()
        with self._lock:
            self._sockets.append(copy)
            expired = self.expired
        if expired:
            _cut(copy)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            sockets = list(self._sockets)
        for sock in sockets:
            _cut(sock)


def _cut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # closed already
        sock.shutdown(socket.SHUT_RDWR)


class _WatchedConnection(HTTPConnection):
    """A connection whose socket the fetch's deadline watches from the moment it exists
    (before the TLS handshake, which could trickle too)."""

    def __init__(self, *args, deadline: Deadline, **kwargs) -> None:
        self.deadline = deadline
        super().__init__(*args, **kwargs)

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        self.deadline.watch(sock)
        return sock


class _WatchedTLSConnection(_WatchedConnection, HTTPSConnection):
    pass


class _Pool(urllib3.HTTPConnectionPool):
    ConnectionCls = _WatchedConnection


class _TLSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _WatchedTLSConnection


@dataclass(frozen=True)
class Page:
    """What one fetch read: the bytes exactly, and what the server said about them."""

    url: str  # as asked
    final_url: str  # after redirects
    status: int  # 200, or 304 when a conditional request found nothing new
    data: bytes
    content_type: str
    charset: str
    etag: str
    last_modified: str
    fetched_at: datetime

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def is_html(self) -> bool:
        return self.content_type != "text/plain"


def check_url(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of an address we may try to read, else FetchError."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise FetchError(BAD_URL.format(detail=exc)) from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchError(BAD_SCHEME.format(scheme=scheme or "(none)"))
    host = parts.hostname
    if not host:
        raise FetchError(NO_HOST)
    return scheme, host, port or (443 if scheme == "https" else 80)


# IPv6 ranges whose addresses carry an IPv4 address in their last 32 bits, which is
# where the packets end up: IPv4-mapped (::ffff:0:0/96), IPv4-translated (SIIT,
# ::ffff:0:0:0/96), the deprecated IPv4-compatible (::/96) and well-known NAT64
# (64:ff9b::/96). 6to4 (2002::/16) carries it in bits 16-48 (``sixtofour``).
EMBEDS_IPV4 = [
    ipaddress.IPv6Network("::ffff:0:0/96"),
    ipaddress.IPv6Network("::ffff:0:0:0/96"),
    ipaddress.IPv6Network("::/96"),
    ipaddress.IPv6Network("64:ff9b::/96"),
]
# Local-use NAT64 (RFC 8215): a network's own translator, at a prefix length of its own
# choosing, so what it embeds cannot be read here. Refused whatever it holds.
LOCAL_NAT64 = ipaddress.IPv6Network("64:ff9b:1::/48")


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for, if it is one of the embedding forms."""
    if address.sixtofour is not None:
        return address.sixtofour
    for network in EMBEDS_IPV4:
        if address in network:
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether an address is on the public internet (not private, loopback, link-local,
    multicast, reserved or unspecified). An IPv6 address that embeds an IPv4 address
    (``[::ffff:10.0.0.1]``, ``[::127.0.0.1]``, ``[64:ff9b::7f00:1]``, 6to4) counts as the
    address it embeds; local-use NAT64 is never public."""
    if isinstance(address, ipaddress.IPv6Address):
        if address in LOCAL_NAT64:
            return False
        inner = embedded_ipv4(address)
        if inner is not None:
            return is_public(inner)
    return address.is_global and not address.is_multicast


def resolve(host: str, port: int) -> str:
    """The address to connect to: every address of the host must be allowed."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise FetchError(UNRESOLVABLE.format(host=host)) from None
    addresses = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if not settings.FACTCHECK_FETCH_ALLOW_PRIVATE and not is_public(address):
            raise FetchError(NOT_PUBLIC.format(host=host, address=address))
        addresses.append(str(address))
    if not addresses:
        raise FetchError(UNRESOLVABLE.format(host=host))
    return addresses[0]


def fetch(url: str, *, etag: str = "", last_modified: str = "") -> Page:
    """Read one page, following redirects, each checked as the first address was.

    With ``etag``/``last_modified`` (from the last read) the request is conditional:
    a page the server says is unchanged comes back with status 304 and no data.
    """
    with Deadline(settings.FACTCHECK_FETCH_TOTAL_SECONDS) as deadline:
        try:
            return _follow(url, etag, last_modified, deadline)
        except FetchError:
            if deadline.over():  # whatever broke, it broke because the time was up
                raise FetchError(TOO_SLOW.format(seconds=deadline.seconds)) from None
            raise


def _follow(url: str, etag: str, last_modified: str, deadline: Deadline) -> Page:
    current = url.strip()
    limit = settings.FACTCHECK_FETCH_MAX_REDIRECTS
    for _ in range(limit + 1):
        response = _request(current, etag, last_modified, deadline)
        try:
            if response.status in REDIRECTS:
                location = response.headers.get("Location")
                if not location:
                    raise FetchError(REDIRECT_WITHOUT_LOCATION.format(status=response.status))
                current = urljoin(current, location.strip())
                continue
            return _page(url, current, response, deadline)
        finally:
            response.release_conn()
    raise FetchError(TOO_MANY_REDIRECTS.format(limit=limit))


def _request(
    url: str, etag: str, last_modified: str, deadline: Deadline
) -> urllib3.BaseHTTPResponse:
    scheme, host, port = check_url(url)
    address = resolve(host, port)
    parts = urlsplit(url)
    target = urlunsplit(("", "", parts.path or "/", parts.query, "")) or "/"
    default_port = port == (443 if scheme == "https" else 80)
    headers = {
        "Host": host if default_port else f"{host}:{port}",
        "User-Agent": settings.FACTCHECK_FETCH_USER_AGENT,
        "Accept": "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8",
        "Accept-Encoding": "gzip, deflate",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    if deadline.over():
        raise FetchError(TOO_SLOW.format(seconds=deadline.seconds))
    seconds = min(settings.FACTCHECK_FETCH_TIMEOUT, deadline.left())
    timeout = urllib3.Timeout(connect=seconds, read=seconds)
    # Connect to the address checked above; the host name goes in the Host header and,
    # for https, in SNI and the certificate check.
    if scheme == "https":
        pool: urllib3.HTTPConnectionPool = _TLSPool(
            address, port, timeout=timeout, retries=False, maxsize=1, deadline=deadline,
            server_hostname=host, assert_hostname=host, cert_reqs="CERT_REQUIRED",
        )  # fmt: skip
    else:
        pool = _Pool(
            address, port, timeout=timeout, retries=False, maxsize=1, deadline=deadline
        )  # fmt: skip
    try:
        return pool.urlopen(
            "GET", target, headers=headers, redirect=False, preload_content=False,
            decode_content=True, assert_same_host=False,
        )  # fmt: skip
    except Exception as exc:
        raise _reason(exc) from None


def _reason(exc: Exception) -> FetchError:
    """An exception of the HTTP library as the one line a person reads."""
    seconds = settings.FACTCHECK_FETCH_TIMEOUT
    if isinstance(exc, FetchError):
        return exc
    if isinstance(exc, NewConnectionError):  # (a subclass of urllib3's time-out error)
        return FetchError(UNREACHABLE.format(reason=_short(exc.__cause__ or exc)))
    if isinstance(exc, Urllib3Timeout | socket.timeout | TimeoutError):
        return FetchError(TIMED_OUT.format(seconds=seconds))
    cause = exc
    while (reason := getattr(cause, "reason", None)) is not None and reason is not cause:
        cause = reason
        if isinstance(cause, Urllib3Timeout | socket.timeout | TimeoutError):
            return FetchError(TIMED_OUT.format(seconds=seconds))
    if isinstance(exc, SSLError) or isinstance(cause, SSLError):
        return FetchError(TLS_ERROR.format(reason=_short(cause)))
    if isinstance(exc, Urllib3Error | OSError | ProtocolError):
        return FetchError(UNREACHABLE.format(reason=_short(cause)))
    return FetchError(UNREACHABLE.format(reason=_short(exc)))


def _short(exc: object) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) <= 160 else text[:159] + "…"


def _page(asked: str, final: str, response, deadline: Deadline) -> Page:
    now = timezone.now()
    etag = response.headers.get("ETag", "")[:300]
    modified = response.headers.get("Last-Modified", "")[:100]
    if response.status == 304:
        return Page(asked, final, 304, b"", "", "", etag, modified, now)
    if response.status != 200:
        raise FetchError(HTTP_ERROR.format(status=response.status, reason=response.reason or ""))
    content_type, charset = _content_type(response.headers.get("Content-Type", ""))
    if content_type and content_type not in PAGE_TYPES:
        raise FetchError(NOT_A_PAGE.format(content_type=content_type))
    data = _read(response, deadline)
    return Page(asked, final, 200, data, content_type or "text/html", charset, etag, modified, now)


def _content_type(header: str) -> tuple[str, str]:
    kind, _, params = header.partition(";")
    charset = ""
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip("\"'")
    return kind.strip().lower(), charset


def _read(response, deadline: Deadline) -> bytes:
    """The body, decompressed, refused past the size cap or the whole fetch's time limit."""
    limit = settings.FACTCHECK_FETCH_MAX_BYTES
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise FetchError(TOO_LARGE.format(limit=limit))
    chunks: list[bytes] = []
    size = 0
    try:
        while True:
            if deadline.over():
                raise FetchError(TOO_SLOW.format(seconds=deadline.seconds))
            chunk = response.read1(CHUNK)  # what has arrived: a trickle meets the budget
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise FetchError(TOO_LARGE.format(limit=limit))
            chunks.append(chunk)
        if deadline.expired:  # the end was the timer shutting the connection down
            raise FetchError(TOO_SLOW.format(seconds=deadline.seconds))
    except FetchError:
        raise
    except Exception as exc:
        raise _reason(exc) from None
    return b"".join(chunks)
