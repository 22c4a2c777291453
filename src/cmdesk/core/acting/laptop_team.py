"""A laptop enrolled for one team changes only that team's cases (issue 10).

Such a laptop holds its team's cases. When the office hands one to another team, the case
stays on the laptop two weeks before it leaves (sync/team_leaving.py), and the worker may still
see it (it may stay assigned to them). The office refuses a change the laptop makes to it after
the move (sync/team_authority.py: late work is taken only when written before the laptop could
know), so a note written there would never arrive. Rather than let a tired worker write work
that is refused later, out of sight, the laptop refuses it at once, in the user's language:
case_actions offers nothing on such a case, and every transaction through `writing` is checked
here before it is flushed: a case whose team (before this change) is not the laptop's, any
record of one, a child whose cases are all with other teams. Handing one of the team's own
cases to another team is a change to the team's case, and allowed.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from cmdesk.core.acting.context import Actor
from cmdesk.core.errors import NEW_CASE_OUTSIDE_TEAM, OutsideLaptopTeam
from cmdesk.core.model import Case, Child
from cmdesk.core.model.base import is_synced

LAPTOP_TEAM_KEY = "cmdesk_laptop_team"


def read_only_here(case: Case, actor: Actor) -> bool:
    """Whether `case` is not the team this laptop is enrolled for (nothing may change here)."""
    return bool(actor.laptop_team) and case.team != actor.laptop_team


def refuse_outside_team(session: Session) -> None:
    """Before a flush of a transaction on a team's laptop: raises OutsideLaptopTeam when it
    changes anything of a case that is not the team's."""
    own = session.info.get(LAPTOP_TEAM_KEY)
    if not own:
        return
    with session.no_autoflush:
        for row in session.new:
            if isinstance(row, Case):
                if row.team != own:
                    raise OutsideLaptopTeam(NEW_CASE_OUTSIDE_TEAM, own=own)
            else:
                _linked(session, row, own)
        for row in [*session.dirty, *session.deleted]:
            if row in session.dirty and not session.is_modified(row):
                continue
            if isinstance(row, Case):
                if _before(row, "team") != own:
                    raise OutsideLaptopTeam(own=own)
            elif isinstance(row, Child):
                _child(session, row.id, own)
            else:
                _linked(session, row, own)


def _linked(session: Session, row: Any, own: str) -> None:
    if not is_synced(type(row)):
        return
    case_id = getattr(row, "case_id", None)
    if isinstance(case_id, str) and case_id:
        case = session.get(Case, case_id)
        if case is not None and _before(case, "team") != own:
            raise OutsideLaptopTeam(own=own)
        return
    child_id = getattr(row, "child_id", None)
    if isinstance(child_id, str) and child_id:
        _child(session, child_id, own)


def _child(session: Session, child_id: str, own: str) -> None:
    """A child's records are the team's while one of its cases is, or while it has none."""
    teams = set(session.scalars(select(Case.team).where(Case.child_id == child_id)))
    if teams and own not in teams:
        raise OutsideLaptopTeam(own=own)


def _before(row: Any, name: str) -> Any:
    """An attribute's value before this transaction changed it."""
    history = inspect(row).attrs[name].history
    return history.deleted[0] if history.deleted else getattr(row, name)
