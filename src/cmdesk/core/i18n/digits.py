"""Thai digits (๐–๙): optional in display (some official papers use them), always read in input."""

from __future__ import annotations

_ARABIC = "0123456789"
_THAI = "๐๑๒๓๔๕๖๗๘๙"
_TO_THAI = str.maketrans(_ARABIC, _THAI)
_FROM_THAI = str.maketrans(_THAI, _ARABIC)


def to_thai_digits(text: str) -> str:
    """Replaces every 0–9 with its Thai digit; everything else is left as it is."""
    return text.translate(_TO_THAI)


def from_thai_digits(text: str) -> str:
    """Replaces every Thai digit with 0–9, so input typed either way parses the same."""
    return text.translate(_FROM_THAI)
