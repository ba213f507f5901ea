"""What runs in production, run here with debug off: gunicorn, WhiteNoise, Redis.

One SQLite database in a temporary folder is migrated and filled once for the module
(a reviewer with a session and a token, one seed article) and ``collectstatic`` runs
once into a temporary STATIC_ROOT; each test then starts real gunicorn processes on
free loopback ports with the production settings (no TLS redirect: plain HTTP here).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = "redis://127.0.0.1:6379/5"  # logical database 5: this suite's own
HASHED = re.compile(r"\.[0-9a-f]{12}\.(js|css)$")
# The module specifiers a browser resolves against the module's URL.
RELATIVE_IMPORTS = [
    re.compile(r"""\b(?:import|export)\b[^;'"]*?\bfrom\s*["']([./][^"']*)["']"""),
    re.compile(r"""\bimport\s*["']([./][^"']*)["']"""),
    re.compile(r"""\bimport\(\s*["']([./][^"']*)["']\s*\)"""),
]

SETUP = """
import json
from pathlib import Path

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import Group, User
from django.contrib.sessions.backends.db import SessionStore
from rest_framework.authtoken.models import Token

from annotations.importers import import_paths

user = User.objects.create_user("reviewer", "reviewer@example.org", "not-used-here-1")
user.groups.add(Group.objects.get(name="Reviewers"))
summary = import_paths([sorted(Path("seeds").glob("000_*.txt"))[0]])
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "factcheck.backends.ModelBackendOneQuery"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(json.dumps({
    "article": summary.results[0].article.pk,
    "session": session.session_key,
    "token": Token.objects.create(user=user).key,
}))
"""


@dataclass
class Site:
    env: dict[str, str]
    article: int
    session: str
    token: str


def production_env(folder: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "FACTCHECK_", "DATABASE_", "REDIS_"))
    }
    env.update(
        {
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "production-test-" + uuid.uuid4().hex * 2,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_STATIC_ROOT": str(folder / "static"),
            "FACTCHECK_VAR_DIR": str(folder / "var"),
            "DATABASE_URL": f"sqlite:///{folder / 'var' / 'production.sqlite3'}",
            "DJANGO_LOG_LEVEL": "ERROR",
        }
    )
    return env


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stdout}{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Site:
    folder = tmp_path_factory.mktemp("production")
    env = production_env(folder)
    began = time.perf_counter()
    manage(env, "migrate", "--noinput")
    migrated = time.perf_counter()
    manage(env, "collectstatic", "--noinput")
    collected = time.perf_counter()
    data = json.loads(manage(env, "shell", "-c", SETUP).strip().splitlines()[-1])
    print(
        f"production site: migrate {migrated - began:.1f} s, "
        f"collectstatic {collected - migrated:.1f} s"
    )
    return Site(env=env, **data)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(env: dict[str, str], log: Path) -> Iterator[str]:
    """A real gunicorn (one sync worker) on a free port; stopped whatever happens."""
    port = free_port()
    with open(log, "w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "factcheck.wsgi", "--workers", "1",
             "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not start:\n{log.read_text()}")
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class Fetched:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()


def fetch(url: str, **headers: str) -> Fetched:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return Fetched(response.status, dict(response.headers), response.read())
    except urllib.error.HTTPError as error:
        return Fetched(error.code, dict(error.headers), error.read())


class Links(HTMLParser):
    """The stylesheets and module scripts of a page, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.stylesheets: list[str] = []
        self.modules: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "link" and a.get("rel") == "stylesheet" and a.get("href"):
            self.stylesheets.append(a["href"])
        if tag == "script" and a.get("type") == "module" and a.get("src"):
            self.modules.append(a["src"])


def links(html: str) -> Links:
    parser = Links()
    parser.feed(html)
    return parser


def relative_imports(source: str) -> list[str]:
    return [m.group(1) for pattern in RELATIVE_IMPORTS for m in pattern.finditer(source)]


def assert_served_and_hashed(url: str) -> Fetched:
    path = urlsplit(url).path
    assert HASHED.search(path), f"{path} is not a hashed name: a deploy could serve it stale"
    response = fetch(url)
    assert response.status == 200, f"{path}: {response.status}"
    assert "immutable" in response.headers.get("Cache-Control", ""), path
    return response


def test_debug_off_gunicorn_serves_hashed_static_files_and_every_module_they_import(site, tmp_path):
    with gunicorn(site.env, tmp_path / "gunicorn.log") as base:
        # The admin's stylesheet, by the hashed name its login page links to.
        login = fetch(f"{base}/admin/login/")
        assert login.status == 200
        css = [href for href in links(login.text).stylesheets if "admin/css/base" in href]
        assert css, "the admin login page links no admin/css/base.css"
        served = assert_served_and_hashed(urljoin(base, css[0]))
        assert served.headers["Content-Type"].startswith("text/css")
        assert b"--body-fg" in served.body or b"body" in served.body
        zipped = fetch(urljoin(base, css[0]), **{"Accept-Encoding": "gzip"})
        assert zipped.headers.get("Content-Encoding") == "gzip"

        # The workspace's script, and everything it imports, transitively.
        page = fetch(f"{base}/articles/{site.article}/", Cookie=f"sessionid={site.session}")
        assert page.status == 200, page.text[:500]
        scripts = links(page.text).modules
        assert scripts, "the workspace page has no <script type=module src=…>"
        seen: set[str] = set()
        queue = [urljoin(base, src) for src in scripts]
        while queue:
            url = queue.pop()
            if url in seen:
                continue
            seen.add(url)
            module = assert_served_and_hashed(url)
            assert "javascript" in module.headers["Content-Type"], url
            queue.extend(urljoin(url, spec) for spec in relative_imports(module.text))
        print(
            f"debug off, gunicorn + WhiteNoise: admin CSS and {len(seen)} ES module(s) "
            "served under hashed names, every relative import resolved"
        )

        # The favicon admin pages ask for.
        icon = fetch(f"{base}/favicon.ico")
        assert icon.status == 200
        assert icon.headers["Content-Type"].startswith("image/svg+xml")


def test_the_import_scanner_sees_every_form_of_relative_import():
    source = """
    import { a } from "./a.js";
    import * as b from '../b.js';
    import {
      c,
      d,
    } from "./c.js";
    export { e } from "./e.js";
    import "./side-effect.js";
    const f = await import("./lazy.js");
    import g from "https://example.org/not-ours.js";
    """
    assert sorted(relative_imports(source)) == sorted(
        ["./a.js", "../b.js", "./c.js", "./e.js", "./side-effect.js", "./lazy.js"]
    )


def test_collectstatic_rewrites_relative_module_imports_to_hashed_names(tmp_path, settings):
    """The storage's own behaviour, on two modules of our own: the page's modules may not
    import anything yet, and must be rewritten once they do."""
    from django.core.files.storage import FileSystemStorage

    from factcheck.storage import StaticFilesStorage

    source = tmp_path / "source" / "app"
    source.mkdir(parents=True)
    (source / "main.js").write_text(
        'import { part } from "./parts/part.js";\nexport { other } from "./parts/part.js";\n'
        'import "./parts/part.js";\nconsole.log(part);\n'
    )
    (source / "parts").mkdir()
    (source / "parts" / "part.js").write_text("export const part = 1;\nexport const other = 2;\n")
    origin = FileSystemStorage(location=tmp_path / "source")
    storage = StaticFilesStorage(location=tmp_path / "out", base_url="/static/")
    paths = {}
    for name in ["app/main.js", "app/parts/part.js"]:
        with origin.open(name) as handle:
            storage.save(name, handle)
        paths[name] = (origin, name)
    processed = list(storage.post_process(paths))
    assert not [error for _, _, error in processed if isinstance(error, Exception)]
    main = storage.stored_name("app/main.js")
    part = storage.stored_name("app/parts/part.js")
    text = (tmp_path / "out" / main).read_text()
    part_file = part.rsplit("/", 1)[1]
    assert text.count(f"./parts/{part_file}") == 3, text
    assert "./parts/part.js" not in text


def redis_or_skip():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=2)
    try:
        client.ping()
    except redis.exceptions.RedisError as error:
        pytest.skip(f"Redis is not reachable at {REDIS_URL} ({error})")
    return client


def test_the_export_throttle_holds_across_two_gunicorn_processes_sharing_redis(site, tmp_path):
    """Two servers (two processes, two ports) share one Redis: the 11th request of a
    10-a-minute token is refused whichever process it reaches. With per-process counters
    each would have seen only 6 and let it through."""
    redis = redis_or_skip()
    prefix = f"test-throttle-{uuid.uuid4().hex}"
    env = {
        **site.env,
        "REDIS_URL": REDIS_URL,
        "FACTCHECK_CACHE_KEY_PREFIX": prefix,
        "FACTCHECK_THROTTLE_EXPORT": "10/minute",
    }
    try:
        with (
            gunicorn(env, tmp_path / "a.log") as one,
            gunicorn(env, tmp_path / "b.log") as two,
        ):
            statuses = []
            for n in range(12):
                base = (one, two)[n % 2]
                response = fetch(
                    f"{base}/api/v1/claims/?page_size=1", Authorization=f"Token {site.token}"
                )
                statuses.append(response.status)
            assert statuses == [200] * 10 + [429, 429], statuses
            assert int(response.headers["Retry-After"]) > 0
            assert redis.keys(f"{prefix}:*"), "the counters are not in Redis"
        print(
            "throttle 10/minute, one token, requests alternating between 2 gunicorn "
            f"processes on one Redis: {statuses.count(200)} answered, then "
            f"{statuses[10:]} (429 = refused)"
        )
    finally:
        for key in redis.scan_iter(f"{prefix}:*"):
            redis.delete(key)
