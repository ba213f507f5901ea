"""The benchmark databases, generated once and reused while their recipe is unchanged.

A dataset is a SQLite file under bench/data/ filled by ``manage.py
generate_bench_data`` (a command of the ``bench`` app, which bench/settings.py alone
installs). Its name carries a key made of the generator's arguments and the source of
the generator and of the migrations, so a schema or generator change makes a new one,
and a second ``make bench`` reuses the first one's files.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from bench.common import DATA, ROOT, manage, say, sqlite_url

GENERATOR = ROOT / "bench" / "management" / "commands" / "generate_bench_data.py"
MIGRATIONS = ROOT / "annotations" / "migrations"


@dataclass(frozen=True)
class Dataset:
    name: str
    articles: int
    claims: int
    article_chars: int = 4000
    sources: int = 2
    seed: int = 42

    def args(self) -> list[str]:
        return [
            "--articles", str(self.articles),
            "--claims", str(self.claims),
            "--sources", str(self.sources),
            "--article-chars", str(self.article_chars),
            "--seed", str(self.seed),
        ]  # fmt: skip


def schema_key() -> str:
    digest = hashlib.sha256()
    for path in sorted(MIGRATIONS.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def recipe_key(*parts: str) -> str:
    digest = hashlib.sha256(schema_key().encode())
    digest.update(GENERATOR.read_bytes())
    for part in parts:
        digest.update(part.encode())
    return digest.hexdigest()[:10]


def remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def copy_sqlite(source: Path, target: Path) -> None:
    remove_sqlite(target)
    shutil.copyfile(source, target)


def checkpoint(path: Path) -> None:
    """Fold the WAL into the main file, so that the file alone is the whole database."""
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()


def empty_database(fresh: bool = False) -> Path:
    """A migrated SQLite database with no articles (the default verdict scale and groups)."""
    path = DATA / f"empty-{schema_key()}.sqlite3"
    if path.exists() and not fresh:
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    remove_sqlite(partial)
    say(f"migrating an empty SQLite database ({path.name})")
    manage(sqlite_url(partial), "migrate", "--noinput")
    checkpoint(partial)
    remove_sqlite(path)
    partial.rename(path)
    return path


def sqlite_dataset(dataset: Dataset, fresh: bool = False) -> Path:
    """The SQLite file holding ``dataset``; generated only when missing (or ``fresh``)."""
    path = DATA / f"{dataset.name}-{recipe_key(*dataset.args())}.sqlite3"
    if path.exists() and not fresh:
        say(f"reusing {path.relative_to(ROOT)}")
        return path
    partial = path.with_name(path.name + ".part")
    copy_sqlite(empty_database(), partial)
    say(
        f"generating {dataset.name}: {dataset.articles:,} articles, {dataset.claims:,} claims "
        f"with {dataset.sources} sources each ({partial.name})"
    )
    began = time.perf_counter()
    manage(sqlite_url(partial), "generate_bench_data", *dataset.args())
    checkpoint(partial)
    remove_sqlite(path)
    partial.rename(path)
    say(f"  generated in {time.perf_counter() - began:.0f} s")
    return path
