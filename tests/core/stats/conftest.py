"""Two organisations that trust each other (the sync tests' network), with demo cases."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from cmdesk.core.demo.generate import generate
from tests.core.sync.conftest import Net, copy_network, network_template  # noqa: F401

AS_OF = date(2026, 11, 25)


@pytest.fixture
def net(network_template: Path, tmp_path: Path) -> Iterator[Net]:  # noqa: F811
    network = copy_network(network_template, tmp_path)
    generate(network.a1, 60, seed=3, as_of=AS_OF, workers=0)
    generate(network.p1, 12, seed=4, as_of=AS_OF, workers=0)
    yield network
    network.close()
