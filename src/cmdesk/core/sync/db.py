"""The raw DBAPI connection sync works on, typed just enough.

The hot paths (capture at every commit, applying tens of thousands of operations) use the
driver connection directly: one prepared statement per batch, no ORM objects per row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Protocol, TypeVar

import sqlcipher3.dbapi2 as sqlcipher

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


def written(db: Db, savepoint: str, write: Callable[..., object], *args: Any) -> bool:
    """`write(*args)` inside a savepoint: True when it held; False, with nothing of it left,
    when it broke a unique key."""
    db.execute(f"SAVEPOINT {savepoint}")
    try:
        write(*args)
    except sqlcipher.IntegrityError:
        db.execute(f"ROLLBACK TO {savepoint}")
        db.execute(f"RELEASE {savepoint}")
        return False
    db.execute(f"RELEASE {savepoint}")
    return True


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def marks(n: int) -> str:
    return ",".join("?" * n)


def quote(name: str) -> str:
    """An identifier from the model (never from input), quoted for SQL."""
    return '"' + name.replace('"', '""') + '"'
