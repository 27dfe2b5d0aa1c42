"""The package layers import one way (docs/design.md §3): a lower layer never imports a higher one.

Read from the source with `ast` (every import, also the lazy ones inside functions), so a module that
breaks the direction fails here before it becomes a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "formkit"

# Lowest first. Modules of one layer may import each other; a module may import any lower layer.
LAYERS: list[set[str]] = [
    {"formkit.errors", "formkit.resources"},
    {"formkit.model"},
    {"formkit.turkish", "formkit.fileio", "formkit.desktable"},
    {"formkit.profile", "formkit.texts", "formkit.jsonload", "formkit.limits"},
    {"formkit.pdf"},
    {"formkit.acroform"},
    {"formkit.input"},
    {"formkit.packet"},
    {"formkit.batch"},
    {"formkit.mail"},
    {"formkit.desk", "formkit.web"},
    {"formkit.cli_tr"},  # click in Turkish: used by cli.py only
]


def _layer(module: str) -> int | None:
    """The layer of a dotted module name: the longest prefix listed in LAYERS (None for formkit itself)."""
    best: tuple[int, int] | None = None
    for index, names in enumerate(LAYERS):
        for name in names:
            if (module == name or module.startswith(name + ".")) and (best is None or len(name) > best[1]):
                best = (index, len(name))
    return None if best is None else best[0]


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    return _imports_in(path.read_text(encoding="utf-8"), package)


def _imports_in(source: str, package: str) -> list[tuple[int, str]]:
    tree = ast.parse(source)
    typing_only = {  # `if TYPE_CHECKING:` imports run only for the type checker
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"
        for stmt in node.body
        for inner in ast.walk(stmt)
    }
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            if module == "formkit":  # from formkit import x: x is a module (or __version__)
                found += [(node.lineno, f"formkit.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, module))
    return [(line, name) for line, name in found if name == "formkit" or name.startswith("formkit.")]


SOURCES = sorted(ROOT.rglob("*.py"))


def test_every_module_has_a_layer() -> None:
    unplaced = [
        _module_name(p) for p in SOURCES if p != ROOT / "__init__.py" and _layer(_module_name(p)) is None
    ]
    assert not unplaced, (
        f"add these modules to a layer in tests/test_layers.py and docs/design.md: {unplaced}"
    )


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT.parent)))
def test_imports_run_one_way(path: Path) -> None:
    here = _layer(_module_name(path))
    if here is None:
        return
    upward = [
        f"{path.name}:{line} imports {name}"
        for line, name in _imports(path)
        if (there := _layer(name)) is not None and there > here
    ]
    assert not upward, "a lower layer imports a higher one: " + "; ".join(upward)


def test_the_check_catches_an_upward_import() -> None:
    """The rule can fail: a lazy import of the packet layer inside a pdf module is found, and is upward."""
    source = "def f():\n    from formkit.packet.builder import PacketBuilder\n    from . import reader\n"
    found = _imports_in(source, "formkit.pdf")
    assert found == [(2, "formkit.packet.builder"), (3, "formkit.pdf")]
    here, there = _layer("formkit.pdf.join"), _layer("formkit.packet.builder")
    assert here is not None and there is not None and there > here


@pytest.mark.parametrize(
    "path",
    [p for p in SOURCES if p.name != "__init__.py" and not p.name.startswith("_")],
    ids=lambda p: str(p.relative_to(ROOT.parent)),
)
def test_public_modules_say_what_they_export(path: Path) -> None:
    """Every public module has an `__all__`, and each name in it is defined there (a stale entry fails)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    declared: list[str] | None = None
    defined: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            defined.add(node.name)
        elif isinstance(node, ast.Assign):
            targets = [t.id for t in node.targets if isinstance(t, ast.Name)]
            if targets == ["__all__"] and isinstance(node.value, ast.List | ast.Tuple):
                declared = [e.value for e in node.value.elts if isinstance(e, ast.Constant)]
            defined.update(targets)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            defined.add(node.target.id)
        elif isinstance(node, ast.ImportFrom | ast.Import):
            defined.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    assert declared is not None, f"{path.name}: no __all__"
    assert not set(declared) - defined, f"{path.name}: __all__ names what it does not define"
