"""What the random walks through the `cmdesk` commands share (test_random_walk.py, the
network of two organisations; test_team_walk.py, a team's laptop): a walk's folder of laptops
copied from a template, what each laptop is known to hold, backups and one restore, and the
run that checks the settled network after every walk that did not stop at a failing step."""

from __future__ import annotations

import functools
import itertools
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import ClassVar, TypeVar

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    precondition,
    rule,
    run_state_machine_as_test,
)

from tests.network.harness import PASS, Laptop

EXAMPLES = int(os.environ.get("NETWORK_EXAMPLES", "6"))
PHASES = tuple(p for p in Phase if p is not Phase.shrink or os.environ.get("NETWORK_SHRINK"))
THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")

W = TypeVar("W", bound="Walker")


def step(rule: Callable[[W, st.DataObject], None]) -> Callable[[W, st.DataObject], None]:
    """A rule that marks the walk as stopped by a failure until it ends: the walk's failing
    step is its report, not the final check of a network left half-way."""

    @functools.wraps(rule)
    def marked(self: W, data: st.DataObject) -> None:
        self.failed = True
        rule(self, data)
        self.failed = False

    return marked


class Walker(RuleBasedStateMachine):
    template: ClassVar[Path]

    def begin(self, prefix: str, laptops: dict[str, tuple[str, str]]) -> None:
        """The template's laptops (name -> (user, organisation)) copied into a new folder."""
        self.root = Path(tempfile.mkdtemp(prefix=prefix, dir=self.template))
        self.laptops: dict[str, Laptop] = {}
        for name, (user, org) in laptops.items():
            shutil.copytree(self.template / name, self.root / name)
            self.laptops[name] = Laptop(self.root / name, user, PASS, org, self.root / "b")
        # What each laptop holds of what was recorded (a child's name, a note).
        self.holds: dict[str, set[str]] = {name: set() for name in self.laptops}
        self.backups: dict[str, tuple[Path, set[str]]] = {}
        self.restored = False
        self.failed = False
        self.counter = itertools.count(1)

    def number(self) -> str:
        """The next number in Thai digits (a name in Thai script, as the forms want)."""
        return str(next(self.counter)).translate(THAI_DIGITS)

    def teardown(self) -> None:
        if hasattr(self, "root"):
            shutil.rmtree(self.root, ignore_errors=True)

    def backupable(self) -> Sequence[str]:
        """The laptops whose user may make a backup."""
        return sorted(self.laptops)

    def check_settled(self) -> None:
        raise NotImplementedError

    # -- copies ----------------------------------------------------------------------------

    @rule(data=st.data())
    @step
    def backup(self, data: st.DataObject) -> None:
        name = data.draw(st.sampled_from(self.backupable()), label="laptop")
        self.backups[name] = (self.laptops[name].backup(), set(self.holds[name]))

    @precondition(lambda self: bool(self.backups) and not self.restored)
    @rule(data=st.data())
    @step
    def restore(self, data: st.DataObject) -> None:
        """The laptop's vault put back from its latest backup (once a walk: a second restore
        can lose what the first one's laptop was believed to hold)."""
        name = data.draw(st.sampled_from(sorted(self.backups)), label="laptop")
        backup, held = self.backups.pop(name)
        laptop = self.laptops[name]
        shutil.rmtree(laptop.root)
        shutil.copytree(backup, laptop.root)
        self.holds[name] = set(held)
        self.restored = True


def run_walks(walk: type[Walker], template: Path) -> None:
    """EXAMPLES walks of up to 16 steps, each checked once settled."""

    class Checked(walk):  # type: ignore[valid-type,misc]
        def teardown(self) -> None:
            try:
                if hasattr(self, "root") and not self.failed:
                    self.check_settled()
            finally:
                super().teardown()

    Checked.template = template
    run_state_machine_as_test(
        Checked,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=16,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
            # Shrinking replays hundreds of walks of processes; the failing walk is printed
            # as found (NETWORK_SHRINK=1 shrinks it).
            phases=PHASES,
        ),
    )
