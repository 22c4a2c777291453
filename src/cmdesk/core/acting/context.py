"""What every service shares: the engine, who is acting, on which device, and transactions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from cmdesk.core.errors import PermissionDenied, VaultLocked


@dataclass(frozen=True)
class Actor:
    """The signed-in user as services see them."""

    user_id: str
    username: str
    role: str
    org_id: str
    team: str = ""
    display_name: str = ""  # the person's full name, as screens show them (else the username)
    # The team this laptop is enrolled for ("": the whole organisation). Only that team's cases
    # may be changed here; one handed to another team stays readable until it leaves.
    laptop_team: str = ""

    @property
    def name(self) -> str:
        return self.display_name or self.username


class Context:
    def __init__(self, engine: Engine, device_id: str, actor: Actor) -> None:
        self._engine: Engine | None = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self.device_id = device_id
        self.actor = actor

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            raise VaultLocked
        return self._engine

    def close(self) -> None:
        self._engine = None

    @contextmanager
    def read(self) -> Iterator[Session]:
        self.engine  # noqa: B018 - raises VaultLocked once locked
        with self._sessions() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction, taken with BEGIN IMMEDIATE so the audit chain has one writer."""
        self.engine  # noqa: B018
        with self._sessions() as session:
            # Autobegins the transaction on a connection flagged for BEGIN IMMEDIATE.
            session.connection(execution_options={"cmdesk_immediate": True})
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def require_role(self, *roles: str) -> None:
        if self.actor.role not in roles:
            raise PermissionDenied
