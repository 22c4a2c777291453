"""Staff accounts: a row in the vault plus a key slot. Data managers manage them."""

from __future__ import annotations

import builtins
import difflib
import re
from dataclasses import dataclass, replace
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from cmdesk.core.acting.audit import AuditService
from cmdesk.core.acting.context import Context
from cmdesk.core.errors import NotFound, PermissionDenied, ValidationError, WrongPassphrase
from cmdesk.core.i18n import N_
from cmdesk.core.model import Colleague, Organisation, User
from cmdesk.core.model.org import user_id_for
from cmdesk.core.model.roles import Role
from cmdesk.core.vault import crypto
from cmdesk.core.vault.store import Vault

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSPHRASE = 10


@dataclass(frozen=True)
class Removal:
    """What removing a user did to the vault's key."""

    rekeyed: bool  # the database is under a new key the removed user never had
    # Users who must unlock once before the key can change (their slots predate key pairs);
    # empty with rekeyed False: another program had the vault open. Either way the key
    # changes at the next unlock that can.
    waiting_for: tuple[str, ...] = ()


@dataclass(frozen=True)
class UserDTO:
    id: str
    username: str
    display_name: str
    role: str
    team: str
    org_code: str
    active: bool
    # False: a colleague the office's directory named, whose account is on other laptops
    # (sync.colleagues); they can be named and given cases here, never sign in here.
    here: bool = True
    # Set by `add` when the name was a removed account's, now open again.
    reopened: bool = False

    @property
    def name(self) -> str:
        return self.display_name or self.username


def check_username(username: str) -> str:
    name = username.strip().lower()
    if not USERNAME_RE.match(name):
        raise ValidationError.single(
            "username",
            N_(
                "A user name is 2 to 64 letters a-z, digits, dots, dashes or underscores, "
                "starting with a letter or digit."
            ),
        )
    return name


def check_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise ValidationError.single(
            "passphrase",
            N_("A passphrase needs at least {n} characters. Several words are easiest."),
            n=MIN_PASSPHRASE,
        )


def check_role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise ValidationError.single("role", N_("Unknown role: {role}."), role=role) from None


def known_staff(session: Session) -> dict[str, tuple[str, str]]:
    """Id -> (user name, full name) of everyone of the organisation this laptop knows: the
    colleagues the office's directory named (sync.colleagues), then its own accounts, which
    come first."""
    found = {
        cid: (name, display)
        for cid, name, display in session.execute(
            select(Colleague.id, Colleague.username, Colleague.display_name)
        )
    }
    found.update(
        (uid, (name, display))
        for uid, name, display in session.execute(select(User.id, User.username, User.display_name))
    )
    return found


def to_dto(user: User, org_code: str) -> UserDTO:
    return UserDTO(
        user.id, user.username, user.display_name, user.role, user.team, org_code, user.active
    )


# Said after `remove`: what happens on the person's own laptop (sync/closed_accounts.py).
OWN_LAPTOP_CLOSES: Final = N_(
    "On a laptop of their own, the account closes too, once that laptop has received your "
    "organisation's next bundle and its work has reached your organisation. A laptop that is "
    "not coming back can be revoked, so that nothing more reaches it."
)


class UserService:
    def __init__(self, ctx: Context, vault: Vault, audit: AuditService) -> None:
        self._ctx = ctx
        self._vault = vault
        self._audit = audit

    def list(self) -> list[UserDTO]:
        with self._ctx.read() as s:
            rows = s.execute(
                select(User, Organisation.code)
                .join(Organisation, User.org_id == Organisation.id)
                .order_by(User.username)
            ).all()
            return [to_dto(u, code) for u, code in rows]

    def people(self) -> builtins.list[UserDTO]:
        """Everyone of the organisation this laptop knows, by user name: its own accounts, and
        the colleagues the office's directory named (an account here comes first)."""
        accounts = self.list()
        ids = {u.id for u in accounts} | {u.username for u in accounts}
        with self._ctx.read() as s:
            code = s.scalar(
                select(Organisation.code).where(Organisation.id == self._ctx.actor.org_id)
            )
            others = [
                UserDTO(
                    c.id, c.username, c.display_name, c.role, c.team, code or "", c.active, False
                )
                for c in s.scalars(
                    select(Colleague).where(Colleague.org_id == self._ctx.actor.org_id)
                )
                if c.id not in ids and c.username not in ids
            ]
        return sorted(accounts + others, key=lambda u: u.username)

    def unknown_to_the_office(self, username: str) -> tuple[str, ...] | None:
        """None when the office's directory (sync.colleagues) names `username`, or when this
        laptop has none; else the directory's user names closest to it (a name mistyped when
        joining: the cases the office gives that person would never show under it)."""
        name = username.strip().lower()
        with self._ctx.read() as s:
            names = list(s.scalars(select(Colleague.username)))
        if not names or name in names:
            return None
        return tuple(difflib.get_close_matches(name, names, n=3, cutoff=0.6))

    def get(self, username: str) -> UserDTO:
        for user in self.list():
            if user.username == username.strip().lower():
                return user
        raise NotFound

    def add(
        self,
        username: str,
        passphrase: str,
        role: str,
        display_name: str = "",
        team: str = "",
        kdf: crypto.KdfParams | None = None,
    ) -> UserDTO:
        """A new account; or, for a removed account's user name, that account open again with
        this passphrase (`reopened` on the result)."""
        self._ctx.require_role(Role.DATA_MANAGER)
        name = check_username(username)
        check_role(role)
        check_passphrase(passphrase)
        with self._ctx.write() as s:
            user = s.scalar(select(User).where(User.username == name))
            if user is not None and user.active:
                raise ValidationError.single(
                    "username", N_("The user name {name} is taken."), name=name
                )
            reopened = user is not None
            if user is None:
                user = User(
                    id=user_id_for(self._ctx.actor.org_id, name),
                    org_id=self._ctx.actor.org_id,
                    username=name,
                    display_name=display_name.strip(),
                    role=role,
                    team=team.strip(),
                )
                s.add(user)
            else:
                # A removed account given a passphrase again: the same person back (a contract
                # renewed, a leave ended). The account keeps its id, so its history and its
                # cases stay theirs, and the office's directory opens it again on their own
                # laptop (sync.closed_accounts).
                user.active = True
                user.role = role
                user.team = team.strip()
                user.display_name = display_name.strip() or user.display_name
            s.flush()
            action = "user.reopen" if reopened else "user.add"
            self._audit.record(s, action, "app_user", user.id, {"role": role})
            # The slot is written inside the transaction: if it fails, the user row rolls back.
            self._vault.slots.set_passphrase(
                name, passphrase, self._vault.data_key, kdf or crypto.tune_kdf()
            )
            self._vault.save_slots()
            code = s.scalar(select(Organisation.code).where(Organisation.id == user.org_id))
            return replace(to_dto(user, code or ""), reopened=reopened)

    def remove(self, username: str) -> Removal:
        """Deactivates the account, deletes its key slot and puts the database under a new
        data key (Vault.rekey), so a copy of the old slot file with the removed user's
        passphrase no longer opens it. The re-key waits, and says for whom, while users
        remain whose slots predate key-pair slots, or another program has the vault open."""
        self._ctx.require_role(Role.DATA_MANAGER)
        name = username.strip().lower()
        if name == self._ctx.actor.username:
            raise ValidationError.single("username", N_("You cannot remove your own account."))
        with self._ctx.write() as s:
            user = s.scalar(select(User).where(User.username == name))
            if user is None:
                raise NotFound
            user.active = False
            removed = user.id
            self._audit.record(s, "user.remove", "app_user", removed)
            self._vault.slots.remove(name)
            self._vault.save_slots()
        waiting = self._vault.slots.legacy_users()
        rekeyed = self._vault.rekey()
        if rekeyed:
            with self._ctx.write() as s:
                self._audit.record(s, "vault.rekey", "app_user", removed)
        return Removal(rekeyed=rekeyed, waiting_for=tuple(waiting))

    def change_passphrase(
        self,
        username: str,
        new_passphrase: str,
        old_passphrase: str | None = None,
        kdf: crypto.KdfParams | None = None,
    ) -> None:
        """Your own passphrase needs the old one; a data manager may reset anyone's.

        Only this user's slot is rewritten; the database bytes do not change.
        """
        name = username.strip().lower()
        own = name == self._ctx.actor.username
        if not own and self._ctx.actor.role != Role.DATA_MANAGER:
            raise PermissionDenied
        check_passphrase(new_passphrase)
        if own and old_passphrase is not None:
            if self._vault.slots.unlock(name, old_passphrase) is None:
                raise WrongPassphrase
        elif own and self._ctx.actor.role != Role.DATA_MANAGER:
            raise WrongPassphrase
        with self._ctx.read() as s:
            active = s.scalar(select(User.id).where(User.username == name, User.active.is_(True)))
        if active is None:
            raise NotFound
        self._vault.slots.set_passphrase(
            name, new_passphrase, self._vault.data_key, kdf or crypto.tune_kdf()
        )
        self._vault.save_slots()
        # The database stays untouched; the change reaches the audit trail at the next unlock.
        # Audited as done by whoever did it: a reset by the data manager is theirs, not the
        # colleague's whose passphrase changed (named in the entry's detail).
        self._vault.defer_audit("user.passphrase", name, by=self._ctx.actor.username)
