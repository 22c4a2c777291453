"""One exchange through the network hub: everything waiting for each organisation is sent,
and everything waiting for this laptop is received (issue 12). The CLI's `sync now` and the
GUI's "Send and receive now" both run it.

Below the transport everything is the USB path: `SyncEngine.export` makes the same bundles as
`sync export`, and each downloaded bundle goes through `SyncEngine.import_bundle` as
`sync import` does. A bundle the engine refuses is reported and the rest of the exchange goes
on; one that can never import here is taken off the hub for this laptop, one that may later
stays and is not downloaded again until something here changed (hub_waiting.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from cmdesk.core.errors import BundleRejected, BundleTooLarge, HubFull, HubTrouble
from cmdesk.core.i18n import N_
from cmdesk.core.progress import CancelToken, Progress, no_progress
from cmdesk.core.sync import hub_waiting, keystore, partners
from cmdesk.core.sync.hub_client import HubClient, Listed, load_setting, save_setting
from cmdesk.core.sync.rejections import NO_HUB

if TYPE_CHECKING:
    from cmdesk.core.i18n import Translator
    from cmdesk.core.sync.engine import ExportResult, SyncEngine


# A bundle the hub has no room for stays on the laptop: the next exchange makes it again.
HELD = N_(
    "Not sent to {org}: the sync hub has no room for this laptop's bundles now. They wait on"
    " this laptop and nothing is lost; tell your data manager."
)


# A bundle above the hub's limit goes in parts; one that cannot be cut into parts the hub
# takes (a hub set to take almost nothing) stays on the laptop: a USB stick carries any size.
TOO_LARGE = N_(
    "Not sent to {org}: this bundle ({size_mb} MB) cannot be cut into parts as small as the"
    " sync hub takes ({limit_mb} MB). Nothing is lost: carry it on a USB stick (Export in"
    " Exchange, or `cmdesk sync export`), or ask your data manager to raise the hub's limit."
)


# A bundle above the hub's limit went in parts, each a whole bundle (parts.py).
IN_PARTS = N_(
    "The sync hub takes smaller bundles than this one: it went to {org} in {parts} parts,"
    " each imported on its own as it arrives."
)


@dataclass(frozen=True)
class Sent:
    org: str  # organisation code
    operations: int
    size: int
    held: bool = False  # the hub was full or the bundle too large: not all of it was sent
    limit: int = 0  # the hub's largest bundle, when no cut into parts fitted
    parts: int = 1  # bundles it took: the hub's largest bundle was smaller than the whole
    notice: bool = False  # told a partner no longer trusted so, and nothing else


def held_words(sent: Sent, tr: Translator) -> str | None:
    """Why a bundle stayed on the laptop, in the user's language; None when it was sent."""
    if not sent.held:
        return None
    if sent.limit:
        size_mb, limit_mb = -(-sent.size >> 20), max(1, sent.limit >> 20)
        return tr.format(TOO_LARGE, org=sent.org, size_mb=size_mb, limit_mb=limit_mb)
    return tr.format(HELD, org=sent.org)


def parts_words(sent: Sent, tr: Translator) -> str | None:
    """That a bundle went in parts, in the user's language; None when it went whole."""
    if sent.held or sent.parts < 2:
        return None
    return tr.format(IN_PARTS, org=sent.org, parts=sent.parts)


@dataclass(frozen=True)
class Received:
    org: str
    new: int
    duplicates: int
    removed_cases: int = 0  # a team's laptop: cases handed to another team (team_leaving)
    partner_decision: str = ""  # the partner told its decision on us (ImportResult)


@dataclass(frozen=True)
class Refused:
    bundle_id: str
    reason: BundleRejected
    again: bool = False  # refused at an earlier exchange, not downloaded again
    taken_off: bool = False  # can never import here: taken off the hub for this laptop


# A bundle refused for good: taken off the hub for this laptop.
REFUSED = N_("A bundle from the hub was refused: {reason}")
# Refused before, for a reason nothing has changed since (hub_waiting.py).
STILL_REFUSED = N_(
    "A bundle on the hub is still refused, and was not downloaded again: {reason} It stays"
    " on the hub and is downloaded once more after a change here that may let it in."
)


def refused_words(refused: Refused, tr: Translator, reason: str | None = None) -> str:
    """Why a bundle on the hub was not taken, in the user's language (`reason`: the refusal
    as the GUI words it, without command names)."""
    said = STILL_REFUSED if refused.again else REFUSED
    return tr.format(said, reason=reason or refused.reason.message(tr))


@dataclass(frozen=True)
class HubExchange:
    sent: tuple[Sent, ...]
    received: tuple[Received, ...]
    refused: tuple[Refused, ...]


def exchange_through_hub(
    sync: SyncEngine,
    vault_dir: Path,
    *,
    url: str | None = None,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> HubExchange:
    """Sends, receives, then sends each team's laptop what it lacks. `url`: another address
    for the hub (the pin stays the one set). Steps for progress: one per bundle made, one
    per bundle received."""
    setting = load_setting(vault_dir)
    if setting is None:
        raise HubTrouble(NO_HUB)
    keys = sync.keys()
    trusted = sync.trusted()
    codes = {t.org_id: t.code for t in trusted}
    own = next(t.code for t in trusted if t.own)
    sent: list[Sent] = []
    received: list[Received] = []
    refused: list[Refused] = []
    client = HubClient(url or setting.url, setting.pin, keys.device)

    # The hub's largest bundle once it has said it (a 413 now or at an earlier exchange).
    ceiling = setting.max_bytes

    with sync.store.read() as db:
        told = partners.told(db)
        decided = {org: at for org, _withdrawn, at in keystore.decisions(db)}

    def untold(result: ExportResult) -> bool:
        """A bundle for a partner carrying a decision on it this laptop has not sent it yet
        (withdrawn, or trusted again): sent even without a change."""
        return bool(result.decision_at) and told.get(result.recipient_org) != result.decision_at

    def uploaded(result: ExportResult) -> None:
        if result.decision_at:
            told[result.recipient_org] = result.decision_at

    def send(targets: list[tuple[str | None, str | None]]) -> None:
        for done, (for_org, laptop) in enumerate(targets):
            if cancel is not None:
                cancel.check()
            progress(done, len(targets))
            name = f"{own} {laptop[:8]}" if laptop is not None else (for_org or own)
            if ceiling:
                cut = in_parts(for_org, laptop, name)
                if not (cut.held and cut.limit):
                    sent.append(cut)
                    continue
                # Not cut small enough for what the hub said before: it may take more now.
                learn(0)
            data, result = sync.export(for_org, laptop=laptop)
            if not result.operations and not untold(result):
                sent.append(Sent(name, 0, 0))
                continue
            try:
                client.upload(data)
                uploaded(result)
            except HubFull:
                # Receiving still helps: fetched bundles are what lets the hub free room.
                sent.append(Sent(name, result.operations, 0, held=True))
                continue
            except BundleTooLarge as exc:
                learn(exc.limit)
                sent.append(in_parts(for_org, laptop, name))
                continue
            sent.append(Sent(name, result.operations, result.size, notice=result.notice))

    def learn(limit: int) -> None:
        """Remembers the hub's ceiling for the rest of this exchange and the next ones (0:
        forgets it)."""
        nonlocal ceiling
        ceiling = limit
        save_setting(vault_dir, replace(setting, max_bytes=limit))

    def in_parts(for_org: str | None, laptop: str | None, name: str) -> Sent:
        """What the recipient lacks, in bundles the hub takes (parts.py: one whole bundle
        when it fits). One that cannot be cut small enough stays; a hub that lowered its
        ceiling since it was learnt says so on upload, and the cut is made again once."""
        retried = False
        while True:
            try:
                pieces = sync.export_parts(ceiling, for_org, laptop=laptop, cancel=cancel)
            except BundleTooLarge as exc:
                return Sent(name, exc.operations, exc.size, held=True, limit=ceiling)
            operations = sum(result.operations for _, result in pieces)
            if not operations and not untold(pieces[0][1]):
                return Sent(name, 0, 0)
            size = 0
            try:
                for data, result in pieces:
                    client.upload(data)
                    uploaded(result)
                    size += len(data)
            except HubFull:
                return Sent(name, operations, 0, held=True)
            except BundleTooLarge as exc:
                whole = sum(len(data) for data, _ in pieces)
                if retried or exc.limit >= ceiling:
                    return Sent(name, operations, whole, held=True, limit=exc.limit)
                retried = True
                learn(exc.limit)
                continue
            return Sent(name, operations, size, parts=len(pieces), notice=pieces[0][1].notice)

    def receive(waiting: list[Listed]) -> None:
        """Imports each bundle waiting on the hub, but for those refused before for a reason
        nothing has changed since (hub_waiting.py); a refusal that may pass later is tried
        once more at the end should what arrived meanwhile (a partner the office trusts, a new
        key) change it."""
        with sync.store.read() as db:
            known, opens = hub_waiting.load(db), hub_waiting.what_opens(db)
        remembered: dict[str, hub_waiting.Waiting] = {}
        later: list[Listed] = []
        for done, item in enumerate(waiting):
            if cancel is not None:
                cancel.check()
            progress(done, len(waiting))
            before = known.get(item.sha256)
            if before is not None and before.opens == opens:
                remembered[item.sha256] = before
                refused.append(Refused(item.bundle_id, before.reason, again=True))
                continue
            if (reason := take(item)) is not None:
                later.append(item)
                remembered[item.sha256] = hub_waiting.Waiting(reason, opens)
        with sync.store.read() as db:
            now = hub_waiting.what_opens(db)
        for item in later if now != opens else ():
            del refused[next(i for i, r in enumerate(refused) if r.bundle_id == item.bundle_id)]
            if (reason := take(item)) is None:
                del remembered[item.sha256]
            else:
                remembered[item.sha256] = hub_waiting.Waiting(reason, now)
        with sync.store.write() as db:
            hub_waiting.save(db, remembered)

    def code_of(org_id: str) -> str:
        """A partner first trusted in this exchange (the office's bundle named it)."""
        codes.update((t.org_id, t.code) for t in sync.trusted())
        return codes.get(org_id, org_id)

    def take(item: Listed) -> BundleRejected | None:
        """Downloads and imports one bundle; the refusal when it may pass later."""
        try:
            got = sync.import_bundle(client.download(item))
        except BundleRejected as exc:
            final = hub_waiting.is_final(exc)
            refused.append(Refused(item.bundle_id, exc, taken_off=final))
            if final:
                # Taken off the hub for this laptop: not fetched again at every exchange over
                # a field connection (hub_waiting.py says why nothing is lost).
                client.fetched(item)
                return None
            return exc
        client.fetched(item)
        received.append(
            Received(
                codes.get(got.sender_org) or code_of(got.sender_org),
                got.new,
                got.duplicates,
                got.removed_cases,
                got.partner_decision,
            )
        )
        return None

    try:
        client.sign_in()
        # A partner whose trust was withdrawn gets the notice alone, once, from a laptop that
        # may decide trust; one that withdrew its own trust gets nothing (partners.py).
        tells = partners.may_decide_trust(keys.device.cert.role)
        send(
            [
                (None, None),
                *(
                    (t.code, None)
                    for t in trusted
                    if not t.own
                    and not t.withdrew_at
                    and (
                        not t.withdrawn_at
                        or (tells and told.get(t.org_id) != decided.get(t.org_id))
                    )
                ),
            ]
        )
        with sync.store.write() as db:
            partners.remember_told(db, told)
        receive(client.pending())
        if keys.org.box_secret is not None:
            # A laptop holding every case sends each team's laptop (known now, after what
            # just arrived) what it lacks, sealed to that laptop alone: it cannot open the
            # organisation's bundles.
            send([(None, x.device_id) for x in sync.laptops() if x.team is not None])
    finally:
        client.close()
    return HubExchange(tuple(sent), tuple(received), tuple(refused))
