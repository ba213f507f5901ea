"""Import rate: N generated article files through ``manage.py import_articles`` on SQLite.

The files look like the scraped ones in seeds/ (headline, subtitle, paragraphs,
scraper noise, the original URL) with the benchmark generator's sentences, about
4,000 characters each. They are written once to bench/data/ and reused. Each run
imports all of them into a fresh copy of an empty migrated database; the rate is
files / wall time of the whole command (Python and Django start-up included).
"""

from __future__ import annotations

import hashlib
import inspect
import random
import sqlite3
import subprocess
import time
from pathlib import Path

from bench.common import DATA, PYTHON, ROOT, django_env, figure, median, say, sqlite_url
from bench.datasets import copy_sqlite, empty_database, remove_sqlite


def article_file(rng: random.Random, n: int, chars: int) -> str:
    from bench.management.commands.generate_bench_data import article_text, sentence

    title = sentence(rng).rstrip(".")[:90]
    subtitle = sentence(rng)
    body = article_text(rng, chars)
    noise = rng.choice(["[Image]", "Advertisement", "Comments"])
    return (
        f"{title}\n{subtitle}\n{body}\n{noise}\n"
        f"Original article: https://news.example.org/bench/{n}\n"
    )


def article_files(count: int, chars: int = 4000, seed: int = 42) -> Path:
    """A folder of ``count`` .txt files, written once (deterministic)."""
    recipe = hashlib.sha256(inspect.getsource(article_file).encode())
    recipe.update(f"{count}-{chars}-{seed}".encode())
    folder = DATA / f"import-files-{count}-{recipe.hexdigest()[:10]}"
    if (folder / "COMPLETE").exists():
        say(f"reusing {count:,} article files in {folder.relative_to(ROOT)}")
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    say(f"writing {count:,} article files to {folder.relative_to(ROOT)}")
    rng = random.Random(seed)
    for n in range(count):
        (folder / f"{n:05d}.txt").write_text(article_file(rng, n, chars), encoding="utf-8")
    (folder / "COMPLETE").write_text("")
    return folder


def imported(database: Path) -> int:
    with sqlite3.connect(database) as connection:
        (count,) = connection.execute("SELECT COUNT(*) FROM annotations_article").fetchone()
    connection.close()
    return count


def run(count: int, repeat: int) -> dict:
    """Needs Django set up in this process (the generator's text helpers import models)."""
    folder = article_files(count)
    template = empty_database()
    database = DATA / "import-run.sqlite3"
    log = DATA / "import.log"
    runs = []
    try:
        for n in range(repeat):
            copy_sqlite(template, database)
            began = time.perf_counter()
            with log.open("wb") as output:
                subprocess.run(
                    [PYTHON, str(ROOT / "manage.py"), "import_articles", str(folder)],
                    cwd=ROOT,
                    env=django_env(sqlite_url(database)),
                    stdout=output,
                    stderr=subprocess.STDOUT,
                    check=True,
                )
            seconds = time.perf_counter() - began
            got = imported(database)
            assert got == count, f"imported {got} of {count} files; see {log}"
            runs.append(count / seconds)
            say(f"  run {n + 1}: {count:,} files in {seconds:.1f} s: {runs[-1]:,.0f} articles/s")
    finally:
        remove_sqlite(database)
    result = {"files": count, "runs": runs, "rate": median(runs)}
    figure(f"import {count:,} files", result["rate"], "articles/s", runs)
    return result


def profile(folder: Path, count: int, path: Path) -> None:
    """pyinstrument over importing ``count`` of the files in-process (a fresh database)."""
    files = sorted(folder.glob("*.txt"))[:count]
    database = DATA / "import-profile.sqlite3"
    copy_sqlite(empty_database(), database)
    script = (
        "import sys\n"
        "from bench.common import setup_django\n"
        "setup_django()\n"
        "from annotations.importers import import_paths\n"
        "from pyinstrument import Profiler\n"
        "p = Profiler(interval=0.0005)\n"
        "p.start()\n"
        "import_paths(sys.argv[2:])\n"
        "p.stop()\n"
        "open(sys.argv[1], 'w').write(p.output_text(unicode=False, color=False))\n"
    )
    try:
        subprocess.run(
            [PYTHON, "-c", script, str(path) + ".part", *map(str, files)],
            cwd=ROOT,
            env=django_env(sqlite_url(database)),
            check=True,
        )
    finally:
        remove_sqlite(database)
    text = Path(str(path) + ".part").read_text()
    Path(str(path) + ".part").unlink()
    path.write_text(
        f"# import_paths() over {count:,} generated files, in-process, SQLite\n"
        f"# pyinstrument, written by bench/import_bench.py\n\n{text}"
    )
    say(f"  profile written to {path.relative_to(ROOT)}")
