"""What a process that kceval owns (the ``kceval`` program, a batch worker) leaves out of its imports."""
from __future__ import annotations

import sys


def without_format_grammars() -> None:
    """Make ``import rfc3987_syntax`` fail in this process (call it before nbformat is imported).

    jsonschema, which nbformat imports, imports rfc3987_syntax when it is installed, and that builds its grammars
    at import: 0.8 s of every start. nbformat checks no string format (it passes no format checker), so a notebook
    is validated as before. Only for processes kceval owns: anything else importing jsonschema there would lose
    its ``iri`` format checks.
    """
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]  # a None entry fails the import
