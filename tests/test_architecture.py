"""The rules of DESIGN.md §1 that import-linter does not check, read from the source with ``ast``.

import-linter (``make lint``) checks the layers and that no package has an import circle; these
tests check the rest: no private name crosses a module boundary, no lazy attribute or importlib
dodges an import, an import inside a function says why it is deferred, one fold of Vietnamese
text, one version, and a test folder for every package.
"""
from __future__ import annotations

import ast
import importlib.metadata
import re
from pathlib import Path

import pytest
import tomllib

import kceval
from tests.support import REPO

PACKAGE = REPO / "kceval"
MODULES = sorted(PACKAGE.rglob("*.py"))


def _name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _resolve(module: str, node: ast.ImportFrom) -> str:
    """The absolute name of the module a ``from`` import reads from."""
    if not node.level:
        return node.module or ""
    base = module.split(".")
    # a package's own module is itself; a plain module's relative base is its package
    is_package = (PACKAGE / Path(*base[1:]) / "__init__.py").exists() if len(base) > 1 else True
    base = base if is_package else base[:-1]
    base = base[: len(base) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(REPO)))
def test_no_private_name_crosses_a_module(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = _name(path)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            source = _resolve(here, node)
            if not source.startswith("kceval"):
                continue
            private = [a.name for a in node.names if a.name.startswith("_") and not a.name.startswith("__")]
            assert not private, f"{here} imports the private name(s) {private} from {source}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(REPO)))
def test_no_lazy_attributes_or_importlib(path):
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    lazy = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "__getattr__"]
    assert "import_module" not in text and "__import__" not in text
    if path == PACKAGE / "__init__.py" and lazy:
        # the one exception: the public API defers pandas for the command line, with plain imports that
        # import-linter sees, of names that __all__ lists
        imported = {a.name for n in ast.walk(lazy[0]) if isinstance(n, ast.ImportFrom) for a in n.names}
        assert imported and imported <= set(kceval.__all__)
        assert all(n.level == 1 for n in ast.walk(lazy[0]) if isinstance(n, ast.ImportFrom))
    else:
        assert not lazy


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(REPO)))
def test_imports_inside_functions_say_why_they_are_deferred(path):
    lines = path.read_text(encoding="utf-8").splitlines()
    tree = ast.parse("\n".join(lines))
    for fn in ast.walk(tree):
        if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        imports = sorted((n for n in ast.walk(fn) if isinstance(n, (ast.Import, ast.ImportFrom))),
                         key=lambda n: n.lineno)
        if not imports:
            continue
        # the comment is on the first import of the block or on the line(s) just above it
        first = imports[0].lineno
        around = " ".join(lines[max(0, first - 3):first])
        where = f"{path.relative_to(REPO)}:{first}"
        assert re.search(r"#.*(deferred|imported here)", around), \
            f"{where} imports inside {fn.name}() without saying why (a '# deferred: ...' comment)"


def test_one_fold_of_vietnamese_text():
    # diacritics are stripped in kceval/text.py only (geo, io.words and render.names call its fold)
    folding = [p for p in MODULES if "unicodedata.combining" in p.read_text(encoding="utf-8")]
    assert folding == [PACKAGE / "text.py"]


def test_the_version_is_written_once():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "version" not in project and "version" in project["dynamic"]
    written = [p for p in MODULES if re.search(r"^__version__\s*=", p.read_text(encoding="utf-8"), flags=re.M)]
    assert written == [PACKAGE / "version.py"]
    assert kceval.__version__ == importlib.metadata.version("kceval")


def test_tests_mirror_the_package():
    packages = sorted(p.parent.name for p in PACKAGE.glob("*/__init__.py"))
    missing = [name for name in packages if not (REPO / "tests" / name).is_dir()]
    assert not missing, f"no tests/<package>/ folder for {missing}"


def test_notebooks_import_the_report_facade_only():
    import nbformat

    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
        tree = ast.parse(code)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert node.module == "kceval.report", f"{path.name} imports from {node.module}"
            elif isinstance(node, ast.Import):
                assert all(a.name == "kceval.report" for a in node.names), f"{path.name} imports {node.names}"


def test_no_test_reads_the_wall_clock():
    # speed is measured in benchmarks/, never asserted: a timed assertion fails on a loaded machine
    clocks = re.compile(r"\btime\.(perf_counter|monotonic|time|process_time)\(|\bdatetime\.now\(|\.seconds\s*[<>]")
    offenders = [f"{p.relative_to(REPO)}:{i}" for p in sorted((REPO / "tests").rglob("*.py"))
                 for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if clocks.search(line)]
    assert not offenders, offenders
