"""The ``kceval`` command: a thin shell that parses arguments and delegates.

Exit codes: 0 success (warnings allowed), 1 data errors or failed reports, 2 usage errors.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Sequence

from .errors import DataError, KcevalError, ParameterError

MONEY_UNITS = ("dong", "nghin", "trieu", "ty")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kceval", description="Evaluate the khuyến công programme.")
    p.add_argument("--version", action="store_true", help="print the version and exit")
    sub = p.add_subparsers(dest="command")

    v = sub.add_parser("validate", help="check input files; exit 1 when errors are found")
    v.add_argument("paths", nargs="+", help="a folder of canonical tables or provincial spreadsheets")
    v.add_argument("--json", action="store_true", help="print every problem as JSON")
    v.add_argument("--money-unit", choices=MONEY_UNITS, help="unit of money columns whose header states none")
    v.add_argument("--as-of", help="as-of date (YYYY-MM-DD) of cumulative 'executed' columns")

    i = sub.add_parser("import", help="messy inputs in, canonical tables out")
    i.add_argument("paths", nargs="+")
    i.add_argument("--out", required=True, help="output folder")
    i.add_argument("--money-unit", choices=MONEY_UNITS)
    i.add_argument("--as-of")
    i.add_argument("--source", choices=("national", "local"), help="source of funds when sheets omit it")
    i.add_argument("--format", choices=("csv", "parquet"), default="csv")

    s = sub.add_parser("sample", help="write the calibrated synthetic sample data")
    s.add_argument("--out", required=True, help="output folder")

    m = sub.add_parser("summary", help="headline figures for a province, a region or the country")
    m.add_argument("--data", default="", help="data folder (default: the bundled sample)")
    m.add_argument("--year", required=True, type=int)
    m.add_argument("--as-of", help="YYYY-MM-DD (default: 31 December of the year)")
    g = m.add_mutually_exclusive_group()
    g.add_argument("--province")
    g.add_argument("--region", choices=("north", "central", "south"))
    m.add_argument("--json", action="store_true")
    return p


def _cmd_validate(a) -> int:
    from .io import read_dataset
    from .schema import validate_tables

    loaded = read_dataset(a.paths, money_unit=a.money_unit, as_of=a.as_of)
    v = validate_tables(loaded.tables, loaded.origins)
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


def _cmd_import(a) -> int:
    from .io import import_summary, read_dataset, write_tables
    from .schema import validate_tables

    loaded = read_dataset(a.paths, money_unit=a.money_unit, as_of=a.as_of, source=a.source)
    v = validate_tables(loaded.tables, loaded.origins)
    written = write_tables(v.tables, a.out, format=a.format)
    print(import_summary(loaded))
    for p in loaded.problems + v.problems:
        print(p)
    excl = {t: len(df) for t, df in v.excluded.items() if len(df)}
    print(f"excluded rows (errors): {excl or 'none'}")
    for path in written:
        print(f"wrote {path}")
    return 1 if any(p.severity == "error" for p in loaded.problems + v.problems) else 0


def _cmd_sample(a) -> int:
    from .sample import write_sample

    for path in write_sample(a.out):
        print(f"wrote {path}")
    return 0


def _cmd_summary(a) -> int:
    from .dataset import Dataset
    from .headline import summary

    ds = Dataset.load(a.data or None)
    out = summary(ds, year=a.year, province=a.province, region=a.region, as_of=a.as_of)
    if a.json:
        print(json.dumps(out, ensure_ascii=False, indent=1, default=str))
    else:
        width = max(map(len, out))
        for k, val in out.items():
            print(f"{k:<{width}}  {val}")
    return 0


COMMANDS = {"validate": _cmd_validate, "import": _cmd_import, "sample": _cmd_sample, "summary": _cmd_summary}


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    a = parser.parse_args(argv)
    if a.version:
        from . import __version__

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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
