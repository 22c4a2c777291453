"""The screenshot tour: the app driven through every main screen (walk.py, sync_stops.py).

It lives in the tests, not in the package, because it signs in with demo accounts whose
passphrases are written in it; scripts/screenshots.py and the GUI benchmarks import it from here.
"""
