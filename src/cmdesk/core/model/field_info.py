"""What a column means to people, written on the column itself (`mapped_column(info=...)`).

    nickname: Mapped[str] = mapped_column(String(100), default="",
                                          info=about(N_("Nickname"), SharedSection.IDENTITY))

The field catalog (model.catalog) reads these; sync's sharing filter, the conflict screen, the
command line's --set, the PDPA export and the printed documents read the catalog. A synced
column without one fails tests/core/model/test_catalog.py, naming it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

INFO_KEY: Final = "catalog"
# Sent with any shared child or case whatever the sections: which record it is, and whose.
BASE: Final = "base"


class Refers(StrEnum):
    USER = "user"
    ORGANISATION = "organisation"
    RECORD = "record"


@dataclass(frozen=True)
class Field:
    label: str = ""  # a message id; "" for bookkeeping no screen shows by itself
    codes: str | None = None  # a model.labels kind
    refers: Refers | None = None
    section: str | None = None  # a SharedSection, BASE, or None: never shared by section
    # A text people type with no rule but its length (trimmed; one line unless the column is
    # Text): services store it as typed, forms and documents show it under its label.
    plain: bool = False
    # Personal data of an adult who is not a client (a community contact person): kept with
    # the organisation, never shared by a section, never read into statistics.
    personal: bool = False


Info = dict[str, Field]


def about(label: str, section: str | None = None, *, plain: bool = False) -> Info:
    """A column holding what its SQL type says (text, date, number, yes/no)."""
    return {INFO_KEY: Field(label, section=section, plain=plain)}


def plain_text(label: str, section: str | None = None) -> Info:
    """A plain text on a child: stored, shown and printed with no code of its own."""
    return about(label, section, plain=True)


def adult_contact(label: str) -> Info:
    """A name or phone of an adult the organisation works with (not a child or family):
    personal data that stays with the organisation (no section)."""
    return {INFO_KEY: Field(label, personal=True)}


def code_of(label: str, codes: str, section: str | None = None) -> Info:
    """One code (or, in a JSON column, several) of the model.labels list `codes`."""
    return {INFO_KEY: Field(label, codes=codes, section=section)}


def user_ref(label: str = "") -> Info:
    return {INFO_KEY: Field(label, refers=Refers.USER)}


def org_ref(label: str, section: str | None = None) -> Info:
    return {INFO_KEY: Field(label, refers=Refers.ORGANISATION, section=section)}


def record_ref(label: str, section: str | None = None) -> Info:
    return {INFO_KEY: Field(label, refers=Refers.RECORD, section=section)}
