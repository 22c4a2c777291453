"""The merge, as pure functions of the set of operations a replica holds for one row.

Everything here depends only on the operations, never on the order they arrived in, so two
replicas holding the same operations hold the same values and the same conflicts.

- Winner: per field, the operation with the largest stamp (HLC, then origin device id).
- Heads: the operations of a field that no other operation has seen. An operation has seen
  the one whose stamp it carries as `prev` (the value it replaced) and those in `covers` (the
  other values shown to the person when they typed, e.g. while a conflict was open). When the
  operation named by `prev` is not held yet (bundles out of order), everything older than it
  counts as seen: it will be confirmed or corrected when the missing operation arrives.
- Edit conflict: a field whose heads hold two or more different values. Sequential edits
  leave one head, so they never conflict. Every value stays in the operation log.
- Delete conflict: a deletion and an edit of the same row where neither saw the other. Each
  change carries `seen`, the largest HLC of the row its author held; HLC causality means an
  author who held an operation has `seen` at least its stamp, so sequential work never
  conflicts.
- Bookkeeping fields (who changed a row and when, why it was deleted) are last-writer-wins
  without conflicts: every concurrent edit touches them and a person has nothing to decide.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

# A stored SQLite value; a list holds bytes (base64 in one string), never a user value.
Value = None | int | float | str | list[str]

DELETED_AT = "deleted_at"
# Pseudo-field for rows removed with DELETE: truthy means removed.
REMOVED = "-"
LIVENESS_FIELDS = frozenset({DELETED_AT, REMOVED})
SILENT_FIELDS = frozenset({"updated_at", "updated_by", "deleted_by", "deleted_reason"})

EDIT = "edit"
DELETE = "delete"


@dataclass(frozen=True, slots=True, order=True)
class Stamp:
    hlc: int
    origin: str

    def key(self) -> str:
        return f"{self.hlc}:{self.origin}"


@dataclass(frozen=True, slots=True)
class FieldOp:
    field: str
    value: Value
    stamp: Stamp
    prev: Stamp | None = None
    covers: tuple[Stamp, ...] = ()
    # Largest HLC of the row that the author's replica held before this change.
    seen: int = 0

    @property
    def deletes(self) -> bool:
        return self.field in LIVENESS_FIELDS and bool(self.value)


@dataclass(frozen=True, slots=True)
class FieldState:
    winner: FieldOp
    # Every head, winner first, then by stamp descending.
    heads: tuple[FieldOp, ...]

    @property
    def extra_heads(self) -> tuple[FieldOp, ...]:
        return self.heads[1:]


@dataclass(frozen=True, slots=True)
class Conflict:
    id: str
    table: str
    row_id: str
    field: str
    kind: str
    # (stamp, value) of each side, winner first. For a delete conflict: the deletion, then
    # each concurrent edit (field=value) the deletion did not see.
    sides: tuple[tuple[Stamp, str, Value], ...]


@dataclass(frozen=True)
class RowState:
    fields: dict[str, FieldState] = field(default_factory=dict)
    conflicts: tuple[Conflict, ...] = ()

    @property
    def values(self) -> dict[str, Value]:
        return {name: st.winner.value for name, st in self.fields.items()}

    @property
    def removed(self) -> bool:
        st = self.fields.get(REMOVED)
        return st is not None and bool(st.winner.value)

    def max_hlc(self) -> int:
        return max((h.stamp.hlc for st in self.fields.values() for h in st.heads), default=0)


def field_state(ops: Sequence[FieldOp], *, silent: bool = False) -> FieldState:
    """Winner and heads of one field (ops: all held operations of it, at least one).

    A bookkeeping (silent) field is plain last-writer-wins: its only head is the winner.
    """
    if silent:
        best = max(ops, key=lambda op: op.stamp)
        return FieldState(best, (best,))
    stamps = {op.stamp for op in ops}
    superseded: set[Stamp] = set()
    dangling: list[Stamp] = []
    for op in ops:
        if op.prev is not None:
            if op.prev in stamps:
                superseded.add(op.prev)
            else:
                dangling.append(op.prev)
        superseded.update(op.covers)
    if dangling:
        newest_missing = max(dangling)
        superseded.update(s for s in stamps if s < newest_missing)
    winner = max(ops, key=lambda op: op.stamp)
    others = sorted(
        (op for op in ops if op.stamp not in superseded and op is not winner),
        key=lambda op: op.stamp,
        reverse=True,
    )
    return FieldState(winner, (winner, *others))


def _differ(name: str, heads: Sequence[FieldOp]) -> bool:
    if name in LIVENESS_FIELDS:
        return len({bool(h.value) for h in heads}) > 1
    first = heads[0].value
    return any(h.value != first or type(h.value) is not type(first) for h in heads[1:])


def conflict_id(
    table: str,
    row_id: str,
    name: str,
    kind: str,
    stamps: Iterable[Stamp],
    *,
    first: Stamp | None = None,
) -> str:
    """The same on every laptop that holds the same operations. A delete conflict names its
    deletion apart from the edits it did not see: two laptops that each deleted a record in
    a change that also edited it make two conflicts over the same set of stamps (each
    deletion against the other's edit), which must not share an id."""
    head = [first.key()] if first is not None else []
    parts = [table, row_id, name, kind, *head, *sorted(s.key() for s in stamps)]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]


def concurrent(deletion: FieldOp, edit: FieldOp) -> bool:
    """Neither saw the other (and they are not parts of the same change)."""
    if deletion.stamp == edit.stamp:
        return False
    return edit.stamp.hlc > deletion.seen and deletion.stamp.hlc > edit.seen


def row_state(table: str, row_id: str, ops: Iterable[FieldOp]) -> RowState:
    by_field: dict[str, list[FieldOp]] = {}
    for op in ops:
        by_field.setdefault(op.field, []).append(op)
    states = {
        name: field_state(fops, silent=name in SILENT_FIELDS) for name, fops in by_field.items()
    }
    conflicts: list[Conflict] = []
    for name in sorted(states):
        st = states[name]
        if name in SILENT_FIELDS or len(st.heads) < 2 or not _differ(name, st.heads):
            continue
        conflicts.append(
            Conflict(
                conflict_id(table, row_id, name, EDIT, (h.stamp for h in st.heads)),
                table,
                row_id,
                name,
                EDIT,
                tuple((h.stamp, name, h.value) for h in st.heads),
            )
        )
    edit_heads = [
        h
        for name, st in states.items()
        if name not in SILENT_FIELDS and name not in LIVENESS_FIELDS
        for h in st.heads
    ]
    for name in sorted(LIVENESS_FIELDS & states.keys()):
        for deletion in states[name].heads:
            if not deletion.deletes:
                continue
            unseen = sorted(
                (e for e in edit_heads if concurrent(deletion, e)),
                key=lambda e: (e.stamp, e.field),
            )
            if unseen:
                unseen_stamps = [e.stamp for e in unseen]
                conflicts.append(
                    Conflict(
                        conflict_id(
                            table, row_id, name, DELETE, unseen_stamps, first=deletion.stamp
                        ),
                        table,
                        row_id,
                        name,
                        DELETE,
                        (
                            (deletion.stamp, name, deletion.value),
                            *((e.stamp, e.field, e.value) for e in unseen),
                        ),
                    )
                )
    return RowState(states, tuple(conflicts))


def fast_forward(
    current: Mapping[str, tuple[Stamp, tuple[Stamp, ...]]],
    deleting: Sequence[Stamp],
    change: Sequence[FieldOp],
    *,
    has_conflicts: bool,
) -> bool:
    """True when applying `change` to a row is a plain fast-forward, so the result equals
    `row_state` without reading the row's history.

    current: per field, the winner stamp and the other heads; deleting: stamps of deleting
    heads of the row.
    """
    if has_conflicts:
        return False
    row_max = max(
        (s.hlc for w, extra in current.values() for s in (w, *extra)),
        default=0,
    )
    for op in change:
        cur = current.get(op.field)
        if cur is None:
            if op.prev is not None or op.covers:
                return False
        elif op.field in SILENT_FIELDS:
            if not op.stamp > cur[0]:
                return False
        else:
            winner, extra = cur
            if extra or op.covers or op.prev != winner or not op.stamp > winner:
                return False
        if op.deletes and op.seen < row_max:
            return False
        if (
            op.field not in SILENT_FIELDS
            and op.field not in LIVENESS_FIELDS
            and any(d.hlc > op.seen for d in deleting)
        ):
            return False
    return True
