"""Data problems in Vietnamese (kceval.display.messages): every message the validator writes has a template.

Reference: the validator itself on tables broken in every way it checks (one fault per row), so that a new message
without a Vietnamese template fails here rather than showing English in a Vietnamese report.
"""
from __future__ import annotations

import re

import pandas as pd

from kceval.dataset.validate import validate_tables
from kceval.display.labels import label
from kceval.display.messages import column_name, problem_message
from tests.support import tiny_tables


def broken_tables() -> dict[str, pd.DataFrame]:
    t = {k: v.copy() for k, v in tiny_tables().items()}
    p = pd.concat([t["projects"]] * 4, ignore_index=True)
    p["project_id"] = [f"P{i}" for i in range(len(p))]
    p.loc[0, "activity"] = "gardening"                                 # not an allowed value
    p.loc[1, "support_vnd"] = -5                                       # below the minimum
    p.loc[2, "planned_end"] = pd.Timestamp("2019-01-01")               # before approval
    p.loc[3, "accepted_on"] = pd.NaT                                   # accepted without a date
    p.loc[4, "status"] = "in_progress"                                 # a date of acceptance, not accepted
    p.loc[5, "project_id"] = "P6"                                      # duplicate id
    p.loc[7, "approved_on"] = pd.Timestamp("1990-05-01")               # outside the programme's years
    p.loc[8, "province"] = "Bình Phước"
    p.loc[8, "source"] = "national"                                    # no plan row
    p.loc[9, "stopped_on"] = pd.NaT
    p.loc[9, "status"] = "stopped"                                     # stopped without a date
    t["projects"] = p
    t["plans"] = pd.concat([t["plans"], t["plans"].iloc[[0]]], ignore_index=True)  # a second plan row
    pay = t["payments"].copy()
    pay.loc[len(pay)] = ["ZZZ", pd.Timestamp("2019-05-01"), 1_000]      # an unknown project
    pay.loc[len(pay)] = ["P10", pd.Timestamp("2018-01-01"), 10_000_000_000]  # early, and over the support
    t["payments"] = pay
    return t


def test_every_validator_message_has_a_vietnamese_template():
    problems = validate_tables(broken_tables()).problems
    assert len({p.message for p in problems}) >= 10  # the faults above reach ten kinds of message at least
    other = label("problem_other", "vi")
    for p in problems:
        vi = problem_message(p.message, "vi")
        assert vi != other, p.message
        # no English word of the message survives, only values (numbers, dates, names) and Vietnamese
        leftovers = [w for w in re.findall(r"[A-Za-z_]{3,}", vi) if w.isascii() and w not in p.message.split("'")]
        assert not [w for w in leftovers if w.lower() in {"is", "the", "but", "empty", "must", "status", "before",
                                                          "project", "plan", "row", "payments", "support"}], vi
        assert problem_message(p.message, "en") == p.message


def test_columns_in_words():
    assert column_name("support_vnd", "vi") == "kinh phí hỗ trợ" and column_name("support_vnd", "en") == "support_vnd"
    assert column_name(None, "vi") == ""
