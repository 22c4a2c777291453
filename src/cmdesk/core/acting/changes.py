"""What a mutation changed, so a front end refreshes exactly the views that show it.

Every service method that writes returns (or carries) an `OpChanges`; the GUI emits one
signal with it after each change op (the shape of Anki's OpChanges), and each view matches the
kinds it shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final


class Kind(StrEnum):
    """The kinds of record a view can show."""

    CHILD = "child"
    HOUSEHOLD = "household"
    CASE = "case"
    ASSESSMENT = "assessment"
    PLAN = "plan"
    REVIEW = "review"
    NOTE = "note"
    TASK = "task"
    CONSENT = "consent"
    REFERRAL = "referral"
    ORGANISATION = "organisation"
    MECHANISM = "mechanism"
    SYNC = "sync"  # conflicts and the exchange state


# The kind each synced table's rows are shown as (a change arriving by sync, or a conflict
# settled, names the table).
TABLE_KINDS: Final[dict[str, Kind]] = {
    "child": Kind.CHILD,
    "household_member": Kind.HOUSEHOLD,
    "case_file": Kind.CASE,
    "case_stage_change": Kind.CASE,
    "case_risk_change": Kind.CASE,
    "case_assessment": Kind.ASSESSMENT,
    "case_goal": Kind.PLAN,
    "case_plan_action": Kind.PLAN,
    "case_review": Kind.REVIEW,
    "case_note": Kind.NOTE,
    "case_task": Kind.TASK,
    "consent": Kind.CONSENT,
    "referral": Kind.REFERRAL,
    "referral_event": Kind.REFERRAL,
    "organisation": Kind.ORGANISATION,
    "community_mechanism": Kind.MECHANISM,
    "mechanism_meeting": Kind.MECHANISM,
}


def kind_of_table(table: str) -> Kind:
    """A table unknown here (a newer app's) is shown with its case."""
    return TABLE_KINDS.get(table, Kind.CASE)


@dataclass(frozen=True)
class OpChanges:
    # Kinds of record touched.
    kinds: frozenset[Kind] = field(default_factory=frozenset)
    # Ids of the records touched, for views showing one record.
    ids: frozenset[str] = field(default_factory=frozenset)

    def touches(self, *kinds: Kind) -> bool:
        """Whether any of `kinds` was touched."""
        return not self.kinds.isdisjoint(kinds)

    def __or__(self, other: OpChanges) -> OpChanges:
        return OpChanges(self.kinds | other.kinds, self.ids | other.ids)

    @classmethod
    def of(cls, *kinds: Kind, ids: frozenset[str] | tuple[str, ...] = ()) -> OpChanges:
        return cls(frozenset(kinds), frozenset(ids))
