"""cmdesk: offline-first, encrypted case management for child protection."""

from __future__ import annotations

__version__ = "0.1.0"
