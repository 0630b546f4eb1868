"""Every report of a year in one command: plan the jobs (:mod:`.plan`), render them in warm worker
processes or on a Dask cluster (:mod:`.engine`, :mod:`.worker`, :mod:`.executors`), skip what is
unchanged (:mod:`.manifest`), and report progress (:mod:`.progress`).
"""
