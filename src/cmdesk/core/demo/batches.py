"""Building batches of demo cases as ready-to-insert values, in this process or in workers.

Building is pure Python and costs more than inserting; for large datasets it runs in worker
processes (spawned, so they inherit no open vault or key) while the calling process writes the
previous batch. Each case's rows depend only on the seed, its index and the world, so the
dataset is the same however the work is split.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

from sqlalchemy import JSON, Column, Date, Table

import cmdesk.core.model as model
from cmdesk.core.demo.records import TABLES, CaseBuilder, DemoWorld, utc_text
from cmdesk.core.model.base import UtcDateTime

Values = list[Any]


@dataclass(frozen=True)
class CaseSpec:
    index: int
    case_number: str
    opened_at: datetime


@dataclass(frozen=True)
class Batch:
    first: int
    count: int
    # table -> rows as value lists in the table's INSERT column order
    values: dict[str, list[Values]]

    @property
    def rows(self) -> int:
        return sum(len(v) for v in self.values.values())


def _utc_text(value: datetime | str) -> str:
    """What model.base.UtcDateTime stores; every demo datetime is already UTC. The builder
    passes the commonest ones (created_at, updated_at) already as text."""
    return value if isinstance(value, str) else utc_text(value)


def _converter(column: Column[Any]) -> Callable[[Any], Any] | None:
    """How the model's column type stores a value (worked out once per column: going through
    SQLAlchemy's bind processing row by row costs more than the insert itself)."""
    kind = column.type
    if isinstance(kind, UtcDateTime):
        return _utc_text
    if isinstance(kind, JSON):
        return json.dumps  # SQLAlchemy's default JSON serialiser, so rows read back alike
    if isinstance(kind, Date):
        return date.isoformat
    return None


@dataclass(frozen=True)
class Writer:
    """One table's INSERT, with its column order and the columns needing conversion."""

    sql: str
    columns: tuple[str, ...]
    convert: tuple[tuple[int, Callable[[Any], Any]], ...]

    @classmethod
    def of(cls, table: Table) -> Writer:
        columns = tuple(c.name for c in table.columns)
        convert = tuple(
            (i, conv) for i, c in enumerate(table.columns) if (conv := _converter(c)) is not None
        )
        marks = ", ".join("?" for _ in columns)
        sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks})"
        return cls(sql, columns, convert)

    def values(self, rows: list[dict[str, Any]]) -> Iterator[Values]:
        for row in rows:
            values = [row[c] for c in self.columns]
            for i, conv in self.convert:
                if values[i] is not None:
                    values[i] = conv(values[i])
            yield values


WRITERS: Final = {t: Writer.of(model.Base.metadata.tables[t]) for t in TABLES}


def build_batch(world: DemoWorld, seed: int, run: int, specs: list[CaseSpec]) -> Batch:
    values: dict[str, list[Values]] = {t: [] for t in TABLES}
    for spec in specs:
        rng = random.Random(f"{seed}:{run}:{spec.index}")
        built = CaseBuilder(spec.index, spec.case_number, spec.opened_at, world, rng).build()
        for table, rows in built.items():
            values[table].extend(WRITERS[table].values(rows))
    return Batch(specs[0].index if specs else 0, len(specs), values)
