"""Migrations are frozen: none imports the app's code (read with ``ast``, imports inside
functions included), so that editing the app never changes what an old migration does
on a fresh database. The SQL and arithmetic a migration runs are copied into it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = ROOT / "annotations" / "migrations"
APP_PACKAGES = ("annotations", "factcheck")
# Django's migration writer names a custom field class or a validator by its import path,
# and makemigrations compares the migrations' state with the models by that path: these
# must stay references to the live code (Django's rule: keep them importable while a
# migration names them). They declare a column; nothing of theirs runs in a migration.
DECLARED = frozenset({"annotations.models.HttpURLField", "annotations.models.validate_same_as"})
IMPORTERS = frozenset({"import_module", "__import__", "import_string"})


def is_app_code(module: str) -> bool:
    inside_migrations = module == "annotations.migrations" or module.startswith(
        "annotations.migrations."
    )
    return module.split(".")[0] in APP_PACKAGES and not inside_migrations


def dotted(node: ast.expr) -> str | None:
    """``a.b.c`` for an attribute chain on a name, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return ".".join([node.id, *reversed(parts)])


def app_code_imports(source: str, filename: str = "<migration>") -> list[str]:
    """Where a migration's source reaches the app's code: each import of it (at any
    depth, relative ones resolved against annotations.migrations), each import by name
    (``import_module("annotations.x")``), and each use of ``annotations.…`` beyond the
    ``DECLARED`` field classes and validators."""
    tree = ast.parse(source, filename)
    # Attribute chains are read whole (annotations.models.X), not each link of them.
    links = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                declaring = alias.name == "annotations.models" and alias.asname is None
                if is_app_code(alias.name) and not (declaring and node in tree.body):
                    found.append(f"{filename}:{node.lineno} imports {alias.name}")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                # Every migration sits in annotations.migrations: level 1 is that, 2 is annotations.
                base = "annotations.migrations".rsplit(".", node.level - 1)[0]
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            names = [module] + [f"{module}.{alias.name}" for alias in node.names]
            if any(is_app_code(name) for name in names):
                found.append(f"{filename}:{node.lineno} imports from {module}")
        elif isinstance(node, ast.Call):
            called = node.func.attr if isinstance(node.func, ast.Attribute) else None
            called = node.func.id if isinstance(node.func, ast.Name) else called
            first = node.args[0] if node.args else None
            if (
                called in IMPORTERS
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
                and is_app_code(first.value)
            ):
                found.append(f"{filename}:{node.lineno} imports {first.value} by name")
        elif isinstance(node, ast.Attribute) and id(node) not in links:
            name = dotted(node)
            if name and name.split(".")[0] in APP_PACKAGES and name not in DECLARED:
                found.append(f"{filename}:{node.lineno} uses {name}")
    return found


def migration_files() -> list[Path]:
    return sorted(MIGRATIONS.rglob("*.py"))


def test_there_are_migrations_to_read():
    assert len(migration_files()) > 10


@pytest.mark.parametrize("path", migration_files(), ids=lambda p: p.name)
def test_no_migration_imports_the_apps_code(path):
    assert app_code_imports(path.read_text(), str(path.relative_to(ROOT))) == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "def count(apps, schema_editor):\n    from annotations.models import count_history\n",
            "2 imports from annotations.models",
        ),
        ("from annotations import search\n", "1 imports from annotations"),
        ("def install(apps, schema_editor):\n    import annotations.search\n", "2 imports"),
        ("import annotations.models as m\n", "1 imports annotations.models"),
        ("import factcheck.settings\n", "1 imports factcheck.settings"),
        ("def f():\n    from .. import search\n", "2 imports from annotations"),
        ("from ..tallies import wait_bucket\n", "1 imports from annotations.tallies"),
        ("import importlib\nimportlib.import_module('annotations.search')\n", "by name"),
        (
            "import annotations.models\nannotations.models.count_history(a, b)\n",
            "2 uses annotations.models.count_history",
        ),
    ],
)
def test_the_check_finds_app_code(source, expected):
    (finding,) = app_code_imports(source)
    assert expected in finding


@pytest.mark.parametrize(
    "source",
    [
        "import annotations.models\nfield = annotations.models.HttpURLField(max_length=9)\n",
        "import annotations.models\nvalidators = [annotations.models.validate_same_as]\n",
        "from django.db import migrations, models\nfrom django.utils import timezone\n",
        "from . import _frozen\nfrom annotations.migrations import _frozen as f\n",
    ],
)
def test_the_check_lets_django_declarations_and_django_itself_through(source):
    assert app_code_imports(source) == []
