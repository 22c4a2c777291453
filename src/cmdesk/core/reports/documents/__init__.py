"""One module per document; each has a pure `build_…(data, *, tr, level, …) -> bytes`."""
