"""kceval reads a notebook's parameters cell as papermill does, without importing papermill.

The reference is papermill's own reader, ``PythonTranslator.inspect`` (what ``papermill
--help-notebook`` prints), run on every notebook of the repository and on cells written to probe
the edges: no annotation, a multi-line default, a quoted annotation, a comment line, no help.
"""
from __future__ import annotations

import json

import nbformat
import pytest
from papermill.translators import PythonTranslator

from kceval.render.params import notebook_parameters
from tests.support import REPO

NOTEBOOKS = sorted([*REPO.glob("notebooks/*.ipynb"), *REPO.glob("tests/notebooks/*.ipynb")])
CELLS = {
    "annotated": 'year: int = 2019  # plan year\nlang: str = "vi"  # vi or en',
    "no annotation": 'year = 2019  # plan year\nrate = 0.5\nname = "x"  # a name\nflag = True',
    "multi-line default": 'regions: list = [\n    "north",\n    "south",\n]  # the regions\nyear: int = 1',
    "quoted annotation": 'year: "int" = 2019  # plan year',
    "comments and blank lines": '# the parameters\n\nyear: int = 2019\n\n# more\nlang: str = "en"  # language',
    "not a literal": 'when: str = str(2019)  # computed\nn: float = 1e3  # exponent',
}


def papermill_reading(source: str) -> dict:
    cell = nbformat.v4.new_code_cell(source)
    out = {}
    for p in PythonTranslator.inspect(cell):
        typ = p.inferred_type_name.strip("'\" ")
        out[p.name] = (typ if typ != "None" else None, p.default, p.help)
    return out


def parameters_cell(path) -> str:
    nb = json.loads(path.read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", []))
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def write_notebook(tmp_path, source: str):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    nb.cells[0].metadata["tags"] = ["parameters"]
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    return path


def ours(path) -> dict:
    return {k: (v["type"], v["help"]) for k, v in notebook_parameters(path).items()}


def expected(source: str) -> dict:
    """papermill's names, help and annotation (a literal default's type where it has no usable annotation)."""
    import ast

    out = {}
    for name, (typ, default, help_) in papermill_reading(source).items():
        if typ not in ("int", "float", "bool", "str"):
            try:
                typ = {bool: "bool", int: "int", float: "float", str: "str"}.get(type(ast.literal_eval(default)))
            except (ValueError, SyntaxError):
                typ = None
        out[name] = (typ, help_)
    return out


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_notebook_reads_as_papermill_reads_it(path):
    assert ours(path) == expected(parameters_cell(path)) != {}


@pytest.mark.parametrize("case", CELLS)
def test_edge_cells_read_as_papermill_reads_them(tmp_path, case):
    assert ours(write_notebook(tmp_path, CELLS[case])) == expected(CELLS[case])


def test_defaults_are_the_literals_papermill_reports(tmp_path):
    path = write_notebook(tmp_path, CELLS["multi-line default"] + "\n" + CELLS["not a literal"])
    got = notebook_parameters(path)
    assert got["regions"]["default"] == ["north", "south"] and got["year"]["default"] == 1
    assert got["when"]["default"] is None and got["n"]["default"] == 1000.0
