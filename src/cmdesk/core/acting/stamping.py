"""Who changed a synced row: filled in on flush from the acting user of the transaction.

Services open their write transactions through `writing(ctx)`, so no code path can forget to
attribute a change, and the sync engineer's change capture sees created_by/updated_by set. A
laptop enrolled for one team checks there too that nothing else is changed (laptop_team.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from cmdesk.core.acting.context import Context
from cmdesk.core.acting.laptop_team import LAPTOP_TEAM_KEY, refuse_outside_team
from cmdesk.core.model.base import is_synced

ACTOR_KEY = "cmdesk_actor_id"


@contextmanager
def writing(ctx: Context) -> Iterator[Session]:
    """`ctx.write()` with the actor recorded on every synced row the transaction touches."""
    with ctx.write() as session:
        session.info[ACTOR_KEY] = ctx.actor.user_id
        session.info[LAPTOP_TEAM_KEY] = ctx.actor.laptop_team
        yield session


@event.listens_for(Session, "before_flush")
def _stamp(session: Session, _flush_context: Any, _instances: Any) -> None:
    actor_id = session.info.get(ACTOR_KEY)
    if actor_id is None:
        return
    refuse_outside_team(session)
    for row in session.new:
        if is_synced(type(row)):
            if not row.created_by:
                row.created_by = actor_id
            row.updated_by = actor_id
    for row in session.dirty:
        if is_synced(type(row)) and session.is_modified(row):
            row.updated_by = actor_id
