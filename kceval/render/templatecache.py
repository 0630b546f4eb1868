"""jinja's compiled templates kept on disk, for the report pages' exporter (:mod:`.html`)."""
from __future__ import annotations

import contextlib
import functools
from typing import Any


@functools.cache
def template_cache() -> Any:
    """This user's cache of compiled templates: a worker's first page loads them (compiling them took 75 ms), or
    None where jinja finds no safe folder for it.

    jinja's ``FileSystemBytecodeCache`` in its per-user folder (created private, checked to be the user's own),
    written atomically; an entry is keyed by the template's path and the checksum of its source, and holds jinja's
    and Python's versions, so an edited template is compiled again. A cache that cannot be written, or an entry
    that cannot be read, is no error: the template is compiled as before.
    """
    from jinja2 import FileSystemBytecodeCache  # deferred: with nbconvert (see _page_exporter)

    class TemplateCache(FileSystemBytecodeCache):
        def load_bytecode(self, bucket: Any) -> None:
            try:
                super().load_bytecode(bucket)
            except Exception:  # noqa: BLE001 - a damaged entry (a write cut short): compiled again, then rewritten
                bucket.reset()

        def dump_bytecode(self, bucket: Any) -> None:
            with contextlib.suppress(OSError):
                super().dump_bytecode(bucket)

    try:
        return TemplateCache()
    except (OSError, RuntimeError):
        return None
