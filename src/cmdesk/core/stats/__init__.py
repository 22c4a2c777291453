"""Network statistics: figures of one organisation for a period, with no person in them.

Only counts and times leave this package; names, ids, case numbers and free text never enter
the figures (see aggregates.py), and small cells are hidden before anything is published
(see suppression.py).
"""
