"""A simple, local passphrase check explained in words (nothing is sent anywhere).

Tired people pick short or obvious passphrases, and a stolen laptop allows unlimited guessing
offline (Argon2 slows each guess, but not enough for "12345678"). So the meter says, in plain
words, what would make the passphrase better, rather than showing a number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum

from cmdesk.core.i18n import N_

# The core's rule (cmdesk.core.services.users.MIN_PASSPHRASE); the GUI only explains it, and a
# test keeps the two equal. Importing it here would load SQLAlchemy before the first window.
MIN_PASSPHRASE = 10

# Words that guessing tools try first, plus the ones anyone near this project would try.
_COMMON = (
    "password",
    "passw0rd",
    "qwerty",
    "asdf",
    "letmein",
    "iloveyou",
    "welcome",
    "admin",
    "cmdesk",
    "chiangrai",
    "thailand",
    "worldvision",
    "ecpat",
    "rahatphan",
    "รหัสผ่าน",
    "เชียงราย",
    "ประเทศไทย",
)
_RUNS = ("0123456789", "abcdefghijklmnopqrstuvwxyz", "qwertyuiop", "asdfghjkl", "zxcvbnm")


class Level(IntEnum):
    EMPTY = 0
    TOO_SHORT = 1
    WEAK = 2
    FAIR = 3
    STRONG = 4


LEVEL_NAMES = {
    Level.EMPTY: N_("No passphrase yet"),
    Level.TOO_SHORT: N_("Too short"),
    Level.WEAK: N_("Easy to guess"),
    Level.FAIR: N_("Acceptable"),
    Level.STRONG: N_("Strong"),
}


@dataclass(frozen=True)
class Strength:
    level: Level
    advice: str  # a msgid

    @property
    def acceptable(self) -> bool:
        return self.level >= Level.FAIR


def _has_run(text: str, length: int = 4) -> bool:
    for run in _RUNS:
        for i in range(len(run) - length + 1):
            piece = run[i : i + length]
            if piece in text or piece[::-1] in text:
                return True
    return False


def assess(passphrase: str, *, username: str = "") -> Strength:
    text = passphrase.strip()
    if not text:
        return Strength(
            Level.EMPTY,
            N_(
                "Choose several words that only you would put together, for example "
                "a place, a food and a colour."
            ),
        )
    if len(text) < MIN_PASSPHRASE:
        return Strength(
            Level.TOO_SHORT,
            N_("Use at least 10 characters. Several words are easier to remember than symbols."),
        )
    folded = re.sub(r"[\s._-]+", "", text.lower())
    user = username.strip().lower()
    if (
        any(word in folded for word in _COMMON)
        or (len(user) >= 3 and user in folded)
        or len(set(folded)) <= 4
        or _has_run(folded)
    ):
        return Strength(
            Level.WEAK,
            N_(
                "This is easy to guess: it contains a common word, your user name, "
                "a run such as 1234 or abcd, or repeats itself. Use your own words."
            ),
        )
    words = [w for w in re.split(r"[\s._-]+", text) if w]
    if len(text) >= 16 and (len(words) >= 3 or len(set(folded)) >= 10):
        return Strength(
            Level.STRONG,
            N_("Learn it by heart and never write it on the laptop."),
        )
    return Strength(
        Level.FAIR,
        N_("One more word would make it much harder to guess."),
    )
