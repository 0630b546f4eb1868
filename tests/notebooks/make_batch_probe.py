"""Writes batch_probe.ipynb: a small report notebook whose behaviour depends on the province.

Cà Mau fails, Bạc Liêu hangs, Kiên Giang kills its own kernel; every run first checks that no
state leaked from the previous notebook in the same warm kernel. Run: python make_batch_probe.py
"""
from pathlib import Path

import nbformat as nbf

nb = nbf.v4.new_notebook()
nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
nb.metadata["language_info"] = {"name": "python"}
params = nbf.v4.new_code_cell(
    'province: str = "Đồng Nai"  # province to report on\n'
    "year: int = 2019  # plan year\n"
    'as_of: str = ""  # cut-off date YYYY-MM-DD\n'
    'data: str = ""  # data folder (empty: bundled sample)\n'
    'lang: str = "vi"  # report language: vi or en'
)
params.metadata["tags"] = ["parameters"]
nb.cells = [
    params,
    nbf.v4.new_code_cell(
        "assert 'LEAKED' not in globals(), 'state leaked from the previous report'\n"
        "LEAKED = province\n"
        "import os, time\n"
        "from kceval.report import Dataset, base_summary, emit_headline\n"
        "ds = Dataset.load(data or None)\n"
        "ds.projects.drop(ds.projects.index, inplace=True)  # a notebook that vandalises its data copy"),
    nbf.v4.new_markdown_cell("# Probe"),
    nbf.v4.new_code_cell(
        "if province == 'Cà Mau':\n"
        "    raise RuntimeError('probe failure <b>escaped?</b>')\n"
        "if province == 'Bạc Liêu':\n"
        "    time.sleep(300)\n"
        "if province == 'Kiên Giang':\n"
        "    os.kill(os.getpid(), 9)\n"
        "s = base_summary(Dataset.load(data or None), year=year, province=province, as_of=as_of or None)\n"
        "emit_headline(s)\n"
        "print(province, s['n_projects'])"),
]
nbf.write(nb, Path(__file__).with_name("batch_probe.ipynb"))
