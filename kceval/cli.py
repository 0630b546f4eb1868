"""The ``kceval`` command: a thin shell that parses arguments and delegates.

Exit codes: 0 success (warnings allowed), 1 data errors or failed reports, 2 usage errors.
Each command imports what it needs when it runs: the reading, metrics and rendering stacks
cost from 0.5 to 2 s to import, and no command needs all of them.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .batch.stamp import unchanged
from .errors import DataError, KcevalError, ParameterError
from .render.lean import without_format_grammars
from .version import __version__


def _reading_options(p: argparse.ArgumentParser) -> None:
    from .schema import MONEY_UNITS, SOURCES  # deferred: see the module notes
    """What `validate` and `import` say about sheets: hints for what a sheet does not state, and how to read it."""
    p.add_argument("--money-unit", choices=list(MONEY_UNITS),
                   help="unit of money columns when a sheet states none, e.g. trieu")
    p.add_argument("--as-of", metavar="DATE", help="as-of date when a sheet states none, e.g. 2019-06-30")
    p.add_argument("--year", type=int, help="plan year when a sheet states none, e.g. 2019")
    p.add_argument("--province", help="province when a sheet states none, e.g. 'Đồng Nai'")
    p.add_argument("--source", choices=SOURCES, help="source of funds when a sheet states none, e.g. local")
    p.add_argument("--columns", metavar="MAP.toml", help="mapping file naming headers kceval does not know, "
                                                         "e.g. columns.toml")
    p.add_argument("--include-hidden", action="store_true", help="read hidden sheets too (skipped by default)")


def _sub(sub: Any, name: str, summary: str, example: str, description: str | None = None) -> argparse.ArgumentParser:
    """A subcommand with its one-line summary and an epilog showing one example command."""
    return sub.add_parser(name, help=summary, description=description or summary[:1].upper() + summary[1:] + ".",
                          epilog=f"example:\n  {example}", formatter_class=argparse.RawDescriptionHelpFormatter)


def _parser() -> argparse.ArgumentParser:
    from .geo import REGIONS  # deferred: see the module notes
    p = argparse.ArgumentParser(prog="kceval", description="Evaluate the khuyến công programme.",
                                epilog="example:\n  kceval batch --year 2019 --as-of 2019-06-30\n"
                                       "run `kceval COMMAND --help` for a command's options",
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action="store_true", help="print the version and exit")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    v = _sub(sub, "validate", "check input files; exit 1 when errors are found",
             "kceval validate data/sample --json")
    v.add_argument("paths", nargs="+", help="a folder of canonical tables or provincial spreadsheets, e.g. data/raw")
    v.add_argument("--json", action="store_true", help="print every problem as JSON")
    _reading_options(v)

    i = _sub(sub, "import", "messy inputs in, canonical tables out (all or nothing)",
             "kceval import data/raw/dong-nai-2019.xlsx --out data/clean",
             "Read provincial report files (.xlsx .xls .ods .csv .txt .parquet) into canonical tables. With any "
             "error nothing is written, unless --keep-going.")
    i.add_argument("paths", nargs="+", help="files or folders to read, e.g. data/raw")
    i.add_argument("--out", help="output folder (required unless --explain), e.g. data/clean")
    i.add_argument("--explain", action="store_true",
                   help="print the layout found in each sheet (title, header, columns, sections, totals) and stop")
    i.add_argument("--keep-going", action="store_true",
                   help="with errors, still write the good rows, and every excluded row to rejected.csv")
    _reading_options(i)
    i.add_argument("--format", choices=("csv", "parquet"), default="csv",
                   help="format of the tables written, e.g. parquet (default: csv)")

    s = _sub(sub, "sample", "write the calibrated synthetic sample data", "kceval sample --out /tmp/sample")
    s.add_argument("--out", required=True, help="output folder, e.g. /tmp/sample")

    m = _sub(sub, "summary", "headline figures for a province, a region or the country",
             "kceval summary --province 'Đồng Nai' --year 2019 --as-of 2019-06-30 --json")
    m.add_argument("--data", default="", help=DATA_HELP)
    m.add_argument("--year", required=True, type=int, help=YEAR_HELP)
    m.add_argument("--as-of", metavar="DATE", help=AS_OF_HELP)
    g = m.add_mutually_exclusive_group()
    g.add_argument("--province", help=PROVINCE_HELP)
    g.add_argument("--region", choices=REGIONS, help=REGION_HELP)
    _basis_options(m)
    m.add_argument("--json", action="store_true", help="print the figures as JSON")

    r = _sub(sub, "report", "render one report (executed notebook + HTML)",
             "kceval report --province 'Đồng Nai' --year 2019 --as-of 2019-06-30 --lang en")
    g = r.add_mutually_exclusive_group(required=True)
    g.add_argument("--province", help=PROVINCE_HELP)
    g.add_argument("--region", help=REGION_HELP)
    g.add_argument("--national", action="store_true", help="the report of the whole country")
    r.add_argument("--year", required=True, help=YEAR_HELP)
    r.add_argument("--as-of", metavar="DATE", default="", help=AS_OF_HELP)
    _basis_options(r)
    r.add_argument("--lang", default="vi", help="report language: vi (default) or en, e.g. en")
    r.add_argument("--data", default="", help=DATA_HELP)
    r.add_argument("--out", default="reports", help=OUT_HELP)
    r.add_argument("--timeout", type=int, default=600, help=TIMEOUT_HELP)
    _export_options(r)

    b = _sub(sub, "batch", "render every report of a year (warm kernels, parallel, incremental)",
             "kceval batch --year 2019 --as-of 2019-06-30 --lang both --jobs 2")
    b.add_argument("--year", required=True, nargs="+", metavar="YEAR[:DATE]",
                   help="plan year(s), each with its report date if it has one, e.g. 2019:2019-06-30 2024 (one "
                        "batch: one start-up, one index)")
    b.add_argument("--as-of", metavar="DATE", default="", help=AS_OF_HELP + "; for one year")
    b.add_argument("--level", default="all", help="province, region, national or all (default), e.g. region")
    b.add_argument("--province", nargs="+", help="only these provinces (from 2025: units; an old name is its unit), "
                                                 "e.g. 'Đồng Nai' 'Bình Phước'")
    _basis_options(b)
    b.add_argument("--lang", default="vi", help="vi (default), en or both, e.g. both")
    b.add_argument("--data", default="", help=DATA_HELP)
    b.add_argument("--out", default="reports", help=OUT_HELP)
    b.add_argument("--jobs", type=int, default=None, help="worker processes (default: number of cores), e.g. 2")
    b.add_argument("--force", action="store_true", help="render even unchanged reports")
    b.add_argument("--timeout", type=int, default=600, help=TIMEOUT_HELP)
    b.add_argument("--executor", default="local", help="local (default) or dask, e.g. dask")
    b.add_argument("--scheduler", help="Dask scheduler address for --executor dask, e.g. tcp://10.0.0.5:8786")
    _export_options(b)
    return p


YEAR_HELP = "plan year, e.g. 2026"
AS_OF_HELP = ("report date, e.g. 2019-06-30 (default: 31 December of the year; for a year in progress, the data's "
              "last day)")
PROVINCE_HELP = ("a province in any spelling, e.g. 'Đồng Nai' or 'dong nai'; from 2025 a unit of the 34 (an old "
                 "name is read as its unit)")
REGION_HELP = "north, central or south, e.g. south"
DATA_HELP = "data file or folder, e.g. data/clean (default: the bundled sample)"
OUT_HELP = "output folder under which the reports are written, e.g. reports/2019 (default: reports)"
TIMEOUT_HELP = "seconds before a report is stopped, e.g. 300 (default: 600)"


def _export_options(p: argparse.ArgumentParser) -> None:
    """Files besides the HTML pages: the tables as Excel workbooks, the pages printed to PDF."""
    p.add_argument("--xlsx", metavar="DIR", help="also write each report's tables as an Excel file into DIR, "
                                                 "e.g. reports/xlsx (every report carries them as a download)")
    p.add_argument("--pdf", action="store_true", help="also print each report to PDF (A4) beside its HTML, "
                                                      "through headless Chromium")


def _basis_options(p: argparse.ArgumentParser) -> None:
    """The unit basis of a report (DESIGN.md §2: per unit of 2025 from 2025) and the units' regions."""
    p.add_argument("--units", default="", choices=("", "2025"),
                   help="2025: a year before 2025 on the basis of the 34 units of 2025, e.g. 2025 (default: by "
                        "the year)")
    p.add_argument("--regions", default="", metavar="FILE",
                   help="CSV of the units' regions (unit_2025,region) replacing kceval's stated assumption, "
                        "e.g. regions.csv")


def _read(a: argparse.Namespace) -> Any:
    """The data `validate` and `import` read, with the options of :func:`_reading_options`."""
    import pyarrow as pa  # deferred: see the module notes

    from .io.mapping import read_column_map
    from .io.read import read_dataset

    # a command reads its files once: Arrow's default allocator keeps freed pages for a reuse that never comes,
    # the system's gives them back (benchmarks/bench_big_input.py: a lower peak for a big file)
    pa.set_memory_pool(pa.system_memory_pool())
    mapping = read_column_map(a.columns) if a.columns else None
    return read_dataset(a.paths, money_unit=a.money_unit, as_of=a.as_of, source=a.source, year=a.year,
                        province=a.province, columns=mapping, include_hidden=a.include_hidden)


def _cmd_validate(a: argparse.Namespace) -> int:
    from .dataset.validate import validate_tables  # deferred: see the module notes

    loaded = _read(a)
    v = validate_tables(loaded.tables, loaded.origins, reported=loaded.problems)
    problems = loaded.problems + v.problems
    n_err = sum(p.severity == "error" for p in problems)
    if a.json:
        print(json.dumps([p.to_dict() for p in problems], ensure_ascii=False, indent=1))
    else:
        for p in problems:
            print(p)
        n_rows = {t: len(df) for t, df in loaded.tables.items()}
        print(f"{n_err} error(s), {len(problems) - n_err} warning(s); rows read: {n_rows}")
    return 1 if n_err else 0


def _cmd_import(a: argparse.Namespace) -> int:
    from .checks import check_out_dir  # deferred: see the module notes
    from .dataset.validate import validate_tables  # deferred: see the module notes
    from .io import import_summary, write_rejected, write_tables

    if not a.out and not a.explain:
        raise ParameterError("`--out` is required (the folder to write the tables to), unless --explain is given")
    if not a.explain:
        check_out_dir("--out", a.out)
    loaded = _read(a)
    if a.explain:
        print(loaded.explanation)
        return 1 if any(p.severity == "error" for p in loaded.problems) else 0
    v = validate_tables(loaded.tables, loaded.origins, reported=loaded.problems)
    problems = loaded.problems + v.problems
    n_err = sum(p.severity == "error" for p in problems)
    print(import_summary(loaded))
    for p in v.problems:
        print(f"  - {p}")
    if n_err and not a.keep_going:
        print(f"Nothing written: {n_err} error(s). Fix them and import again, or pass --keep-going to write the "
              "rows without errors and list the others in rejected.csv.")
        return 1
    written = write_tables(v.tables, a.out, format=a.format)
    if a.keep_going:
        written.append(write_rejected(problems, a.out))
    for path in written:
        print(f"wrote {path}")
    return 1 if n_err else 0


def _cmd_sample(a: argparse.Namespace) -> int:
    from .checks import check_out_dir  # deferred: see the module notes
    from .sample import write_sample  # deferred: see the module notes

    check_out_dir("--out", a.out)
    for path in write_sample(a.out):
        print(f"wrote {path}")
    return 0


def _cmd_summary(a: argparse.Namespace) -> int:
    from .dataset import Dataset  # deferred: see the module notes
    from .display.excluded import excluded_counts, excluded_note
    from .headline.scope import year_basis
    from .headline.summary import summary
    from .render.params import check_regions

    ds = Dataset.load(a.data or None)
    note = excluded_note(ds)
    if note:  # before the figures, and even when they cannot be computed: the errors may be why
        print(note, file=sys.stderr)
    if a.regions:
        check_regions(a.regions, {})
    ds = year_basis(ds, a.year, a.units or None, a.regions)
    out = summary(ds, year=a.year, province=a.province, region=a.region, as_of=a.as_of)
    if a.province and ds.basis == "unit_2025":  # a name read as its unit is said, never silently
        from .merger import resolve_name

        said = resolve_name(a.province, max(a.year, 2025)).note
        if said:
            print(f"note: {said}", file=sys.stderr)
    if a.region and ds.basis == "unit_2025":
        grouping = f"regions from {a.regions}" if a.regions else "kceval assumes: each unit in the region of its seat"
        print(f"note: region {a.region} on the basis of the 34 units of 2025 ({grouping})", file=sys.stderr)
    out["excluded"] = excluded_counts(ds)
    if a.json:
        print(json.dumps(out, ensure_ascii=False, indent=1, default=str))
    else:
        width = max(map(len, out))
        for k, val in out.items():
            print(f"{k:<{width}}  {val}")
    return 0


def _finish(outcomes: list[Any], out: str) -> int:
    from .batch.progress import summary_table  # deferred: see the module notes

    print(summary_table(outcomes))
    print(f"index: {Path(out) / 'index.html'}")
    return 1 if any(o.status == "failed" for o in outcomes) else 0


def _cmd_report(a: argparse.Namespace) -> int:
    from .batch.engine import run_batch  # deferred: see the module notes
    from .batch.exports import check_exports, write_exports
    from .batch.plan import check_jobs, plan_jobs
    from .checks import check_out_dir  # deferred: see the module notes
    from .geo import REGIONS
    from .render.params import check_province

    check_out_dir("--out", a.out)
    level = "national" if a.national else "region" if a.region is not None else "province"
    if a.region is not None and a.region not in REGIONS:  # "" too: it would otherwise run every province
        raise ParameterError(f"`region` must be one of {', '.join(map(repr, REGIONS))} (the country: --national); "
                             f"received {a.region!r}")
    if a.lang not in ("vi", "en"):
        raise ParameterError(f"`lang` must be one of 'vi', 'en'; received {a.lang!r}")
    if a.province:
        check_province(a.province, {})
    jobs = plan_jobs(year=a.year, as_of=a.as_of, level=level, provinces=[a.province] if a.province else None,
                     lang=a.lang, data=a.data, units=a.units, regions=a.regions)
    if a.region:
        jobs = [j for j in jobs if j.params.get("region") == a.region]
    check_jobs(jobs)
    check_exports(xlsx_dir=a.xlsx, pdf=a.pdf)
    outcomes = run_batch(jobs, out_dir=a.out, data=a.data, n_jobs=1, force=True, timeout=a.timeout)
    for o in outcomes:
        print(Path(a.out) / o.link)
    for line in write_exports(outcomes, a.out, xlsx_dir=a.xlsx, pdf=a.pdf):
        print(line)
    return 1 if any(o.status == "failed" for o in outcomes) else 0


def _cmd_batch(a: argparse.Namespace) -> int:
    from .batch.engine import run_batch  # deferred: see the module notes
    from .batch.exports import check_exports, write_exports
    from .batch.plan import batch_periods, check_jobs, plan_jobs
    from .batch.stamp import write_stamp
    from .checks import check_out_dir  # deferred: see the module notes

    check_out_dir("--out", a.out)
    jobs = [j for year, as_of in batch_periods(a.year, a.as_of)
            for j in plan_jobs(year=year, as_of=as_of, level=a.level, provinces=a.province, lang=a.lang, data=a.data,
                               units=a.units, regions=a.regions)]
    check_jobs(jobs)
    check_exports(xlsx_dir=a.xlsx, pdf=a.pdf)
    outcomes = run_batch(jobs, out_dir=a.out, data=a.data, n_jobs=a.jobs, force=a.force, timeout=a.timeout,
                         executor=a.executor, scheduler=a.scheduler)
    for line in write_exports(outcomes, a.out, xlsx_dir=a.xlsx, pdf=a.pdf):
        print(line)
    if all(o.status != "failed" for o in outcomes):
        write_stamp(a.argv, a.out, data=a.data, notebooks=[j.notebook for j in jobs], regions=a.regions,
                    links=[o.link for o in outcomes])
    return _finish(outcomes, a.out)


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "report": _cmd_report,
    "batch": _cmd_batch,
    "validate": _cmd_validate,
    "import": _cmd_import,
    "sample": _cmd_sample,
    "summary": _cmd_summary,
}


def main(argv: Sequence[str] | None = None) -> int:
    """The ``kceval`` program; ``argv`` None reads the command line (and this process is kceval's own)."""
    if argv is None:
        without_format_grammars()  # 0.8 s of every command that renders or plans reports
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["batch"] and (said := unchanged(args[1:])) is not None:
        print(said)  # nothing changed since this command last ran: answered from its stamp
        return 0
    parser = _parser()
    a = parser.parse_args(args)
    a.argv = args[1:]
    if a.version:
        print(__version__)
        return 0
    if not a.command:
        parser.print_help()
        return 2
    try:
        return COMMANDS[a.command](a)
    except ParameterError as exc:
        print(f"kceval {a.command}: error: {exc}", file=sys.stderr)
        return 2
    except DataError as exc:
        print(f"kceval {a.command}: {exc}", file=sys.stderr)
        return 1
    except KcevalError as exc:
        print(f"kceval {a.command}: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"kceval {a.command}: interrupted; finished files are complete, re-run to do the rest",
              file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
