"""The shape of the code (shared/STYLE.md): short modules, ordinary imports, no cycles."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = (
    "committee",
    "staff",
    "surveys",
    "tasks",
    "funds",
    "certificates",
    "paperwork",
    "dashboards",
)


def modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def name_of(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def runtime_imports(path: Path) -> set[str]:
    """Modules of the project this file imports when it runs (not under TYPE_CHECKING)."""
    tree = ast.parse(path.read_text())
    typing_only = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for node in ast.walk(block)
    }
    package = name_of(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


@pytest.mark.parametrize("path", list(modules()), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_passes_600_lines(path):
    assert len(path.read_text().splitlines()) <= 600


def test_no_app_loads_a_module_by_name():
    offenders = [
        str(path.relative_to(ROOT)) for path in modules() if "importlib" in runtime_imports(path)
    ]
    assert not offenders, f"use an ordinary import: {offenders}"


def test_no_import_cycle_between_files_of_one_app():
    names = {name_of(path): path for path in modules()}
    graph = {
        name: {
            other
            for other in runtime_imports(path)
            if other in names and other != name and other.split(".")[0] == name.split(".")[0]
        }
        for name, path in names.items()
    }

    def cycle_from(start):
        stack, seen = [(start, [start])], set()
        while stack:
            node, trail = stack.pop()
            for following in graph[node]:
                if following == start:
                    return trail
                if following not in seen:
                    seen.add(following)
                    stack.append((following, [*trail, following]))
        return None

    cycles = [trail for name in graph if (trail := cycle_from(name))]
    assert not cycles, f"import cycles: {cycles[:3]}"
