"""The sync screen's parts: exchanging bundles, the laptops and organisations known, and
the words for conflicting records and values."""
