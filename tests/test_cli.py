"""The `kceval` command: exit codes, JSON output, and the thin delegation to the package."""
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import kceval
from kceval.cli import main
from kceval.paths import SAMPLE_DIR
from tests.support import BAD_INPUTS

BAD = BAD_INPUTS

SPENDING_KEYS = ["execution_rate_revised", "gap_to_target_vnd", "pi1_outturn", "pi1_grade", "pi2_cv", "pi2_grade",
                 "hhi", "effective_projects", "gini", "gini_ci", "theil", "theil_between_share",
                 "small_project_share", "projects_for_90pct", "leverage", "q4_share", "december_ratio",
                 "forecast_rate", "forecast_interval", "naive_forecast_rate"]
FEASIBILITY_KEYS = ["stop_rate", "adjustment_rate", "extension_rate", "problem_rate", "stop_rate_ci",
                    "adjustment_rate_ci", "extension_rate_ci", "problem_rate_ci", "problem_rate_shrunk",
                    "funnel_flag", "acceptance_rate", "on_time_rate", "median_slippage_days",
                    "median_days_to_acceptance"]


def run(capsys, *args):
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_validate_exit_codes_and_json(capsys):
    code, out, _ = run(capsys, "validate", str(SAMPLE_DIR))
    assert code == 0 and "0 error(s)" in out                      # warnings alone exit 0
    code, out, _ = run(capsys, "validate", str(BAD / "unknown_province.csv"), "--json")
    assert code == 1
    problems = json.loads(out)
    assert problems and set(problems[0]) == {"severity", "file", "sheet", "row", "column", "value", "message", "hint"}
    assert any(p["severity"] == "error" and "did you mean" in (p["hint"] + p["message"]) for p in problems)
    with pytest.raises(SystemExit) as e:
        main(["validate"])                                         # usage error: argparse exits 2
    assert e.value.code == 2
    code, _, err = run(capsys, "validate", "/no/such/folder")
    assert code == 2 and "does not exist" in err


def test_import_writes_canonical_tables(capsys, tmp_path):
    src = BAD / "title_rows.xlsx"  # a provincial sheet: title rows above the header, money in triệu
    code, out, _ = run(capsys, "import", str(src), "--out", str(tmp_path), "--as-of", "2019-06-30",
                       "--money-unit", "trieu", "--format", "parquet")
    assert "wrote" in out and (tmp_path / "projects.parquet").exists()
    back = pd.read_parquet(tmp_path / "projects.parquet")
    assert len(back) >= 1 and back["support_vnd"].dtype.kind == "i"


MESSY = ("Báo cáo khuyến công tỉnh Đồng Nai 6 tháng đầu năm 2019\n"
         "STT,Tên đề án,Nội dung,Nguồn vốn,Kinh phí (triệu đồng),Ngày phê duyệt,Thời gian hoàn thành,Tình trạng\n"
         "1,Máy sấy,Máy móc thiết bị,KCQG,150,15/3/2019,30/11/2019,Đang thực hiện\n"
         "2,Hội chợ,Hội chợ,KCĐP,80,15/3/2019,30/11/2019,Đang chờ vốn\n")


def test_import_is_all_or_nothing_unless_keep_going(capsys, tmp_path):
    src = tmp_path / "dongnai.csv"
    src.write_text(MESSY, encoding="utf-8")
    out_dir = tmp_path / "out"
    code, out, _ = run(capsys, "import", str(src), "--out", str(out_dir))
    assert code == 1 and "Nothing written: 1 error(s)" in out and not out_dir.exists()
    assert out.count("'Đang chờ vốn' is not a known status") == 1  # each problem printed once
    code, out, _ = run(capsys, "import", str(src), "--out", str(out_dir), "--keep-going")
    assert code == 1  # the errors still say so
    assert len(pd.read_csv(out_dir / "projects.csv")) == 1
    rejected = pd.read_csv(out_dir / "rejected.csv")
    assert rejected[["row", "reasons"]].values.tolist() == [
        [4, "Tình trạng: 'Đang chờ vốn' is not a known status"]]
    assert Path(rejected.at[0, "file"]).name == "dongnai.csv"


def test_import_explain_prints_the_layout(capsys, tmp_path):
    src = tmp_path / "dongnai.csv"
    src.write_text(MESSY.replace("Đang chờ vốn", "Hoàn thành"), encoding="utf-8")
    code, out, _ = run(capsys, "import", "--explain", str(src))
    assert code == 0 and not (tmp_path / "projects.csv").exists()
    for needle in ("a projects sheet", "header rows: 2", "'Nguồn vốn' -> source", "period in the title: first 6 "
                   "months of 2019 (as-of 2019-06-30)", "province from the title or sheet name: Đồng Nai",
                   "rows below the header: 2 data"):
        assert needle in out, needle


def test_import_hints_and_mapping_file(capsys, tmp_path):
    src = tmp_path / "dongnai.csv"
    src.write_text(MESSY.replace("Đang chờ vốn", "Hoàn thành").replace("Tên đề án", "Tên công trình"),
                   encoding="utf-8")
    code, out, _ = run(capsys, "import", str(src), "--out", str(tmp_path / "a"), "--year", "2020")
    assert code == 1 and "the year given (2020) contradicts the sheet, which says 2019" in out
    assert "column 'Tên công trình' not placed" in out
    mapping = tmp_path / "map.toml"
    mapping.write_text('[columns]\n"Tên công trình" = "title"\n', encoding="utf-8")
    code, out, _ = run(capsys, "import", str(src), "--out", str(tmp_path / "b"), "--columns", str(mapping))
    assert code == 0 and "'Tên công trình' read as title (mapping file)" in out
    assert pd.read_csv(tmp_path / "b" / "projects.csv")["title"].tolist() == ["Máy sấy", "Hội chợ"]
    mapping.write_text('[columns]\n"Tên công trình" = "tittle"\n', encoding="utf-8")
    code, _, err = run(capsys, "import", str(src), "--out", str(tmp_path / "c"), "--columns", str(mapping))
    assert code == 2 and "'tittle' names no field" in err


def test_sample_command_is_byte_identical(capsys, tmp_path):
    assert run(capsys, "sample", "--out", str(tmp_path))[0] == 0
    for name in ("plans.csv", "projects.csv", "events.csv", "payments.csv"):
        assert (tmp_path / name).read_bytes() == (SAMPLE_DIR / name).read_bytes()


def test_summary_json_has_every_headline_key(capsys):
    code, out, _ = run(capsys, "summary", "--year", "2019", "--as-of", "2019-06-30", "--region", "south", "--json")
    assert code == 0
    s = json.loads(out)
    # published: 16.578 of 85.865 billion VND (ARIT 2019 seed report); the sample is calibrated to it
    assert s["plan_vnd"] == 85_865_000_000 and s["executed_vnd"] == 16_578_000_000
    assert round(s["execution_rate"], 3) == 0.193
    for k in ["n_projects", "status_counts", "activity_counts", *SPENDING_KEYS, *FEASIBILITY_KEYS]:
        assert k in s, k
    assert sum(s["status_counts"].values()) == s["n_projects"]
    # the source report's results (DOMAIN.md): 47 machinery supports, 3 fairs with 115 participations
    assert s["outputs"]["machinery"]["establishments_done"] == 47
    assert (s["outputs"]["fair"]["projects_done"], s["outputs"]["fair"]["output_done"]) == (3, 115)
    assert set(s["unit_costs"]["fair"]) == {"projects", "support_per_establishment", "support_per_output",
                                            "total_per_output"}
    code, out, _ = run(capsys, "summary", "--year", "2019", "--province", "dong nai", "--json")
    p = json.loads(out)
    assert p["selection"] == "Đồng Nai" and p["funnel_flag"] in ("within", "above", "below")


def test_summary_json_2025_targets_on_the_units_basis(capsys):
    # vietnam.vn/en/phat-huy-hieu-qua-von-moi-khuyen-cong: central 2025 plan 60.840 billion, executed to 30 November
    # 47.017 billion; ven.congthuong.vn (…-58120.html): south executed to 30 September 55.753 billion. From 2025 a
    # region is read on the basis of the 34 units (central with Bình Thuận, through Lâm Đồng)
    code, out, _ = run(capsys, "summary", "--year", "2025", "--as-of", "2025-11-30", "--region", "central", "--json")
    c = json.loads(out)
    assert code == 0 and c["plan_vnd"] == 60_840_000_000 and c["executed_vnd"] == 47_017_000_000
    code, out, _ = run(capsys, "summary", "--year", "2025", "--as-of", "2025-09-30", "--region", "south", "--json")
    assert json.loads(out)["executed_vnd"] == 55_753_000_000
    # an old name in 2026 answers with its unit, as of the data's last day (the year is in progress)
    code, out, _ = run(capsys, "summary", "--year", "2026", "--province", "Long An", "--json")
    t = json.loads(out)
    assert code == 0 and t["selection"] == "Tây Ninh" and t["as_of"] == "2026-11-30" and t["n_projects"] > 0


# The keys of `kceval summary --json` are a public interface: they may be added to, never renamed
# or removed. SUMMARY_KEYS_0_1 is the set of the first version; a new key goes in SUMMARY_KEYS_ADDED.
SUMMARY_KEYS_0_1 = [
    "selection", "year", "as_of", "synthetic", "plan_vnd", "executed_vnd", "execution_rate", "n_projects",
    "status_counts", "activity_counts", "execution_rate_revised", "gap_to_target_vnd", "pi1_outturn", "pi1_grade",
    "pi2_cv", "pi2_grade", "hhi", "effective_projects", "gini", "gini_ci", "theil", "theil_between_share",
    "small_project_share", "projects_for_90pct", "leverage", "q4_share", "december_ratio", "forecast_rate",
    "forecast_interval", "naive_forecast_rate", "pefa_year", "stop_rate", "stop_rate_ci", "adjustment_rate",
    "adjustment_rate_ci", "extension_rate", "extension_rate_ci", "problem_rate", "problem_rate_ci", "problem_n",
    "problem_rate_shrunk", "funnel_flag", "acceptance_rate", "acceptance_rate_ci", "acceptance_rate_n", "on_time_rate",
    "on_time_rate_ci", "on_time_rate_n", "median_slippage_days", "slippage_censored", "median_days_to_acceptance",
    "median_days_to_acceptance_km",
]
SUMMARY_KEYS_ADDED = [
    "forecast_years", "pi2_lines", "theil_between_lines",  # issue 11: the forecast's years, the lines of a figure
    "delivery_rate", "delivery_rate_ci", "delivery_rate_n",  # issue 11: delivery and punctuality, each with its n
    "punctuality_rate", "punctuality_rate_ci", "punctuality_rate_n",
    "excluded",  # "nothing wrong, nothing lost": rows left out because of errors, per table
    "outputs", "unit_costs",  # issue 15: what the money bought, per activity
]


@pytest.mark.parametrize("where", [["--region", "south", "--as-of", "2019-06-30"], ["--province", "Hà Nội"], []])
def test_summary_json_keys_are_pinned(capsys, where):
    code, out, _ = run(capsys, "summary", "--year", "2019", *where, "--json")
    assert code == 0
    keys = list(json.loads(out))
    assert set(keys) == set(SUMMARY_KEYS_0_1) | set(SUMMARY_KEYS_ADDED)  # for a region, a province, the country
    assert [k for k in keys if k in SUMMARY_KEYS_0_1] == SUMMARY_KEYS_0_1  # the first keys keep their order


@pytest.mark.parametrize("args, text", [
    (["--province", "Dong Nia", "--year", "2019"], "did you mean 'Đồng Nai'"),
    (["--province", "../../etc", "--year", "2019"], "`province` must be one of"),
    (["--province", "Đồng Nai", "--year", "2019", "--as-of", "2021-03-01"], "`as_of`"),
    (["--province", "Đồng Nai", "--year", "2019", "--data", "/no/such/dir"], "`data`"),
    (["--region", "west", "--year", "2019"], "`region` must be one of"),
    (["--region", "", "--year", "2019"], "the country: --national"),  # was: every province report, silently
    (["--national", "--year", "abc"], "`year`"),
    (["--national", "--year", "2019", "--lang", "fr"], "`lang` must be one of"),
])
def test_report_parameters_checked_before_any_kernel(capsys, args, text, tmp_path):
    code, _, err = run(capsys, "report", *args, "--out", str(tmp_path))
    assert code == 2 and text in err
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_report_renders_one_province(capsys, tmp_path):
    code, out, _ = run(capsys, "report", "--province", "tp hcm", "--year", "2019", "--as-of", "2019-06-30",
                       "--lang", "en", "--out", str(tmp_path), "--xlsx", str(tmp_path / "xlsx"))
    assert code == 0
    html = Path(next(line for line in out.splitlines() if line.endswith(".html")))
    # the tables as a file too, the same workbook the page carries
    from kceval.render.workbook import workbook_from_page

    xlsx = tmp_path / "xlsx" / "province-tp-ho-chi-minh-2019-2019-06-30-en.xlsx"
    assert "xlsx: 1 workbooks" in out and xlsx.read_bytes() == workbook_from_page(html.read_text(encoding="utf-8"))
    assert html.parent == tmp_path and html.name == "province-tp-ho-chi-minh-2019-2019-06-30-en.html"
    page = html.read_text(encoding="utf-8")
    assert 'lang="en"' in page and "TP. Hồ Chí Minh" in page
    assert (tmp_path / "index.html").exists() and html.with_suffix(".ipynb").exists()


def _file(t: Path) -> Path:
    (t / "file.txt").write_text("x")
    return t / "file.txt"


BAD_OUTS = {  # an --out kceval cannot write to, and the reason the OS gives
    "existing file": (_file, "an existing file, not a folder"),
    "name of 300 characters": (lambda t: t / ("n" * 300), "File name too long"),
    "parent is a file": (lambda t: _file(t) / "reports", "Not a directory"),
    "under /proc": (lambda t: Path("/proc/kceval-reports"), "/proc/kceval-reports"),
}
OUT_COMMANDS = {
    "import": lambda src: ["import", str(src)],
    "report": lambda src: ["report", "--national", "--year", "2019"],
    "batch": lambda src: ["batch", "--year", "2019", "--level", "national"],
}


@pytest.mark.parametrize("bad", BAD_OUTS)
@pytest.mark.parametrize("command", OUT_COMMANDS)
def test_unwritable_out_is_a_usage_error_before_any_work(capsys, tmp_path, monkeypatch, command, bad):
    def no_work(*args, **kwargs):
        raise AssertionError("work started before --out was checked")

    for reader in ("kceval.io.read_dataset", "kceval.io.read.read_dataset", "kceval.batch.plan.plan_jobs"):
        monkeypatch.setattr(reader, no_work)
    make, why = BAD_OUTS[bad]
    out = make(tmp_path)
    code, stdout, err = run(capsys, *OUT_COMMANDS[command](BAD / "good.csv"), "--out", str(out))
    assert code == 2 and stdout == ""
    assert err.count("\n") == 1 and err.startswith(f"kceval {command}: error: `--out` must be a folder")
    assert f"received {str(out)!r}" in err and why in err


@pytest.mark.parametrize("as_of", ["2019-06-30xyz", "2019-06-30 garbage"])
@pytest.mark.parametrize("command", [
    ["summary", "--year", "2019"],
    ["report", "--national", "--year", "2019", "--out", "{tmp}"],
    ["batch", "--year", "2019", "--out", "{tmp}"],
    ["import", str(BAD / "good.csv"), "--out", "{tmp}"],
    ["validate", str(BAD / "good.csv")],
])
def test_as_of_with_trailing_text_is_refused_not_truncated(capsys, tmp_path, command, as_of):
    args = [a.replace("{tmp}", str(tmp_path / "out")) for a in command]
    code, _, err = run(capsys, *args, "--as-of", as_of)
    assert code == 2 and f"`as_of` must be a date written YYYY-MM-DD; received {as_of!r}" in err
    assert not (tmp_path / "out").exists()


@pytest.fixture
def data_with_errors(tmp_path):
    """The tiny dataset with two bad projects (one with an unknown province) and a payment to no project."""
    from kceval.io import write_tables
    from tests.support import tiny_tables

    t = tiny_tables()
    t["projects"].loc[0, "province"] = "Dong Nal"   # A: its 2 payments and 2 events go with it
    t["projects"].loc[3, "beneficiaries"] = 0       # D: its 2 payments go with it
    t["payments"].loc[2, "project_id"] = "ZZ"       # B's payment now points to no project
    write_tables(t, tmp_path / "data")
    return tmp_path / "data"


def test_summary_says_how_many_rows_errors_excluded(capsys, data_with_errors):
    code, out, err = run(capsys, "summary", "--data", str(data_with_errors), "--year", "2019", "--json")
    assert code == 0
    s = json.loads(out)
    assert s["excluded"] == {"plans": 0, "projects": 2, "events": 2, "payments": 5}
    assert s["n_projects"] == 2  # B and C are left; the excluded rows are not in the figures
    note = err.strip()
    assert note.count("\n") == 0 and note.startswith(
        "note: 2 project rows, 2 event rows and 5 payment rows excluded because of errors (")
    assert "… is not an allowed province: 1" in note and "beneficiaries must be at least 1: 1" in note
    assert "points to an unknown project: 1" in note and note.endswith(f"run `kceval validate {data_with_errors}` "
                                                                       "for the list")
    code, out, err = run(capsys, "summary", "--data", str(data_with_errors), "--year", "2019")
    assert code == 0 and "note: 2 project rows" in err and "'projects': 2" in out  # the text form too


def test_summary_of_clean_data_has_no_note(capsys):
    code, out, err = run(capsys, "summary", "--year", "2019", "--province", "Đồng Nai", "--json")
    assert code == 0 and err == ""
    assert json.loads(out)["excluded"] == {"plans": 0, "projects": 0, "events": 0, "payments": 0}


def test_summary_notes_errors_of_rows_left_out_while_reading(capsys):
    code, _, err = run(capsys, "summary", "--data", str(BAD / "unknown_province.csv"), "--year", "2019")
    assert code == 2  # no year in the data: the figures cannot be computed, but the note says why
    assert err.startswith("note: 3 error(s) in the data; the rows concerned were left out when reading (")
    assert "unknown province …: 1" in err


def test_every_option_says_what_it_takes_with_an_example():
    import argparse

    from kceval.cli import _parser

    sub = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert set(sub.choices) == {"validate", "import", "sample", "summary", "report", "batch"}
    for name, p in sub.choices.items():
        assert f"kceval {name} " in (p.epilog or ""), name  # one example command per subcommand
        for a in p._actions:
            if isinstance(a, argparse._HelpAction):
                continue
            assert a.help, (name, a.dest)
            if a.nargs != 0:  # an option that takes a value shows one
                assert "e.g." in a.help, (name, a.dest, a.help)


def test_version(capsys):
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.strip() == kceval.__version__


def test_the_program_leaves_out_the_format_grammars_and_a_call_with_arguments_changes_nothing():
    # `kceval` (main() reading the command line) owns its process: it blocks rfc3987_syntax, 0.8 s of grammar
    # building that nbformat never uses; main([...]) called from someone else's code leaves their process alone
    code = """
import sys
from kceval import cli
cli.main(["--version"])
print(sys.modules.get("rfc3987_syntax", "absent"))
sys.argv = ["kceval", "--version"]
cli.main()
print(sys.modules.get("rfc3987_syntax", "absent"))
"""
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.split()[1::2] == ["absent", "None"], run.stdout + run.stderr
