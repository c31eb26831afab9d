"""Everything a meeting is, with no user interface: protocols, the run, fit-to-time, records.

Nothing in this package imports Textual (a test checks it).
"""
