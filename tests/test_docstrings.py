"""Every example in kceval's docstrings runs and gives what it shows (numpydoc ``Examples``, run as doctests).

An example that needs a kernel, a browser or a cluster says ``# doctest: +SKIP``; the rest are checked here, so
a docstring cannot drift from the code.
"""
import doctest
import importlib
import pkgutil

import pytest

import kceval

# kceval.batch.preload is what a fork server imports: importing it sets up that process (and has no example)
MODULES = sorted(m.name for m in pkgutil.walk_packages(kceval.__path__, "kceval.") if m.name != "kceval.batch.preload")


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    failures = []
    for test in finder.find(module, name):
        if test.examples:
            result = runner.run(test, out=failures.append)
            assert result.failed == 0, "".join(failures)


def test_the_docstrings_have_examples_to_run():
    # a guard against the finder silently finding nothing (e.g. a module that fails to import the same way)
    finder = doctest.DocTestFinder(exclude_empty=True)
    n = sum(len(t.examples) for name in MODULES for t in finder.find(importlib.import_module(name), name))
    assert n >= 300
