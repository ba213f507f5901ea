"""Reading pages from the web safely: every refusal names the address and the reason.

Pages come from a server on 127.0.0.1 (tests/pageserver.py). Addresses in private,
loopback and link-local ranges are refused before any connection is made, so the
refusal tests send nothing anywhere.
"""

from __future__ import annotations

import socket
import time
from urllib.parse import urlsplit

import pytest

from annotations import fetching
from annotations.fetching import FetchError, fetch
from annotations.importers import FAILED, import_url
from tests.pageserver import Answer

pytestmark = pytest.mark.django_db

HTML = b"<html><body><p>Hello</p></body></html>"


def refusal(url: str) -> str:
    with pytest.raises(FetchError) as caught:
        fetch(url)
    return str(caught.value)


@pytest.mark.parametrize(
    ("url", "scheme"),
    [
        ("file:///etc/passwd", "file"),
        ("ftp://example.org/a.txt", "ftp"),
        ("gopher://example.org/", "gopher"),
        ("javascript:alert(1)", "javascript"),
        ("data:text/html,<p>x</p>", "data"),
        ("example.org/page", "(none)"),
    ],
)
def test_only_http_and_https_are_read(url, scheme):
    assert refusal(url) == fetching.BAD_SCHEME.format(scheme=scheme)


@pytest.mark.parametrize(
    ("url", "address"),
    [
        ("http://127.0.0.1/", "127.0.0.1"),
        ("http://127.1.2.3:8080/admin", "127.1.2.3"),
        ("http://10.0.0.5/", "10.0.0.5"),
        ("http://172.16.3.4/", "172.16.3.4"),
        ("http://192.168.1.1/router", "192.168.1.1"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254"),
        ("http://100.64.0.1/", "100.64.0.1"),
        ("http://0.0.0.0/", "0.0.0.0"),  # noqa: S104
        ("http://[::1]/", "::1"),
        ("http://[fe80::1]/", "fe80::1"),
        ("http://[fc00::1]/", "fc00::1"),
        ("http://[::ffff:127.0.0.1]/", "::ffff:7f00:1"),
        ("http://224.0.0.1/", "224.0.0.1"),
        ("http://localhost/", "127.0.0.1"),
    ],
)
def test_private_loopback_and_link_local_addresses_are_refused(settings, url, address):
    settings.FACTCHECK_FETCH_ALLOW_PRIVATE = False
    message = refusal(url)
    assert message.startswith(urlsplit(url).hostname + " is at")
    assert "private, loopback or link-local" in message
    if address != "127.0.0.1" or "localhost" not in url:
        assert address in message


def test_a_host_with_one_private_address_among_public_ones_is_refused(settings, monkeypatch):
    settings.FACTCHECK_FETCH_ALLOW_PRIVATE = False

    def two_answers(host, port, *args, **kwargs):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", port)),
        ]

    monkeypatch.setattr(fetching.socket, "getaddrinfo", two_answers)
    assert "10.1.2.3, a private" in refusal("http://rebind.example/")


def test_a_name_that_does_not_resolve_is_reported(monkeypatch):
    def no_such_host(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(fetching.socket, "getaddrinfo", no_such_host)
    assert refusal("https://no-such-host.example/") == fetching.UNRESOLVABLE.format(
        host="no-such-host.example"
    )


def test_a_page_is_read_with_what_the_server_said(pages):
    url = pages.route(
        "/a",
        HTML,
        headers={
            "Content-Type": "text/html; charset=ISO-8859-1",
            "ETag": '"v1"',
            "Last-Modified": "Wed, 02 Apr 2025 08:30:00 GMT",
        },
    )
    page = fetch(url)
    assert (page.status, page.data, page.charset) == (200, HTML, "ISO-8859-1")
    assert (page.etag, page.last_modified) == ('"v1"', "Wed, 02 Apr 2025 08:30:00 GMT")
    assert page.final_url == url
    headers = pages.requests[-1][1]
    assert headers["host"] == f"127.0.0.1:{pages.port}"
    assert headers["user-agent"].startswith("factcheck-desk/")


def test_redirects_are_followed_and_the_final_address_kept(pages):
    final = pages.page("/final", HTML)
    pages.redirect("/two", "/final", status=301)
    start = pages.redirect("/one", pages.url("/two"))
    page = fetch(start)
    assert page.final_url == final
    assert page.url == start
    assert [path for path, _ in pages.requests] == ["/one", "/two", "/final"]


def test_too_many_redirects_are_refused(pages, settings):
    settings.FACTCHECK_FETCH_MAX_REDIRECTS = 3
    for n in range(10):
        pages.redirect(f"/r{n}", f"/r{n + 1}")
    assert refusal(pages.url("/r0")) == fetching.TOO_MANY_REDIRECTS.format(limit=3)
    assert len(pages.requests) == 4  # the first request and three redirects, then no more


def test_a_redirect_loop_ends(pages):
    pages.redirect("/loop", "/loop")
    assert "redirected more than" in refusal(pages.url("/loop"))


def test_each_redirect_is_checked_again(pages, settings, monkeypatch):
    """A public page that redirects into the private network is refused at the redirect."""
    settings.FACTCHECK_FETCH_ALLOW_PRIVATE = False
    real = fetching.is_public
    # Our local server plays a public site; every other address keeps the real rule.
    monkeypatch.setattr(fetching, "is_public", lambda a: str(a) == "127.0.0.1" or real(a))
    url = pages.redirect("/jump", "http://169.254.169.254/latest/meta-data/")
    assert refusal(url) == fetching.NOT_PUBLIC.format(
        host="169.254.169.254", address="169.254.169.254"
    )
    url = pages.redirect("/jump2", "file:///etc/passwd")
    assert refusal(url) == fetching.BAD_SCHEME.format(scheme="file")


def test_a_redirect_without_a_location_is_reported(pages):
    url = pages.route("/nowhere", b"", status=302, headers={})
    assert refusal(url) == fetching.REDIRECT_WITHOUT_LOCATION.format(status=302)


def test_a_server_that_never_answers_times_out(pages, settings):
    settings.FACTCHECK_FETCH_TIMEOUT = 1
    url = pages.route("/stall", stall=True)
    assert refusal(url) == fetching.TIMED_OUT.format(seconds=1)


def test_a_page_that_trickles_in_hits_the_download_time_limit(pages, settings):
    settings.FACTCHECK_FETCH_TIMEOUT = 1
    settings.FACTCHECK_FETCH_TOTAL_SECONDS = 1
    url = pages.route("/slow", b"x" * 1000, trickle=0.1)
    assert refusal(url) == fetching.TOO_SLOW.format(seconds=1)


def test_a_server_that_trickles_its_headers_is_cut_off_at_the_total_limit(pages, settings):
    """A byte every 0.2 s meets every read time-out; the headers alone would take 100 s."""
    settings.FACTCHECK_FETCH_TIMEOUT = 2
    settings.FACTCHECK_FETCH_TOTAL_SECONDS = 2
    url = pages.route("/slow-head", HTML, trickle_headers=0.2)
    began = time.monotonic()
    assert refusal(url) == fetching.TOO_SLOW.format(seconds=2)
    took = time.monotonic() - began
    assert took < 3, f"the fetch took {took:.1f} s against a limit of 2 s"
    print(f"headers trickled a byte per 0.2 s: cut off after {took:.2f} s (limit 2 s)")


def test_the_total_limit_covers_every_redirect(pages, settings):
    settings.FACTCHECK_FETCH_TOTAL_SECONDS = 2
    pages.route("/slow-final", HTML, trickle_headers=0.2)
    url = pages.redirect("/hop", "/slow-final")
    began = time.monotonic()
    assert refusal(url) == fetching.TOO_SLOW.format(seconds=2)
    assert time.monotonic() - began < 3


def test_a_tls_handshake_that_never_ends_is_cut_off_at_the_total_limit(settings):
    """A server that accepts the connection and says nothing: the https path keeps the
    same deadline, though each read's own time-out (10 s) would wait longer."""
    settings.FACTCHECK_FETCH_ALLOW_PRIVATE = True
    settings.FACTCHECK_FETCH_TIMEOUT = 10
    settings.FACTCHECK_FETCH_TOTAL_SECONDS = 2
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        began = time.monotonic()
        message = refusal(f"https://127.0.0.1:{silent.getsockname()[1]}/")
    assert message == fetching.TOO_SLOW.format(seconds=2)
    assert time.monotonic() - began < 3


def test_a_page_over_the_size_limit_is_refused_by_its_length(pages, settings):
    settings.FACTCHECK_FETCH_MAX_BYTES = 1000
    url = pages.page("/big", b"x" * 5000)
    assert refusal(url) == fetching.TOO_LARGE.format(limit=1000)


def test_a_page_over_the_size_limit_without_a_length_is_cut_while_reading(pages, settings):
    settings.FACTCHECK_FETCH_MAX_BYTES = 1000
    settings.FACTCHECK_FETCH_TOTAL_SECONDS = 20
    url = pages.route("/big-stream", b"x" * 1500, trickle=0.0001)
    assert refusal(url) == fetching.TOO_LARGE.format(limit=1000)


def test_a_compressed_page_is_measured_after_decompression(pages, settings):
    settings.FACTCHECK_FETCH_MAX_BYTES = 100_000
    url = pages.gzipped("/bomb", b"<p>" + b"0" * 5_000_000)
    assert refusal(url) == fetching.TOO_LARGE.format(limit=100_000)
    small = pages.gzipped("/small", HTML)
    assert fetch(small).data == HTML


def test_an_error_status_is_reported(pages):
    pages.route("/gone", b"gone", status=410)
    assert refusal(pages.url("/gone")) == "the server answered 410 Gone"
    assert refusal(pages.url("/missing")) == "the server answered 404 Not Found"


def test_something_that_is_not_a_page_is_refused(pages):
    url = pages.page("/file.pdf", b"%PDF-1.4", content_type="application/pdf")
    assert refusal(url) == fetching.NOT_A_PAGE.format(content_type="application/pdf")


def test_a_closed_port_is_unreachable(settings):
    settings.FACTCHECK_FETCH_ALLOW_PRIVATE = True
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert refusal(f"http://127.0.0.1:{port}/").startswith("the server could not be reached (")


def test_a_conditional_request_sends_the_validators_and_reads_304(pages):
    def conditional(headers):
        if headers.get("if-none-match") == '"v1"':
            return Answer(304, b"", headers={"ETag": '"v1"'})
        return None

    pages.routes["/c"] = Answer(
        body=HTML, headers={"Content-Type": "text/html", "ETag": '"v1"'}, when=conditional
    )
    page = fetch(pages.url("/c"), etag='"v1"', last_modified="Wed, 02 Apr 2025 08:30:00 GMT")
    assert page.not_modified and page.data == b""
    assert pages.requests[-1][1]["if-modified-since"] == "Wed, 02 Apr 2025 08:30:00 GMT"


def test_a_refused_import_is_one_line_naming_the_address_and_the_reason(settings):
    settings.FACTCHECK_FETCH_ALLOW_PRIVATE = False
    result = import_url("http://192.168.0.10/story#top")
    assert result.status == FAILED
    assert str(result) == (
        "failed: http://192.168.0.10/story (192.168.0.10 is at 192.168.0.10, a private, "
        "loopback or link-local address: pages are read only from the public internet)"
    )


# IPv6 forms that carry an IPv4 address ------------------------------------------------


@pytest.fixture
def no_connection(monkeypatch):
    """The guard must refuse before connecting: any connection fails the test."""

    def forbidden(*args, **kwargs):
        raise AssertionError("a connection was attempted")

    monkeypatch.setattr(fetching, "_Pool", forbidden)
    monkeypatch.setattr(fetching, "_TLSPool", forbidden)


@pytest.mark.parametrize(
    ("url", "address"),
    [
        ("http://[::ffff:10.0.0.1]/", "::ffff:a00:1"),  # IPv4-mapped
        ("http://[::ffff:192.168.1.1]/", "::ffff:c0a8:101"),
        ("http://[::ffff:0:127.0.0.1]/", "::ffff:0:7f00:1"),  # IPv4-translated (SIIT)
        ("http://[::127.0.0.1]/", "::7f00:1"),  # IPv4-compatible (::/96)
        ("http://[::7f00:1]/", "::7f00:1"),
        ("http://[::a9fe:a9fe]/", "::a9fe:a9fe"),  # 169.254.169.254, the metadata service
        ("http://[64:ff9b::7f00:1]/", "64:ff9b::7f00:1"),  # NAT64 of 127.0.0.1
        ("http://[64:ff9b::10.1.2.3]/", "64:ff9b::a01:203"),
        ("http://[64:ff9b:1::808:808]/", "64:ff9b:1::808:808"),  # local-use NAT64
        ("http://[2002:7f00:1::]/", "2002:7f00:1::"),  # 6to4 of 127.0.0.1
        ("http://[2002:c0a8:101::1]/", "2002:c0a8:101::1"),  # 6to4 of 192.168.1.1
        ("http://[2001::1]/", "2001::1"),  # Teredo
    ],
)
def test_ipv6_forms_count_as_the_ipv4_address_they_embed(settings, no_connection, url, address):
    settings.FACTCHECK_FETCH_ALLOW_PRIVATE = False
    host = urlsplit(url).hostname
    assert refusal(url) == fetching.NOT_PUBLIC.format(host=host, address=address)


@pytest.mark.parametrize(
    "address",
    [
        "64:ff9b::808:808",  # NAT64 of 8.8.8.8
        "64:ff9b::5db8:d70e",  # NAT64 of 93.184.215.14
        "::ffff:8.8.8.8",
        "2002:808:808::1",  # 6to4 of 8.8.8.8
        "2606:4700:4700::1111",  # a plain public IPv6 address
    ],
)
def test_ipv6_forms_of_a_public_address_are_allowed(settings, no_connection, address):
    settings.FACTCHECK_FETCH_ALLOW_PRIVATE = False
    assert fetching.is_public(fetching.ipaddress.ip_address(address))
    # The guard lets it through (resolve() only parses the literal: nothing is sent).
    assert fetching.resolve(address, 80) == str(fetching.ipaddress.ip_address(address))
