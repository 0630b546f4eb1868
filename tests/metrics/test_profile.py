"""In-year profile and year-end forecast, pinned to hand calculations written out below."""
from __future__ import annotations

import pandas as pd
import pytest

from kceval.dataset import Dataset
from kceval.errors import ParameterError
from kceval.metrics.forecast import forecast, forecast_backtest, year_end_forecast
from kceval.metrics.intervals import Estimate
from kceval.metrics.profile import monthly_profile, payment_calendar, profile_stats

DN, BD = "Đồng Nai", "Bình Dương"


def build(plans, projects, payments) -> Dataset:
    """Dataset from short rows: plans (year, province, approved), projects (id, year, province, support),
    payments (id, date, amount); every row local, activity machinery."""
    pl = pd.DataFrame(plans, columns=["year", "province", "approved_vnd"]).assign(source="local")
    pr = pd.DataFrame(projects, columns=["project_id", "year", "province", "support_vnd"]).assign(
        source="local", activity="machinery", title="x", beneficiaries=1, status="in_progress")
    pr["approved_on"] = pd.to_datetime(pr["year"].astype(str) + "-01-10")
    pr["planned_end"] = pd.to_datetime(pr["year"].astype(str) + "-12-31")
    pay = pd.DataFrame(payments, columns=["project_id", "date", "amount_vnd"])
    pay["date"] = pd.to_datetime(pay["date"])
    ds = Dataset.from_tables({"plans": pl, "projects": pr, "payments": pay})
    assert not ds.errors, ds.errors
    return ds


@pytest.fixture
def ds() -> Dataset:
    return build(
        plans=[(2017, DN, 1000), (2018, DN, 1000), (2019, DN, 1500), (2018, BD, 100), (2019, BD, 200)],
        projects=[("Q17", 2017, DN, 1000), ("Q18", 2018, DN, 1000), ("P1", 2019, DN, 1500),
                  ("B18", 2018, BD, 100), ("B19", 2019, BD, 200)],
        payments=[
            ("Q17", "2017-06-30", 300), ("Q17", "2017-12-31", 700), ("Q17", "2018-01-10", 50),
            ("Q18", "2018-06-01", 200), ("Q18", "2018-10-01", 600),
            ("P1", "2019-03-15", 200), ("P1", "2019-05-01", 100), ("P1", "2019-06-30", 100),
            ("P1", "2019-07-10", 150), ("P1", "2019-11-30", 300), ("P1", "2019-12-20", 200),
            ("P1", "2020-01-15", 50),
            ("B18", "2018-09-01", 100), ("B19", "2019-04-01", 50),
        ],
    )


def frozen(ds):
    return {k: getattr(ds, k).copy() for k in ("plans", "projects", "events", "payments")}


def test_monthly_profile_hand(ds):
    before = frozen(ds)
    p = monthly_profile(ds.select(province=DN), year=2019, as_of="2019-06-30")
    # cumulative 2019: Jan 0, Feb 0, Mar 200, Apr 200, May 300, Jun 400 (of 1500); July not started
    assert p["month"].tolist() == [1, 2, 3, 4, 5, 6]
    assert p["cumulative_vnd"].tolist() == [0, 0, 200, 200, 300, 400]
    assert p["cumulative_rate"].iloc[-1] == pytest.approx(400 / 1500)
    assert p["uniform_rate"].iloc[-1] == pytest.approx(0.5)
    # band at June: 2017 300/1000 = 0.3, 2018 200/1000 = 0.2 -> min 0.2, median 0.25, max 0.3
    jun = p.iloc[-1]
    assert (jun["band_min"], jun["band_median"], jun["band_max"]) == pytest.approx((0.2, 0.25, 0.3))
    assert jun["n_earlier_years"] == 2
    for k, v in before.items():
        pd.testing.assert_frame_equal(getattr(ds, k), v)


def test_monthly_profile_by_province(ds):
    p = monthly_profile(ds, year=2019, by="province", as_of="2019-12-31")
    bd = p[p["province"] == BD]
    # Bình Dương 2019: 50 in April of 200; band from 2018 only (0 by June, 100/100 by September)
    assert bd["month"].tolist() == list(range(1, 13))
    assert bd.set_index("month").loc[4, "cumulative_rate"] == pytest.approx(0.25)
    assert bd.set_index("month").loc[9, "band_median"] == pytest.approx(1.0)


def test_profile_stats_hand(ds):
    s = profile_stats(ds.select(province=DN), year=2019, as_of="2020-06-30").iloc[0]
    # paid in 2019: 200+100+100+150+300+200 = 1050; Q4 = 300 + 200 = 500; December 200;
    # mean Jan–Nov = (1050 − 200)/11; after 31 December: 50 of 1100
    assert s["paid_in_year_vnd"] == 1050
    assert s["q4_share"] == pytest.approx(500 / 1050)
    assert s["december_ratio"] == pytest.approx(200 / (850 / 11))
    assert s["after_year_end_share"] == pytest.approx(50 / 1100)
    # the year is not over on 30 June: Q4 and December figures are not computable
    s2 = profile_stats(ds.select(province=DN), year=2019, as_of="2019-06-30").iloc[0]
    assert pd.isna(s2["q4_share"]) and pd.isna(s2["december_ratio"])


def test_year_end_forecast_hand(ds):
    before = frozen(ds)
    f = year_end_forecast(ds, year=2019, as_of="2019-06-30", by="province").set_index("province")
    dn = f.loc[DN]
    # c by 30 June: 2017 300/1000 = 0.3 (the January 2018 payment is settlement, not year-end);
    # 2018 200/800 = 0.25. Median 0.275. Y = 400, plan 1500.
    assert dn["c_level"] == "province" and dn["n_years"] == 2
    assert dn["forecast_vnd"] == pytest.approx(400 / 0.275)
    assert dn["forecast_rate"] == pytest.approx(400 / 0.275 / 1500)
    assert (dn["forecast_low"], dn["forecast_high"]) == pytest.approx((400 / 0.3 / 1500, 400 / 0.25 / 1500))
    # naive: 30 June 2019 is day 181 of 365
    assert dn["naive_forecast_rate"] == pytest.approx(400 * 365 / 181 / 1500)
    assert dn["forecast_gap_points"] == pytest.approx(100 * (1 - 400 / 0.275 / 1500))
    # Bình Dương has one earlier year -> the region's c: 2017 0.3 (Đồng Nai only);
    # 2018 (200 + 0)/(800 + 100) = 2/9. Median (0.3 + 2/9)/2; Y = 50 of plan 200
    bd = f.loc[BD]
    assert bd["c_level"] == "region" and bd["n_years"] == 2
    cmed = (0.3 + 2 / 9) / 2
    assert bd["forecast_rate"] == pytest.approx(50 / cmed / 200)
    assert (bd["forecast_low"], bd["forecast_high"]) == pytest.approx((50 / 0.3 / 200, 50 / (2 / 9) / 200))
    for k, v in before.items():
        pd.testing.assert_frame_equal(getattr(ds, k), v)


def test_forecast_estimates(ds):
    f = forecast(ds, year=2019, as_of="2019-06-30", province="dong nai")
    assert isinstance(f["seasonal"], Estimate) and isinstance(f["naive"], Estimate)
    assert f["seasonal"].estimate == pytest.approx(400 / 0.275 / 1500)
    assert f["seasonal"].n == 2 and "min–max" in f["seasonal"].method
    assert f["naive"].estimate == pytest.approx(400 * 365 / 181 / 1500)


def test_forecast_backtest_hand(ds):
    bt = forecast_backtest(ds.select(province=DN), details=True)
    s = bt[(bt["date"] == "06-30") & (bt["method"] == "seasonal")].set_index("year")["abs_error_points"]
    # 2018 from 2017: c = 0.3, Y = 200 -> 666.7 of 1000 vs actual 800/1000: 13.33 points
    # 2019 from 2017–2018: 400/0.275/1500 = 0.9697 vs actual 1050/1500 = 0.7: 26.97 points
    assert s.loc[2018] == pytest.approx(100 * abs(200 / 0.3 / 1000 - 0.8))
    assert s.loc[2019] == pytest.approx(100 * abs(400 / 0.275 / 1500 - 0.7))
    mae = forecast_backtest(ds.select(province=DN)).set_index(["date", "method"])["mae_points"]
    assert mae.loc[("06-30", "seasonal")] == pytest.approx(
        50 * (abs(200 / 0.3 / 1000 - 0.8) + abs(400 / 0.275 / 1500 - 0.7))
    )
    # naive: 2018 200·365/181/1000, 2019 400·365/181/1500
    naive = 50 * (abs(200 * 365 / 181 / 1000 - 0.8) + abs(400 * 365 / 181 / 1500 - 0.7))
    assert mae.loc[("06-30", "naive")] == pytest.approx(naive)


@pytest.mark.parametrize("kw, word", [({"as_of": "2019-12-31"}, "`as_of`"), ({"as_of": "2040-01-01"}, "`as_of`"),
                                      ({"as_of": "2019-06-30", "by": "activity"}, "`by`"),
                                      ({"as_of": "2019-06-30", "year": 1990}, "`year`"),
                                      ({"as_of": "2019-06-30", "min_years": 0}, "`min_years`")])
def test_forecast_bad_arguments(ds, kw, word):
    kw = {"year": 2019, **kw}
    with pytest.raises(ParameterError, match=word):
        year_end_forecast(ds, **kw)


def test_profile_bad_arguments(ds):
    with pytest.raises(ParameterError, match="`by`"):
        monthly_profile(ds, year=2019, by="activity")
    with pytest.raises(ParameterError, match="`dates`"):
        forecast_backtest(ds, dates=("31-06",))


def test_headline_forecast_fields(ds):
    from kceval.headline.spending import headline_spending

    h = headline_spending(ds, year=2019, province=DN, as_of="2019-06-30")
    assert h["forecast_rate"] == pytest.approx(400 / 0.275 / 1500)
    assert h["forecast_interval"] == pytest.approx([400 / 0.3 / 1500, 400 / 0.25 / 1500])
    assert h["naive_forecast_rate"] == pytest.approx(400 * 365 / 181 / 1500)
    h2 = headline_spending(ds, year=2019, province=DN, as_of="2019-12-31")
    assert h2["forecast_rate"] is None and h2["q4_share"] == pytest.approx(500 / 1050)


@pytest.mark.parametrize("call", [
    lambda ds: profile_stats(ds, year=2019, by="province", as_of="2020-06-30"),
    lambda ds: forecast_backtest(ds, by="province", details=True),
    lambda ds: forecast(ds, year=2019, as_of="2019-09-30", region="south"),
    lambda ds: monthly_profile(ds, year=2019, by=["province", "source"]),
])
def test_profile_functions_do_not_mutate(ds, call):
    before = frozen(ds)
    call(ds)
    for k, v in before.items():
        pd.testing.assert_frame_equal(getattr(ds, k), v)


def test_as_of_before_the_plan_year(ds):
    with pytest.raises(ParameterError, match="`as_of`"):
        monthly_profile(ds, year=2019, as_of="2018-06-30")
    with pytest.raises(ParameterError, match="`as_of`"):
        profile_stats(ds, year=2019, as_of="2018-06-30")


def test_monthly_profile_two_groupings(ds):
    p = monthly_profile(ds, year=2019, by=["province", "source"], as_of="2019-06-30")
    dn = p[p["province"] == DN].set_index("month")
    assert dn.loc[6, "plan_vnd"] == 1500 and dn.loc[6, "cumulative_vnd"] == 400
    assert dn.loc[6, "band_median"] == pytest.approx(0.25)


def _three_augusts():
    """Plan 1000 a year; August payments 2017: 100 (10th), 300 (25th); 2018: 200, 100; 2019: 150 (10th)."""
    return build(
        plans=[(2017, DN, 1000), (2018, DN, 1000), (2019, DN, 1000)],
        projects=[("A", 2017, DN, 1000), ("B", 2018, DN, 1000), ("C", 2019, DN, 1000)],
        payments=[("A", "2017-08-10", 100), ("A", "2017-08-25", 300), ("B", "2018-08-10", 200),
                  ("B", "2018-08-25", 100), ("C", "2019-08-10", 150)])


def test_band_compares_a_partial_month_with_the_same_days_of_earlier_years():
    # Bug (issue 11): as of 15 August the current year was cut at the day, but the band of the
    # earlier years used their whole August. By hand, plan 1000 each year:
    #   2017: 100 on 10 Aug, 300 on 25 Aug -> cumulative 10% by 15 Aug, 40% by 31 Aug
    #   2018: 200 on 10 Aug, 100 on 25 Aug -> 20% by 15 Aug, 30% by 31 Aug
    #   2019: 150 on 10 Aug                -> 15% by 15 Aug
    ds = _three_augusts()
    aug = monthly_profile(ds, year=2019, as_of="2019-08-15").set_index("month").loc[8]
    assert aug["cumulative_rate"] == pytest.approx(0.15)
    assert (aug["band_min"], aug["band_max"]) == (pytest.approx(0.10), pytest.approx(0.20))
    # at a month end every month of the earlier years is whole
    aug = monthly_profile(ds, year=2019, as_of="2019-08-31").set_index("month").loc[8]
    assert (aug["band_min"], aug["band_max"]) == (pytest.approx(0.30), pytest.approx(0.40))
    # July is whole in both cases
    jul = monthly_profile(ds, year=2019, as_of="2019-08-15").set_index("month").loc[7]
    assert jul["band_max"] == 0


def test_seasonal_ratio_uses_the_same_day_of_earlier_years():
    # c = paid by 15 August / paid by 31 December, by hand: 2017 100/400, 2018 200/300
    ds = _three_augusts()
    f = year_end_forecast(ds, year=2019, as_of="2019-08-15", by=None).iloc[0]
    c = (100 / 400, 200 / 300)
    assert f["c_min"] == pytest.approx(min(c)) and f["c_max"] == pytest.approx(max(c))
    assert f["forecast_rate"] == pytest.approx(150 / (sum(c) / 2) / 1000)


def test_payment_calendar_key_against_pandas_dates():
    # reference: pandas' own year, month and day of each payment date (the key is computed by
    # integer arithmetic on day numbers): every day of 2019–2025 (leap years 2020, 2024), and a
    # project of plan year 2020 paid before, during and after its year
    days = pd.date_range("2019-01-01", "2025-12-31", freq="D") + pd.Timedelta(hours=13)
    ds = build([(2020, DN, 100)], [("A", 2020, DN, 100)], [("A", str(t), 1) for t in days])
    cal = payment_calendar(ds, ["province"])
    want = (days.year - 2020) * 10000 + days.month * 100 + days.day
    assert cal["key"].tolist() == want.tolist()
    assert cal.loc[cal["key"] == 229, "amount"].sum() == 1          # 29 February 2020

