"""Shared fixtures: a tiny hand-made dataset whose every figure can be worked out by hand."""
import pandas as pd
import pytest


def tiny_tables() -> dict[str, pd.DataFrame]:
    """Two provinces, 2019; figures chosen so totals are easy to check by hand."""
    plans = pd.DataFrame({
        "year": [2019, 2019, 2019],
        "province": ["Đồng Nai", "Đồng Nai", "Bình Phước"],
        "source": ["national", "local", "local"],
        "approved_vnd": [1_000_000_000, 2_000_000_000, 500_000_000],
        "revised_vnd": pd.array([None, 1_800_000_000, None], dtype="Int64"),
    })
    d = pd.to_datetime
    projects = pd.DataFrame({
        "project_id": ["A", "B", "C", "D"],
        "year": 2019,
        "province": ["Đồng Nai", "Đồng Nai", "Đồng Nai", "Bình Phước"],
        "source": ["national", "local", "local", "local"],
        "activity": ["machinery", "fair", "brand", "training"],
        "title": ["Máy sấy", "Hội chợ <b>&</b>", "Thương hiệu", "Đào tạo"],
        "beneficiaries": [2, 30, 1, 25],
        "pilot": [True, False, False, False],
        "group": [False, True, False, False],
        "support_vnd": [400_000_000, 300_000_000, 35_000_000, 200_000_000],
        "counterpart_vnd": pd.array([1_200_000_000, None, 70_000_000, 0], dtype="Int64"),
        "approved_on": d(["2019-03-01", "2019-04-01", "2019-05-01", "2019-03-15"]),
        "planned_end": d(["2019-10-31", "2019-09-30", "2019-11-30", "2019-08-31"]),
        "status": ["accepted", "stopped", "in_progress", "accepted"],
        "finished_on": d(["2019-10-15", None, None, "2019-06-20"]),
        "accepted_on": d(["2019-11-05", None, None, "2019-06-28"]),
        "stopped_on": d([None, "2019-07-01", None, None]),
        "output_count": pd.array([2, 40, 1, 25], dtype="Int64"),
    })
    events = pd.DataFrame({
        "project_id": ["A", "B", "A"],
        "date": d(["2019-09-01", "2019-07-01", "2019-11-05"]),
        "kind": ["extension", "stop", "acceptance"],
        "new_planned_end": d(["2019-11-30", None, None]),
        "new_support_vnd": pd.array([None, None, None], dtype="Int64"),
        "note": ["", "beneficiary withdrew", ""],
    })
    payments = pd.DataFrame({
        "project_id": ["A", "A", "B", "C", "D", "D"],
        "date": d(["2019-04-01", "2019-11-20", "2019-05-01", "2020-01-10", "2019-04-01", "2019-06-30"]),
        "amount_vnd": [280_000_000, 120_000_000, 50_000_000, 35_000_000, 140_000_000, 60_000_000],
    })
    return {"plans": plans, "projects": projects, "events": events, "payments": payments}


@pytest.fixture
def tiny():
    return tiny_tables()
