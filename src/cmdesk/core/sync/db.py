"""The raw DBAPI connection sync works on, typed just enough.

The hot paths (capture at every commit, applying tens of thousands of operations) use the
driver connection directly: one prepared statement per batch, no ORM objects per row.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol, TypeVar

T = TypeVar("T")

# SQLite's limit on host parameters is 32766 since 3.32; stay well under it.
CHUNK = 500


class Cursor(Protocol):
    @property
    def description(self) -> Sequence[Sequence[Any]]: ...

    def fetchall(self) -> list[Any]: ...

    def fetchone(self) -> Any: ...

    def __iter__(self) -> Iterator[Any]: ...

    @property
    def rowcount(self) -> int: ...


class Db(Protocol):
    def execute(self, sql: str, parameters: Sequence[Any] = ..., /) -> Cursor: ...

    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> Cursor: ...


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def marks(n: int) -> str:
    return ",".join("?" * n)


def quote(name: str) -> str:
    """An identifier from the model (never from input), quoted for SQL."""
    return '"' + name.replace('"', '""') + '"'
