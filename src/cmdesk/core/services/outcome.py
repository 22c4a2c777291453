"""What a mutation hands back: its result and what it changed, in one value."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from cmdesk.core.acting.changes import OpChanges

T = TypeVar("T")


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """`value` is the DTO the caller asked for; `changes` is what the GUI signals to refresh."""

    value: T
    changes: OpChanges
