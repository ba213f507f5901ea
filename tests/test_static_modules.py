"""The workspace's ES modules as files: small, relative imports only, no cycle, and hashable.

The page loads one entry point with ``<script type="module">``; it imports the rest with
relative specifiers. Django's ManifestStaticFilesStorage (with
``support_js_module_import_aggregation``) rewrites those specifiers to the hashed names,
and a file's hash covers the hashed names it imports, so an import cycle could never
settle: the graph must stay acyclic.
"""

from __future__ import annotations

import json
import re
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest
from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
from django.core.management import call_command

MODULES = Path(__file__).resolve().parent.parent / "annotations/static/annotations/workspace"
ENTRY = "workspace.js"
MAX_LINES = 400
# Static import and re-export statements (the modules use no other form).
IMPORT = re.compile(r"""^(?:import|export)\b[^;]*?\bfrom\s*["']([^"']+)["'];""", re.M | re.S)


class ModuleManifestStorage(ManifestStaticFilesStorage):
    support_js_module_import_aggregation = True


def imports_of(path: Path) -> list[str]:
    return IMPORT.findall(path.read_text(encoding="utf-8"))


def graph() -> dict[str, set[str]]:
    return {
        path.name: {spec.removeprefix("./") for spec in imports_of(path)}
        for path in MODULES.glob("*.js")
    }


def test_each_module_is_small():
    lengths = {path.name: len(path.read_text().splitlines()) for path in MODULES.glob("*.js")}
    assert ENTRY in lengths and len(lengths) > 5
    assert {name: n for name, n in lengths.items() if n > MAX_LINES} == {}


def test_modules_import_each_other_by_relative_path_only():
    for path in MODULES.glob("*.js"):
        for spec in imports_of(path):
            assert re.fullmatch(r"\./[a-z-]+\.js", spec), f"{path.name} imports {spec!r}"
            assert (MODULES / spec).is_file(), f"{path.name} imports a missing {spec}"
        assert "import(" not in path.read_text(), f"{path.name} has a dynamic import"


def test_the_import_graph_has_no_cycle_and_the_entry_reaches_every_module():
    edges = graph()
    try:
        order = list(TopologicalSorter(edges).static_order())
    except CycleError as exc:
        pytest.fail(f"import cycle: {' → '.join(exc.args[1])}")
    reached, todo = set(), [ENTRY]
    while todo:
        name = todo.pop()
        if name not in reached:
            reached.add(name)
            todo.extend(edges[name])
    assert reached == set(order) == set(edges)


def test_the_text_model_reads_no_page_element_of_its_own():
    source = (MODULES / "text.js").read_text()
    assert imports_of(MODULES / "text.js") == []
    assert "getElementById" not in source and "article-body" not in source


def test_hashed_static_files_import_each_other_by_their_hashed_names(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": f"{__name__}.ModuleManifestStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    for name in graph():
        hashed = tmp_path / manifest[f"annotations/workspace/{name}"]
        for spec in imports_of(hashed):
            target = f"annotations/workspace/{spec.removeprefix('./')}"
            assert target in manifest.values(), f"{hashed.name} imports unhashed {spec}"
            assert (tmp_path / target).is_file()
