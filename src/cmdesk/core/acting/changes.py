"""What a mutation changed, so a front end refreshes exactly the views that show it.

Every service method that writes returns (or carries) an `OpChanges`; the GUI emits one
signal with it after each change op (the shape of Anki's OpChanges).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class OpChanges:
    # Entity kinds touched, e.g. {"child", "case", "referral", "note"}.
    kinds: frozenset[str] = field(default_factory=frozenset)
    # Ids of the records touched, for views showing one record.
    ids: frozenset[str] = field(default_factory=frozenset)

    def touches(self, kind: str) -> bool:
        return kind in self.kinds

    def __or__(self, other: OpChanges) -> OpChanges:
        return OpChanges(self.kinds | other.kinds, self.ids | other.ids)

    @classmethod
    def of(cls, kind: str, *ids: str) -> OpChanges:
        return cls(frozenset({kind}), frozenset(ids))
