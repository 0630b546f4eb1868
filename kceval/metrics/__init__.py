"""Metrics: pure functions over the canonical tables (no I/O; inputs never modified).

Spending spread: :mod:`.spending`, :mod:`.pefa`, :mod:`.concentration`, :mod:`.profile`,
:mod:`.forecast`. Feasibility: :mod:`.feasibility`, :mod:`.funnel`, :mod:`.risk` (with
:mod:`.design`). Completion: :mod:`.completion`, :mod:`.survival`. Shared: :mod:`.intervals`
(the Estimate record and Wilson intervals). What the money bought: :mod:`.outputs`, :mod:`.unit_costs`,
:mod:`.remedies`. Published figures recomputed: :mod:`.reconcile`.
"""
