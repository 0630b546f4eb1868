"""kceval: evaluate the khuyến công programme — spending spread, feasibility, completion."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import DataError, KcevalError, ParameterError, Problem, ReportError
from .version import __version__

if TYPE_CHECKING:
    from .dataset import Dataset
    from .metrics.intervals import Estimate


def __getattr__(name: str) -> Any:
    """``kceval.Dataset`` and ``kceval.Estimate``, imported on first use (PEP 562).

    `import kceval` stays free of pandas (0.5 s), so that the command line answers what needs no
    data (``--help``, an unchanged batch) at once. Plain imports, so import-linter still sees them.
    """
    if name == "Dataset":
        from .dataset import Dataset  # deferred: pandas, see above

        return Dataset
    if name == "Estimate":
        from .metrics.intervals import Estimate  # deferred: pandas, see above

        return Estimate
    raise AttributeError(f"module 'kceval' has no attribute {name!r}")


__all__ = ["Dataset", "DataError", "Estimate", "KcevalError", "ParameterError", "Problem", "ReportError",
           "explore", "summary", "__version__"]


def summary(ds: Dataset, *, year: int, province: str | None = None, region: str | None = None,
            as_of: Any = None) -> dict[str, Any]:
    """All headline figures of a selection as a JSON-ready dict (:func:`kceval.headline.summary.summary`)."""
    # deferred: the headline figures import statsmodels and scipy (about 0.7 s), which
    # `import kceval` and the commands that only read data would otherwise pay
    from .headline.summary import summary as headline_summary

    return headline_summary(ds, year=year, province=province, region=region, as_of=as_of)


def explore(**kwargs: Any) -> Any:
    """The explorer for JupyterLab: province or region, year, date and language pickers that update the headline
    figures, a figure and a table in place (:func:`kceval.report.explorer.explore`, its parameters)."""
    # deferred: the explorer needs the report stack and ipywidgets, which `import kceval` should not pay for
    from .report.explorer import explore as explorer

    return explorer(**kwargs)
