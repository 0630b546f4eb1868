"""Many reports at once: warm kernels, parallel workers, a data cache, incremental re-runs.

Each fixed cost is paid once (DESIGN.md §5): every worker process keeps one warm kernel
(:class:`kceval.render.kernels.WarmKernel`, namespace reset between notebooks) and one
:class:`~kceval.render.html.Renderer` (:mod:`.worker`); the data are loaded and validated once
per batch and shared through a Parquet cache (:mod:`kceval.dataset.cache`); a report whose
notebook, parameters, data and kceval version are unchanged since its last successful render
is skipped. Workers return the
rendered bytes and this process writes them atomically, so an interrupted batch leaves only
complete files and the same code runs on a Dask cluster (``executor="dask"``).
"""
from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path

from ..dataset import Dataset, cache
from ..errors import ParameterError
from ..paths import SAMPLE_DIR, write_atomic
from ..render.names import safe_output_path
from .executors import run_dask, run_local
from .manifest import MANIFEST, Outcome, load_manifest, write_index_pages
from .plan import Job, job_key
from .progress import Progress


def prepare_data(data: str, out_dir: Path) -> tuple[str, str, Dataset]:
    """Load and validate the data once; cache them as Parquet for the workers.

    Returns the data fingerprint, the cache folder (for ``KCEVAL_CACHE_DIR``) and the Dataset.
    """
    path = Path(data) if data else SAMPLE_DIR
    if not path.exists():
        raise ParameterError(f"`data` must be an existing file or folder; received {data!r}")
    ds = Dataset.load(str(path) if data else None)
    key = cache.fingerprint(path, money_unit=None, as_of="None", source=None)
    root = out_dir / ".cache"
    ds.save_cache(root, key)
    return key, str(root.resolve()), ds


def run_batch(jobs: Sequence[Job], *, out_dir: str | os.PathLike = "reports", data: str = "", n_jobs: int | None = None,
              force: bool = False, timeout: int = 600, max_uses: int = 50, executor: str = "local",
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
        In job order; ``status`` is 'ok', 'failed' or 'cached'.
    """
    if executor not in ("local", "dask"):
        raise ParameterError(f"`executor` must be 'local' or 'dask'; received {executor!r}")
    if executor == "dask" and scheduler is None:
        raise ParameterError("`scheduler` is required with executor='dask' (e.g. tcp://127.0.0.1:8786)")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    data = str(Path(data).resolve()) if data else ""
    data_key, cache_env, _ = prepare_data(data, out)
    jobs = [Job(j.kind, j.notebook, {**j.params, "data": data}, j.lang, j.name, j.title) for j in jobs]
    manifest = load_manifest(out)
    outcomes: dict[str, Outcome] = {}
    todo: list[Job] = []
    for j in jobs:
        key = job_key(j, data_key)
        prev = manifest.get(j.name)
        if (not force and prev and prev.get("key") == key and prev.get("status") in ("ok", "cached")
                and (out / f"{j.name}.html").exists()):
            outcomes[j.name] = Outcome(j.name, j.kind, j.title, "cached", None, 0.0, prev.get("params", j.params),
                                       prev.get("headline", {}), key, f"{j.name}.html")
        else:
            todo.append(j)
    prog = progress or Progress(len(jobs))
    for o in outcomes.values():
        prog.update(o)

    def collect(j: Job, r: dict) -> None:
        # the only place files are written: atomically, html last (its presence means complete)
        if r.get("ipynb") is not None:
            write_atomic(safe_output_path(out, f"{j.name}.ipynb"), r["ipynb"])
        write_atomic(safe_output_path(out, f"{j.name}.html"), r["html"])
        o = Outcome(j.name, j.kind, j.title, r["status"], r["error"], r["seconds"], r["params"], r["headline"],
                    job_key(j, data_key), f"{j.name}.html")
        outcomes[j.name] = o
        manifest[j.name] = asdict(o)
        write_atomic(out / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1, default=str))
        prog.update(o)
        if on_outcome:
            on_outcome(o)

    try:
        if todo and executor == "local":
            run_local(todo, collect, n_jobs=n_jobs or os.cpu_count() or 1, timeout=timeout, max_uses=max_uses,
                       cache_env=cache_env)
        elif todo:
            run_dask(todo, collect, scheduler=scheduler, timeout=timeout, max_uses=max_uses)
    finally:
        # the manifest already holds every rendered report (collect) and every cached one
        prog.close()
        write_index_pages(out, manifest)
    return [outcomes[j.name] for j in jobs if j.name in outcomes]


