"""The host side of a report: check parameters, run a notebook in a (warm) kernel, render it to one
offline HTML page with its provenance, and build the index page. See :mod:`.one_report`.
"""
