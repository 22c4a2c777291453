"""Why a bundle, identity or enrolment file was refused: one message per reason.

Each reason is a `BundleRejected` with its own msgid, so a person sees what happened and what
to do, in their language, and tests can tell the reasons apart. Messages never include data.
"""

from __future__ import annotations

from cmdesk.core.errors import BundleRejected, ValidationError
from cmdesk.core.i18n import N_
from cmdesk.core.progress import Cancelled

NOT_A_BUNDLE = N_("This file is not a cmdesk sync bundle.")
STATS_NOT_SYNC = N_(
    "This file is a statistics bundle, not a sync bundle. Import it with 'stats import'. "
    "Nothing was imported."
)
SYNC_NOT_STATS = N_(
    "This file is a sync bundle, not a statistics bundle. Import it with 'sync import'. "
    "Nothing was imported."
)
NOT_STATS = N_("This file is not a cmdesk statistics bundle. Nothing was imported.")
TRUNCATED = N_(
    "The sync bundle is incomplete: it was cut short, for example when a USB stick was pulled "
    "out while copying. Copy it again. Nothing was imported."
)
ALTERED = N_(
    "The sync bundle was changed or damaged after it was made. Nothing was imported. "
    "Ask the sender for a new bundle."
)
# A bundle the hub gives out other than it was uploaded (hub_client.download): taken off the hub
# for this laptop (hub_waiting.FINAL); the sender's next bundle carries what it held, since
# nothing from this laptop said it arrived.
DAMAGED_ON_HUB = N_(
    "A sync bundle arrived from the hub damaged: it is not what its sender uploaded. Nothing "
    "was imported from it, and nothing is lost: the sender's next bundle carries it again."
)
WRONG_RECIPIENT = N_(
    "This sync bundle is addressed to another organisation ({org}). Nothing was imported."
)
FOR_ANOTHER_LAPTOP = N_(
    "This sync bundle was made for another laptop of your organisation. Nothing was imported."
)
TEAM_LAPTOP_ORG_BUNDLE = N_(
    "This sync bundle is for the laptops that hold all of your organisation's cases. This "
    "laptop holds only team {team}'s cases and opens only bundles made for it: send a bundle "
    "from this laptop to the data manager, then ask for a bundle for this laptop. Nothing was "
    "imported."
)
UNKNOWN_LAPTOP = N_(
    "No laptop {device} of this organisation has sent a bundle here yet. Import a bundle from "
    "that laptop first, then make one for it."
)
UNKNOWN_SENDER = N_(
    "This sync bundle comes from an organisation this vault does not trust ({org}). "
    "Import its identity file with 'sync trust' first. Nothing was imported."
)
UNCERTIFIED_DEVICE = N_(
    "The device that made this sync bundle is not certified by its organisation. "
    "Nothing was imported."
)
TOO_NEW = N_(
    "This sync bundle was made by a newer version of cmdesk. Update cmdesk, then import it "
    "again. Nothing was imported."
)
UNREADABLE = N_("The contents of the sync bundle cannot be read. Nothing was imported.")

NOT_AN_IDENTITY = N_("This file is not a cmdesk organisation identity file.")
IDENTITY_ALTERED = N_("The identity file was changed after it was made. It was not trusted.")
OWN_IDENTITY = N_("This is your own organisation's identity file.")
IDENTITY_CONFLICT = N_(
    "An organisation with code {code} is already trusted with different keys. It was not "
    "trusted. Phone that organisation and compare the fingerprints read aloud before you "
    "trust any file in its name."
)
IDENTITY_ID_MISMATCH = N_(
    "The identity file for {code} does not carry that organisation's id: it may be forged. "
    "It was not trusted. Phone that organisation and compare the fingerprints read aloud."
)
ORG_KEY_ELSEWHERE = N_(
    "Only the data manager's computer that created the organisation can do this."
)
REVOKED_DEVICE = N_(
    "The device that made this sync bundle was revoked by its organisation. Nothing was imported."
)
REVOKE_SELF = N_("This is this laptop's own identity. Revoke a lost or stolen laptop instead.")
UNKNOWN_DEVICE = N_(
    "No laptop or enrolment file {device} of this organisation is known here. Check the id "
    "in 'sync status' or in the audit trail."
)
NO_NEW_ORG_KEY = N_(
    "This sync bundle is closed with your organisation's new key, which this laptop has not "
    "received (a laptop that was revoked never does). Send a bundle from this laptop to the "
    "data manager's computer, then ask for a new bundle. Nothing was imported."
)
ENROL_OLD = N_(
    "This enrolment file was made by an older version of cmdesk. Ask your data manager for "
    "a new one."
)
NOT_ENROLMENT = N_("This file is not a cmdesk enrolment file.")
ENROL_WRONG_PASSPHRASE = N_(
    "The one-time passphrase does not open this enrolment file, or the file was changed."
)
ENROL_EXPIRED = N_("This enrolment file has expired. Ask your data manager for a new one.")
UNKNOWN_ORG = N_(
    "There is no identity for the organisation {org}. Import its identity file with "
    "'sync trust' first."
)
# Trust withdrawn from a partner (`sync untrust`, partners.py).
WITHDRAWN_SENDER = N_(
    "This sync bundle comes from {org}, an organisation your organisation no longer trusts. "
    "Nothing was imported. To trust it again, import its identity file with 'sync trust'."
)
WITHDRAWN_ORG = N_(
    "Your organisation no longer trusts {org}: nothing is sent to it. To trust it again, "
    "import its identity file with 'sync trust'."
)
# The partner told that it withdrew its trust in this organisation (partners.py).
PARTNER_WITHDREW = N_(
    "{org} has withdrawn its trust in your organisation: it takes no bundle from you, so "
    "nothing was made. If this is a mistake, ask {org}'s data manager to trust your "
    "organisation again."
)
OWN_ORG_UNTRUST = N_("This is your own organisation: its trust cannot be withdrawn.")
NO_CONFLICT = N_("There is no open conflict {id}. It may have been resolved already.")
BAD_VALUE = N_("This value does not fit the field {field}.")
CANCELLED = N_("Sync was cancelled. What was already imported is kept; import again to finish.")


class SyncCancelled(Cancelled):
    msgid = CANCELLED


def reject(msgid: str, /, **params: object) -> BundleRejected:
    return BundleRejected(msgid, **params)


def invalid(name: str, msgid: str, /, **params: object) -> ValidationError:
    return ValidationError.single(name, msgid, **params)


# The network hub (hub_exchange.py): said here beside the other messages naming commands, so
# the GUI has its own wording for it (gui/errors.py).
NO_HUB = N_("No sync hub is set. Set it with 'sync hub set URL --pin FINGERPRINT'.")
