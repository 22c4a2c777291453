"""One screen per module; each has retranslate() for runtime language switching."""
