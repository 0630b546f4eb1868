"""Synthetic data: the calibrated bundled sample (:mod:`.generate`) and tables of any size (:mod:`.scale`)."""
from .generate import generate, write_sample
from .scale import scale
from .synth import SNAPSHOT
from .vocab import ESCAPE_TITLE

__all__ = ["ESCAPE_TITLE", "SNAPSHOT", "generate", "scale", "write_sample"]
