"""How kceval shows figures, in Vietnamese and English: labels, number formats and HTML tables.

Used on both sides of a report: by the notebook sections (:mod:`kceval.report`) in the kernel
and by the renderer, index page and batch titles (:mod:`kceval.render`, :mod:`kceval.batch`)
on the host, which is why it lives apart from the (heavier) report façade.
"""
