"""Runs before any app code in the frozen bundle.

pythainlp creates ~/pythainlp-data and downloads corpora it lacks on first use. A field
laptop has no network, and cmdesk ships the one word list it needs (see bundle_contents.py),
so any download attempt would only hang on a dead connection or write outside the vault.
Read-only and offline mode make a missing corpus fail at once instead. setdefault: a
developer can still override them when diagnosing a bundle.
"""

import os

os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")
os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
