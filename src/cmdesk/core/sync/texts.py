"""What front ends say about sync, in the sync catalog (so the CLI and GUI word it alike)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cmdesk.core.i18n import N_, NP_, format_datetime

if TYPE_CHECKING:
    from cmdesk.core.i18n import Translator
    from cmdesk.core.sync.status import RefusedChanges

WROTE_IDENTITY = N_(
    "Wrote the identity of {org} to {path}. Fingerprint: {fingerprint}. Read the fingerprint "
    "to the partner's data manager by phone; they check it when they trust the file."
)
TRUSTED = N_(
    "Now trusting {org} ({name}). Fingerprint: {fingerprint}. Check it with that organisation "
    "by phone before you exchange any bundle."
)
UNTRUSTED = N_(
    "Trust in {org} ({name}) withdrawn. This laptop sends it nothing more and takes no bundle "
    "from it; your organisation's other laptops learn it from this laptop's next bundle for "
    "them. What {org} holds already stays with it. {org} is told at this laptop's next "
    "exchange through the hub, or by the notice 'sync export --to {org}' writes. To trust it "
    "again, import its identity file with 'sync trust'."
)
# After a withdrawal: referrals the partner will not answer now (`sync untrust`).
OPEN_REFERRALS = NP_(
    "{n} referral sent to {org} is still open: it will get no answer now. A supervisor can "
    "withdraw it in its case.",
    "{n} referrals sent to {org} are still open: they will get no answer now. A supervisor can "
    "withdraw each in its case.",
)
PARTNER_LINE = N_("{org}: {name}. Fingerprint {fingerprint}.")
OWN_ORG_LINE = N_("{org}: {name} (this organisation). Fingerprint {fingerprint}.")
WITHDRAWN_LINE = N_("{org}: {name}. Trust withdrawn on {at}: nothing is exchanged with it.")
WITHDREW_LINE = N_(
    "{org}: {name}. It withdrew its trust in your organisation on {at}: nothing is sent to it."
)
WROTE_ENROLMENT = N_(
    "Wrote an enrolment file for one new laptop to {path}. It expires on {expires}."
)
WROTE_ENROLMENT_MANY = N_(
    "Wrote an enrolment file for {n} new laptops to {path}; each laptop that joins with it "
    "gets its own identity. It expires on {expires}."
)
REVOKED = N_(
    "Revoked {device}. Each laptop and partner refuses its bundles once it imports a bundle "
    "made after this one: send a bundle to every laptop and partner soon."
)
# Said by `sync status` and the sync screen after this vault went on as a new laptop.
NEW_IDENTITY = {
    "restored": N_(
        "On {date} this laptop found it was opened from a backup copy and went on as a new "
        "laptop. Nothing was lost: send and receive with the office, and the work made since "
        "the backup comes back."
    ),
    "forked": N_(
        "On {date} this laptop found another laptop working under its identity (a copied "
        "vault) and went on as a new laptop. Its own work is sent again under the new identity; "
        "nothing was lost."
    ),
    "repaired": N_(
        "On {date} this laptop found that an older version had let another laptop share its "
        "identity, and went on as a new laptop so that saving works again. Nothing was lost."
    ),
}
ROTATED = N_(
    "Replaced the organisation's encryption key. Laptops of the organisation receive the new "
    "key in the next bundle from this computer (a laptop it has not heard from must send it a "
    "bundle first); partners learn it from the next bundle for them."
)
OVERUSED_ENROLMENT = N_(
    "Warning: {count} laptops joined with enrolment file {enrol}, which was made for {n}: "
    "{devices}. If one of them is not your organisation's, revoke it with 'sync revoke'."
)
ENROL_PASSPHRASE = N_(
    "One-time passphrase (tell it to the person setting up the laptop, not in the same "
    "message as the file): {passphrase}"
)
TEAM_ENROLMENT = N_(
    "Laptops that join with it hold only team {team}'s cases ({n} now) and no key of the "
    "organisation. Each joined laptop first sends a bundle here; then make one for it with "
    "'sync export --laptop DEVICE_ID' (see 'sync laptops')."
)
TEAM_UNKNOWN = N_(
    "No case of this organisation is in team {team} yet. Check the team's name; teams with "
    "cases: {teams}."
)
JOINED_TEAM = N_(
    "This laptop joined {org} for team {team}. Its vault is in {path}. It holds only that "
    "team's cases: send a first bundle to your data manager ('sync export -o FILE'), then "
    "import the bundle they make for this laptop."
)
TEAM_LAPTOP = N_("This laptop holds only team {team}'s cases.")
LAPTOPS_NONE = N_("No other laptop of this organisation has sent a bundle here yet.")
LAPTOP_LINE = N_("{device}  {scope}  last bundle: {when}")
WHOLE_ORG = N_("whole organisation")
TEAM_SCOPE = N_("team {team}")
NEVER = N_("never")
EXPORTED_LAPTOP = N_(
    "Wrote a bundle for laptop {device} to {path} ({size} bytes, sealed to that laptop "
    "alone). Changes: {operations}; records: {records}."
)
NOT_IN_DIRECTORY = N_(
    "The office has no account named {name}. The cases it gives you show under the user name "
    "it knows you by: ask your data manager, then join again with that name (delete the folder "
    "{path} first)."
)
NOT_IN_DIRECTORY_CLOSE = N_("User names at the office close to it: {names}.")
JOINED = N_(
    "This laptop joined {org}. Its vault is in {path}. Now import a bundle to get the records."
)
EXPORTED = N_(
    "Wrote a bundle for {org} to {path} ({size} bytes, encrypted). Changes: {operations}; "
    "records: {records}."
)
IMPORTED = N_("Imported the bundle from {org}. New changes: {new}; already here: {duplicates}.")
# A partner's decision on this organisation, and this organisation's told to a partner
# (partners.decision_for, learn_their_decision).
NOTICE_MADE = N_(
    "Wrote a notice for {org} to {path} ({size} bytes, encrypted). Your organisation no longer "
    "trusts {org}, so it carries no records: only the decision, so that {org}'s laptops stop "
    "sending and know that no answer will come to their referrals. Give it to {org}."
)
NOTICE_SENT = N_(
    "Told {org} that your organisation no longer trusts it. No records were sent: its laptops "
    "stop sending, and know that no answer will come to their referrals."
)
PARTNER_WITHDREW_NOTE = N_(
    "{org} has withdrawn its trust in your organisation: it takes no more bundles from you, "
    "and no answer will come to your referrals still open with it. Refer those children to "
    "another organisation."
)
PARTNER_TRUSTS_AGAIN_NOTE = N_("{org} trusts your organisation again: bundles go to it as before.")
IMPORT_REPLAY = N_("This bundle was imported before. Nothing changed.")
QUARANTINED_NOTE = NP_(
    "{n} change is stamped too far in the future (a laptop with a wrong clock). It is kept "
    "but not applied; see 'sync status'.",
    "{n} changes are stamped too far in the future (a laptop with a wrong clock). They are "
    "kept but not applied; see 'sync status'.",
)
NEW_IDENTITY_NOTE = N_(
    "This vault was restored from a copy, or copied from another laptop. It now works as a "
    "new laptop of the organisation; nothing was lost."
)
FORKED_NOTE = NP_(
    "{n} change was made under this laptop's old identity by another copy of this vault. "
    "Both versions are kept; where they differ, a conflict will show for someone to decide.",
    "{n} changes were made under this laptop's old identity by another copy of this vault. "
    "Both versions are kept; where they differ, a conflict will show for someone to decide.",
)
SET_ASIDE_NOTE = NP_(
    "{n} record could not be written because another record already holds its number "
    "(for example a case number). It is kept in the sync history; tell your data manager.",
    "{n} records could not be written because another record already holds their number "
    "(for example a case number). They are kept in the sync history; tell your data manager.",
)
# A partner's changes to records not here yet (authority.NOT_HERE_YET): left out, sent again.
WAITING_FOR_RECORDS_NOTE = NP_(
    "{n} change is for a record this laptop has not received yet (for example the answer to "
    "a referral made on another laptop). It was not applied; the sender sends it again "
    "with its next bundle. Import your office's bundle first.",
    "{n} changes are for records this laptop has not received yet (for example the answer to "
    "a referral made on another laptop). They were not applied; the sender sends them again "
    "with its next bundle. Import your office's bundle first.",
)
# A team's laptop let go of cases handed to another team (team_leaving.py).
REMOVED_CASES_NOTE = N_(
    "Cases handed to another team, removed from this laptop: {n}. Everything written on them "
    "is kept at the office."
)
UPGRADE_NOTE = NP_(
    "{n} change is for a newer version of cmdesk. It is kept and will apply after you "
    "update cmdesk.",
    "{n} changes are for a newer version of cmdesk. They are kept and will apply after you "
    "update cmdesk.",
)
CONFLICTS_NOTE = NP_(
    "{n} conflict needs a decision; see 'sync conflicts'.",
    "{n} conflicts need a decision; see 'sync conflicts'.",
)
NO_CONFLICTS = N_("No conflicts.")
CONFLICT_LINE = N_("Conflict {id}: {table} {row} field {field}")
DELETE_CONFLICT_LINE = N_(
    "Conflict {id}: {table} {row} was deleted on one laptop while edited on another"
)
SIDE_LINE = N_("  [{n}] {value}  (from device {origin}, {at})")
RESOLVED = N_("Resolved conflict {id}. The decision syncs like any other change.")
STATUS_LINE = N_(
    "Device {device} of {org}. Changes held: {operations}; known devices: {peers}; "
    "conflicts: {conflicts}; quarantined: {quarantined}."
)
STATE_HASH = N_("State hash: {hash}")
# sync/unsent.py: what losing this laptop would lose (not said on the office's laptop).
ONLY_HERE = NP_(
    "Not yet sent: {n} change made on this laptop is held by no other laptop of your organisation.",
    "Not yet sent: {n} changes made on this laptop are held by no other laptop of your "
    "organisation.",
)
# hub_waiting.py: said between exchanges (the exchange itself says hub_exchange.STILL_REFUSED).
WAITING_ON_HUB = NP_(
    "{n} bundle waits on the hub, not taken by this laptop: {reason} It is downloaded again "
    "after a change here that may let it in.",
    "{n} bundles wait on the hub, not taken by this laptop: {reason} They are downloaded again "
    "after a change here that may let them in.",
)
ALL_SENT = N_("Everything made on this laptop has reached another laptop of your organisation.")
# The reasons are phrased to follow "refused:" (authority.REFUSED_LINE): after a colon here too,
# never at the start of a sentence.
TROUBLE_REFUSED = NP_(
    "Refused from {org}, {n} change: {reason}. Last on {at}.",
    "Refused from {org}, {n} changes: {reason}. Last on {at}.",
)


def refused_line(r: RefusedChanges, tr: Translator) -> str:
    """One sender's refused changes for one reason, as `sync status` and the sync screen
    say them."""
    return tr.count(
        TROUBLE_REFUSED,
        r.count,
        org=r.from_code or r.from_org,
        reason=tr.gettext(r.reason),
        at=format_datetime(r.when, tr.locale),
    )


TROUBLE_FORKED = NP_(
    "{n} change arrived from another copy of a laptop's vault. Both versions are kept.",
    "{n} changes arrived from another copy of a laptop's vault. Both versions are kept.",
)
TROUBLE_SET_ASIDE = NP_(
    "{n} record is set aside in the sync history because another record holds its number. "
    "Tell your data manager.",
    "{n} records are set aside in the sync history because another record holds their "
    "number. Tell your data manager.",
)
NO_TROUBLE = N_("No change from another laptop or organisation was refused.")
PROGRESS = N_("Step {done} of {total}")
ENROL_PASSPHRASE_PROMPT = N_("One-time passphrase of the enrolment file:")


def decision_words(decision: str, org: str, tr: Translator) -> str | None:
    """What a bundle from a partner told of its decision on this organisation
    (ImportResult.partner_decision), in the user's language; None when nothing."""
    said = {"withdrew": PARTNER_WITHDREW_NOTE, "trusts_again": PARTNER_TRUSTS_AGAIN_NOTE}
    return tr.format(said[decision], org=org) if decision in said else None
