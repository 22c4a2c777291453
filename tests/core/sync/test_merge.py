"""The merge as pure functions: any order gives the same values and conflicts; sequential
edits never conflict; concurrent ones always do, keeping every value."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from hypothesis import given, settings
from hypothesis import strategies as st

from cmdesk.core.sync.merge import (
    DELETE,
    DELETED_AT,
    EDIT,
    SILENT_FIELDS,
    FieldOp,
    RowState,
    Stamp,
    fast_forward,
    row_state,
)

FIELDS = ["name", "village", "updated_at", DELETED_AT]


@dataclass
class Replica:
    name: str
    ops: set[FieldOp] = field(default_factory=set)
    clock: int = 0

    def state(self) -> RowState:
        return row_state("t", "r", self.ops)

    def write(self, values: dict[str, object]) -> list[FieldOp]:
        """One local change (like capture): every field replaces and covers what is held."""
        st = self.state()
        seen = st.max_hlc()
        self.clock = max(self.clock, seen) + 1
        stamp = Stamp(self.clock, self.name)
        made = []
        for name, value in values.items():
            fs = st.fields.get(name)
            prev = fs.winner.stamp if fs else None
            covers = (
                tuple(h.stamp for h in fs.extra_heads) if fs and name not in SILENT_FIELDS else ()
            )
            made.append(FieldOp(name, value, stamp, prev, covers, seen))  # type: ignore[arg-type]
        self.ops |= set(made)
        return made

    def receive(self, other: Replica) -> None:
        self.ops |= other.ops
        self.clock = max([self.clock, *(op.stamp.hlc for op in other.ops)])


def summary(st: RowState) -> tuple[object, ...]:
    return (
        sorted(st.values.items()),
        sorted((c.id, c.kind, c.field, c.sides) for c in st.conflicts),
    )


actions = st.lists(
    st.one_of(
        st.tuples(
            st.just("edit"),
            st.integers(0, 2),
            st.sampled_from(FIELDS[:2]),
            st.text("ab", max_size=2),
        ),
        st.tuples(st.just("delete"), st.integers(0, 2), st.just(""), st.just("")),
        # A deletion that edits the record in the same change (as a copy of a vault
        # re-issuing another laptop's work under its own name does).
        st.tuples(
            st.just("delete and edit"), st.integers(0, 2), st.just(""), st.text("ab", max_size=2)
        ),
        st.tuples(st.just("restore"), st.integers(0, 2), st.just(""), st.just("")),
        st.tuples(st.just("sync"), st.integers(0, 2), st.integers(0, 2), st.just("")),
    ),
    max_size=25,
)


def run(plan: list[tuple[object, ...]]) -> list[Replica]:
    reps = [Replica(n) for n in ("a", "b", "c")]
    reps[0].write({"name": "x", "village": "v", "updated_at": 0, DELETED_AT: None})
    for other in reps[1:]:
        other.receive(reps[0])
    for kind, i, f, v in plan:
        rep = reps[i]  # type: ignore[index]
        if kind == "edit":
            rep.write({f: v, "updated_at": rep.clock})  # type: ignore[dict-item]
        elif kind == "delete":
            rep.write({DELETED_AT: "2026-01-01", "updated_at": rep.clock})
        elif kind == "delete and edit":
            rep.write({DELETED_AT: "2026-01-01", "village": v, "updated_at": rep.clock})
        elif kind == "restore":
            rep.write({DELETED_AT: None, "updated_at": rep.clock})
        else:
            rep.receive(reps[f])  # type: ignore[index]
    return reps


@settings(max_examples=300)
@given(actions, st.randoms())
def test_every_order_and_every_replica_gives_the_same_state(
    plan: list[tuple[object, ...]], rnd: random.Random
) -> None:
    reps = run(plan)
    for r in reps[1:]:
        reps[0].receive(r)
    ops = list(reps[0].ops)
    merged = row_state("t", "r", ops)
    # A vault keeps one conflict per id: two conflicts sharing one would stop the import.
    assert len({c.id for c in merged.conflicts}) == len(merged.conflicts)
    expected = summary(merged)
    for _ in range(3):
        rnd.shuffle(ops)
        assert summary(row_state("t", "r", ops)) == expected
    for r in reps[1:]:
        r.receive(reps[0])
        assert summary(r.state()) == expected


@settings(max_examples=300)
@given(
    st.lists(
        st.tuples(st.integers(0, 2), st.sampled_from(FIELDS[:2]), st.text("abc", max_size=2)),
        max_size=20,
    )
)
def test_sequential_edits_never_conflict(edits: list[tuple[int, str, str]]) -> None:
    reps = run([])
    for i, f, v in edits:
        # Hand-over: the editor has everything before it edits (a USB round after each edit).
        for other in reps:
            reps[i].receive(other)
        reps[i].write({f: v, "updated_at": reps[i].clock})
    for r in reps:
        for other in reps:
            r.receive(other)
        assert r.state().conflicts == ()


def test_concurrent_edits_conflict_keeping_both_values_and_a_resolution_settles_it() -> None:
    a, b, c = run([])
    a.write({"name": "from a"})
    b.write({"name": "from b"})
    c.receive(b)
    c.receive(a)
    (conflict,) = c.state().conflicts
    assert conflict.kind == EDIT and conflict.field == "name"
    assert {v for _, _, v in conflict.sides} == {"from a", "from b"}
    winner = max((a, b), key=lambda r: Stamp(r.clock, r.name))
    assert c.state().values["name"] == ("from a" if winner is a else "from b")
    c.write({"name": "agreed"})
    a.receive(c)
    b.receive(c)
    assert a.state().conflicts == b.state().conflicts == ()
    assert a.state().values["name"] == b.state().values["name"] == "agreed"


def test_same_value_written_concurrently_is_not_a_conflict() -> None:
    a, b, _ = run([])
    a.write({"name": "same"})
    b.write({"name": "same"})
    a.receive(b)
    assert a.state().conflicts == ()


def test_delete_versus_concurrent_edit_is_a_conflict_but_edit_after_delete_is_not() -> None:
    a, b, c = run([])
    a.write({DELETED_AT: "2026-01-01"})
    b.write({"village": "moved"})
    c.receive(a)
    c.receive(b)
    kinds = {(x.kind, x.field) for x in c.state().conflicts}
    assert kinds == {(DELETE, DELETED_AT)}
    # Keeping the deletion after seeing the edit settles it.
    c.write({DELETED_AT: "2026-01-02"})
    assert c.state().conflicts == ()
    # An edit made after seeing a deletion is sequential.
    d, e, _ = run([])
    d.write({DELETED_AT: "2026-01-01"})
    e.receive(d)
    e.write({"village": "fixed typo"})
    d.receive(e)
    assert d.state().conflicts == ()


def test_a_missing_middle_operation_does_not_look_like_a_conflict() -> None:
    a, b, c = run([])
    first = a.write({"name": "1"})
    b.receive(a)
    b.write({"name": "2"})
    a.receive(b)
    third = a.write({"name": "3"})
    # c holds the first and third edits but not the second (bundles out of order).
    c.ops |= set(first) | set(third)
    assert c.state().conflicts == ()
    assert c.state().values["name"] == "3"


@settings(max_examples=300)
@given(actions, st.integers(0, 2), st.sampled_from(FIELDS), st.text("ab", max_size=2))
def test_fast_forward_agrees_with_the_full_merge(
    plan: list[tuple[object, ...]], src: int, f: str, v: str
) -> None:
    reps = run(plan)
    target = reps[(src + 1) % 3]
    writer = reps[src]
    before = target.state()
    change = writer.write({f: v if f != "updated_at" else writer.clock})
    current = {
        name: (fs.winner.stamp, tuple(h.stamp for h in fs.extra_heads))
        for name, fs in before.fields.items()
    }
    deleting = [h.stamp for h in before.fields[DELETED_AT].heads if h.deletes]
    if fast_forward(current, deleting, change, has_conflicts=bool(before.conflicts)):
        after = row_state("t", "r", target.ops | set(change))
        assert after.conflicts == ()
        assert after.values == {**before.values, **{op.field: op.value for op in change}}
