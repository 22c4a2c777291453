"""Typed errors of the core. Each carries a message id and parameters, never personal data,
so a front end can show it in the user's language and logs stay clean.

`str(error)` is the English text (for logs and developers); front ends call `message(tr)`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from cmdesk.core.text_ids import N_

if TYPE_CHECKING:
    from cmdesk.core.i18n import Translator
    from cmdesk.core.services.duplicates import DuplicateCandidate


class CmdeskError(Exception):
    """Base of every error the core raises on purpose."""

    msgid: ClassVar[str] = N_("Something went wrong.")

    def __init__(self, msgid: str | None = None, /, **params: object) -> None:
        self.text_id = msgid or type(self).msgid
        self.params = params
        super().__init__(self.text_id.format(**params))

    def message(self, tr: Translator) -> str:
        return tr.format(self.text_id, **self.params)


class NoSuchVault(CmdeskError):
    msgid = N_("There is no vault at this location. Check the folder, or create a new vault.")


class VaultExists(CmdeskError):
    msgid = N_("A vault already exists at this location.")


class WrongPassphrase(CmdeskError):
    msgid = N_("The user name or passphrase is not correct.")


class AccountClosed(CmdeskError):
    """The organisation closed this account, and everything made on this laptop has reached
    another of its laptops (sync/closed_accounts.py)."""

    msgid = N_(
        "Your organisation has closed your account, so this laptop no longer opens for you. "
        "Everything made on it has reached your organisation: nothing is lost. Give the laptop "
        "to your data manager."
    )


class UnlockThrottled(CmdeskError):
    msgid = N_("Too many wrong passphrases. Wait {seconds} seconds, then try again.")
    ONE_SECOND = N_("Too many wrong passphrases. Wait 1 second, then try again.")

    def __init__(self, seconds: int) -> None:
        super().__init__(seconds=seconds)
        self.seconds = seconds

    def message(self, tr: Translator) -> str:
        # "Wait 1 seconds" reads wrong; Thai has one form for both.
        return tr.gettext(self.ONE_SECOND) if self.seconds == 1 else super().message(tr)


class VaultDamaged(CmdeskError):
    msgid = N_(
        "The vault is damaged and cannot be opened. Restore it from a backup, "
        "or ask your data manager for help."
    )


class VaultTooNew(CmdeskError):
    msgid = N_("This vault was written by a newer version of cmdesk. Update cmdesk to open it.")


class VaultLocked(CmdeskError):
    msgid = N_("The vault is locked. Unlock it to continue.")


class PermissionDenied(CmdeskError):
    msgid = N_("You do not have permission to do this.")


class NotFound(CmdeskError):
    msgid = N_("The record was not found.")


class DuplicateSuspected(CmdeskError):
    """Registration refused: the child may already be in the vault. Carries the candidates so
    the front end can show them; registering again with confirmation goes ahead."""

    msgid = N_(
        "This child may already be registered. Check the possible matches, or confirm that "
        "this is a different child."
    )

    def __init__(self, candidates: tuple[DuplicateCandidate, ...]) -> None:
        super().__init__()
        self.candidates = candidates


class ConsentRequired(CmdeskError):
    msgid = N_(
        "There is no consent or other lawful basis to share this case with that organisation. "
        "Record the consent first, or give the reason for sharing without it."
    )


class TransitionNotAllowed(CmdeskError):
    """A workflow step that the current state does not allow (wrong stage, missing approval,
    closed case). The message id says which rule applies."""

    msgid = N_("This step is not possible at the current stage.")


class OutsideLaptopTeam(CmdeskError):
    """A change on a laptop enrolled for one team to a case that is not the team's (handed to
    another team meanwhile): the office would refuse it, so the laptop does first."""

    msgid = N_(
        "This case is no longer with team {own}, the team this laptop is enrolled for: here it"
        " can be read but not changed, until it leaves the laptop. Ask the office to make"
        " changes."
    )


# A case opened on such a laptop outside its team (OutsideLaptopTeam's other message).
NEW_CASE_OUTSIDE_TEAM = N_(
    "This laptop is enrolled for team {own}: cases opened on it are in team {own}, with a"
    " worker of that team or none."
)


class RecoveryKeyMismatch(CmdeskError):
    msgid = N_("This recovery key does not belong to this vault.")


class BundleRejected(CmdeskError):
    msgid = N_("The sync bundle was rejected.")


class HubTrouble(CmdeskError):
    """The sync hub could not be reached, was not the pinned one, or refused this laptop."""

    msgid = N_("The sync hub could not be reached. Nothing was lost; try again later.")


class BundleTooLarge(HubTrouble):
    """The hub takes no bundle this large (its operator's limit, `limit` bytes)."""

    msgid = N_("The bundle is larger than the sync hub takes ({limit_mb} MB).")

    def __init__(self, limit: int, *, size: int = 0, operations: int = 0) -> None:
        super().__init__(limit_mb=max(1, limit >> 20))
        self.limit = limit
        # When it could not be cut into parts under the limit: the whole bundle, not sent.
        self.size = size
        self.operations = operations


class HubFull(HubTrouble):
    """The hub holds as much as it may from this laptop or its organisation (its quota)."""

    msgid = N_("The sync hub has no room for this laptop's bundles now.")


@dataclass(frozen=True)
class FieldError:
    """One problem with one input field, e.g. ("id_number", "The check digit is wrong.")."""

    field: str
    msgid: str
    params: dict[str, object] = dataclasses.field(default_factory=dict)

    def message(self, tr: Translator) -> str:
        return tr.format(self.msgid, **self.params)


class ValidationError(CmdeskError):
    """Bad input. Nothing was changed. Carries one message per field."""

    msgid = N_("Some fields need attention.")

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__()
        self.errors = errors

    @classmethod
    def single(cls, field_name: str, msgid: str, /, **params: object) -> ValidationError:
        return cls([FieldError(field_name, msgid, dict(params))])

    def message(self, tr: Translator) -> str:
        lines = [tr.gettext(self.text_id)]
        lines += [f"{e.field}: {e.message(tr)}" for e in self.errors]
        return "\n".join(lines)

    def __str__(self) -> str:
        return "; ".join(f"{e.field}: {e.msgid.format(**e.params)}" for e in self.errors)
