"""Many reports at once: warm kernels, parallel workers, a data cache, incremental re-runs.

Each fixed cost is paid once (DESIGN.md §5): every worker process keeps one warm kernel
(:class:`kceval.render.kernels.WarmKernel`, namespace reset between notebooks) and one
:class:`~kceval.render.html.Renderer` (:mod:`.worker`); the data are loaded and validated once
per batch and shared through a Parquet cache (:mod:`kceval.dataset.cache`); a report whose
notebook, parameters, data and kceval version are unchanged since its last successful render
is skipped. Workers return the
rendered bytes and this process writes them atomically, so an interrupted batch leaves only
complete files and the same code runs on a Dask cluster (``executor="dask"``).

Nothing wrong, nothing lost: one batch at a time per output folder (a lock file); no write
through a symbolic link in it; a full disk stops the batch with an error that names the folder;
a dead worker fails its report only; Ctrl-C stops the workers and kernels. In every case the
files present are complete, the index lists what is on disk, and a re-run does the rest.
"""
from __future__ import annotations

import errno
import json
import os
import socket
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import asdict
from pathlib import Path

from ..dataset import Dataset, cache
from ..errors import OutputError, ParameterError
from ..paths import SAMPLE_DIR, write_atomic
from ..render.names import safe_output_path
from .executors import run_dask, run_local
from .manifest import MANIFEST, Outcome, load_manifest, write_index_pages
from .plan import Job, job_key
from .progress import Progress

LOCK = ".kceval-batch.lock"


def _output_error(exc: OSError, path: Path, out: Path) -> OutputError:
    """A clear error for a failed write into the output folder (the reports finished so far are kept)."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return OutputError(f"no space left on device writing {path}: free some space in {out} and re-run; "
                           "finished reports are kept")
    return OutputError(f"could not write {path}: {exc.strerror or exc}; fix {out} and re-run; "
                       "finished reports are kept")


def _not_a_link(out: Path, name: str) -> Path:
    """``out/name`` (resolved folder), refused when it is a symbolic link or would leave ``out``.

    A link is never followed for writing, even one pointing inside the folder: writing through it
    would replace another file. ``os.replace`` would replace the link itself, but refusing says why.
    """
    path = out.resolve() / name
    if path.is_symlink():
        raise OutputError(f"{path} is a symbolic link (to {os.readlink(path)}); kceval never writes through a "
                          "link in the output folder: remove it and re-run")
    try:
        safe_output_path(out, name)  # '..', absolute names, a folder link on the way out
    except ParameterError as exc:
        raise OutputError(str(exc)) from None
    return path


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


@contextmanager
def batch_lock(out: Path) -> Iterator[Path]:
    """Hold ``out/.kceval-batch.lock`` (pid and host) while a batch writes into ``out``.

    A second batch into the same folder refuses (OutputError) rather than interleave two
    manifests and indexes. A lock whose process is gone (same host) is taken over, with a note
    on stderr. The lock is removed on exit only if it is still ours.
    """
    path = out / LOCK
    mine = f"{os.getpid()} {socket.gethostname()}\n"
    for attempt in range(2):
        try:
            # O_EXCL: create or fail, atomically; O_NOFOLLOW: a link planted here is not followed
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
        except FileExistsError:
            pid, host = _read_lock(path)
            if attempt == 0 and pid is not None and host == socket.gethostname() and not _pid_alive(pid):
                print(f"kceval batch: note: taking over the lock {path} left by process {pid}, which is no longer "
                      "running (an interrupted batch)", file=sys.stderr)
                with suppress(FileNotFoundError):
                    os.unlink(path)
                continue
            who = f"process {pid} on {host}" if pid is not None else "another process"
            raise OutputError(f"another batch ({who}) is writing into {out} (lock file {path}): wait for it to "
                              f"finish or use another --out; if no batch is running, delete {path}") from None
        except OSError as exc:
            raise _output_error(exc, path, out) from exc
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(mine)
        break
    try:
        yield path
    finally:
        with suppress(OSError):
            if not path.is_symlink() and path.read_text(encoding="utf-8") == mine:
                path.unlink()


def _read_lock(path: Path) -> tuple[int | None, str]:
    """(pid, host) written in a lock file; (None, '') when it cannot be read (e.g. being written now)."""
    try:
        if path.is_symlink():
            return None, ""
        pid, host = path.read_text(encoding="utf-8").split()
        return int(pid), host
    except (OSError, ValueError):
        return None, ""


def data_key(data: str) -> str:
    """The data's fingerprint (file hashes, loader options, kceval's version and code): part of every job's key.
    Computed from the files alone, so an unchanged batch decides what to skip without loading anything."""
    path = Path(data) if data else SAMPLE_DIR
    if not path.exists():
        raise ParameterError(f"`data` must be an existing file or folder; received {data!r}")
    return cache.fingerprint(path, money_unit=None, as_of="None", source=None)


def prepare_data(data: str, out_dir: Path, key: str) -> None:
    """Load, validate and cache the data as Parquet in ``out_dir/.cache`` (under ``key``, :func:`data_key`) for
    the workers, unless a sound entry is there already (an earlier batch into the same folder)."""
    root = _not_a_link(out_dir, ".cache")  # checked again just before writing: a linked cache would be written
    if cache.is_sound(root, key):          # wherever the link leads
        return
    ds = Dataset.load(data or None)
    try:
        ds.save_cache(root, key)
    except OSError as exc:
        raise _output_error(exc, root, out_dir) from exc


def run_batch(jobs: Sequence[Job], *, out_dir: str | os.PathLike = "reports", data: str = "", n_jobs: int | None = None,
              force: bool = False, timeout: int = 600, max_uses: int = 200, executor: str = "local",
              scheduler: str | None = None, progress: Progress | None = None,
              on_outcome: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    """Render ``jobs`` into ``out_dir`` (atomically), skip unchanged ones, write the index.

    Parameters
    ----------
    jobs : list of Job
        From :func:`kceval.batch.plan.plan_jobs`.
    n_jobs : int, optional
        Worker processes (default: the number of cores).
    force : bool
        Render even the reports whose inputs are unchanged.
    executor : {'local', 'dask'}
        ``dask`` sends the work to the Dask scheduler at ``scheduler`` (an address, or a
        ``distributed.Client``/``LocalCluster`` object); workers need kceval installed and
        must reach the data path.

    Returns
    -------
    list of Outcome
        In job order; ``status`` is 'ok', 'failed' or 'cached'. A report whose worker process
        died, or whose file in ``out_dir`` is a symbolic link, is 'failed' and the batch goes on.

    Raises
    ------
    OutputError
        Another batch holds ``out_dir`` (its lock file), or a write failed (a full disk): the
        reports finished so far are complete and indexed, and a re-run does the rest.
    KeyboardInterrupt
        After the workers and their kernels are stopped and the index is written.
    """
    if executor not in ("local", "dask"):
        raise ParameterError(f"`executor` must be 'local' or 'dask'; received {executor!r}")
    if executor == "dask" and scheduler is None:
        raise ParameterError("`scheduler` is required with executor='dask' (e.g. tcp://127.0.0.1:8786)")
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"could not create the output folder {out}: {exc.strerror or exc}") from exc
    with batch_lock(out):
        return _run_locked(jobs, out, data=data, n_jobs=n_jobs, force=force, timeout=timeout, max_uses=max_uses,
                           executor=executor, scheduler=scheduler, progress=progress, on_outcome=on_outcome)


def _run_locked(jobs: Sequence[Job], out: Path, *, data: str, n_jobs: int | None, force: bool, timeout: int,
                max_uses: int, executor: str, scheduler: str | None, progress: Progress | None,
                on_outcome: Callable[[Outcome], None] | None) -> list[Outcome]:
    data = str(Path(data).resolve()) if data else ""
    key_of_data = data_key(data)
    jobs = [Job(j.kind, j.notebook, {**j.params, "data": data}, j.lang, j.name, j.title) for j in jobs]
    manifest = load_manifest(out)
    outcomes: dict[str, Outcome] = {}
    todo: list[Job] = []
    for j in jobs:
        key = job_key(j, key_of_data)
        prev = manifest.get(j.name)
        if (not force and prev and prev.get("key") == key and prev.get("status") in ("ok", "cached")
                and (out / f"{j.name}.html").is_file() and not (out / f"{j.name}.html").is_symlink()):
            outcomes[j.name] = Outcome(j.name, j.kind, j.title, "cached", None, 0.0, prev.get("params", j.params),
                                       prev.get("headline", {}), key, f"{j.name}.html")
        else:
            todo.append(j)
    prog = progress or Progress(len(jobs))
    for o in outcomes.values():
        prog.update(o)

    def write(path: Path, data: str | bytes) -> None:
        try:
            write_atomic(path, data)
        except OSError as exc:
            raise _output_error(exc, path, out) from exc

    def collect(j: Job, r: dict) -> None:
        # the only place files are written: atomically, html last (its presence means complete),
        # the manifest after the html (what it lists is on disk)
        link = f"{j.name}.html"
        try:
            html_path, ipynb_path = _not_a_link(out, link), _not_a_link(out, f"{j.name}.ipynb")
        except OutputError as exc:
            # this report cannot be written safely; the others can
            r = {**r, "status": "failed", "error": str(exc), "headline": {}}
            link = ""
        else:
            if r.get("ipynb") is not None:
                write(ipynb_path, r["ipynb"])
            write(html_path, r["html"])
        o = Outcome(j.name, j.kind, j.title, r["status"], r["error"], r["seconds"], r["params"], r["headline"],
                    job_key(j, key_of_data), link)
        outcomes[j.name] = o
        manifest[j.name] = asdict(o)
        write(out / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1, default=str))
        prog.update(o)
        if on_outcome:
            on_outcome(o)

    # the data are loaded, validated and cached for the workers only when something is to be rendered;
    # local workers start their kernels meanwhile
    cache_env = str(_not_a_link(out, ".cache")) if todo else ""
    failed = True
    try:
        if todo and executor == "local":
            run_local(todo, collect, n_jobs=n_jobs or os.cpu_count() or 1, timeout=timeout, max_uses=max_uses,
                      cache_env=cache_env, ready=lambda: prepare_data(data, out, key_of_data))
        elif todo:
            run_dask(todo, collect, scheduler=scheduler, timeout=timeout, max_uses=max_uses, cache_env=cache_env,
                     ready=lambda: prepare_data(data, out, key_of_data))
        failed = False
    finally:
        # the manifest already holds every rendered report (collect) and every cached one
        prog.close()
        try:
            _write_index(out, manifest)
        except OutputError:
            if not failed:
                raise
            # already failing (a full disk, Ctrl-C): that error is the one to report
    return [outcomes[j.name] for j in jobs if j.name in outcomes]


def _write_index(out: Path, manifest: dict[str, dict]) -> None:
    for name in ("index.html", "index-en.html"):
        _not_a_link(out, name)
    try:
        write_index_pages(out, manifest)
    except OSError as exc:
        raise _output_error(exc, out / "index.html", out) from exc
