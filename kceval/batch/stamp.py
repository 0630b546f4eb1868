"""An unchanged `kceval batch` answered before any heavy import: the command's stamp.

A batch that ended with every report rendered or unchanged writes a stamp
(``OUT/.cache/commands/KEY.json``, KEY from the working folder and the command's arguments): the
SHA-256 of every input (data files, notebooks, published figures, kceval's code and templates, a
regions file), the
listing of the data folder, the ``KCEVAL_*`` environment, and the size and modification time of
every report it answers for. When the same command runs again and all of these still hold,
:func:`unchanged` answers with the same summary the engine would print, every report unchanged,
having imported neither pandas nor papermill: that is what makes an unchanged ``make reports``
take a fraction of a second. Anything else (an edit, a new data file, a deleted or rewritten
report, an option this module does not know, ``--force``, ``--xlsx``, ``--pdf``) goes to the
engine, which decides report by report from the manifest. Standard library only, by design.
"""
from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..paths import PUBLISHED_FIGURES, REPO_ROOT, SAMPLE_DIR, file_sha256, input_files, source_files, write_atomic

# Options of `kceval batch` (exact spellings) after which the stamp may answer. An abbreviation,
# --force, --xlsx, --pdf or --help send the command to the engine. tests/batch/test_stamp.py
# checks this against the parser.
QUICK_OPTIONS = frozenset({"--year", "--as-of", "--level", "--province", "--units", "--regions", "--lang", "--data",
                           "--out", "--jobs", "--timeout", "--executor", "--scheduler"})
VERSION = 1


def stamp_path(out: str | os.PathLike, argv: Sequence[str]) -> Path:
    """Where the stamp of the command ``kceval batch ARGV`` run from this folder lives."""
    key = hashlib.sha256(json.dumps([os.getcwd(), list(argv)], ensure_ascii=False).encode()).hexdigest()[:24]
    return Path(out) / ".cache" / "commands" / f"{key}.json"


def _environment() -> dict[str, str]:
    return {k: v for k, v in sorted(os.environ.items()) if k.startswith("KCEVAL_")}


def _listing(folder: Path) -> list[str]:
    return [f.name for f in input_files(folder)]


def _output_state(out: Path, link: str) -> list[int] | None:
    try:
        st = (out / link).stat()
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


def write_stamp(argv: Sequence[str], out: str | os.PathLike, *, data: str, notebooks: Iterable[str | os.PathLike],
                regions: str, links: Iterable[str]) -> Path:
    """Record what the batch ``kceval batch ARGV`` read and wrote, for :func:`unchanged`.

    ``data`` is the --data value ("" for the bundled sample), ``notebooks`` the jobs' notebooks
    (relative to the repository), ``regions`` the --regions file or "", ``links`` the reports'
    paths relative to ``out``. kceval's own code and templates are added here.
    """
    out = Path(out)
    source = Path(data) if data else SAMPLE_DIR
    inputs = [*input_files(source), *(REPO_ROOT / nb for nb in notebooks), PUBLISHED_FIGURES,
              *([Path(regions)] if regions else [])]
    files = {str(f.resolve()) for f in inputs} | {str(f) for f in source_files()}
    record = {
        "version": VERSION,
        "argv": list(argv),
        "cwd": os.getcwd(),
        "inputs": {f: file_sha256(f) for f in sorted(files)},
        "folders": {str(source.resolve()): _listing(source)} if source.is_dir() else {},
        "environment": _environment(),
        "outputs": {link: _output_state(out, link) for link in sorted(set(links))},
    }
    path = stamp_path(out, argv)
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_atomic(path, json.dumps(record, ensure_ascii=False, indent=1))


def _out_dir(argv: Sequence[str]) -> str | None:
    """The value of --out (default: reports); None when an option is not one of :data:`QUICK_OPTIONS`."""
    out = "reports"
    for i, token in enumerate(argv):
        if not token.startswith("-") or token[1:2].isdigit():  # a value, or a negative number
            continue
        name, _, value = token.partition("=")
        if name not in QUICK_OPTIONS:
            return None
        if name == "--out":
            out = value if value else argv[i + 1] if i + 1 < len(argv) else out
    return out


def unchanged(argv: Sequence[str]) -> str | None:
    """The summary of ``kceval batch ARGV`` when its stamp still holds (nothing to render), else None.

    Examples
    --------
    >>> unchanged(["--year", "2019", "--force"]) is None
    True
    """
    out = _out_dir(argv)
    if out is None:
        return None
    try:
        record = json.loads(stamp_path(out, argv).read_text(encoding="utf-8"))
        holds = (
            record.get("version") == VERSION and record["argv"] == list(argv) and record["cwd"] == os.getcwd()
            and record["environment"] == _environment()
            and set(record["inputs"]) >= {str(f) for f in source_files()}
            and all(file_sha256(f) == h for f, h in record["inputs"].items())
            and all(_listing(Path(d)) == names for d, names in record["folders"].items())
            and all(_output_state(Path(out), link) == state for link, state in record["outputs"].items())
            and (Path(out) / "index.html").is_file()
        )
    except (OSError, ValueError, KeyError, TypeError):  # no stamp, a stamp of another shape, a file gone
        return None
    if not holds:
        return None
    n = len(record["outputs"])
    return f"{n} reports: 0 rendered, {n} unchanged (cached), 0 failed\nindex: {Path(out) / 'index.html'}"
