"""Headline figures: a selection's summary (:mod:`.summary`) built from the spending, feasibility
and completion headlines (:mod:`.spending`, :mod:`.feasibility`, :mod:`.completion`), every
province side by side, and their hand-over from a report notebook to the index (:mod:`.handover`).
"""
