"""The layers of DESIGN.md, held by reading every module's imports (with ``ast``).

faces → publishing → rules → ground: each imports only from its own layer or below,
nothing outside ``annotations/api/`` imports the API, and the publishing layer knows
nothing of HTTP frameworks.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "annotations"

GROUND, RULES, PUBLISHING, FACES = 0, 1, 2, 3
LAYER_NAMES = {GROUND: "ground", RULES: "rules", PUBLISHING: "publishing", FACES: "faces"}
# Modules by the layer they belong to; packages count with everything inside them.
LAYERS = {
    "annotations.models": GROUND,
    "annotations.spans": GROUND,
    "annotations.search": GROUND,
    "annotations.lookups": GROUND,
    "annotations.embeddings": GROUND,
    "annotations.thesaurus": GROUND,
    "annotations.anchoring": GROUND,
    "annotations.sanitize": GROUND,
    "annotations.richtext": GROUND,
    "annotations.serialization": GROUND,
    "annotations.bounded": GROUND,
    "annotations.csvfiles": GROUND,
    "annotations.tallies": GROUND,
    "annotations.jsonld": GROUND,
    "annotations.apps": GROUND,
    "annotations.migrations": GROUND,
    "annotations.access": RULES,
    "annotations.workflow": RULES,
    "annotations.claims": RULES,
    "annotations.locking": RULES,
    "annotations.appearances": RULES,
    "annotations.claimants": RULES,
    "annotations.importers": RULES,
    "annotations.extraction": RULES,
    "annotations.fetching": RULES,
    "annotations.revisions": RULES,
    "annotations.jobs": RULES,
    "annotations.desk": RULES,
    "annotations.notifications": RULES,
    "annotations.desk_charts": RULES,
    "annotations.demo": RULES,
    "annotations.publishing": PUBLISHING,
    "annotations.views": FACES,
    "annotations.urls": FACES,
    "annotations.forms": FACES,
    "annotations.published": FACES,
    "annotations.published_urls": FACES,
    "annotations.admin": FACES,
    "annotations.svg_charts": FACES,
    "annotations.admin_lists": FACES,
    "annotations.admin_web": FACES,
    "annotations.listing": FACES,
    "annotations.api": FACES,
    "annotations.templatetags": FACES,
    "annotations.management": FACES,
    "annotations.tasks": FACES,
}
NO_HTTP_FRAMEWORK = ("rest_framework", "drf_spectacular")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer_of(module: str) -> int | None:
    if module == "annotations":  # the package itself (its __init__), nothing below it
        return GROUND
    for prefix, layer in sorted(LAYERS.items(), key=lambda item: -len(item[0])):
        if module == prefix or module.startswith(prefix + "."):
            return layer
    return None


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) for every import in the file, nested ones included."""
    found = []
    package = module_name(path).rsplit(".", 1)[0] if path.name != "__init__.py" else None
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this module's package
                base = (package or module_name(path)).rsplit(".", node.level - 1)[0]
                name = f"{base}.{node.module}" if node.module else base
            else:
                name = node.module or ""
            found.append((node.lineno, name))
            # "from annotations import workflow" imports the module annotations.workflow
            found += [
                (node.lineno, f"{name}.{alias.name}")
                for alias in node.names
                if is_module(f"{name}.{alias.name}")
            ]
    return found


def is_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def app_modules() -> list[Path]:
    return sorted(p for p in APP.rglob("*.py") if "migrations" not in p.parts)


def test_every_module_of_the_app_has_a_layer():
    unplaced = [module_name(p) for p in app_modules() if layer_of(module_name(p)) is None]
    assert unplaced == [], f"add these to LAYERS in {__file__}: {unplaced}"


def violations(paths: list[Path]) -> list[str]:
    problems = []
    for path in paths:
        here = module_name(path)
        mine = layer_of(here)
        for line, imported in imports(path):
            where = f"{path.relative_to(ROOT)}:{line} imports {imported}"
            if imported.startswith("annotations.api") and not here.startswith("annotations.api"):
                problems.append(f"{where}: only annotations/api/ may import the API")
            theirs = layer_of(imported)
            if mine is not None and theirs is not None and theirs > mine:
                problems.append(
                    f"{where}: {LAYER_NAMES[mine]} may not import from {LAYER_NAMES[theirs]}"
                )
            if mine == PUBLISHING and imported.startswith(NO_HTTP_FRAMEWORK):
                problems.append(f"{where}: the publishing layer knows no HTTP framework")
    return problems


def test_each_layer_imports_only_from_itself_and_below():
    assert violations(app_modules()) == []


def test_benchmarks_and_commands_do_not_reach_into_the_api():
    bench = sorted((ROOT / "bench").rglob("*.py"))
    problems = [p for p in violations(bench) if "only annotations/api/" in p]
    assert problems == []


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        ("annotations/models.py", "from annotations.workflow import claim_transition\n", "ground"),
        ("annotations/views.py", "from annotations.api.export import ClaimListView\n", "API"),
        ("annotations/publishing/rows.py", "from rest_framework import serializers\n", "HTTP"),
        ("annotations/claims.py", "from annotations import published\n", "rules"),
    ],
)
def test_the_rule_can_fail(tmp_path, monkeypatch, module, source, expected):
    fake = ROOT / module
    monkeypatch.setattr(Path, "read_text", lambda self, *a, **k: source)
    (problem,) = violations([fake])
    assert expected in problem


# -- import cycles ------------------------------------------------------------------------
# Cycles hidden by imports inside functions still tie modules together. These two are
# left for the regrouping into feature folders (issue 25), which splits the modules they
# run through; any other cycle, or a longer one, fails. Remove an entry once it is broken.
KNOWN_CYCLES = {
    frozenset({"annotations.models", "annotations.search", "annotations.embeddings"}),
    frozenset({"annotations.importers", "annotations.extraction"}),
}


def import_graph(paths: list[Path]) -> dict[str, set[str]]:
    """Module → the app modules it imports, at any depth of the file (functions too)."""
    names = {module_name(p) for p in paths}
    graph: dict[str, set[str]] = {name: set() for name in names}
    for path in paths:
        here = module_name(path)
        for _, imported in imports(path):
            target = imported
            while target and target not in names:
                target = target.rpartition(".")[0]
            if target and target != here and target != "annotations":
                graph[here].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[frozenset[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(frozenset(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles_but_the_two_being_taken_apart():
    found = set(cycles(import_graph(app_modules())))
    new = [sorted(group) for group in found - KNOWN_CYCLES]
    assert new == [], f"import cycles (imports inside functions count): {new}"
    gone = [sorted(group) for group in KNOWN_CYCLES - found]
    assert gone == [], f"these cycles are broken: remove them from KNOWN_CYCLES: {gone}"


def test_a_cycle_through_an_import_inside_a_function_is_found():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [frozenset({"a", "b", "c"})]
    assert cycles({"a": {"b"}, "b": set()}) == []
    sources = {
        "annotations/jobs.py": "from annotations import notifications\n",
        "annotations/notifications.py": "def later():\n    from annotations import jobs\n",
    }
    fakes = [ROOT / name for name in sources]
    original = Path.read_text
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Path, "read_text", lambda self, *a, **k: sources.get(
            str(self.relative_to(ROOT)), original(self, *a, **k)))  # fmt: skip
        graph = import_graph(fakes)
    assert cycles(graph) == [frozenset({"annotations.jobs", "annotations.notifications"})]
