"""Many reports at once: warm kernels, parallel workers, a data cache, incremental re-runs.

Each fixed cost is paid once (DESIGN.md §5): every worker process keeps one warm kernel
(:class:`kceval.kernels.WarmKernel`, namespace reset between notebooks) and one
:class:`~kceval.render.Renderer`; the data are loaded and validated once per batch and shared
through a Parquet cache (:mod:`kceval.cache`); a report whose notebook, parameters, data and
kceval version are unchanged since its last successful render is skipped. Workers return the
rendered bytes and this process writes them atomically, so an interrupted batch leaves only
complete files and the same code runs on a Dask cluster (``executor="dask"``).
"""
from __future__ import annotations

import concurrent.futures as cf
import hashlib
import json
import multiprocessing as mp
import os
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from . import geo
from .errors import ParameterError
from .execute import REPO_ROOT
from .params import safe_output_path, slug, write_atomic
from .worker import init_worker, run_job

NOTEBOOKS = {"province": "notebooks/province_report.ipynb", "region": "notebooks/region_report.ipynb",
             "national": "notebooks/national_report.ipynb"}
LEVELS = ("province", "region", "national", "all")
MANIFEST = ".kceval-manifest.json"


@dataclass(frozen=True)
class Job:
    """One report to render: which notebook, with which parameters, under which file name."""

    kind: str
    notebook: str
    params: dict
    lang: str
    name: str
    title: str

    @property
    def key_fields(self) -> dict:
        return {"notebook": self.notebook, "params": self.params, "lang": self.lang}


@dataclass
class Outcome:
    """What happened to one job (an entry of the manifest and of the index)."""

    name: str
    kind: str
    title: str
    status: str  # ok | failed | cached
    error: str | None
    seconds: float
    params: dict
    headline: dict = field(default_factory=dict)
    key: str = ""
    link: str = ""
    cell_seconds: float | None = None


# -- planning -------------------------------------------------------------------------------------

def plan_jobs(*, year: int, as_of: str = "", level: str = "all", provinces: Sequence[str] | None = None,
              lang: str = "vi", data: str = "") -> list[Job]:
    """The reports of one batch, in a stable order (national, regions, provinces; vi before en).

    Examples
    --------
    >>> [j.name for j in plan_jobs(year=2019, as_of="2019-06-30", level="region")]
    ['region-central-2019-2019-06-30', 'region-north-2019-2019-06-30', 'region-south-2019-2019-06-30']
    """
    if level not in LEVELS:
        raise ParameterError(f"`level` must be one of {', '.join(map(repr, LEVELS))}; received {level!r}")
    langs = {"vi": ["vi"], "en": ["en"], "both": ["vi", "en"]}.get(lang)
    if langs is None:
        raise ParameterError(f"`lang` must be one of 'vi', 'en', 'both'; received {lang!r}")
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ParameterError(f"`year` must be an integer year such as 2019; received {year!r}") from None
    if provinces:
        provs = [geo.match_province(p) for p in provinces]
        levels = ["province"] if level == "all" else [level]
    else:
        provs = list(geo.PROVINCE_NAMES)
        levels = ["national", "region", "province"] if level == "all" else [level]
    period = f"{year}-{as_of}" if as_of else f"{year}"
    base = {"year": year, "as_of": as_of, "data": data}
    jobs = []
    for lv in levels:
        if lv == "national":
            units = [("national", {})]
        elif lv == "region":
            units = [(r, {"region": r}) for r in sorted(geo.REGIONS)]
        else:
            units = sorted(((p, {"province": p}) for p in provs), key=lambda u: geo.code_of(u[0]))
        for unit, extra in units:
            for lg in langs:
                stem = slug(lv, unit, period, *([lg] if lg != "vi" else []))
                if lv == "national":
                    stem = slug("national", period, *([lg] if lg != "vi" else []))
                jobs.append(Job(lv, NOTEBOOKS[lv], {**extra, **base}, lg, stem, _title(lv, unit, year, as_of, lg)))
    return jobs


def _title(level: str, unit: str, year: int, as_of: str, lang: str) -> str:
    from . import i18n

    name = {"national": "Toàn quốc" if lang == "vi" else "National",
            "region": geo.REGION_LABELS[lang].get(unit, unit)}.get(level, unit)
    if not as_of:
        return f"{name} — {year}"
    word = "đến" if lang == "vi" else "as of"
    return f"{name} — {year}, {word} {i18n.format_date(as_of, lang)}"


def job_key(job: Job, data_key: str) -> str:
    """Hash of everything a report depends on: notebook bytes, parameters, data, kceval version."""
    from . import __version__

    h = hashlib.sha256((REPO_ROOT / job.notebook).read_bytes())  # an absolute path stays as it is
    h.update(json.dumps(job.key_fields, sort_keys=True, ensure_ascii=False).encode())
    h.update(f"|{data_key}|{__version__}".encode())
    return h.hexdigest()


# -- the batch (this process) ----------------------------------------------------------------------

def load_manifest(out_dir: Path) -> dict[str, dict]:
    p = out_dir / MANIFEST
    if not p.exists():
        return {}
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # a damaged manifest only costs a re-render


def _index_entry(o: dict) -> dict:
    h = o.get("headline") or {}
    pick = lambda *ks: next((h[k] for k in ks if h.get(k) is not None), None)  # noqa: E731
    return {"title": o["title"], "kind": o["kind"], "parameters": o["params"], "status": "failed" if o["status"] == "failed" else "ok",
            "error": o.get("error"), "seconds": o.get("seconds"), "link": o["link"],
            "headline": {"plan": pick("plan", "plan_vnd"), "executed": pick("executed", "executed_vnd"),
                         "rate": pick("rate", "execution_rate"), "projects": pick("projects", "n_projects")}}


def write_index_pages(out_dir: Path, manifest: dict[str, dict]) -> list[Path]:
    """index.html (Vietnamese) and index-en.html (English) over every report in the manifest."""
    from .index import build_index

    entries = [_index_entry(o) for _, o in sorted(manifest.items())]
    return [write_atomic(safe_output_path(out_dir, "index.html"), build_index(entries, lang="vi")),
            write_atomic(safe_output_path(out_dir, "index-en.html"), build_index(entries, lang="en"))]


class Progress:
    """A progress bar (done / total, failures, time left) on a terminal; one line per report otherwise."""

    def __init__(self, total: int, stream=None):
        self.total, self.done, self.failed, self.t0 = total, 0, 0, time.perf_counter()
        self.stream = stream or sys.stderr
        self.bar = None
        if getattr(self.stream, "isatty", lambda: False)():
            from tqdm import tqdm

            self.bar = tqdm(total=total, file=self.stream, unit="report", dynamic_ncols=True)

    def update(self, o: Outcome) -> None:
        self.done += 1
        self.failed += o.status == "failed"
        if self.bar is not None:
            self.bar.set_postfix_str(f"failed={self.failed}")
            self.bar.update(1)
        else:
            el = time.perf_counter() - self.t0
            left = el / self.done * (self.total - self.done)
            err = f"  {o.error}" if o.error else ""
            print(f"[{self.done}/{self.total}] {o.status:<6} {o.seconds:6.2f}s  {o.name}  "
                  f"(failed {self.failed}, ~{left:.0f}s left){err}", file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def prepare_data(data: str, out_dir: Path) -> tuple[str, str, Any]:
    """Load and validate the data once; cache them as Parquet for the workers.

    Returns the data fingerprint, the cache folder (for ``KCEVAL_CACHE_DIR``) and the Dataset.
    """
    from . import cache
    from .dataset import SAMPLE_DIR, Dataset

    path = Path(data) if data else SAMPLE_DIR
    if not path.exists():
        raise ParameterError(f"`data` must be an existing file or folder; received {data!r}")
    ds = Dataset.load(str(path) if data else None)
    key = cache.fingerprint(path, money_unit=None, as_of="None", source=None)
    root = out_dir / ".cache"
    cache.save(ds, root, key)
    return key, str(root.resolve()), ds


def run_batch(jobs: Sequence[Job], *, out_dir: str | os.PathLike = "reports", data: str = "", n_jobs: int | None = None,
              force: bool = False, timeout: int = 600, max_uses: int = 50, executor: str = "local",
              scheduler: str | None = None, progress: Progress | None = None,
              on_outcome: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    """Render ``jobs`` into ``out_dir`` (atomically), skip unchanged ones, write the index.

    Parameters
    ----------
    jobs : list of Job
        From :func:`plan_jobs`.
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
            _run_local(todo, collect, n_jobs=n_jobs or os.cpu_count() or 1, timeout=timeout, max_uses=max_uses,
                       cache_env=cache_env)
        elif todo:
            _run_dask(todo, collect, scheduler=scheduler, timeout=timeout, max_uses=max_uses)
    finally:
        # the manifest already holds every rendered report (collect) and every cached one
        prog.close()
        write_index_pages(out, manifest)
    return [outcomes[j.name] for j in jobs if j.name in outcomes]


def _run_local(todo: list[Job], collect, *, n_jobs: int, timeout: int, max_uses: int, cache_env: str) -> None:
    n = max(1, min(n_jobs, len(todo)))
    ctx = mp.get_context("spawn")  # no inherited zmq/matplotlib state from this process
    with cf.ProcessPoolExecutor(max_workers=n, mp_context=ctx, initializer=init_worker,
                                initargs=(cache_env, max_uses)) as ex:
        futs = {ex.submit(run_job, j, timeout=timeout, max_uses=max_uses, cache_env=cache_env): j for j in todo}
        try:
            for f in cf.as_completed(futs):
                collect(futs[f], f.result())
        except BaseException:
            for f in futs:
                f.cancel()
            raise


def _run_dask(todo: list[Job], collect, *, scheduler, timeout: int, max_uses: int) -> None:
    from distributed import Client, as_completed

    own = isinstance(scheduler, str)
    client = Client(scheduler) if own else (scheduler if hasattr(scheduler, "submit") else Client(scheduler))
    try:
        futs = {client.submit(run_job, j, timeout=timeout, max_uses=max_uses, pure=False, key=f"kceval-{j.name}-{time.time_ns()}"): j
                for j in todo}
        for f in as_completed(list(futs)):
            collect(futs[f], f.result())
    finally:
        if own:
            client.close()


def summary_table(outcomes: Iterable[Outcome]) -> str:
    """A plain-text table of the batch: counts, then every failure with its error's first line."""
    outcomes = list(outcomes)
    n = {s: sum(o.status == s for o in outcomes) for s in ("ok", "cached", "failed")}
    lines = [f"{len(outcomes)} reports: {n['ok']} rendered, {n['cached']} unchanged (cached), {n['failed']} failed"]
    fails = [o for o in outcomes if o.status == "failed"]
    if fails:
        w = max(len(o.name) for o in fails)
        lines.append("failed:")
        lines += [f"  {o.name:<{w}}  {o.error}" for o in fails]
    return "\n".join(lines)
