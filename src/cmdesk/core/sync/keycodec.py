"""Encoding shared by keys and certificates: base64 fields, canonical JSON (what is signed),
and bounded text fields read from files other people made."""

from __future__ import annotations

import base64
import json
from typing import Any


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: object, size: int | None = None) -> bytes:
    if not isinstance(text, str):
        raise ValueError("not base64 text")
    raw = base64.b64decode(text, validate=True)
    if size is not None and len(raw) != size:
        raise ValueError("wrong length")
    return raw


def canonical(obj: object) -> bytes:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def req_str(d: dict[str, Any], key: str, limit: int = 200) -> str:
    value = d.get(key)
    if not isinstance(value, str) or len(value) > limit:
        raise ValueError(key)
    return value


def opt_str(d: dict[str, Any], key: str, limit: int = 200) -> str | None:
    return None if d.get(key) is None else req_str(d, key, limit)
