"""kceval: evaluate the khuyến công programme — spending spread, feasibility, completion."""
__version__ = "0.1.0"

from .dataset import Dataset
from .errors import DataError, KcevalError, ParameterError, Problem, ReportError
from .headline import summary
from .records import Estimate

__all__ = ["Dataset", "DataError", "Estimate", "KcevalError", "ParameterError", "Problem", "ReportError",
           "summary", "__version__"]
