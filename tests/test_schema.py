"""The canonical tables' declarations: the column names known without pandera are the models' fields."""
import subprocess
import sys

import pytest

from kceval.schema import COLUMNS, TABLES, columns, empty, models


@pytest.mark.parametrize("table", TABLES)
def test_columns_are_the_models_fields_in_order(table):
    model = models()[table]
    assert tuple(model.__annotations__) == COLUMNS[table]
    assert list(model.to_schema().columns) == columns(table) == list(empty(table).columns)


def test_a_report_kernel_does_not_import_pandera():
    # a report kernel reads validated data from the batch's cache: pandera (0.16 s of every batch's start, on its
    # critical path) is imported where tables are validated, not by the report stack
    code = "import sys, kceval.report; print(sorted(m for m in sys.modules if m.split('.')[0] == 'pandera'))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
