"""The 2025 merger in the national report, and the basis named beside each published figure.

Members of the units are DOMAIN.md's list (Resolution 202/2025/QH15); sums by hand with plain pandas on
the sample's CSV files.
"""
from __future__ import annotations

import pandas as pd

from kceval.paths import SAMPLE_DIR
from kceval.report.context import open_report
from kceval.report.data_sections import reconciliation_table
from kceval.report.merger_view import merger_frame, merger_table


def test_merger_frame_units_members_and_figures_by_hand():
    ctx = open_report(region="", year=2026, lang="en")
    f = merger_frame(ctx).set_index("unit_2025")
    assert len(f) == 34 and f["provinces"].str.split(", ").map(len).sum() == 63
    assert f.loc["Tây Ninh", "provinces"] == "Tây Ninh, Long An" and f.loc["Huế", "provinces"] == "Thừa Thiên Huế"
    assert f.loc["Lâm Đồng", "region"] == "central" and f.loc["Lâm Đồng", "code"] == "68"
    plans = pd.read_csv(SAMPLE_DIR / "plans.csv")
    p24 = plans[(plans["year"] == 2024) & plans["province"].isin(["Tây Ninh", "Long An"])]["approved_vnd"].sum()
    assert f.loc["Tây Ninh", "plan_2024"] == p24  # the comparable basis: the old provinces summed
    for y in (2024, 2025, 2026):
        assert f[f"plan_{y}"].sum() == plans.loc[plans["year"] == y, "approved_vnd"].sum()  # nothing lost or doubled
    assert f["rate_2026"].between(0, 1.2).all()


def test_merger_table_only_in_the_national_report():
    assert merger_table(open_report(region="south", year=2026, lang="vi")) is None
    assert merger_table(open_report(province="Đồng Nai", year=2019, lang="vi")) is None
    html = merger_table(open_report(region="", year=2025, lang="vi")).data
    assert "Gồm các tỉnh cũ" in html and "Tây Ninh, Long An" in html and "Kế hoạch 2026" in html


def test_reconciliation_names_the_basis_beside_the_figure():
    html = reconciliation_table(open_report(region="central", year=2025, lang="en")).data
    assert "60.840" in html and "34 units; regions as kceval assumes" in html and "63 old provinces" not in html
    old = reconciliation_table(open_report(region="central", year=2024, lang="en")).data
    assert "63 old provinces" in old and "34 units" not in old


def test_merger_figure_joins_every_old_province_to_its_unit():
    from kceval.merger import crosswalk
    from kceval.report.merger_view import merger_figure

    assert merger_figure(open_report(region="north", year=2026, lang="vi")) is None
    fig = merger_figure(open_report(region="", year=2026, lang="en"))
    ax = fig.axes[0]
    lines = [ln for ln in ax.lines if len(ln.get_xdata())]  # the legend's handles have no data
    assert len(lines) == 63
    ends = {(round(ln.get_xdata()[0], 3), round(ln.get_ydata()[0], 3)): round(ln.get_ydata()[1], 3) for ln in lines}
    left = {t.get_text(): round(t.get_position()[1], 3) for t in ax.texts if t.get_horizontalalignment() == "right"}
    right = {t.get_text(): round(t.get_position()[1], 3) for t in ax.texts if t.get_horizontalalignment() == "left"}
    assert len(left) == 63 and len(right) == 34
    cw = crosswalk()  # DOMAIN.md's list, independently of the figure's frame
    for prov, unit in zip(cw["province"], cw["unit_2025"]):
        assert ends[(0.0, left[prov])] == right[unit], (prov, unit)
    assert "63 old provinces" in fig.describe() and "34 new units" in fig.describe()
